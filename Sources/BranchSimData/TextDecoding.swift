#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encoding of a data file.
public enum DataEncoding: String, Sendable, Hashable, CaseIterable {
    /// UTF-8 if the file starts with a UTF-8 byte order mark or its first non-ASCII bytes are
    /// valid UTF-8; otherwise GB18030 (what Excel on Chinese Windows saves as "CSV").
    case automatic
    case utf8
    /// GB18030, a superset of GBK and GB2312.
    case gb18030
}

/// Reads a file in chunks and hands them on as UTF-8, transcoding GB18030 with iconv as it goes.
///
/// Bytes that are not valid in the file's encoding become the byte 0xFF in the output, which is
/// never valid UTF-8: the table reader then reports them at their row and column instead of
/// this layer reporting a byte offset nobody can find in a spreadsheet.
final class UTF8ChunkSource {
    static let chunkSize = 1 << 20

    let path: String
    private let fd: Int32
    private var raw: [UInt8]
    /// Unconsumed raw bytes are `raw[rawStart..<rawEnd]`.
    private var rawStart = 0
    private var rawEnd = 0
    private var rawEOF = false
    private(set) var encoding: DataEncoding
    /// Whether the file's encoding is still unknown (automatic, no non-ASCII byte seen yet).
    private var undecided: Bool
    private var converter: IconvConverter?
    private var atStart = true

    /// Opens `path`; throws a whole-file diagnostic if it cannot be read.
    init(path: String, displayName: String, encoding: DataEncoding) throws(DataDiagnostic) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = errno == ENOENT ? "file not found" : "cannot read the file (\(String(cString: strerror(errno))))"
            throw DataDiagnostic(.error, DataLocation(file: displayName), reason,
                                 help: "check the path; it is read relative to the folder of the file that names it")
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw DataDiagnostic(.error, DataLocation(file: displayName), "is a folder, not a file",
                                 help: "name the CSV file inside it")
        }
        self.fd = fd
        self.raw = [UInt8](repeating: 0, count: Self.chunkSize)
        self.encoding = encoding
        self.undecided = encoding == .automatic
        if encoding == .gb18030 { converter = try IconvConverter(file: displayName) }
        self.displayName = displayName
    }

    private let displayName: String

    deinit { close(fd) }

    /// Reads more raw bytes after the unconsumed ones; false at end of file.
    private func fill() throws(DataDiagnostic) -> Bool {
        if rawEOF { return false }
        if rawStart > 0 {
            let n = rawEnd - rawStart
            if n > 0 {
                raw.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + rawStart, n)
                }
            }
            rawStart = 0
            rawEnd = n
        }
        if rawEnd == raw.count { raw.append(contentsOf: repeatElement(0, count: Self.chunkSize)) }
        let got = raw.withUnsafeMutableBufferPointer { p in read(fd, p.baseAddress! + rawEnd, p.count - rawEnd) }
        if got < 0 {
            throw DataDiagnostic(.error, DataLocation(file: displayName),
                                 "cannot read the file (\(String(cString: strerror(errno))))")
        }
        if got == 0 { rawEOF = true; return false }
        rawEnd += got
        return true
    }

    /// Appends the next piece of the file, as UTF-8, to `out`. Returns false at end of file.
    func next(into out: inout [UInt8]) throws(DataDiagnostic) -> Bool {
        if rawStart == rawEnd, !(try fill()) { return try finish(into: &out) }
        if atStart {
            // A byte order mark needs up to 4 bytes; short files are fine.
            while rawEnd - rawStart < 4, try fill() {}
            atStart = false
            try takeByteOrderMark()
            if rawStart == rawEnd { return try next(into: &out) }
        }
        if undecided { try decide() }
        if let converter {
            let consumed = converter.convert(raw[rawStart..<rawEnd], final: rawEOF, into: &out)
            rawStart += consumed
            if consumed == 0, !rawEOF {
                // An incomplete sequence at the end of the chunk: read on and try again.
                if !(try fill()) {
                    rawStart += converter.convert(raw[rawStart..<rawEnd], final: true, into: &out)
                }
            }
        } else {
            out.append(contentsOf: raw[rawStart..<rawEnd])
            rawStart = rawEnd
        }
        return true
    }

    private func finish(into out: inout [UInt8]) throws(DataDiagnostic) -> Bool {
        if let converter, rawStart < rawEnd {
            rawStart += converter.convert(raw[rawStart..<rawEnd], final: true, into: &out)
            return true
        }
        return false
    }

    private func takeByteOrderMark() throws(DataDiagnostic) {
        let b = Array(raw[rawStart..<min(rawEnd, rawStart + 4)])
        if b.starts(with: [0xEF, 0xBB, 0xBF]), encoding != .gb18030 {
            rawStart += 3
            encoding = .utf8
            undecided = false
        } else if b.starts(with: [0x84, 0x31, 0x95, 0x33]), encoding != .utf8 {
            rawStart += 4
            encoding = .gb18030
            undecided = false
            if converter == nil { converter = try IconvConverter(file: displayName) }
        } else if b.starts(with: [0xFF, 0xFE]) || b.starts(with: [0xFE, 0xFF]) {
            throw DataDiagnostic(.error, DataLocation(file: displayName), "the file is UTF-16 (Excel's \"Unicode text\")",
                                 help: "save it as \"CSV UTF-8 (comma delimited)\" or as plain \"CSV\"")
        }
    }

    /// Automatic detection: ASCII passes as it is in both encodings; at the first non-ASCII byte,
    /// the next characters decide (`startsAsUTF8`).
    private func decide() throws(DataDiagnostic) {
        var i = rawStart
        while i < rawEnd, raw[i] < 0x80 { i += 1 }
        guard i < rawEnd else { return }
        // 4 KB from there, reading on if the chunk ends sooner (a character may be cut in two).
        let offset = i - rawStart
        while rawEnd - rawStart - offset < 4096, try fill() {}
        i = rawStart + offset
        let window = raw[i..<min(rawEnd, i + 4096)]
        undecided = false
        if startsAsUTF8(window, complete: rawEOF || window.count < rawEnd - i) {
            encoding = .utf8
        } else {
            encoding = .gb18030
            converter = try? IconvConverter(file: displayName)
            if converter == nil { encoding = .utf8 }  // no GB18030 in this C library: report bad UTF-8 cells
        }
    }
}

