// Times loading a customers table: writes ROWS generated customer rows (10 outlets, three
// products, off-bank assets, reachable flag, segments, two dates) to a temporary CSV file, or
// a GB18030 one with --gb18030, reads it with CustomerTable.read, and prints the time and the
// stored table's size. Peak memory: run it under `/usr/bin/time -v`.
//
//   swift build -c release --product branchsim-data-bench
//   /usr/bin/time -v .build/release/branchsim-data-bench 1000000 [--gb18030] [--keep]
import BranchSimData
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

let outlets = SampleCustomers.outlets
let path = existing ?? FileManager.default.temporaryDirectory
    .appendingPathComponent("branchsim-data-bench-\(rows)\(gb18030 ? "-gb18030" : "").csv").path

let writeStart = Date()
if existing == nil {
    do { try SampleCustomers.write(rows: rows, to: path, gb18030: gb18030) } catch {
        FileHandle.standardError.write(Data("cannot write \(path): \(error)\n".utf8))
        exit(2)
    }
}
let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
if existing == nil { print("wrote \(rows) rows (\(size / 1_000_000) MB\(gb18030 ? ", GB18030" : "")) in \(String(format: "%.2f", Date().timeIntervalSince(writeStart))) s: \(path)") }

let schema = SampleCustomers.schema
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
