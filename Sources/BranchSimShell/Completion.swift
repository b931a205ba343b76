import Foundation
import BranchSimModel

/// Tab completion, as pure functions of the text before the cursor: which word is being
/// completed, in what context, and what to insert and list.
public enum Completion {
    /// The word being completed and what it follows.
    public struct Request: Equatable, Sendable {
        /// From the start of the word to the cursor.
        public var word: String
        public var context: CompletionContext
    }

    /// Characters that end a word (besides white space).
    static let delimiters: Set<Character> = [",", "(", ")", "{", "}", "=", ";", "\"", "'", "<", ">"]

    /// Finds the word before the cursor and its context.
    /// - Parameters:
    ///   - beforeCursor: the current line up to the cursor.
    ///   - pending: earlier lines of an unfinished multi-line statement (empty at the primary prompt).
    public static func analyze(beforeCursor: String, pending: [String] = []) -> Request {
        var start = beforeCursor.endIndex
        while start > beforeCursor.startIndex {
            let prev = beforeCursor.index(before: start)
            let ch = beforeCursor[prev]
            if ch.isWhitespace || delimiters.contains(ch) { break }
            start = prev
        }
        // `->` ends a word too: `attend 70% ->conv`.
        let word = String(beforeCursor[start...])
        let before = String(beforeCursor[..<start])
        // The statement the word is in: after the last `;` on this line.
        let statement = before.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        let tokens = statement.split(whereSeparator: { $0.isWhitespace || delimiters.contains($0) }).map(String.init)
        let inBlock = !pending.isEmpty
        let statementKeyword = pending.first.flatMap { firstWord(of: $0) }

        // A `:command` is the shell's at either prompt.
        if tokens.isEmpty && word.hasPrefix(":") && before.allSatisfy(\.isWhitespace) {
            return Request(word: word, context: .command)
        }
        if tokens.isEmpty && !inBlock {
            return Request(word: word, context: .statementStart)
        }
        if let first = tokens.first, first.hasPrefix(":"), before.first(where: { !$0.isWhitespace }) == ":" {
            switch first {
            case ":load", ":save", ":output": return Request(word: word, context: .fileName)
            case ":show", ":set", ":unset", ":help", ":format", ":units":
                if tokens.count == 1 { return Request(word: word, context: .commandArgument(String(first.dropFirst()))) }
                return Request(word: word, context: .afterKeyword(first))
            default: return Request(word: word, context: .afterKeyword(first))
            }
        }
        if tokens.last == "include" || before.hasSuffix("include \"") {
            return Request(word: word, context: .fileName)
        }
        // The statement's keyword: the first word of its first line.
        let keyword = (inBlock ? statementKeyword : nil) ?? tokens.first ?? ""
        let pendingTokens = pending.flatMap { $0.split(whereSeparator: { $0.isWhitespace || delimiters.contains($0) }).map(String.init) }
        let allTokens = (inBlock ? pendingTokens : []) + tokens
        switch keyword {
        case "report", "expect":
            return Request(word: word, context: .metricPath)
        case "compare":
            return Request(word: word, context: allTokens.contains("on") ? .metricPath : .variantName("compare"))
        case "run" where allTokens.last == "variant":
            return Request(word: word, context: .variantName("run"))
        case "sweep":
            if allTokens.count == 1 { return Request(word: word, context: .sweepPath) }
            if allTokens == ["sweep", "let"] { return Request(word: word, context: .letName) }
            if allTokens.contains("on") { return Request(word: word, context: .metricPath) }
        case "calibrate":
            // `calibrate PATH in A..B, ... to NAME`: a path first, an observed set after `to`.
            if allTokens.count == 1 { return Request(word: word, context: .sweepPath) }
            if allTokens.last == "to" { return Request(word: word, context: .observedName) }
        default:
            break
        }
        return Request(word: word, context: .afterKeyword(keyword))
    }

