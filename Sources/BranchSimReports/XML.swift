/// Escaping for XML and HTML: the one escaper of the SVG charts, the HTML report and the
/// JUnit XML of `branchsim test` (the driver reaches it through this module).
public enum XML {
    /// Escapes `& < > " '` and line breaks, so the result is safe as character data and as an
    /// attribute value in XML 1.0 and HTML alike; drops the characters XML 1.0 forbids.
    ///
    /// `'` becomes `&#39;` (HTML 4 has no `&apos;`); a line feed and a tab become `&#10;` and
    /// `&#9;`, which an attribute value keeps (a raw one is normalized to a space) and which
    /// read the same as raw ones in character data.
    ///
    /// - Complexity: O(n) in the number of Unicode scalars.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n": out += "&#10;"
            case "\t": out += "&#9;"
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { continue }
                out.unicodeScalars.append(u)
            }
        }
        return out
    }
}
