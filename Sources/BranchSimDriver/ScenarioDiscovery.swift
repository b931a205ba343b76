import Foundation

/// Finds scenario files for `branchsim test`.
public enum ScenarioDiscovery {
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no such file or folder: '\(path)'" }
    }

    /// Every `.bsim` file named, or found (recursively, sorted by path) under the folders named.
    /// Hidden folders and build folders (`.build*`) are skipped. A file named twice is listed once.
    public static func files(in paths: [String]) throws(Missing) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        var seen = Set<String>()
        func add(_ p: String) {
            let std = URL(fileURLWithPath: p).standardizedFileURL.path
            if seen.insert(std).inserted { out.append(p) }
        }
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { throw Missing(path: path) }
            if !isDir.boolValue {
                add(path)
                continue
            }
            var found: [String] = []
            if let e = fm.enumerator(atPath: path) {
                while let rel = e.nextObject() as? String {
                    let name = (rel as NSString).lastPathComponent
                    if name.hasPrefix(".") {
                        e.skipDescendants()
                        continue
                    }
                    if rel.hasSuffix(".bsim") {
                        found.append(path.hasSuffix("/") ? path + rel : path + "/" + rel)
                    }
                }
            }
            for f in found.sorted() { add(f) }
        }
        return out
    }
}
