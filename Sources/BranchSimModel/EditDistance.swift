/// Levenshtein distance over characters: the one measure behind every "did you mean" (the
/// language's diagnostics, the shell's commands, the data tables' names). Each caller keeps
/// its own threshold, as what counts as a near miss differs between a keyword and a name.
/// - Complexity: O(a.count · b.count) time, O(b.count) space.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = Array(repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
