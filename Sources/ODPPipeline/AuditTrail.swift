import Foundation
import ODPCore

/// 全程留痕: an append-only JSON-lines log where each entry carries the SHA-256 of the
/// previous line, so any edit, deletion or reordering breaks the chain at that point.
/// Datasets running in parallel record through one trail: a lock keeps the chain in the
/// order the lines are written.
///
/// With a shared state store (`state: {type: postgres}`) the same lines are rows of the
/// store (`SharedRecords`), which serialises appends from every pod; `verify` checks them
/// with the same rules.
public final class AuditTrail: @unchecked Sendable {
    public let url: URL
    private let records: SharedRecords?
    private let lock = NSLock()
    private var lastHash: String
    /// The trail's size after this process's last write (or when it was opened).
    private var knownSize = 0

    static let genesis = String(repeating: "0", count: 64)

    /// The trail kept by a shared store; the chain's head is read at each append.
    public init(records: SharedRecords) {
        url = URL(fileURLWithPath: "/dev/null")
        self.records = records
        lastHash = Self.genesis
    }

    public init(url: URL) throws {
        self.url = url
        records = nil
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        lastHash = Self.genesis
        // Only the end of the trail is read: it grows with every run and dataset, and opening
        // it must cost the same at the thousandth run as at the first.
        guard let (data, size) = try Self.tail(url) else { return }
        knownSize = size
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        // A crash or a full disk can leave a torn last line. It was never acknowledged (an
        // entry is one write of its line and newline, then fsync), so it is cut off, and the
        // repair is itself recorded. A complete line that is not JSON is left for `verify`.
        let torn = Self.tornTail(data)
        if torn != nil { lines.removeLast() }
        if let last = lines.last { lastHash = SHA256Hex.of(last) }
        guard let torn else { return }
        guard truncate(url.path, off_t(size - torn)) == 0 else { throw ODPError.system(url.path, errno: errno) }
        knownSize = size - torn
        try record("audit_repaired", details: AuditDetails(tornLine: Self.lineCount(url) + 1, droppedBytes: torn))
    }

    /// Complete lines in the file, counted a block at a time (only when repairing).
    private static func lineCount(_ url: URL) -> Int {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return 0 }
        defer { try? handle.close() }
        var count = 0
        while let block = try? handle.read(upToCount: 1 << 20), !block.isEmpty {
            count += block.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        }
        return count
    }

    /// The end of the trail, from at least two newlines before its end (so its last complete
    /// line and any torn tail are whole), and the file's size; nil when there is no file.
    private static func tail(_ url: URL) throws -> (Data, Int)? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        var span = 64 << 10
        while true {
            let start = max(0, size - span)
            try handle.seek(toOffset: UInt64(start))
            let data = try handle.readToEnd() ?? Data()
            if start == 0 || data.lazy.filter({ $0 == UInt8(ascii: "\n") }).count >= 2 { return (data, size) }
            span *= 4
        }
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
        if let records {
            try records.appendAuditLine { previous in
                try ArtifactCodec.encodeLine(AuditEntry(time: ISO8601DateFormatter().string(from: Date()), event: event, prev: previous,
                                                        dataset: dataset, details: details))
            }
            return
        }
        lock.lock()
        defer { lock.unlock() }
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw ODPError.io(url.path, "无法打开审计日志（audit trail）") }
        defer { close(fd) }
        // The shards of a sharded run append to one trail from several processes: the file
        // lock orders their lines, and a trail that grew since this process last wrote has
        // another process's line last, which this entry must link to.
        guard flock(fd, LOCK_EX) == 0 else { throw ODPError.system(url.path, errno: errno) }
        defer { flock(fd, LOCK_UN) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw ODPError.system(url.path, errno: errno) }
        if Int(status.st_size) != knownSize, let (data, _) = try Self.tail(url),
           let last = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).last {
            lastHash = SHA256Hex.of(last)
        }
        let entry = AuditEntry(time: ISO8601DateFormatter().string(from: Date()), event: event, prev: lastHash, dataset: dataset, details: details)
        var line = try ArtifactCodec.encodeLine(entry)
        let hash = SHA256Hex.of(line)
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else { throw ODPError.io(url.path, "无法追加写入审计日志（audit trail）") }
        lastHash = hash
        knownSize = Int(status.st_size) + line.count
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
        let torn = tornTail(data)
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if torn != nil { lines.removeLast() }
        return verify(lines: lines.map { Data($0) }, torn: torn)
    }

    /// Checks the chain of a shared store's rows, oldest first.
    public static func verify(records: SharedRecords) throws -> Verification {
        let (lines, head) = try records.auditChain()
        var result = verify(lines: lines, torn: nil)
        if result.firstBrokenLine == nil, let last = lines.last, SHA256Hex.of(last) != head {
            result.firstBrokenLine = lines.count
            result.problem = "第 \(lines.count) 行与链头（chain head）记录的哈希不符：最后一条记录被修改"
        }
        return result
    }

    private static func verify(lines: [Data], torn: Int?) -> Verification {
        var expected = genesis
        var n = 0
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
