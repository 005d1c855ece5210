/// What a run set out to publish: a line of `state/publish/intents.jsonl` (the upload
/// journal), written before the upload starts, so `odp status` can show what is pending and
/// the next version number never reuses one that may be out there. Version 0 (before
/// versions) had the same keys.
public struct UploadIntent: Artifact, Hashable {
    public static let artifactName = "intents.jsonl"
    public static let schemaVersion = 1

    /// The target's `name:`.
    public var target: String
    /// The dataset id, or `catalog` for the open-data list.
    public var dataset: String
    public var version: String
    /// Path inside the release.
    public var file: String
    public var sha256: String
    public var size: Int64

    public init(target: String, dataset: String, version: String, file: String, sha256: String, size: Int64) {
        self.target = target
        self.dataset = dataset
        self.version = version
        self.file = file
        self.sha256 = sha256
        self.size = size
    }
}
