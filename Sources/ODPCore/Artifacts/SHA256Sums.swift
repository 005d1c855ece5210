import Foundation

/// SHA256SUMS in the GNU coreutils format (`<hex>  <path>`, one line a file, sorted by path
/// bytes), so `sha256sum -c SHA256SUMS` works in the release folder. A text format, not
/// JSON: this type is its one parser and one renderer, for ODPRelease (writer, verifier),
/// ODPPublish (what to upload) and the portal (download hashes).
///
/// ## Reading
/// Accepts what `sha256sum` writes: two spaces or ` *` (binary mode) between hash and path,
/// upper- or lowercase hex, a `./` prefix, CRLF line ends and blank lines. Refuses a path
/// that leaves the release folder (absolute or with `..`) and a path listed twice, with the
/// file and line.
public struct SHA256Sums: Sendable, Hashable {
    public static let fileName = "SHA256SUMS"
    /// The Ed25519 signature of SHA256SUMS (base64); cannot be listed in the sums it signs.
    public static let signatureName = "SHA256SUMS.sig"

    public struct Entry: Sendable, Hashable {
        /// Relative to the release folder, `/`-separated.
        public var path: String
        /// Lowercase hex.
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// Sorted by path bytes.
    public private(set) var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries.sorted { ReleaseFile.pathPrecedes($0.path, $1.path) }
    }

    public init(files: [ReleaseFile]) {
        self.init(entries: files.map { Entry(path: $0.path, sha256: $0.sha256) })
    }

    /// The hash listed for `path`.
    public subscript(path: String) -> String? { entries.first { $0.path == path }?.sha256 }

    public func render() -> Data {
        var text = ""
        for e in entries { text += "\(e.sha256)  \(e.path)\n" }
        return Data(text.utf8)
    }

    /// - Parameter file: named in errors.
    public static func parse(_ data: Data, file: String) throws -> SHA256Sums {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ODPError.data(SourceLocation(file: file), "SHA256SUMS 不是 UTF-8 文本 (not UTF-8)")
        }
        var entries: [Entry] = []
        var seen = Set<String>()
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let at = SourceLocation(file: file, line: n + 1)
            let hex = line.prefix(64)
            let rest = line.dropFirst(64)
            guard hex.count == 64, hex.utf8.allSatisfy(isHexDigit), rest.hasPrefix("  ") || rest.hasPrefix(" *") else {
                throw ODPError.data(at, "校验行格式应为 `<sha256>  <路径>` (not a `<sha256>  <path>` line)")
            }
            var path = String(rest.dropFirst(2))
            if path.hasPrefix("./") { path.removeFirst(2) }
            guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                throw ODPError.data(at, "路径 `\(path)` 指向发布文件夹之外 (leaves the release folder)")
            }
            guard seen.insert(path).inserted else { throw ODPError.data(at, "路径 `\(path)` 重复列出 (listed twice)") }
            entries.append(Entry(path: path, sha256: hex.lowercased()))
        }
        return SHA256Sums(entries: entries)
    }

    /// The SHA256SUMS of the release in `directory`; nil when it has none.
    public static func read(release directory: URL) throws -> SHA256Sums? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try parse(data, file: url.path)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
}
