#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a cell is not a value of its kind: the message and what to write instead.
struct CellError: Error {
    var message: String
    var help: String
}

/// Reading cell values as bank files write them. Every function takes the cell's trimmed bytes.
enum CellValue {
    // UTF-8 of the scale words and the currency sign.
    private static let wan: [UInt8] = [0xE4, 0xB8, 0x87]    // 万
    private static let yi: [UInt8] = [0xE4, 0xBA, 0xBF]     // 亿
    private static let yuan: [UInt8] = [0xE5, 0x85, 0x83]   // 元
    private static let fullYen: [UInt8] = [0xEF, 0xBF, 0xA5]  // ￥

    /// An amount of money in yuan: `12345.67`, `12,345.67`, `5万`, `1.2万`, `3亿`, `5万元`,
    /// `¥1,200`, `-300`, `1.2E+07`. Thousands separators must group by three.
    static func amount(_ cell: ArraySlice<UInt8>) -> Result<Double, CellError> {
        var s = cell
        // Currency signs in front, 元 at the end.
        if s.starts(with: fullYen) { s = s.dropFirst(3) }
        else if s.starts(with: [0xC2, 0xA5]) { s = s.dropFirst(2) }  // ¥
        if s.count >= 3, s.suffix(3).elementsEqual(yuan) { s = s.dropLast(3) }
        var scale = 1.0
        if s.count >= 3, s.suffix(3).elementsEqual(wan) { scale = 1e4; s = s.dropLast(3) }
        else if s.count >= 3, s.suffix(3).elementsEqual(yi) { scale = 1e8; s = s.dropLast(3) }
        s = trimmed(s)
        guard let v = plainNumber(s) else {
            return .failure(CellError(
                message: "'\(String(decoding: cell, as: UTF8.self))' is not an amount",
                help: "write yuan as 120000, 120,000.00, 12万 or 1.2亿"))
        }
        return .success(v * scale)
    }

    /// A whole number such as a count of customers: `20000`, `20,000`, `2万`.
    static func count(_ cell: ArraySlice<UInt8>) -> Result<Int, CellError> {
        let help = "write a whole number such as 20000, 20,000 or 2万"
        switch amount(cell) {
        case .failure:
            return .failure(CellError(message: "'\(String(decoding: cell, as: UTF8.self))' is not a whole number", help: help))
        case .success(let v):
            guard v == v.rounded(), abs(v) < 1e15 else {
                return .failure(CellError(message: "'\(String(decoding: cell, as: UTF8.self))' is not a whole number", help: help))
            }
            return .success(Int(v))
        }
    }

    /// A share: `35%` or a fraction `0.35`; a bare number above 1 is refused as ambiguous.
    static func share(_ cell: ArraySlice<UInt8>) -> Result<Double, CellError> {
        let text = String(decoding: cell, as: UTF8.self)
        var s = cell
        var percent = false
        if s.last == 0x25 { percent = true; s = trimmed(s.dropLast()) }  // %
        else if s.count >= 3, s.suffix(3).elementsEqual([0xEF, 0xBC, 0x85]) { percent = true; s = trimmed(s.dropLast(3)) }  // ％
        guard let v = plainNumber(s) else {
            return .failure(CellError(message: "'\(text)' is not a share", help: "write a share as 35% or 0.35"))
        }
        let share = percent ? v / 100 : v
        guard share >= 0, share <= 1 else {
            return .failure(CellError(message: "share '\(text)' is outside 0% to 100%",
                                      help: percent ? "write a share from 0% to 100%" : "write 35% or 0.35, not 35"))
        }
        return .success(share)
    }

    /// A multiple such as off-bank assets: `1.5x`, `1.5`, `1.5倍`.
    static func multiple(_ cell: ArraySlice<UInt8>) -> Result<Double, CellError> {
        var s = cell
        if s.last == 0x78 || s.last == 0x58 { s = s.dropLast() }  // x X
        else if s.count >= 3, s.suffix(3).elementsEqual([0xE5, 0x80, 0x8D]) { s = s.dropLast(3) }  // 倍
        guard let v = plainNumber(trimmed(s)), v >= 0 else {
            return .failure(CellError(message: "'\(String(decoding: cell, as: UTF8.self))' is not a multiple",
                                      help: "write a multiple of the in-bank balance as 1.5x or 1.5"))
        }
        return .success(v)
    }