/// Whether text starting with `bytes` (from its first non-ASCII byte; up to 4 KB) is UTF-8 rather
/// than GB18030:
/// - all valid UTF-8 with at least one character of 3 or 4 bytes (Chinese in UTF-8): UTF-8;
/// - all valid UTF-8 but only 2-byte characters: GB18030, for about one common Chinese character
///   in six (18% of GB2312's first level) is in GB18030 also a valid 2-byte UTF-8 sequence (元 is
///   D4 AA, U+052A in UTF-8), and
///   accented Latin letters are rarer in a Chinese bank's data (force `.utf8` for them);
/// - not valid UTF-8, but starting with three valid 3- or 4-byte characters: UTF-8 with bad bytes
///   further on (two exports pasted together), which are then reported at their cells instead of
///   the whole file being read as the wrong characters (GB18030 text rarely starts with three
///   such sequences: none of 200,000 random strings of common characters did, in a check);
/// - otherwise GB18030.
func startsAsUTF8(_ bytes: ArraySlice<UInt8>, complete: Bool) -> Bool {
    var long = 0
    var i = bytes.startIndex
    while i < bytes.endIndex {
        if bytes[i] < 0x80 { i += 1; continue }
        let n = utf8SequenceLength(bytes[i...])
        if n == 0 { return long >= 3 }
        if n < 0 { return complete ? long >= 3 : long > 0 }  // cut off at the end of what was read
        if n >= 3 { long += 1 }
        i += n
    }
    return long > 0
}

/// The length of the UTF-8 sequence `bytes` starts with: 0 if invalid, -1 if cut off at the end.
func utf8SequenceLength(_ bytes: ArraySlice<UInt8>) -> Int {
    let i = bytes.startIndex
    let b = bytes[i]
    let n: Int
    switch b {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: n = 1
    case 0xE0...0xEF: n = 2
    case 0xF0...0xF4: n = 3
    default: return 0
    }
    for k in 1...n {
        guard i + k < bytes.endIndex else { return -1 }
        let c = bytes[i + k]
        guard c & 0xC0 == 0x80 else { return 0 }
        if k == 1 {
            if b == 0xE0, c < 0xA0 { return 0 }
            if b == 0xED, c > 0x9F { return 0 }
            if b == 0xF0, c < 0x90 { return 0 }
            if b == 0xF4, c > 0x8F { return 0 }
        }
    }
    return n + 1
}

/// GB18030 to UTF-8 through the C library's iconv, in pieces.
final class IconvConverter {
    private let cd: iconv_t
    private var out = [UInt8](repeating: 0, count: 1 << 16)

    init(file: String) throws(DataDiagnostic) {
        let cd = iconv_open("UTF-8", "GB18030")
        guard Int(bitPattern: cd) != -1, let cd else {
            throw DataDiagnostic(.error, DataLocation(file: file), "this system's C library cannot decode GB18030",
                                 help: "save the file as \"CSV UTF-8 (comma delimited)\"")
        }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    /// Converts as much of `input` as forms whole characters, appending UTF-8 to `result`;
    /// returns the bytes consumed. A byte that starts no valid character becomes 0xFF; an
    /// incomplete character at the end is left for the next call unless `final`.
    func convert(_ input: ArraySlice<UInt8>, final: Bool, into result: inout [UInt8]) -> Int {
        var consumed = 0
        let total = input.count
        input.withUnsafeBufferPointer { inp in
            while consumed < total {
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inp.baseAddress! + consumed)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = total - consumed
                let outCount = out.count
                let (r, err, produced, left) = out.withUnsafeMutableBufferPointer { o -> (Int, Int32, Int, Int) in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outCount
                    let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r, r == -1 ? errno : 0, outCount - outLeft, inLeft)
                }
                result.append(contentsOf: out[0..<produced])
                consumed = total - left
                if r != -1 { break }
                switch err {
                case E2BIG:
                    continue
                case EINVAL:
                    // An incomplete sequence at the end.
                    if final {
                        result.append(0xFF)
                        consumed = total
                    }
                    return
                default:
                    // EILSEQ: not a GB18030 character; mark it and go on after the byte.
                    result.append(0xFF)
                    consumed += 1
                }
            }
        }
        return consumed
    }
}
