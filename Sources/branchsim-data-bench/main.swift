// Times loading a customers table: writes ROWS generated customer rows (10 outlets, three
// products, off-bank assets, reachable flag, segments, two dates) to a temporary CSV file, or
// a GB18030 one with --gb18030, reads it with CustomerTable.read, and prints the time and the
// stored table's size. Peak memory: run it under `/usr/bin/time -v`.
//
//   swift build -c release --product branchsim-data-bench
//   /usr/bin/time -v .build/release/branchsim-data-bench 1000000 [--gb18030] [--keep]
import BranchSimData
import CoreFoundation
import Foundation

var rows = 1_000_000
var gb18030 = false
var keep = false
var existing: String?
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    if a == "--gb18030" { gb18030 = true } else if a == "--keep" { keep = true } else if a == "--file", let f = arguments.popFirst() {
        existing = f
    } else if let n = Int(a), n > 0 { rows = n } else {
        FileHandle.standardError.write(Data("usage: branchsim-data-bench [ROWS] [--gb18030] [--keep] [--file CSV]\n".utf8))
        exit(2)
    }
}

let outlets = ["中心支行", "儿童银行", "影迷俱乐部", "汽车俱乐部", "健康生活", "east", "west", "north", "south", "harbour"]
let path = existing ?? FileManager.default.temporaryDirectory
    .appendingPathComponent("branchsim-data-bench-\(rows)\(gb18030 ? "-gb18030" : "").csv").path

/// A fixed linear congruential generator: the same file every time.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next(_ n: UInt64) -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (state >> 33) % n
    }
}

/// `1234567` as `1,234,567`.
func grouped(_ n: UInt64) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(d)
    }
    return out
}

let writeStart = Date()
if existing == nil {
    var g = Generator()
    func next(_ n: UInt64) -> UInt64 { g.next(n) }
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let out = FileHandle(forWritingAtPath: path)!
    let gbEncoding = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(
        CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))
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
            out.write(gb18030 ? text.data(using: gbEncoding)! : Data(text.utf8))
            text = ""
        }
    }
    try out.close()
}
let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
if existing == nil { print("wrote \(rows) rows (\(size / 1_000_000) MB\(gb18030 ? ", GB18030" : "")) in \(String(format: "%.2f", Date().timeIntervalSince(writeStart))) s: \(path)") }

let schema = DataSchema(
    products: [.init(name: "deposit"), .init(name: "wealth"), .init(name: "fund")],
    segments: ["payroll", "mortgage", "elderly"], outlets: outlets)
let estimate = CustomerTable.estimatedRows(.csv(path: path)) ?? 0
print("estimated rows before reading: \(estimate); bytes stored: \(estimate * CustomerTable.bytesPerCustomer(products: 3, segments: 3) / 1_000_000) MB")
let start = Date()
do {
    let table = try CustomerTable.read(.csv(path: path), schema: schema)
    let seconds = Date().timeIntervalSince(start)
    print("loaded \(table.count) customers in \(String(format: "%.2f", seconds)) s (\(Int(Double(table.count) / seconds)) rows/s)")
    print("per outlet: \(table.customersPerOutlet())")
} catch {
    print(error)
    exit(1)
}
if !keep, existing == nil { try? FileManager.default.removeItem(atPath: path) }
