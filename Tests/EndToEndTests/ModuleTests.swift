import Testing
@testable import BranchSimDriver

@Test func EndToEndTestsModuleLinks() {
    _ = BranchSimDriverModule.self
}
