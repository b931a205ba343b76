import Testing
@testable import BranchSimShell

@Test func BranchSimShellTestsModuleLinks() {
    _ = BranchSimShellModule.self
}