    /// A yes/no flag: yes/no, y/n, true/false, 1/0, 是/否 (any case).
    static func flag(_ cell: ArraySlice<UInt8>) -> Result<Bool, CellError> {
        // The common spellings without making a String.
        if cell.count <= 5, cell.allSatisfy({ $0 < 0x80 }) {
            var key: UInt64 = 0
            for b in cell { key = key << 8 | UInt64(b >= 0x41 && b <= 0x5A ? b + 0x20 : b) }
            switch key {
            case 0x79_65_73, 0x79, 0x31, 0x74_72_75_65: return .success(true)        // yes y 1 true
            case 0x6E_6F, 0x6E, 0x30, 0x66_61_6C_73_65: return .success(false)      // no n 0 false
            default: break
            }
        }
        let t = String(decoding: cell, as: UTF8.self).lowercased()
        switch t {
        case "yes", "y", "true", "t", "1", "是": return .success(true)
        case "no", "n", "false", "f", "0", "否": return .success(false)
        default:
            return .failure(CellError(message: "'\(t)' is not yes or no", help: "write yes or no (also 1/0, true/false, 是/否)"))
        }
    }

    /// A date: `2023-05-01`, `2023/5/1`, `2023.5.1` or `20230501`, optionally followed by a time
    /// (ignored). Returns days since 1970-01-01.
    static func date(_ cell: ArraySlice<UInt8>) -> Result<Int, CellError> {
        var fail: CellError {
            CellError(message: "'\(String(decoding: cell, as: UTF8.self))' is not a date",
                      help: "write a date as 2023-05-01 (also 2023/5/1 or 20230501)")
        }
        var s = cell
        // Drop a time part: "2023-05-01 09:30:00" or "2023-05-01T09:30".
        if let i = s.firstIndex(where: { $0 == 0x20 || $0 == 0x54 }) { s = s[s.startIndex..<i] }
        var parts: [Int] = []
        var current = 0, digits = 0
        for b in s {
            if b >= 0x30, b <= 0x39 {
                current = current * 10 + Int(b - 0x30)
                digits += 1
                guard digits <= 8 else { return .failure(fail) }
            } else if b == 0x2D || b == 0x2F || b == 0x2E {  // - / .
                guard digits > 0 else { return .failure(fail) }
                parts.append(current)
                current = 0
                digits = 0
            } else {
                return .failure(fail)
            }
        }
        guard digits > 0 else { return .failure(fail) }
        parts.append(current)
        if parts.count == 1, digits == 8 { parts = [current / 10000, current / 100 % 100, current % 100] }
        guard parts.count == 3 else { return .failure(fail) }
        let (y, m, d) = (parts[0], parts[1], parts[2])
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1900...2200).contains(y), (1...12).contains(m), d >= 1, d <= monthDays[m - 1] else { return .failure(fail) }
        return .success(daysFromCivil(y, m, d))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// A plain decimal: optional sign, digits with optional thousands commas (grouped by three),
    /// an optional fraction and exponent. Parsed by the C library (correctly rounded).
    static func plainNumber(_ s: ArraySlice<UInt8>) -> Double? {
        guard !s.isEmpty, s.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 72) { out -> Double? in
            var n = 0
            var i = s.startIndex
            if s[i] == 0x2D || s[i] == 0x2B { out[n] = CChar(bitPattern: s[i]); n += 1; i += 1 }
            // Integer part, checking comma groups.
            var sawDigit = false, groupDigits = 0, sawComma = false, firstGroup = 0
            while i < s.endIndex {
                let b = s[i]
                if b >= 0x30, b <= 0x39 {
                    out[n] = CChar(bitPattern: b); n += 1
                    sawDigit = true
                    groupDigits += 1
                } else if b == 0x2C {
                    if !sawComma { firstGroup = groupDigits } else if groupDigits != 3 { return nil }
                    guard groupDigits > 0, firstGroup <= 3 else { return nil }
                    sawComma = true
                    groupDigits = 0
                } else {
                    break
                }
                i += 1
            }
            if sawComma, groupDigits != 3 { return nil }
            if i < s.endIndex, s[i] == 0x2E {  // .
                out[n] = 0x2E; n += 1; i += 1
                while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39 { out[n] = CChar(bitPattern: s[i]); n += 1; i += 1; sawDigit = true }
            }
            guard sawDigit else { return nil }
            if i < s.endIndex, s[i] == 0x65 || s[i] == 0x45 {  // e E
                out[n] = 0x65; n += 1; i += 1
                if i < s.endIndex, s[i] == 0x2D || s[i] == 0x2B { out[n] = CChar(bitPattern: s[i]); n += 1; i += 1 }
                var expDigits = 0
                while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39 { out[n] = CChar(bitPattern: s[i]); n += 1; i += 1; expDigits += 1 }
                guard expDigits > 0 else { return nil }
            }
            guard i == s.endIndex else { return nil }
            out[n] = 0
            let v = strtod(out.baseAddress!, nil)
            return v.isFinite ? v : nil
        }
    }

    /// Splits a list cell (`payroll; elderly`, `payroll|elderly`, `payroll、elderly`) into trimmed names.
    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == ";" || $0 == "|" || $0 == "、" || $0 == "," || $0 == "；" })
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
