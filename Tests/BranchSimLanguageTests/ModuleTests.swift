import Testing
@testable import BranchSimLanguage

@Test func BranchSimLanguageTestsModuleLinks() {
    _ = BranchSimLanguageModule.self
}
