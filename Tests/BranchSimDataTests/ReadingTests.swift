@testable import BranchSimData
import Foundation
import Testing

/// Files as banks produce them: encodings, byte order marks, line ends, quoting.
@Suite struct ReadingTests {
    static let outletsText = """
        name,customers,network,role,staff_wealth_manager
        中心支行,26000,district,hub,3
        儿童银行,18000,district,satellite,1
        乡镇网点,9000,,,

        """

    static func names(_ t: OutletTable) -> [String] { t.outlets.map(\.name) }

    @Test func utf8WithAndWithoutByteOrderMark() throws {
        let dir = TempFolder()
        let plain = try OutletTable.read(.csv(path: dir.write("a.csv", Self.outletsText)), schema: citySchema)
        let bom = try OutletTable.read(.csv(path: dir.write("b.csv", [0xEF, 0xBB, 0xBF] + Array(Self.outletsText.utf8))),
                                       schema: citySchema)
        #expect(Self.names(plain) == ["中心支行", "儿童银行", "乡镇网点"])
        #expect(plain.outlets == bom.outlets.map { var o = $0; o.location.file = plain.outlets[0].location.file; return o })
        #expect(bom.warnings.isEmpty)  // the BOM did not make '\u{FEFF}name' an unknown column
        #expect(plain.outlets[0].staff == [3, nil])
        #expect(plain.networks == [NetworkRecord(name: "district", hub: 0, satellites: [1])])
    }

