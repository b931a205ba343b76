import BranchSimModel
import Foundation

/// The workshop charts, each drawn into its own `SVG`. Every chart takes plain numbers so it
/// can be tested apart from results; `HTMLReport` picks the numbers from a `ReportDocument`.
public enum Charts {
    /// Colour-blind-safe palette (Okabe-Ito, reordered), one colour per variant.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F"]
    static let ink = "#222", grid = "#e3e3e3", muted = "#666", warn = "#C0392B"

    public static func colour(_ i: Int) -> String { palette[i % palette.count] }

    static let width = 720.0
    static let marginLeft = 92.0, marginRight = 28.0

    /// Rough rendered width of `s` in pixels at `size` (wide CJK characters about 1.2em, Latin about 0.62em: generous, so labels are not clipped).
    static func textWidth(_ s: String, size: Double = 12) -> Double {
        Double(DisplayWidth.of(s)) * size * 0.62
    }

    /// A row of colour swatches and labels at the top of a chart; returns its height.
    @discardableResult
    static func legend(_ svg: inout SVG, _ items: [(label: String, colour: String)], y: Double = 16) -> Double {
        guard items.count > 1 || items.first.map({ !$0.label.isEmpty }) == true else { return 0 }
        var x = marginLeft
        for item in items {
            svg.rect(x: x, y: y - 9, width: 12, height: 12, fill: item.colour)
            svg.text(item.label, x: x + 17, y: y + 1, fill: ink)
            x += 17 + textWidth(item.label) + 22
        }
        return 20
    }

    static func yAxis(_ svg: inout SVG, _ axis: Axis, unit: MetricUnit, top: Double, bottom: Double, title: String? = nil,
                      labels custom: [String]? = nil) {
        let labels = custom ?? axis.labels(unit: unit)
        for (t, label) in zip(axis.ticks, labels) {
            let y = axis.position(t, from: bottom, to: top)
            svg.line(x1: marginLeft, y1: y, x2: width - marginRight, y2: y, stroke: grid)
            svg.text(label, x: marginLeft - 6, y: y + 4, anchor: .end, size: 11, fill: muted)
        }
        if let title {
            svg.text(title, x: 14, y: (top + bottom) / 2, anchor: .middle, size: 11, fill: muted, rotate: -90)
        }
    }

    static func xAxis(_ svg: inout SVG, _ axis: Axis, unit: MetricUnit, y: Double, title: String?,
                      labels: [(Double, String)]? = nil) {
        let left = marginLeft, right = width - marginRight
        svg.line(x1: left, y1: y, x2: right, y2: y, stroke: "#999")
        let marks = labels ?? Array(zip(axis.ticks, axis.labels(unit: unit)))
        for (t, label) in marks {
            let x = axis.position(t, from: left, to: right)
            svg.line(x1: x, y1: y, x2: x, y2: y + 4, stroke: "#999")
            svg.text(label, x: x, y: y + 17, anchor: .middle, size: 11, fill: muted)
        }
        if let title { svg.text(title, x: (left + right) / 2, y: y + 34, anchor: .middle, size: 11, fill: muted) }
    }

    // MARK: Distribution

