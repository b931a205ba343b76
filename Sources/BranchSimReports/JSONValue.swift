/// A JSON value written deterministically: object keys sorted (by UTF-8 bytes), numbers in
/// their shortest round-trip form, non-finite numbers as `null`, two-space indentation.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int64)
    case unsigned(UInt64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A number, or `null` when it is NaN or infinite.
    public static func finite(_ v: Double?) -> JSONValue {
        guard let v, v.isFinite else { return .null }
        return .number(v)
    }

    public func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return out
    }

    func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let v):
            if !v.isFinite {
                out += "null"
            } else if v == v.rounded(), abs(v) < 1e15 {
                // Whole numbers without a trailing ".0" (and -0 as 0).
                out += String(Int64(v))
            } else {
                out += v.description
            }
        case .integer(let i): out += String(i)
        case .unsigned(let u): out += String(u)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            // Short arrays of scalars stay on one line.
            if items.count <= 8, items.allSatisfy(\.isScalar) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    item.write(into: &out, indent: indent)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                Self.writeIndent(indent + 2, into: &out)
                item.write(into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            Self.writeIndent(indent, into: &out)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                Self.writeIndent(indent + 2, into: &out)
                Self.writeString(key, into: &out)
                out += ": "
                members[key]!.write(into: &out, indent: indent + 2)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            Self.writeIndent(indent, into: &out)
            out += "}"
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    private static let spaces = String(repeating: " ", count: 64)

    /// `n` spaces (a slice of a kept string, not a new one per line).
    static func writeIndent(_ n: Int, into out: inout String) {
        if n <= 64 {
            out.append(contentsOf: spaces.prefix(n))
        } else {
            out += String(repeating: " ", count: n)
        }
    }

    static func writeString(_ s: String, into out: inout String) {
        // Most strings (keys, names, numbers' labels) are printable ASCII without quotes or
        // backslashes: written whole. The rest scalar by scalar, escaping what JSON needs.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
