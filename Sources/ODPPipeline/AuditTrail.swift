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
        if let data = FileManager.default.contents(atPath: url.path) {
            // A crash can leave a torn last line; it was never acknowledged, so drop it.
            var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            if let last = lines.last, (try? JSONSerialization.jsonObject(with: Data(last))) == nil {
                lines.removeLast()
                let kept = lines.map { Data($0) + Data("\n".utf8) }.reduce(Data(), +)
                try AtomicFile.write(kept, to: url)
            }
            if let last = lines.last { lastHash = SHA256Hex.of(last) }
        }
    }

    /// Appends one event. `details` must hold no personal value and no secret.
    public func record(_ event: String, dataset: String? = nil, details: [String: Any] = [:]) throws {
        var entry: [String: Any] = ["time": ISO8601DateFormatter().string(from: Date()), "event": event, "prev": lastHash]
        if let dataset { entry["dataset"] = dataset }
        if !details.isEmpty { entry["details"] = details }
        var line = try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes])
        let hash = SHA256Hex.of(line)
        line.append(UInt8(ascii: "\n"))
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw ODPError.io(url.path, "cannot open the audit trail") }
        defer { close(fd) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(fd) == 0 else { throw ODPError.io(url.path, "cannot append to the audit trail") }
        lastHash = hash
    }

    public struct Verification: Sendable {
        public var entries: Int
        /// 1-based line of the first entry whose `prev` does not match, or that is not JSON.
        public var firstBrokenLine: Int?
        public var problem: String?
    }

    /// Checks the chain from the first line.
    public static func verify(url: URL) throws -> Verification {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ODPError.io(url.path, "no audit trail here")
        }
        var expected = genesis
        var n = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.isEmpty { continue }
            n += 1
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                return Verification(entries: n, firstBrokenLine: n, problem: "line \(n) is not a JSON object")
            }
            guard object["prev"] as? String == expected else {
                return Verification(entries: n, firstBrokenLine: n, problem: "line \(n) does not follow line \(n - 1): an entry was changed, removed or inserted")
            }
            expected = SHA256Hex.of(line)
        }
        return Verification(entries: n, firstBrokenLine: nil, problem: nil)
    }
}