    /// Overlaid histograms (share of runs per bin) of one metric for each variant, with a
    /// dashed line at each variant's mean. Bins are shared so the shapes compare directly.
    public static func histogram(_ variants: [(label: String, values: [Double])], unit: MetricUnit,
                                 xTitle: String, title: String) -> SVG {
        let all = variants.flatMap(\.values).filter(\.isFinite)
        let height = 290.0
        var svg = SVG(width: width, height: height, title: title)
        guard let lo = all.min(), let hi = all.max() else {
            svg.text("no values", x: width / 2, y: height / 2, anchor: .middle, fill: muted)
            return svg
        }
        let perVariant = max(1, all.count / max(1, variants.count))
        let binCount = min(30, max(8, Int(Double(perVariant).squareRoot())))
        let range = Axis.nice(lo, hi, count: binCount)
        let bw = range.step
        let bins = max(1, Int(min(1000, ((range.high - range.low) / bw).rounded())))
        var shares: [[Double]] = []
        for v in variants {
            var counts = [Double](repeating: 0, count: bins)
            let finite = v.values.filter(\.isFinite)
            // Clamped as a Double first: a value far outside the axis must not overflow Int.
            for x in finite { counts[Int(min(Double(bins - 1), max(0, ((x - range.low) / bw).rounded(.down))))] += 1 }
            shares.append(counts.map { finite.isEmpty ? 0 : $0 / Double(finite.count) })
        }
        let top = 30.0 + legend(&svg, variants.enumerated().map { ($1.label, colour($0)) })
        let bottom = height - 46
        let x = Axis(low: range.low, high: range.high,
                     ticks: Axis.nice(range.low, range.high, count: 6).ticks.filter { $0 >= range.low - 1e-9 && $0 <= range.high + 1e-9 },
                     step: Axis.nice(range.low, range.high, count: 6).step)
        let y = Axis.nice(0, shares.flatMap { $0 }.max() ?? 1, count: 4, includeZero: true)
        let percentDecimals = y.step >= 0.01 ? 0 : 1
        yAxis(&svg, y, unit: .ratio, top: top, bottom: bottom,
              labels: y.ticks.map { NumberFormat.percent($0, decimals: percentDecimals) })
        let left = marginLeft, right = width - marginRight
        for (i, v) in variants.enumerated() {
            var pts: [(Double, Double)] = [(x.position(range.low, from: left, to: right), bottom)]
            for (b, s) in shares[i].enumerated() {
                let x0 = x.position(range.low + Double(b) * bw, from: left, to: right)
                let x1 = x.position(range.low + Double(b + 1) * bw, from: left, to: right)
                let yy = y.position(s, from: bottom, to: top)
                pts += [(x0, yy), (x1, yy)]
            }
            pts.append((x.position(range.high, from: left, to: right), bottom))
            svg.polygon(pts, fill: colour(i), opacity: 0.3, stroke: colour(i))
            let finite = v.values.filter(\.isFinite)
            if !finite.isEmpty {
                let mean = finite.reduce(0, +) / Double(finite.count)
                let mx = x.position(mean, from: left, to: right)
                svg.line(x1: mx, y1: top, x2: mx, y2: bottom, stroke: colour(i), width: 1.5, dash: "5 3")
            }
        }
        xAxis(&svg, x, unit: unit, y: bottom, title: xTitle)
        svg.text("share of runs", x: 14, y: (top + bottom) / 2, anchor: .middle, size: 11, fill: muted, rotate: -90)
        return svg
    }

    // MARK: Time series

    /// A fan chart per variant: the p5-p95 band of a per-step series and its median line.
    public static func fan(_ variants: [(label: String, bands: [MetricSummary])], unit: MetricUnit,
                           stepUnit: String, title: String) -> SVG {
        let height = 300.0
        var svg = SVG(width: width, height: height, title: title)
        let lows = variants.flatMap { $0.bands.map(\.p5) }.filter(\.isFinite)
        let highs = variants.flatMap { $0.bands.map(\.p95) }.filter(\.isFinite)
        let steps = variants.map(\.bands.count).max() ?? 0
        guard let lo = lows.min(), let hi = highs.max(), steps > 0 else {
            svg.text("no series", x: width / 2, y: height / 2, anchor: .middle, fill: muted)
            return svg
        }
        let top = 30.0 + legend(&svg, variants.enumerated().map { ("\($1.label) (median, p5-p95)", colour($0)) })
        let bottom = height - 46
        let y = Axis.nice(lo, hi, count: 5)
        let x = Axis.nice(0, Double(steps), count: 8, includeZero: true)
        let xa = Axis(low: 0, high: Double(steps), ticks: x.ticks.filter { $0 <= Double(steps) }, step: x.step)
        yAxis(&svg, y, unit: unit, top: top, bottom: bottom)
        let left = marginLeft, right = width - marginRight
        for (i, v) in variants.enumerated() {
            let xs = v.bands.indices.map { xa.position(Double($0 + 1), from: left, to: right) }
            let upper = zip(xs, v.bands).map { ($0, y.position($1.p95, from: bottom, to: top)) }
            let lower = zip(xs, v.bands).map { ($0, y.position($1.p5, from: bottom, to: top)) }
            svg.polygon(upper + lower.reversed(), fill: colour(i), opacity: 0.18)
            svg.polyline(zip(xs, v.bands).map { ($0, y.position($1.p50, from: bottom, to: top)) }, stroke: colour(i), width: 2)
        }
        xAxis(&svg, xa, unit: .count, y: bottom, title: stepUnit)
        return svg
    }

    // MARK: Staffing

