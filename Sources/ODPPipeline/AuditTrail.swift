import Foundation
import ODPCore

/// 全程留痕: an append-only JSON-lines log where each entry carries the SHA-256 of the
/// previous line, so any edit, deletion or reordering breaks the chain at that point.
public final class AuditTrail {
    public let url: URL
    private var lastHash: String

    static let genesis = String(repeating: "0", count: 64)

    public init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        lastHash = Self.genesis
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        // A crash or a full disk can leave a torn last line. It was never acknowledged (an
        // entry is one write of its line and newline, then fsync), so it is dropped, and the
        // repair is itself recorded. A complete line that is not JSON is left for `verify`.
        let torn = Self.tornTail(data)
        if torn != nil { lines.removeLast() }
        if let last = lines.last { lastHash = SHA256Hex.of(last) }
        guard let torn else { return }
        try AtomicFile.write(lines.map { Data($0) + Data("\n".utf8) }.reduce(Data(), +), to: url)
        try record("audit_repaired", details: AuditDetails(tornLine: lines.count + 1, droppedBytes: torn))
    }

    /// The byte count of an incomplete final write: a last line with no newline that is not a
    /// JSON object. Nil when the file ends cleanly.
    static func tornTail(_ data: Data) -> Int? {
        guard let lastByte = data.last, lastByte != UInt8(ascii: "\n") else { return nil }
        let start = (data.lastIndex(of: UInt8(ascii: "\n")).map { data.index(after: $0) }) ?? data.startIndex
        let tail = data[start...]
        return isObject(tail) ? nil : tail.count
    }

    /// Appends one event. `details` must hold no personal value and no secret.
    public func record(_ event: String, dataset: String? = nil, details: AuditDetails? = nil) throws {
        let entry = AuditEntry(time: ISO8601DateFormatter().string(from: Date()), event: event, prev: lastHash, dataset: dataset, details: details)
        var line = try ArtifactCodec.encodeLine(entry)
        let hash = SHA256Hex.of(line)
        line.append(UInt8(ascii: "\n"))
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw ODPError.io(url.path, "无法打开审计日志（audit trail）") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else { throw ODPError.io(url.path, "无法追加写入审计日志（audit trail）") }
        lastHash = hash
    }

    private static func isObject(_ bytes: Data.SubSequence) -> Bool {
        if case .object? = try? JSONDecoder().decode(ArtifactJSON.self, from: Data(bytes)) { return true }
        return false
    }

    /// Every entry of the trail at `url`, oldest first (torn or foreign lines left out).
    public static func entries(url: URL) -> [AuditEntry] { ArtifactCodec.readLines(AuditEntry.self, at: url) }

    public struct Verification: Sendable {
        public var entries: Int
        /// 1-based line of the first entry whose `prev` does not match, or that is not JSON.
        public var firstBrokenLine: Int?
        public var problem: String?
        /// Bytes of an incomplete final write after the last entry: not tampering (nothing
        /// before it changed, and it was never acknowledged); the next run drops it and
        /// records `audit_repaired`.
        public var tornFinalWrite: Int?
    }

    /// Checks the chain from the first line.
    public static func verify(url: URL) throws -> Verification {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ODPError.io(url.path, "这里没有审计日志（no audit trail）")
        }
        var expected = genesis
        var n = 0
        let torn = tornTail(data)
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if torn != nil { lines.removeLast() }
        for line in lines {
            if line.isEmpty { continue }
            n += 1
            // Only the chain is checked here: an entry of a newer schema still links.
            guard let object = try? JSONDecoder().decode(ArtifactJSON.self, from: Data(line)), case .object = object else {
                return Verification(entries: n, firstBrokenLine: n, problem: "第 \(n) 行不是 JSON 对象（not a JSON object）")
            }
            guard object["prev"] == .string(expected) else {
                return Verification(entries: n, firstBrokenLine: n, problem: "第 \(n) 行与第 \(n - 1) 行的哈希链接不上（does not follow）：有记录被修改、删除或插入")
            }
            expected = SHA256Hex.of(line)
        }
        return Verification(entries: n, firstBrokenLine: nil, problem: nil, tornFinalWrite: torn)
    }
}
