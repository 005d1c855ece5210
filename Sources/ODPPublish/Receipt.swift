import Foundation

/// Proof that one file reached one target: written to the journal right after the target
/// confirmed it, and returned to the caller.
public struct Receipt: Sendable, Codable, Hashable {
    /// The target's `name:` (or its type when unnamed).
    public var target: String
    /// The dataset id (`DatasetDefinition.id`), or `catalog` for the open-data list.
    public var dataset: String
    public var version: String
    /// Path inside the release (`data/x.csv`, `datapackage.json`).
    public var file: String
    public var sha256: String
    public var size: Int64
    /// Where it is now: a CKAN resource id, a URL or a remote path.
    public var remote: String
    /// ISO 8601 UTC time the target confirmed the file.
    public var time: String
    /// True when this call moved the bytes (false for a file the journal or the target
    /// already had). Not journaled: it describes one call, not the file.
    public var newlyUploaded = false

    enum CodingKeys: String, CodingKey { case target, dataset, version, file, sha256, size, remote, time }

    /// Two receipts are the same proof whether or not this call moved the bytes.
    public static func == (a: Receipt, b: Receipt) -> Bool {
        a.size == b.size && [a.target, a.dataset, a.version, a.file, a.sha256, a.remote, a.time]
            == [b.target, b.dataset, b.version, b.file, b.sha256, b.remote, b.time]
    }

    public func hash(into hasher: inout Hasher) {
        for part in [target, dataset, version, file, sha256, remote, time] { hasher.combine(part) }
        hasher.combine(size)
    }

    public init(target: String, dataset: String, version: String, file: String, sha256: String, size: Int64, remote: String, time: String) {
        self.target = target
        self.dataset = dataset
        self.version = version
        self.file = file
        self.sha256 = sha256
        self.size = size
        self.remote = remote
        self.time = time
    }

    var key: JournalKey { JournalKey(target: target, dataset: dataset, version: version, file: file) }

    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}

/// One line of `Publisher.status()`: a file of a release on a target, published or not yet.
public struct PublishStatusEntry: Sendable, Hashable {
    public enum State: String, Sendable, Hashable { case published, pending }
    public var target: String
    public var dataset: String
    public var version: String
    public var file: String
    public var sha256: String
    public var state: State
    /// The receipt when published.
    public var receipt: Receipt?
}

struct JournalKey: Hashable {
    var target: String
    var dataset: String
    var version: String
    var file: String
}