    static func firstWord(of line: String) -> String? {
        line.split(whereSeparator: { $0.isWhitespace || delimiters.contains($0) }).first.map(String.init)
    }

    /// The longest common prefix of `candidates` (by characters); "" for none.
    public static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first.map(Array.init) else { return "" }
        for c in candidates.dropFirst() {
            let chars = Array(c)
            var n = 0
            while n < prefix.count, n < chars.count, prefix[n] == chars[n] { n += 1 }
            prefix.removeSubrange(n...)
            if prefix.isEmpty { break }
        }
        return String(prefix)
    }

    /// What Tab does for `word` given the candidates.
    public struct Result: Equatable, Sendable {
        /// Text to insert at the cursor (may be empty).
        public var insert: String
        /// Candidates to list under the line (empty when there is one or none).
        public var listing: [String]
    }

    /// One candidate: its rest and a space (none after `/` or `.`); several: the rest of their
    /// common prefix, and the list. Candidates not starting with `word` are dropped.
    public static func resolve(word: String, candidates: [String], display: (String) -> String = { $0 }) -> Result {
        let matching = Array(Set(candidates.filter { $0.hasPrefix(word) })).sorted()
        switch matching.count {
        case 0: return Result(insert: "", listing: [])
        case 1:
            let c = matching[0]
            let tail = String(c.dropFirst(word.count))
            let space = c.hasSuffix("/") || c.hasSuffix(".") ? "" : " "
            return Result(insert: tail + space, listing: [])
        default:
            let prefix = commonPrefix(matching)
            return Result(insert: String(prefix.dropFirst(word.count)), listing: matching.map(display))
        }
    }

    /// `items` in columns across `width`, sorted down the columns, like bash lists completions.
    /// Widths are terminal columns (`DisplayWidth`): a Chinese tier name takes two per character.
    public static func columns(_ items: [String], width: Int) -> String {
        guard !items.isEmpty else { return "" }
        let cell = (items.map(DisplayWidth.of).max() ?? 0) + 2
        let perRow = max(1, width / cell)
        let rows = (items.count + perRow - 1) / perRow
        var lines: [String] = []
        for r in 0..<rows {
            var line = ""
            for c in 0..<perRow {
                let i = c * rows + r
                guard i < items.count else { break }
                let item = items[i]
                let isLast = (c + 1) * rows + r >= items.count
                line += isLast ? item : item + String(repeating: " ", count: cell - DisplayWidth.of(item))
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// File names for `word` (`scen`, `plans/q3`, `~/pl`): entries of the folder the word names
    /// that start with its last component, folders with a trailing `/`. Dot files only when
    /// the component starts with `.`. Returns whole words (the folder part kept as typed).
    public static func fileNames(for word: String, currentDirectory: String = FileManager.default.currentDirectoryPath,
                                 home: String = NSHomeDirectory()) -> [String] {
        let slash = word.lastIndex(of: "/")
        let folderTyped = slash.map { String(word[...$0]) } ?? ""
        let base = slash.map { String(word[word.index(after: $0)...]) } ?? word
        var folder = folderTyped.isEmpty ? currentDirectory : folderTyped
        if folder == "~/" || folder.hasPrefix("~/") { folder = home + folder.dropFirst(1) }
        if !folder.hasPrefix("/") { folder = currentDirectory + "/" + folder }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasPrefix(base) && (base.hasPrefix(".") || !$0.hasPrefix(".")) }
            .map { name in
                var isDir: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDir)
                return folderTyped + name + (isDir.boolValue ? "/" : "")
            }
            .sorted()
    }

    /// The last path component of a file candidate, for listing (`plans/q3.bsim` -> `q3.bsim`).
    static func fileDisplay(_ candidate: String) -> String {
        let trimmed = candidate.hasSuffix("/") ? String(candidate.dropLast()) : candidate
        let name = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        return candidate.hasSuffix("/") ? name + "/" : name
    }
}
