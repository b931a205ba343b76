import BranchSimModel

extension Charts {
    /// `calibrate`'s figures at the fitted plan: one strip per observed figure, each on its
    /// own scale (the figures are in different units): the band the bank saw (value ±
    /// tolerance, or a bound running off the strip), the fitted plan's interval for one
    /// outcome (thin line), the 95% interval of its mean (thick) and the mean (dot). A figure
    /// is consistent when the thin line meets the band (docs/model.md, "Calibration").
    public static func calibration(_ figures: [DecisionResult.Figure], title: String) -> SVG {
        let rowH = 58.0, top = 36.0
        let height = top + Double(figures.count) * rowH + 12
        var svg = SVG(width: width, height: height, title: title)
        legend(&svg, [("observed", colour(1)), ("fitted plan: one outcome, 95% CI of the mean, mean", colour(0))])
        let labelW = (figures.map { textWidth($0.metric) * 1.12 }.max() ?? 0) + 18
        let left = max(marginLeft, min(labelW, 260)), right = width - marginRight - 96
        for (i, f) in figures.enumerated() {
            let y0 = top + Double(i) * rowH
            let mid = y0 + 16
            let finite = [f.observedLow, f.observedHigh, f.low, f.high, f.mean].filter(\.isFinite)
            let x = Axis.nice(finite.min() ?? 0, finite.max() ?? 1, count: 5, includeZero: false)
            func px(_ v: Double) -> Double { x.position(min(max(v, x.low), x.high), from: left, to: right) }
            svg.line(x1: left, y1: mid, x2: right, y2: mid, stroke: grid)
            for (t, label) in zip(x.ticks, x.labels(unit: f.unit)) {
                let p = x.position(t, from: left, to: right)
                svg.line(x1: p, y1: mid - 12, x2: p, y2: mid + 12, stroke: grid)
                svg.text(label, x: p, y: mid + 26, anchor: .middle, size: 10, fill: muted)
            }
            svg.text(f.metric, x: left - 8, y: mid + 4, anchor: .end, fill: ink, bold: true)
            // The observed band; a bound runs to the strip's edge.
            let b0 = px(f.observedLow), b1 = px(f.observedHigh)
            svg.rect(x: b0, y: mid - 11, width: max(2, b1 - b0), height: 22, fill: colour(1), opacity: 0.3,
                     tooltip: "observed \(f.metric): \(f.observedLabel)")
            // The fitted plan.
            let unit = f.unit
            func v(_ x: Double) -> String { NumberFormat.value(x, unit: unit, units: .yuan) }
            svg.line(x1: px(f.low), y1: mid, x2: px(f.high), y2: mid, stroke: colour(0), width: 2)
            svg.line(x1: px(f.low), y1: mid - 5, x2: px(f.low), y2: mid + 5, stroke: colour(0), width: 2)
            svg.line(x1: px(f.high), y1: mid - 5, x2: px(f.high), y2: mid + 5, stroke: colour(0), width: 2)
            svg.rect(x: px(f.ciLow), y: mid - 4, width: max(2, px(f.ciHigh) - px(f.ciLow)), height: 8, fill: colour(0),
                     tooltip: "fitted plan: mean \(v(f.mean)), 95% CI \(v(f.ciLow)) .. \(v(f.ciHigh)), one outcome \(v(f.low)) .. \(v(f.high))")
            svg.circle(cx: px(f.mean), cy: mid, r: 4, fill: ink)
            svg.text(f.consistent ? "consistent" : "NOT consistent", x: right + 12, y: mid + 4,
                     size: 11, fill: f.consistent ? colour(2) : warn, bold: !f.consistent)
        }
        return svg
    }
}
