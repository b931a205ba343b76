import BranchSimModel
import Testing

@Suite struct TerminalTextTests {
    @Test func controlCharactersAreShownInCaretNotation() {
        #expect(TerminalText.visible("Evil\u{1B}]0;pwned\u{07} title") == "Evil^[]0;pwned^G title")
        #expect(TerminalText.visible("a\u{1B}[2Jb\rc\u{7F}d\u{00}") == "a^[[2Jb^Mc^?d^@")
        #expect(TerminalText.visible("\u{9B}31m") == "<U+009B>31m")
        #expect(TerminalText.visible("abc\u{202E}fed") == "abc<U+202E>fed")
    }

    @Test func newlinesTabsAndOrdinaryTextAreKept() {
        let text = "tier 长尾 below 5万\n\tshare 91%  é 𝕏\n"
        #expect(TerminalText.visible(text) == text)
        #expect(TerminalText.visible(text, keepingStyles: true) == text)
    }

    @Test func ourColoursPassOnlyWhenAsked() {
        let red = "\u{1B}[1;31merror:\u{1B}[0m x"
        #expect(TerminalText.visible(red, keepingStyles: true) == red)
        #expect(TerminalText.visible(red) == "^[[1;31merror:^[[0m x")
        // Other sequences are shown even then: a title, clearing, cursor moves, hidden text.
        #expect(TerminalText.visible("\u{1B}]2;t\u{07}\u{1B}[2J\u{1B}[5A\u{1B}[8m", keepingStyles: true)
                == "^[]2;t^G^[[2J^[[5A^[[8m")
        #expect(TerminalText.visible("\u{1B}[", keepingStyles: true) == "^[[")
    }
}