    /// FTE needed per role (bar: mean; whisker: p95) for each variant against the FTE on hand (black mark).
    public static func staffing(_ variants: [(label: String, rows: [TextReports.StaffingRow])], title: String) -> SVG {
        let roles = variants.first?.rows.map(\.role) ?? []
        let barH = 16.0, gap = 22.0
        let legendH = 20.0
        let groupH = Double(variants.count) * (barH + 3) + gap
        let top = 30.0 + legendH
        let height = top + Double(roles.count) * groupH + 40
        var svg = SVG(width: width, height: height, title: title)
        legend(&svg, variants.enumerated().map { ($1.label, colour($0)) } + [("on hand", ink)])
        let maxValue = variants.flatMap { $0.rows.flatMap { [$0.needP95, $0.available, $0.fteMean] } }
            .filter(\.isFinite).max() ?? 1
        let x = Axis.nice(0, maxValue * 1.05, count: 6, includeZero: true)
        let labelW = (roles.map { textWidth($0) * 1.12 }.max() ?? 0) + 18
        let left = max(marginLeft + 40, labelW), right = width - marginRight - 110
        let bottom = height - 40
        for (t, label) in zip(x.ticks, x.labels(unit: .fte)) {
            let px = x.position(t, from: left, to: right)
            svg.line(x1: px, y1: top - 4, x2: px, y2: bottom, stroke: grid)
            svg.text(label, x: px, y: bottom + 15, anchor: .middle, size: 11, fill: muted)
        }
        svg.text("FTE", x: (left + right) / 2, y: bottom + 31, anchor: .middle, size: 11, fill: muted)
        for (r, role) in roles.enumerated() {
            let gy = top + Double(r) * groupH
            svg.text(role, x: left - 8, y: gy + Double(variants.count) * (barH + 3) / 2 + 4, anchor: .end, fill: ink, bold: true)
            var available = 0.0
            for (i, v) in variants.enumerated() {
                guard r < v.rows.count else { continue }
                let row = v.rows[r]
                available = row.available
                let y0 = gy + Double(i) * (barH + 3)
                // `staffing.ROLE.fte` already holds activity and the managed book (docs/model.md):
                // adding `managedFTE` again drew the mean above its own p95.
                let need = row.fteMean
                let x1 = x.position(need.isFinite ? need : 0, from: left, to: right)
                svg.rect(x: left, y: y0, width: x1 - left, height: barH, fill: colour(i),
                         tooltip: "\(v.label) \(row.role): mean \(NumberFormat.fte(need)) FTE, p95 \(NumberFormat.fte(row.needP95))")
                let xp = x.position(row.needP95.isFinite ? row.needP95 : 0, from: left, to: right)
                svg.line(x1: x1, y1: y0 + barH / 2, x2: xp, y2: y0 + barH / 2, stroke: ink)
                svg.line(x1: xp, y1: y0 + 3, x2: xp, y2: y0 + barH - 3, stroke: ink)
                let short = row.shortfall > 0.005
                let note = short ? "p95 \(NumberFormat.fte(row.needP95)) · short \(NumberFormat.fte(row.shortfall))"
                                 : "p95 \(NumberFormat.fte(row.needP95))"
                svg.text(note, x: max(xp, x.position(available, from: left, to: right)) + 6, y: y0 + barH - 4,
                         size: 11, fill: short ? warn : muted, bold: short)
            }
            let xa = x.position(available, from: left, to: right)
            svg.line(x1: xa, y1: gy - 4, x2: xa, y2: gy + Double(variants.count) * (barH + 3) + 1, stroke: ink, width: 2.5)
        }
        return svg
    }

    // MARK: Rankings

    /// Echelon colours, best first: dark to light blue, then warm for the lower echelons.
    static func echelonColour(_ e: Int, of count: Int) -> String {
        let scale = ["#08519C", "#3182BD", "#9ECAE1", "#FDAE6B", "#E6550D"]
        guard count > 1 else { return scale[0] }
        return scale[min(scale.count - 1, (e * (scale.count - 1) + (count - 1) / 2) / (count - 1))]
    }

