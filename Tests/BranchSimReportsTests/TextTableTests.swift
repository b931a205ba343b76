import BranchSimModel
import Testing
@testable import BranchSimReports

@Suite struct DisplayWidthTests {
    @Test func widths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("万") == 2)
        #expect(DisplayWidth.of("潜力客户") == 8)
        #expect(DisplayWidth.of("ｶ") == 1)  // halfwidth katakana
        #expect(DisplayWidth.of("ＡＢ") == 4)  // fullwidth Latin
        #expect(DisplayWidth.of("e\u{301}") == 1)  // combining acute
        #expect(DisplayWidth.of("a\u{200B}b") == 2)  // zero-width space
        #expect(DisplayWidth.of("한국") == 4)
        #expect(DisplayWidth.of("\u{1B}[1;31mshort\u{1B}[0m") == 5)
        #expect(DisplayWidth.of("1,234.57万") == 10)
    }
}

@Suite struct TextTableTests {
    @Test func alignsCJKByDisplayWidth() {
        var t = TextTable(title: "tiers", columns: [.init("tier", .left), .init("customers"), .init("note", .left)])
        t.add(["潜力", "1,200", "潜力客户"])
        t.add(["longtail", "18,200", "x"])
        t.addRule()
        t.add(["中高端", "500"])
        let expected = """
            tiers
            tier      customers  note
            --------  ---------  --------
            潜力          1,200  潜力客户
            longtail     18,200  x
            --------  ---------  --------
            中高端          500

            """
        #expect(t.render() == expected)
    }

    @Test func padsMissingCellsAndDropsExtra() {
        var t = TextTable(columns: [.init("a", .left), .init("b")])
        t.add(["x"])
        t.add(["y", "1", "extra"])
        #expect(t.render() == "a  b\n-  -\nx\ny  1\n")
    }
}

@Suite struct NumberFormatTests {
    @Test func money() {
        #expect(NumberFormat.money(12_345_678, units: .yuan) == "12,345,678")
        #expect(NumberFormat.money(12_345_678.5, units: .yuan) == "12,345,678")  // half to even
        #expect(NumberFormat.money(-1_234.4, units: .yuan) == "-1,234")
        #expect(NumberFormat.money(999, units: .yuan) == "999")
        #expect(NumberFormat.money(-0.2, units: .yuan) == "0")
        #expect(NumberFormat.money(12_345_678, units: .wan) == "1,234.57万")
        #expect(NumberFormat.money(50_000, units: .wan) == "5.00万")
        #expect(NumberFormat.money(.nan, units: .wan) == "n/a")
    }

    @Test func countsFTEAndPercent() {
        #expect(NumberFormat.count(1200) == "1,200")
        #expect(NumberFormat.count(12.25) == "12.2")
        #expect(NumberFormat.count(12.26) == "12.3")
        #expect(NumberFormat.fte(1.5) == "1.50")
        #expect(NumberFormat.fte(0.004) == "0.00")
        #expect(NumberFormat.percent(0.4523) == "45.2%")
        #expect(NumberFormat.percent(1) == "100.0%")
        #expect(NumberFormat.hours(1234.5) == "1,234")
        #expect(NumberFormat.hours(12.34) == "12.3")
        #expect(NumberFormat.general(2.31) == "2.31")
        #expect(NumberFormat.general(0.975) == "0.975")
        #expect(NumberFormat.general(1_234_567) == "1,234,567")
        #expect(NumberFormat.general(.infinity) == "inf")
        #expect(NumberFormat.grouped(1_000_000_000_000_000, decimals: 0) == "1,000,000,000,000,000")
    }

    @Test func unitsGuessedFromKeys() {
        #expect(MetricUnits.guess("uplift.downtown") == .money)
        #expect(MetricUnits.guess("uplift_per_cost") == .ratio)
        #expect(MetricUnits.guess("staffing.wm.fte") == .fte)
        #expect(MetricUnits.guess("staffing.wm.hours") == .hours)
        #expect(MetricUnits.guess("funnel.a.attend") == .count)
    }
}
