import Foundation
import Testing
@testable import BranchSimDriver

/// A sampled `calibrate` refines around what it found (docs/model.md, "Calibration").
@Suite struct CalibrationRefinementTests {
    @Test func aRoundCoversTheBoxAroundTheConsistentPointsOneLevelWider() {
        let rows = [[0, 0], [5, 2], [9, 4], [6, 3]]
        let r = ProgramRunner.refinementRows(levelCounts: [10, 5], rows: rows, tried: Set(rows), anchors: [1, 3])
        // Consistent at levels 5..6 and 2..3: the box is 4...7 x 1...4, 16 points, less the two already run.
        #expect(!r.sampled)
        #expect(r.rows.count == 14)
        #expect(r.rows.allSatisfy { (4...7).contains($0[0]) && (1...4).contains($0[1]) })
        #expect(!r.rows.contains([5, 2]) && !r.rows.contains([6, 3]) && Set(r.rows).count == 14)
        // Anchors at both corners: the box is the whole grid, and stops at its edges.
        let corners = ProgramRunner.refinementRows(levelCounts: [10, 5], rows: rows, tried: Set(rows), anchors: [0, 2])
        #expect(corners.rows.count == 10 * 5 - 4)
    }

    @Test func aLargeBoxIsSampledAndNeverRepeatsAPoint() {
        let rows = [[0, 0, 0], [99, 99, 9]]
        let r = ProgramRunner.refinementRows(levelCounts: [100, 100, 10], rows: rows, tried: Set(rows), anchors: [0, 1])
        #expect(r.sampled)
        #expect(r.rows.count <= ProgramRunner.refineSampled && r.rows.count > ProgramRunner.refineSampled / 2)
        #expect(Set(r.rows).count == r.rows.count && !r.rows.contains([0, 0, 0]))
    }
}
