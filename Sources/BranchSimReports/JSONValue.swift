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
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, indent: 0)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes UTF-8 bytes: a report of a few hundred kilobytes is written without the
    /// per-append bookkeeping of a growing `String`.
    func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .null: Self.append("null", to: &out)
        case .bool(let b): Self.append(b ? "true" : "false", to: &out)
        case .number(let v):
            if !v.isFinite {
                Self.append("null", to: &out)
            } else if v == v.rounded(), abs(v) < 1e15 {
                // Whole numbers without a trailing ".0" (and -0 as 0).
                Self.append(Int64(v), to: &out)
            } else {
                Self.append(v.description, to: &out)
            }
        case .integer(let i): Self.append(i, to: &out)
        case .unsigned(let u): Self.append(String(u), to: &out)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { Self.append("[]", to: &out); return }
            // Short arrays of scalars stay on one line.
            if items.count <= 8, items.allSatisfy(\.isScalar) {
                out.append(UInt8(ascii: "["))
                for (i, item) in items.enumerated() {
                    if i > 0 { Self.append(", ", to: &out) }
                    item.write(into: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            Self.append("[\n", to: &out)
            for (i, item) in items.enumerated() {
                Self.writeIndent(indent + 2, into: &out)
                item.write(into: &out, indent: indent + 2)
                Self.append(i == items.count - 1 ? "\n" : ",\n", to: &out)
            }
            Self.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty { Self.append("{}", to: &out); return }
            Self.append("{\n", to: &out)
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, member) in sorted.enumerated() {
                Self.writeIndent(indent + 2, into: &out)
                Self.writeString(member.key, into: &out)
                Self.append(": ", to: &out)
                member.value.write(into: &out, indent: indent + 2)
                Self.append(i == sorted.count - 1 ? "\n" : ",\n", to: &out)
            }
            Self.writeIndent(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    static func append(_ s: String, to out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
    }

    /// A whole number's decimal digits, written without making a `String`.
    static func append(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// `n` spaces.
    static func writeIndent(_ n: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n))
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        // Most strings (keys, names, numbers' labels) are printable ASCII without quotes or
        // backslashes: written whole. The rest scalar by scalar, escaping what JSON needs.
        out.append(UInt8(ascii: "\""))
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"", to: &out)
            case "\\": append("\\\\", to: &out)
            case "\n": append("\\n", to: &out)
            case "\r": append("\\r", to: &out)
            case "\t": append("\\t", to: &out)
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex, to: &out)
                } else {
                    UTF8.encode(scalar) { out.append($0) }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
