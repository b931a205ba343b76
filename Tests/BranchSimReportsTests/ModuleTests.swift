import Testing
@testable import BranchSimReports

@Test func BranchSimReportsTestsModuleLinks() {
    _ = BranchSimReportsModule.self
}
