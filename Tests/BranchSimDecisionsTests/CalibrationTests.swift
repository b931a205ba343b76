import Foundation
import Testing
@testable import BranchSimDecisions
import BranchSimModel
import TestSupport

/// The calibration's guarantee, by simulation (docs/model.md, "Calibration"): when a bank's
/// figures are one outcome of the model at a point of the grid, that point is judged
/// consistent in at least 95% of repetitions.
@Suite struct CalibrationTests {
    /// A toy model: at parameter `theta`, one outcome gives `theta * 100 + noise` for the
    /// first figure and `(1 - theta) * 50 + noise` for the second (noise normal, sd 8 and 5).
    static func outcome(_ theta: Double, _ rng: inout SeededRandom) -> [Double] {
        [theta * 100 + 8 * rng.normal(), (1 - theta) * 50 + 5 * rng.normal()]
    }

    @Test func theTrueParameterIsConsistentAtLeast95PercentOfTheTime() {
        let grid = stride(from: 0.1, through: 0.9, by: 0.1).map { $0 }
        let truth = 4  // theta 0.5
        var rng = SeededRandom(seed: 17)
        var covered = 0, narrower = 0
        let repetitions = 400
        for _ in 0..<repetitions {
            // What the bank saw: one outcome at the true parameter, figures given to ±1.
            let seen = Self.outcome(grid[truth], &rng)
            let observations = [Observation(metric: "a", condition: .near(seen[0], tolerance: 1), text: "a"),
                                Observation(metric: "b", condition: .near(seen[1], tolerance: 1), text: "b")]
            // Each point simulated 60 times (its own replications).
            let points = grid.map { theta -> CalibrationPoint in
                let runs = (0..<60).map { _ in Self.outcome(theta, &rng) }
                return CalibrationPoint(samples: [runs.map { $0[0] }, runs.map { $0[1] }], observations: observations)
            }
            let cal = Calibration(points: points)
            if cal.consistent.contains(truth) { covered += 1 }
            if cal.consistent.count < grid.count { narrower += 1 }
        }
        // Bonferroni makes it conservative: expect about 97-99%; 95% is the guarantee.
        #expect(Double(covered) / Double(repetitions) >= 0.95, "covered \(covered) of \(repetitions)")
        // And it is not consistent everywhere: the range says something.
        #expect(narrower == repetitions)
    }

    @Test func fitIsZeroInsideBoundsAndGrowsOutside() {
        let obs = [Observation(metric: "x", condition: .atLeast(10, tolerance: 0), text: "x >= 10")]
        let inside = CalibrationPoint(samples: [[11, 12, 13]], observations: obs)
        let outside = CalibrationPoint(samples: [[7, 8, 9]], observations: obs)
        #expect(inside.fit == 0 && inside.consistent)
        #expect(abs(outside.fit - 4) < 1e-12)  // (8 - 10) / sd 1
        #expect(outside.checks[0].z == -2)
        // The interval for one outcome: 8 ± t(0.975, 2) · 1 · sqrt(4/3) reaches 13.0.
        #expect(outside.consistent)
        let far = CalibrationPoint(samples: [[1, 2, 3]], observations: obs)
        #expect(!far.consistent)
        let c = Calibration(points: [far, outside, inside])
        #expect(c.best == 2 && c.consistent == [1, 2])
        #expect(c.range(of: 0, values: [[1], [2], [3]]) == 2...3)
    }
}

extension SeededRandom {
    /// A standard normal draw (Box-Muller).
    fileprivate mutating func normal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