    /// One bar per outlet (in the given order), split by the probability of landing in each
    /// echelon (E1, the best, on the left); the whole bar is 100%.
    public static func ranking(_ rows: [(outlet: String, echelons: [Double])], title: String) -> SVG {
        let count = rows.first?.echelons.count ?? 0
        let barH = 18.0, gap = 8.0
        let top = 30.0
        let height = top + Double(rows.count) * (barH + gap) + 40
        var svg = SVG(width: width, height: height, title: title)
        legend(&svg, (0..<count).map { ("E\($0 + 1)", echelonColour($0, of: count)) })
        let labelW = (rows.map { textWidth($0.outlet) * 1.12 }.max() ?? 0) + 18
        let left = max(marginLeft + 20, labelW), right = width - marginRight
        let bottom = height - 40
        for k in 0...4 {
            let px = left + Double(k) / 4 * (right - left)
            svg.line(x1: px, y1: top - 4, x2: px, y2: bottom, stroke: grid)
            svg.text("\(k * 25)%", x: px, y: bottom + 15, anchor: .middle, size: 11, fill: muted)
        }
        svg.text("probability of each echelon", x: (left + right) / 2, y: bottom + 31, anchor: .middle, size: 11, fill: muted)
        for (i, row) in rows.enumerated() {
            let y0 = top + Double(i) * (barH + gap)
            svg.text(row.outlet, x: left - 8, y: y0 + barH - 5, anchor: .end, fill: ink, bold: true)
            var x0 = left
            for (e, p) in row.echelons.enumerated() where p > 0 && p.isFinite {
                let w = p * (right - left)
                svg.rect(x: x0, y: y0, width: w, height: barH, fill: echelonColour(e, of: count),
                         tooltip: "\(row.outlet): E\(e + 1) \(NumberFormat.percent(p))")
                if w >= 34 {
                    svg.text(NumberFormat.percent(p, decimals: 0), x: x0 + w / 2, y: y0 + barH - 5, anchor: .middle, size: 11,
                             fill: e * 2 < count ? "#fff" : ink)
                }
                x0 += w
            }
        }
        return svg
    }

    // MARK: Funnel

    /// Horizontal bars per funnel stage (mean customers) with counts and the share passing
    /// from the stage before, one bar per variant.
    public static func funnel(_ variants: [(label: String, stages: [(stage: String, mean: Double)])], title: String) -> SVG {
        var stageNames: [String] = []
        for v in variants { for s in v.stages where !stageNames.contains(s.stage) { stageNames.append(s.stage) } }
        let barH = 15.0, gap = 12.0
        let legendH = variants.count > 1 ? 20.0 : 0
        let groupH = Double(variants.count) * (barH + 2) + gap
        let top = 14.0 + legendH
        let height = top + Double(stageNames.count) * groupH + 8
        var svg = SVG(width: width, height: height, title: title)
        if variants.count > 1 { legend(&svg, variants.enumerated().map { ($1.label, colour($0)) }) }
        let maxValue = variants.flatMap { $0.stages.map(\.mean) }.filter(\.isFinite).max() ?? 1
        let labelW = (stageNames.map { textWidth($0) }.max() ?? 0) + 16
        let left = max(marginLeft + 20, labelW), right = width - marginRight - 130
        for (s, stage) in stageNames.enumerated() {
            let gy = top + Double(s) * groupH
            svg.text(stage, x: left - 8, y: gy + Double(variants.count) * (barH + 2) / 2 + 3, anchor: .end, fill: ink)
            for (i, v) in variants.enumerated() {
                guard let k = v.stages.firstIndex(where: { $0.stage == stage }) else { continue }
                let m = v.stages[k].mean
                let y0 = gy + Double(i) * (barH + 2)
                let w = maxValue > 0 && m.isFinite ? (m / maxValue) * (right - left) : 0
                svg.rect(x: left, y: y0, width: w, height: barH, fill: colour(i))
                var label = NumberFormat.count(m)
                if k > 0 {
                    let before = v.stages[k - 1].mean
                    if before > 0 { label += "  (\(NumberFormat.percent(m / before)))" }
                }
                svg.text(label, x: left + w + 6, y: y0 + barH - 3, size: 11, fill: ink)
            }
        }
        return svg
    }

    // MARK: Migration

