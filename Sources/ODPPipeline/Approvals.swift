import Foundation
import ODPCore

/// Data officers' decisions on releases that need approval (`approval: required`), kept in
/// `state/approvals.json` and mirrored in the audit trail.
public struct Approvals: Sendable {
    public struct Decision: Codable, Sendable, Equatable {
        public var decision: String  // "approved" | "rejected"
        public var by: String
        public var note: String?
        public var time: Date
    }

    public private(set) var decisions: [String: [String: Decision]]
    let url: URL

    public init(url: URL) {
        self.url = url
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decisions = FileManager.default.contents(atPath: url.path).flatMap { try? decoder.decode([String: [String: Decision]].self, from: $0) } ?? [:]
    }

    public func isApproved(dataset: String, version: String) -> Bool {
        decisions[dataset]?[version]?.decision == "approved"
    }

    public func decision(dataset: String, version: String) -> Decision? { decisions[dataset]?[version] }

    /// Re-reads the file under an exclusive lock before writing, so two decisions made at
    /// once (portal and CLI) never overwrite each other.
    public mutating func record(dataset: String, version: String, approved: Bool, by: String, note: String?) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fd = open(url.path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(url.path, "cannot lock the approvals file") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        decisions = Approvals(url: url).decisions
        decisions[dataset, default: [:]][version] = Decision(decision: approved ? "approved" : "rejected", by: by, note: note, time: Date())
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(decisions), to: url)
    }
}
