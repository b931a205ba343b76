import BranchSimData
import CoreFoundation
import Foundation

/// A temporary folder for one test's files, removed when the value goes.
final class TempFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("branchsim-data-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` and returns its path.
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = url.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

let gb18030 = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(
    CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))

/// `text` in GB18030, through Foundation (ICU), not the iconv the reader uses.
func gbBytes(_ text: String) -> [UInt8] { Array(text.data(using: gb18030)!) }

/// The schema of scenarios/hub-and-satellites.bsim (and of the sample data set).
let citySchema = DataSchema(
    products: [.init(name: "deposit"), .init(name: "wealth"), .init(name: "fund")],
    roles: ["wealth_manager", "lobby_manager"],
    tiers: ["longtail", "potential", "midhigh", "private"],
    segments: ["payroll", "mortgage", "elderly"])

/// The repository's root (this file is Tests/BranchSimDataTests/Support.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Every diagnostic of a load that must fail, rendered (`<loaded>` if it succeeds).
func failure<T>(_ load: () throws -> T) -> String {
    do {
        _ = try load()
        return "<loaded>"
    } catch let error as DataLoadError {
        return error.description
    } catch {
        return "<not a DataLoadError: \(error)>"
    }
}