    /// Start tier (rows) x end tier (columns, plus `left`) heat map of mean customers, on a log
    /// colour scale so small upgrade counts show beside the large stay-put diagonal.
    public static func migration(tiers: [String], cells: [[Double]], title: String) -> SVG {
        let columns = tiers + ["left"]
        let labelW = max(70, (tiers.map { textWidth($0) }.max() ?? 0) + 20)
        let cellW = min(110, (width - labelW - marginRight - 20) / Double(max(1, columns.count)))
        let cellH = 32.0
        let top = 44.0
        let height = top + Double(tiers.count) * cellH + 34
        let w = labelW + 20 + Double(columns.count) * cellW + 10
        var svg = SVG(width: max(w, 360), height: height, title: title)
        let maxValue = cells.flatMap { $0 }.filter(\.isFinite).max() ?? 0
        let left = labelW + 20
        svg.text("end tier →", x: left, y: 14, size: 11, fill: muted)
        for (j, c) in columns.enumerated() {
            svg.text(c, x: left + (Double(j) + 0.5) * cellW, y: top - 8, anchor: .middle, size: 12, fill: ink, bold: true)
        }
        svg.text("start tier ↓", x: 8, y: 14, size: 11, fill: muted)
        for (i, from) in tiers.enumerated() {
            let y = top + Double(i) * cellH
            svg.text(from, x: left - 8, y: y + cellH / 2 + 4, anchor: .end, fill: ink, bold: true)
            for (j, _) in columns.enumerated() {
                let v = j < cells[i].count ? cells[i][j] : .nan
                let t = maxValue > 0 && v.isFinite && v > 0 ? log1p(v) / log1p(maxValue) : 0
                let x = left + Double(j) * cellW
                svg.rect(x: x, y: y, width: cellW - 2, height: cellH - 2, fill: heat(t),
                         stroke: i == j ? ink : nil, tooltip: "\(from) → \(columns[j]): \(NumberFormat.count(v))")
                svg.text(NumberFormat.count(v), x: x + (cellW - 2) / 2, y: y + cellH / 2 + 3, anchor: .middle,
                         size: 11, fill: t > 0.55 ? "#fff" : ink)
            }
        }
        svg.text("right of the outlined diagonal: upgrades; left: downgrades; colour on a log scale",
                 x: left, y: height - 12, size: 11, fill: muted)
        return svg
    }

    /// Light grey-blue to deep blue.
    static func heat(_ t: Double) -> String {
        let t = min(1, max(0, t))
        let from = (243.0, 246.0, 251.0), to = (8.0, 48.0, 107.0)
        func c(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        let rgb = [c(from.0, to.0), c(from.1, to.1), c(from.2, to.2)]
        return "#" + rgb.map { v in
            let h = String(v, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }

    // MARK: Sweep

    /// A metric across the swept values: mean line, 95% CI band and the p5-p95 range.
    public static func sweepLine(_ points: [(label: String, value: Double?, summary: MetricSummary)], unit: MetricUnit,
                                 metric: String, xTitle: String) -> SVG {
        let height = 260.0
        var svg = SVG(width: width, height: height, title: "\(metric) by \(xTitle)")
        let numeric = points.allSatisfy { $0.value?.isFinite == true }
            && Set(points.compactMap(\.value)).count == points.count
        let xs = points.enumerated().map { numeric ? $1.value! : Double($0) }
        let lows = points.map(\.summary.p5).filter(\.isFinite), highs = points.map(\.summary.p95).filter(\.isFinite)
        guard let lo = lows.min(), let hi = highs.max(), let x0 = xs.min(), let x1 = xs.max() else {
            svg.text("no values", x: width / 2, y: height / 2, anchor: .middle, fill: muted)
            return svg
        }
        let top = 30.0 + legend(&svg, [("mean", colour(0)), ("95% CI", colour(0) + "88"), ("p5-p95", "#cccccc")])
        let bottom = height - 46
        let y = Axis.nice(lo, hi, count: 4)
        let pad = x1 > x0 ? (x1 - x0) * 0.04 : 1
        let x = Axis(low: x0 - pad, high: x1 + pad, ticks: xs, step: 1)
        yAxis(&svg, y, unit: unit, top: top, bottom: bottom)
        let left = marginLeft, right = width - marginRight
        func px(_ v: Double) -> Double { x.position(v, from: left, to: right) }
        func py(_ v: Double) -> Double { y.position(v, from: bottom, to: top) }
        let s = points.map(\.summary)
        svg.polygon(zip(xs, s).map { (px($0), py($1.p95)) } + zip(xs, s).reversed().map { (px($0), py($1.p5)) },
                    fill: "#999999", opacity: 0.2)
        svg.polygon(zip(xs, s).map { (px($0), py($1.ciHigh)) } + zip(xs, s).reversed().map { (px($0), py($1.ciLow)) },
                    fill: colour(0), opacity: 0.3)
        svg.polyline(zip(xs, s).map { (px($0), py($1.mean)) }, stroke: colour(0), width: 2)
        for (xv, p) in zip(xs, points) {
            svg.circle(cx: px(xv), cy: py(p.summary.mean), r: 3.5, fill: colour(0),
                       tooltip: "\(p.label): \(NumberFormat.value(p.summary.mean, unit: unit, units: .yuan))")
        }
        xAxis(&svg, x, unit: .count, y: bottom, title: xTitle, labels: zip(xs, points.map(\.label)).map { ($0, $1) })
        return svg
    }
}