    @Test func gb18030IsDetectedAndCanBeForced() throws {
        let dir = TempFolder()
        let path = dir.write("gb.csv", gbBytes(Self.outletsText))
        let auto = try OutletTable.read(.csv(path: path), schema: citySchema)
        let forced = try OutletTable.read(.csv(path: path, encoding: .gb18030), schema: citySchema)
        #expect(Self.names(auto) == ["中心支行", "儿童银行", "乡镇网点"])
        #expect(auto == forced)
        #expect(auto.encoding == .gb18030)
        #expect(try OutletTable.read(.csv(path: dir.write("u.csv", Self.outletsText)), schema: citySchema).encoding == .utf8)
        #expect(try OutletTable.read(.csv(path: dir.write("a.csv", "name,customers\na,1\n")), schema: citySchema).encoding
                == .automatic)
        // Forcing UTF-8 on GB18030 bytes: the outlet names are not valid text, at their cells.
        let wrong = failure { try OutletTable.read(.csv(path: path, name: "gb.csv", encoding: .utf8), schema: citySchema) }
        // (Two of the GB18030 bytes, D6 A7, happen to be valid UTF-8: U+05A7.)
        #expect(wrong.hasPrefix("""
            gb.csv:2: error: row 1, column 1 'name': '\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{5A7}\u{FFFD}\u{FFFD}' is not valid text in the file's encoding
              = help: save the file as "CSV UTF-8 (comma delimited)", or name its encoding (utf8 or gb18030)
            gb.csv:3: error: row 2, column 1 'name':
            """))
    }

    @Test func detectionByTheFirstCharacters() {
        let phrases = ["中心支行", "儿童银行", "潜力客户升级", "财富客户631工作措施", "交叉销售四步法", "金融资产5万元以上客户",
                       "存款", "理财", "基金", "保险", "贵金属", "信用卡", "代发工资", "按揭", "老年客户", "网点", "客户经理",
                       "大堂经理", "长尾客户", "中高端", "私人银行", "是", "否", "元", "万", "亿"]
        for p in phrases {
            #expect(startsAsUTF8(ArraySlice(Array(p.utf8)), complete: true), "\(p) in UTF-8")
            #expect(!startsAsUTF8(ArraySlice(gbBytes(p)), complete: true), "\(p) in GB18030")
        }
        // Only 2-byte sequences: GB18030 (元 in GB18030 is D4 AA, also valid UTF-8).
        #expect(!startsAsUTF8(ArraySlice(Array("José".utf8).dropFirst(3)), complete: true))
        // Cut off inside a character at the end of what has been read.
        let cut = ArraySlice(Array("中心".utf8).prefix(5))
        #expect(startsAsUTF8(cut, complete: false))
        #expect(!startsAsUTF8(cut, complete: true))
    }

    @Test(arguments: [1, 2, 3, 4])
    func detectionWhenTheFirstCharacterIsCutByTheChunk(_ before: Int) throws {
        // ASCII up to `before` bytes short of the first chunk's end, then 中心支行: the first read
        // ends inside (or just before) its first character, which once read as GB18030.
        let dir = TempFolder()
        var text = "outlet,balance_deposit\n"
        let target = UTF8ChunkSource.chunkSize - before
        text += String(repeating: "a,1\n", count: (target - text.utf8.count) / 4)
        text += String(repeating: "\n", count: target - text.utf8.count)  // blank lines: not rows
        #expect(text.utf8.count == target)
        text += "中心支行,7\n"
        let schema = DataSchema(products: [.init(name: "deposit")], outlets: ["a", "中心支行"])
        let t = try CustomerTable.read(.csv(path: dir.write("b.csv", text)), schema: schema)
        #expect(t.encoding == .utf8)
        #expect(t[t.count - 1] == CustomerRecord(outlet: 1, balances: [7]))
    }

    @Test func gb18030AcrossChunkBoundaries() throws {
        // 60,000 rows of two-byte characters: well over the 1 MB chunk, so characters straddle chunks.
        let dir = TempFolder()
        var text = "outlet,balance_deposit,segments\n"
        let outlets = ["中心支行", "儿童银行", "𠀀网点"]  // 𠀀 is four bytes in GB18030
        for i in 0..<60_000 { text += "\(outlets[i % 3]),\(i),payroll\n" }
        let schema = DataSchema(products: [.init(name: "deposit")], segments: ["payroll"], outlets: outlets)
        let t = try CustomerTable.read(.csv(path: dir.write("c.csv", gbBytes(text))), schema: schema)
        #expect(t.count == 60_000)
        #expect(t.customersPerOutlet() == [20_000, 20_000, 20_000])
        #expect(t[59_999] == CustomerRecord(outlet: 2, balances: [59_999], offbank: nil, reachable: nil, segments: [0],
                                            opened: nil, lastContact: nil))
    }

    @Test func quotedCellsAcrossChunkBoundaries() throws {
        // Every row has quoted cells; over 1 MB, so some quoted cells straddle a chunk (a bug the
        // million-row benchmark found: the first byte of the next chunk closed the cell).
        let dir = TempFolder()
        var text = "outlet,balance_deposit,offbank,segments\r\n"
        func grouped(_ i: Int) -> String { "\(i / 1000 + 1)," + String(String(1000 + i % 1000).dropFirst()) }
        for i in 0..<40_000 { text += "\"中心支行\",\"\(grouped(i))\",\"1,234\",\"payroll; elderly\"\r\n" }
        #expect(text.utf8.count > UTF8ChunkSource.chunkSize)
        let schema = DataSchema(products: [.init(name: "deposit")], segments: ["payroll", "elderly"], outlets: ["中心支行"])
        let t = try CustomerTable.read(.csv(path: dir.write("q.csv", text)), schema: schema)
        #expect(t.count == 40_000)
        for i in stride(from: 0, to: 40_000, by: 997) {
            #expect(t[i] == CustomerRecord(outlet: 0, balances: [Double(i + 1000)], offbank: 1234,
                                           segments: [0, 1]))
        }
    }

    @Test func invalidGB18030BytesAreReportedAtTheirCell() {
        let dir = TempFolder()
        // 0x81 0x20 is not a GB18030 character; the rest of the row is.
        let bytes = gbBytes("name,customers\n中心支行,100\n") + [0x81, 0x20] + gbBytes("网点,200\n")
        let text = failure { try OutletTable.read(.csv(path: dir.write("x.csv", bytes), name: "x.csv"), schema: citySchema) }
        #expect(text.hasPrefix("x.csv:3: error: row 2, column 1 'name': '\u{FFFD} 网点' is not valid text in the file's encoding"))
    }

    @Test func aFileThatChangesEncodingIsReportedWhereItChanges() {
        let dir = TempFolder()
        let bytes = Array("name,customers\n中心支行,100\n".utf8) + gbBytes("儿童银行,200\n")
        let text = failure { try OutletTable.read(.csv(path: dir.write("m.csv", bytes), name: "m.csv"), schema: citySchema) }
        #expect(text.hasPrefix("m.csv:3: error: row 2, column 1 'name': "))
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test func utf16IsRefusedWithWhatToDo() {
        let dir = TempFolder()
        let text = failure { try OutletTable.read(.csv(path: dir.write("u.csv", [0xFF, 0xFE, 0x6E, 0x00]), name: "u.csv"),
                                                  schema: citySchema) }
        #expect(text == """
            u.csv: error: the file is UTF-16 (Excel's "Unicode text")
              = help: save it as "CSV UTF-8 (comma delimited)" or as plain "CSV"
            """)
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEnds(_ end: String) throws {
        let dir = TempFolder()
        let text = Self.outletsText.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: end)
        let t = try OutletTable.read(.csv(path: dir.write("e.csv", text)), schema: citySchema)
        #expect(Self.names(t) == ["中心支行", "儿童银行", "乡镇网点"])
        #expect(t.outlets.map(\.location.line) == [2, 3, 4])
        #expect(t.outlets[2].customers == 9000)
    }

    @Test func quotedCellsHoldCommasQuotesAndLineBreaks() throws {
        let dir = TempFolder()
        let text = "name,customers\r\n\"East, \"\"old\"\" town\",\"12,000\"\r\n\"two\r\nlines\",5\r\n\r\nlast,\"1万\"\r\n,,\r\n"
        let t = try OutletTable.read(.csv(path: dir.write("q.csv", text)), schema: citySchema)
        #expect(Self.names(t) == ["East, \"old\" town", "two\r\nlines", "last"])
        #expect(t.outlets.map(\.customers) == [12_000, 5, 10_000])
        // The quoted line break moves the next row down a line; the blank line is not a row.
        #expect(t.outlets.map(\.location.row) == [1, 2, 3])
        #expect(t.outlets.map(\.location.line) == [2, 3, 6])
    }

    @Test func aFileWithoutAFinalLineBreakReadsItsLastRow() throws {
        let dir = TempFolder()
        let t = try OutletTable.read(.csv(path: dir.write("n.csv", "name,customers\na,1\nb,2")), schema: citySchema)
        #expect(Self.names(t) == ["a", "b"])
    }

    @Test func headersMatchWithoutCaseOrSpaces() throws {
        let dir = TempFolder()
        let t = try OutletTable.read(.csv(path: dir.write("h.csv", " Name , Customers ,Staff Wealth-Manager\na,1,2\n")),
                                     schema: citySchema)
        #expect(t.outlets[0].staff == [2, nil])
    }

    @Test func flatProductsAreHeldOrNot() throws {
        let dir = TempFolder()
        let schema = DataSchema(products: [.init(name: "deposit"), .init(name: "card", flat: true)], outlets: ["a"])
        let t = try CustomerTable.read(.csv(path: dir.write("f.csv", "outlet,balance_deposit,balance_card\na,1,yes\na,2,no\na,3,1200\na,4,0\na,5,\n")),
                                       schema: schema)
        #expect((0..<t.count).map { t[$0].balances } == [[1, 1], [2, 0], [3, 1], [4, 0], [5, 0]])
    }

    @Test func estimatedRowsComeCloseBeforeReading() {
        let dir = TempFolder()
        var text = "outlet,balance_deposit\n"
        for i in 0..<20_000 { text += "a,\(1000 + i % 9000)\n" }
        let path = dir.write("r.csv", text)
        let estimate = CustomerTable.estimatedRows(.csv(path: path)) ?? 0
        #expect(abs(estimate - 20_000) < 200)
        #expect(CustomerTable.estimatedRows(.csv(path: dir.path("none.csv"))) == nil)
        #expect(CustomerTable.bytesPerCustomer(products: 3, segments: 3) == 53)
    }
}
