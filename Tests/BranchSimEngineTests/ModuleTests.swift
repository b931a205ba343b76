import Testing
@testable import BranchSimEngine

@Test func BranchSimEngineTestsModuleLinks() {
    _ = BranchSimEngineModule.self
}
