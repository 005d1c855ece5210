import Foundation

/// Proof that one file reached one target: a line of `state/publish/receipts.jsonl`, written
/// right after the target confirmed the file, and returned to the caller. Version 0 (before
/// versions) had the same keys.
public struct Receipt: Artifact, Hashable {
    public static let artifactName = "receipts.jsonl"
    public static let schemaVersion = 1

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

    /// The time format of `time`: ISO 8601 UTC with milliseconds.
    public static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
