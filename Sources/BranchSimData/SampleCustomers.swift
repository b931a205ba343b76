import Foundation

/// Generated customer rows for timing a load (`branchsim bench --data ROWS`,
/// `branchsim-data-bench`): ten outlets (named in `outlets`, rows grouped by outlet), three
/// products (`deposit`, `wealth`, `fund`), off-bank assets, reachable flag, segments
/// (`payroll`, `mortgage`, `elderly`) and two dates, written as banks' exports write them:
/// quoted amounts with thousands separators, 万 amounts, CRLF. The same file every time.
public enum SampleCustomers {
    public static let outlets = ["中心支行", "儿童银行", "影迷俱乐部", "汽车俱乐部", "健康生活", "east", "west", "north", "south", "harbour"]
    public static let products = ["deposit", "wealth", "fund"]
    public static let segments = ["payroll", "mortgage", "elderly"]

    /// The schema the rows are read against.
    public static var schema: DataSchema {
        DataSchema(products: products.map { .init(name: $0) }, segments: segments, outlets: outlets)
    }

    /// A fixed linear congruential generator.
    struct Generator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next(_ n: UInt64) -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (state >> 33) % n
        }
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    /// Writes `rows` customers to `path` (UTF-8, or GB18030 when asked).
    public static func write(rows: Int, to path: String, gb18030: Bool = false) throws {
        var g = Generator()
        func next(_ n: UInt64) -> UInt64 { g.next(n) }
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown)
        }
        var text = "id,outlet,balance_deposit,balance_wealth,balance_fund,offbank,reachable,segments,opened,last_contact\r\n"
        for i in 0..<rows {
            let outlet = outlets[i * outlets.count / rows]
            let deposit = 1000 + next(4_000_000)
            let wealth = next(4) == 0 ? next(2_000_000) : 0
            let fund = next(8) == 0 ? "\(next(50))万" : ""
            let offbank = next(3) == 0 ? "" : "\"\(grouped(deposit))\""
            let reachable = next(3) == 0 ? "no" : "yes"
            let segments = ["", "payroll", "payroll;mortgage", "elderly"][Int(next(4))]
            let opened = "20\(10 + next(15))-\(String(format: "%02d", 1 + next(12)))-\(String(format: "%02d", 1 + next(28)))"
            text += "C\(i),\(outlet),\(deposit).\(next(100)),\(wealth),\(fund),\(offbank),\(reachable),\(segments),\(opened),\r\n"
            if text.utf8.count > 1 << 20 || i == rows - 1 {
                try out.write(contentsOf: gb18030 ? encodeGB18030(text) : Data(text.utf8))
                text = ""
            }
        }
        try out.close()
    }

    /// `text` in GB18030 (through iconv, as the reader decodes it).
    static func encodeGB18030(_ text: String) -> Data {
        let cd = iconv_open("GB18030", "UTF-8")
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let written: Int = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { outp in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inp.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inp.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outp.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outp.count
                _ = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return outp.count - outLeft
            }
        }
        return Data(output[..<written])
    }
}
