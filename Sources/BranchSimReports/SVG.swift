/// A small SVG writer: shapes and text appended in order, text and attributes escaped,
/// coordinates printed with at most two decimals so output is stable and compact.
public struct SVG: Sendable {
    public enum Anchor: String, Sendable {
        case start, middle, end
    }

    public let width: Double
    public let height: Double
    /// Read by screen readers and shown as a tooltip (`<title>`).
    public var title: String?
    private var parts: [String] = []

    public init(width: Double, height: Double, title: String? = nil) {
        self.width = width
        self.height = height
        self.title = title
    }

    /// A coordinate: at most two decimals, no trailing zeros, no `-0`.
    public static func num(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let r = (min(max(v, -1e9), 1e9) * 100).rounded() / 100
        if r == r.rounded() { return String(Int64(r)) }
        var s = String(r)
        if s.contains("e") { s = String(Int64(r)) }
        return s
    }

    private static func attributes(_ pairs: [(String, String?)]) -> String {
        pairs.compactMap { k, v in v.map { " \(k)=\"\(XML.escape($0))\"" } }.joined()
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, opacity: Double? = nil, tooltip: String? = nil) {
        let a = Self.attributes([
            ("x", Self.num(x)), ("y", Self.num(y)), ("width", Self.num(max(0, width))),
            ("height", Self.num(max(0, height))), ("fill", fill), ("stroke", stroke),
            ("fill-opacity", opacity.map(Self.num)),
        ])
        if let tooltip {
            parts.append("<rect\(a)><title>\(XML.escape(tooltip))</title></rect>")
        } else {
            parts.append("<rect\(a)/>")
        }
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                              width: Double = 1, dash: String? = nil) {
        parts.append("<line" + Self.attributes([
            ("x1", Self.num(x1)), ("y1", Self.num(y1)), ("x2", Self.num(x2)), ("y2", Self.num(y2)),
            ("stroke", stroke), ("stroke-width", Self.num(width)), ("stroke-dasharray", dash),
        ]) + "/>")
    }

    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5,
                                  dash: String? = nil) {
        guard !points.isEmpty else { return }
        parts.append("<polyline" + Self.attributes([
            ("points", Self.pointList(points)), ("fill", "none"), ("stroke", stroke),
            ("stroke-width", Self.num(width)), ("stroke-linejoin", "round"), ("stroke-dasharray", dash),
        ]) + "/>")
    }

    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double = 1,
                                 stroke: String? = nil) {
        guard !points.isEmpty else { return }
        parts.append("<polygon" + Self.attributes([
            ("points", Self.pointList(points)), ("fill", fill), ("fill-opacity", Self.num(opacity)),
            ("stroke", stroke),
        ]) + "/>")
    }

    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, tooltip: String? = nil) {
        let a = Self.attributes([("cx", Self.num(cx)), ("cy", Self.num(cy)), ("r", Self.num(r)), ("fill", fill)])
        if let tooltip {
            parts.append("<circle\(a)><title>\(XML.escape(tooltip))</title></circle>")
        } else {
            parts.append("<circle\(a)/>")
        }
    }

    public mutating func text(_ s: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
                              fill: String = "#222", bold: Bool = false, rotate: Double? = nil,
                              baseline: String? = nil) {
        let a = Self.attributes([
            ("x", Self.num(x)), ("y", Self.num(y)),
            ("text-anchor", anchor == .start ? nil : anchor.rawValue), ("font-size", Self.num(size)),
            ("fill", fill), ("font-weight", bold ? "600" : nil), ("dominant-baseline", baseline),
            ("transform", rotate.map { "rotate(\(Self.num($0)) \(Self.num(x)) \(Self.num(y)))" }),
        ])
        parts.append("<text\(a)>\(XML.escape(s))</text>")
    }

    /// The element; `className` goes on the root `<svg>`.
    public func render(className: String = "chart") -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(XML.escape(className))\""
        out += " viewBox=\"0 0 \(Self.num(width)) \(Self.num(height))\" width=\"\(Self.num(width))\""
        out += " height=\"\(Self.num(height))\" role=\"img\""
        if let title { out += " aria-label=\"\(XML.escape(title))\">\n<title>\(XML.escape(title))</title>\n" }
        else { out += ">\n" }
        for p in parts { out += p + "\n" }
        return out + "</svg>"
    }

    private static func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(num($0.0)),\(num($0.1))" }.joined(separator: " ")
    }
}
