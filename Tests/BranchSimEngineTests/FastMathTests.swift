import Foundation
import Testing
@testable import BranchSimEngine

@Suite struct FastMathTests {
    /// Against the C library over the range starting balances use and well beyond.
    @Test func expAgreesWithTheCLibrary() {
        var worst = 0.0
        var x = -699.0
        while x < 699 {
            let want = Foundation.exp(x)
            let got = FastMath.exp(x)
            worst = max(worst, abs(got - want) / want)
            x += 0.0137
        }
        var g = Xoshiro256PlusPlus(key: 5)
        for _ in 0..<200_000 {
            let x = Foundation.log(1000) + (Foundation.log(6e6) - Foundation.log(1000)) * Sampler.unit(using: &g)
            let want = Foundation.exp(x)
            worst = max(worst, abs(FastMath.exp(x) - want) / want)
        }
        #expect(worst < 5e-16, "worst relative error \(worst) (2 ulp is 4.4e-16)")
        #expect(FastMath.exp(0) == 1)
        #expect(FastMath.exp(800) == Foundation.exp(800))
        #expect(FastMath.exp(-800) == 0)
        #expect(FastMath.exp(.nan).isNaN)
    }
}
