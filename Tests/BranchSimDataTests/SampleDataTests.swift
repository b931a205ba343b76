import BranchSimData
import Foundation
import Testing

/// The sample data set in scenarios/data/ (scripts/gen-city-data.py) loads clean and follows the playbooks.
@Suite struct SampleDataTests {
    static let folder = repositoryRoot.appendingPathComponent("scenarios/data")

    static func source(_ name: String) -> DataSource {
        .csv(path: folder.appendingPathComponent(name).path, name: name)
    }

    @Test func outletsLoadCleanInBothEncodings() throws {
        let utf8 = try OutletTable.read(Self.source("city-outlets.csv"), schema: citySchema)
        let gb = try OutletTable.read(Self.source("city-outlets-gb18030.csv"), schema: citySchema)
        #expect(utf8.warnings.isEmpty && gb.warnings.isEmpty)
        #expect(utf8.outlets.map(\.name) == ["中心支行", "children_bank", "film_club", "car_club", "healthy_living"])
        #expect(gb.outlets.map(\.name) == utf8.outlets.map(\.name))
        #expect(gb.outlets.map(\.customers) == utf8.outlets.map(\.customers))
        #expect(utf8.networks == [NetworkRecord(name: "district", hub: 0, satellites: [1, 2, 3, 4])])
        #expect(utf8.outlets[0].tierShares == [0.91, 0.06, 0.025, 0.005])
        #expect(utf8.outlets[0].reachable == [0.6, 0.75, 0.9, 0.98])
    }

    @Test func customersLoadCleanAndFollowThePlaybooks() throws {
        let outlets = try OutletTable.read(Self.source("city-outlets.csv"), schema: citySchema)
        let schema = citySchema.adding(outlets: outlets)
        let customers = try CustomerTable.read(Self.source("city-customers.csv"), schema: schema)
        #expect(customers.warnings.isEmpty)
        // Each outlet's customer rows match its `customers` column.
        #expect(customers.customersPerOutlet() == outlets.outlets.map(\.customers))
        // Tier counts by points (deposit 1.0, wealth 1.0, fund 1.2) follow 91/6/2.5/0.5% by the largest remainder.
        let bounds = [50_000.0, 200_000, 6_000_000]
        var byTier = [[Int]](repeating: [0, 0, 0, 0], count: outlets.outlets.count)
        var unreachable = 0
        for i in 0..<customers.count {
            let c = customers[i]
            let points = c.balances[0] + c.balances[1] + 1.2 * c.balances[2]
            byTier[c.outlet][bounds.firstIndex { points < $0 } ?? 3] += 1
            if c.reachable == false { unreachable += 1 }
        }
        #expect(byTier[0] == [3822, 252, 105, 21])  // 4200 customers at the hub
        for (o, counts) in byTier.enumerated() {
            let n = Double(outlets.outlets[o].customers)
            #expect(abs(Double(counts[1]) - 0.06 * n) <= 1)
            #expect(abs(Double(counts[3]) - 0.005 * n) <= 1)
        }
        // "Over 30% of customers cannot be reached" (潜力客户升级).
        let share = Double(unreachable) / Double(customers.count)
        #expect(share > 0.3 && share < 0.45)
    }

    @Test func theGeneratorIsDeterministic() throws {
        let dir = TempFolder()
        let script = repositoryRoot.appendingPathComponent("scripts/gen-city-data.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, "--out", dir.url.path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        for name in ["city-outlets.csv", "city-outlets-gb18030.csv", "city-customers.csv"] {
            let fresh = FileManager.default.contents(atPath: dir.path(name))
            let committed = FileManager.default.contents(atPath: Self.folder.appendingPathComponent(name).path)
            #expect(fresh != nil && fresh == committed, "\(name) differs from what the script writes")
        }
    }
}
