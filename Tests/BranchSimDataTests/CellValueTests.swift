@testable import BranchSimData
import Testing

@Suite struct CellValueTests {
    static func amount(_ s: String) -> Double? {
        if case .success(let v) = CellValue.amount(trimmed(ArraySlice(s.utf8))) { return v }
        return nil
    }

    @Test func amountsAsBankFilesWriteThem() {
        #expect(Self.amount("12345.67") == 12345.67)
        #expect(Self.amount("12,345.67") == 12345.67)
        #expect(Self.amount("1,234,567") == 1_234_567)
        #expect(Self.amount("5万") == 50_000)
        #expect(Self.amount("1.2万") == 12_000)
        #expect(Self.amount("3亿") == 300_000_000)
        #expect(Self.amount("5万元") == 50_000)
        #expect(Self.amount("1200元") == 1200)
        #expect(Self.amount("¥1,200") == 1200)
        #expect(Self.amount("￥1,200") == 1200)
        #expect(Self.amount(" 800 ") == 800)
        #expect(Self.amount("-300") == -300)
        #expect(Self.amount("1.2E+07") == 12_000_000)
        #expect(Self.amount(".5") == 0.5)
    }

    @Test func amountsThatAreRefused() {
        for bad in ["", "abc", "1,20", "12,3456", "1234,567", ",123", "1..2", "5千", "万", "1e", "--1", "1 2", "NaN", "inf"] {
            #expect(Self.amount(bad) == nil, "'\(bad)'")
        }
    }

    @Test func sharesMultiplesFlagsDates() {
        func share(_ s: String) -> Double? { try? CellValue.share(ArraySlice(s.utf8)).get() }
        #expect(share("35%") == 0.35)
        #expect(share("0.35") == 0.35)
        #expect(share("2.5 %") == 0.025)
        #expect(share("35") == nil)
        #expect(share("120%") == nil)
        func multiple(_ s: String) -> Double? { try? CellValue.multiple(ArraySlice(s.utf8)).get() }
        #expect(multiple("1.5x") == 1.5)
        #expect(multiple("2") == 2)
        #expect(multiple("1.5倍") == 1.5)
        #expect(multiple("-1x") == nil)
        func flag(_ s: String) -> Bool? { try? CellValue.flag(ArraySlice(s.utf8)).get() }
        #expect(flag("Yes") == true && flag("1") == true && flag("是") == true && flag("TRUE") == true)
        #expect(flag("no") == false && flag("0") == false && flag("否") == false)
        #expect(flag("maybe") == nil)
        func date(_ s: String) -> Int? { try? CellValue.date(ArraySlice(s.utf8)).get() }
        #expect(date("1970-01-01") == 0)
        #expect(date("2024-03-01") == 19783)
        #expect(date("2024/3/1") == 19783)
        #expect(date("20240301") == 19783)
        #expect(date("2024.03.01 09:30:00") == 19783)
        #expect(date("2024-02-29") == 19782)
        #expect(date("2023-02-29") == nil)
        #expect(date("2024-13-01") == nil)
        #expect(date("01/03/2024") == nil)
    }

    @Test func idTableGrowsAndRemembersFirstRows() {
        var t = IDTable(expected: 0)
        for i in 1...10_000 { #expect(t.insert(fnv1a(ArraySlice("C\(i)".utf8)), row: i) == nil) }
        for i in stride(from: 1, through: 10_000, by: 777) { #expect(t.insert(fnv1a(ArraySlice("C\(i)".utf8)), row: 20_000) == i) }
        #expect(fnv1a(ArraySlice("a".utf8)) == 0xaf63_dc4c_8601_ec8c)  // the published FNV-1a test vector
    }

    @Test func listsSplitOnTheSeparatorsBanksUse() {
        #expect(CellValue.list("payroll; elderly") == ["payroll", "elderly"])
        #expect(CellValue.list("payroll|mortgage、elderly") == ["payroll", "mortgage", "elderly"])
        #expect(CellValue.list(" ") == [])
    }
}
