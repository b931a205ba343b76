import Foundation
import Testing

/// A replication runs outlet group by outlet group (docs/model.md, "Outlet groups");
/// `BRANCHSIM_STEP_MAJOR` makes it run step by step over every outlet instead. The two give
/// byte-identical reports: every bundled playbook, the shared scenarios when present, and a
/// generated province of networks of five (many groups), at two seeds, on 1 and 2 threads.
@Suite struct GroupTraversalTests {
    @Test func groupByGroupEqualsStepByStep() throws {
        let dir = try Paths.temporaryDirectory()
        let province = dir.appendingPathComponent("province.bsim")
        let printed = try Binary.run(["bench", "--outlets", "15", "--outlet-customers", "400", "--print-province"], in: dir)
        #expect(printed.status == 0, "\(printed.stderr)")
        try Data(printed.stdout.utf8).write(to: province)
        var files = try FileManager.default.contentsOfDirectory(at: Paths.scenarios, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "bsim" }
        #expect(files.count >= 5)
        if Paths.hasShared {
            files += try FileManager.default.contentsOfDirectory(at: Paths.shared, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "bsim" }
        }
        files.append(province)
        for file in files {
            for (seed, threads) in [("3", "1"), ("11", "2")] {
                let args = ["run", file.path, "--runs", "5", "--seed", seed, "--threads", threads, "--format", "json"]
                let groups = try Binary.run(args, in: dir)
                let steps = try Binary.run(args, in: dir, environment: ["BRANCHSIM_STEP_MAJOR": "1"])
                #expect(groups.status != 2 && steps.status != 2, "\(file.lastPathComponent): \(groups.stderr)\(steps.stderr)")
                #expect(!groups.stdout.isEmpty)
                #expect(groups.stdout == steps.stdout, "\(file.lastPathComponent), seed \(seed), \(threads) threads")
            }
        }
    }
}
