import BranchSimModel

extension Charts {
    /// One input of a sensitivity analysis: the metric with the input at its low and at its
    /// high setting, the others at their base.
    public typealias TornadoRow = DecisionResult.Bar

    /// A tornado chart: one horizontal bar per input from the base value to the metric at
    /// the input's low setting (first colour) and at its high setting (second colour), the
    /// input with the largest swing at the top, a vertical line at the base.
    public static func tornado(_ rows: [TornadoRow], base: Double, unit: MetricUnit, metric: String) -> SVG {
        let ranked = rows.enumerated().sorted { a, b in
            a.element.swing != b.element.swing ? a.element.swing > b.element.swing : a.offset < b.offset
        }.map(\.element)
        let barH = 18.0, gap = 10.0
        let top = 36.0
        let height = top + Double(ranked.count) * (barH + gap) + 44
        var svg = SVG(width: width, height: height, title: "What moves \(metric)")
        legend(&svg, [("low setting", colour(0)), ("high setting", colour(1))])
        let values = ranked.flatMap { [$0.low, $0.high] }.filter(\.isFinite) + [base]
        let x = Axis.nice(values.min() ?? 0, values.max() ?? 1, count: 6, includeZero: false)
        let labelW = (ranked.map { textWidth($0.input) * 1.12 }.max() ?? 0) + 18
        let left = max(marginLeft, labelW), right = width - marginRight - 70
        let bottom = top + Double(ranked.count) * (barH + gap)
        for (t, label) in zip(x.ticks, x.labels(unit: unit)) {
            let px = x.position(t, from: left, to: right)
            svg.line(x1: px, y1: top - 4, x2: px, y2: bottom, stroke: grid)
            svg.text(label, x: px, y: bottom + 15, anchor: .middle, size: 11, fill: muted)
        }
        svg.text(metric, x: (left + right) / 2, y: bottom + 31, anchor: .middle, size: 11, fill: muted)
        let xb = x.position(base, from: left, to: right)
        for (i, row) in ranked.enumerated() {
            let y0 = top + Double(i) * (barH + gap)
            svg.text(row.input, x: left - 8, y: y0 + barH / 2 + 4, anchor: .end, fill: ink, bold: true)
            for (k, (value, label)) in [(row.low, row.lowLabel), (row.high, row.highLabel)].enumerated() where value.isFinite {
                let xv = x.position(value, from: left, to: right)
                let tooltip = "\(row.input) at \(label): \(metric) \(NumberFormat.value(value, unit: unit, units: .yuan))"
                svg.rect(x: min(xb, xv), y: y0, width: abs(xv - xb), height: barH, fill: colour(k), tooltip: tooltip)
                let outside = xv >= xb
                svg.text(label, x: xv + (outside ? 4 : -4), y: y0 + barH / 2 + 4, anchor: outside ? .start : .end,
                         size: 11, fill: muted)
            }
        }
        svg.line(x1: xb, y1: top - 6, x2: xb, y2: bottom, stroke: ink, width: 2)
        return svg
    }
}

extension DecisionResult.Bar {
    /// The swing: how far apart the two settings put the metric.
    public var swing: Double { abs(high - low) }
}
