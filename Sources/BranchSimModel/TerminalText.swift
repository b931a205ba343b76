/// Text bound for a terminal, with control characters shown rather than obeyed.
///
/// A scenario's text (its title, comments, names in strings, the source lines diagnostics
/// quote) reaches the terminal through reports, diagnostics and the shell. An ESC or BEL in
/// it would be obeyed: a file could retitle the terminal, clear it or move the cursor. At
/// every place where BranchSim writes to a terminal, text passes through `visible(_:)`,
/// which shows such characters the way `less` and `cat -v` do.
public enum TerminalText {
    /// `text` with every control character shown: C0 controls in caret notation (ESC as `^[`,
    /// BEL as `^G`, CR as `^M`), DEL as `^?`, C1 controls and the bidirectional overrides
    /// that can reorder what is shown as `<U+009B>`. Newlines and tabs are kept.
    /// - Parameter keepingStyles: keep the colour escapes BranchSim itself writes (SGR:
    ///   `ESC [` numbers `m`, limited to reset, bold, dim and colours); any other escape
    ///   sequence is still shown.
    public static func visible(_ text: String, keepingStyles: Bool = false) -> String {
        // The common case, nothing to show: return the text unchanged without copying it.
        guard text.unicodeScalars.contains(where: needsShowing) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\u{1B}", keepingStyles, let end = styleEnd(scalars, from: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            if needsShowing(c) { out.append(contentsOf: shown(c).unicodeScalars) } else { out.append(c) }
            i += 1
        }
        return String(out)
    }

    /// Whether `c` is shown rather than written.
    public static func needsShowing(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F, 0x80...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// How `visible(_:)` shows `c` (`c` itself when it needs no showing).
    public static func shown(_ c: Unicode.Scalar) -> String {
        guard needsShowing(c) else { return String(c) }
        switch c.value {
        case 0x00...0x1F: return "^" + String(Unicode.Scalar(UInt8(c.value + 0x40)))
        case 0x7F: return "^?"
        default:
            let hex = String(c.value, radix: 16, uppercase: true)
            return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
        }
    }

    /// SGR parameters that only style text: reset, bold, dim, normal intensity, colours.
    private static func isStyleParameter(_ n: Int) -> Bool {
        n == 0 || n == 1 || n == 2 || n == 22 || n == 39 || (30...37).contains(n) || (90...97).contains(n)
    }

    /// The index of the `m` ending a style sequence that starts at `start` (an ESC), or nil.
    private static func styleEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 1 < s.count, s[start + 1] == "[" else { return nil }
        var j = start + 2
        var number = ""
        while j < s.count, j - start < 32 {
            let c = s[j]
            if c == "m" || c == ";" {
                guard isStyleParameter(Int(number) ?? 0) else { return nil }
                if c == "m" { return j }
                number = ""
            } else if ("0"..."9").contains(c) {
                number.unicodeScalars.append(c)
            } else {
                return nil
            }
            j += 1
        }
        return nil
    }
}
