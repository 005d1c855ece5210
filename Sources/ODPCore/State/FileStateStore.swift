import Foundation

/// The embedded `StateStore`: files under `output/state`, one set per dataset, so a run's
/// cost per dataset does not grow with the catalog.
///
///     state/datasets/<id>.json              DatasetState, replaced atomically
///     state/journal/<id>/intents.jsonl      UploadIntent lines, append-only
///     state/journal/<id>/receipts.jsonl     Receipt lines, append-only
///
/// (`catalog` is the open-data list's journal.) An output folder written before this layout
/// (`state/datasets.json`, `state/publish/intents.jsonl`, `state/publish/receipts.jsonl`) is
/// migrated when the store is opened: see `FileStateStore+Migration.swift`.
public final class FileStateStore: StateStore {
    public let directory: URL

    /// Opens the store under `directory` (the output's `state` folder), migrating an older
    /// layout first.
    ///
    /// ## Errors
    /// `ODPError.io` naming the file when the folder cannot be created or an old state file
    /// cannot be read or migrated.
    public init(directory: URL) throws {
        self.directory = directory
        do { try FileManager.default.createDirectory(at: journalRoot, withIntermediateDirectories: true) } catch {
            throw ODPError.io(journalRoot.path, "无法创建状态目录 (cannot create the state folder): \(error.localizedDescription)")
        }
        try migrateLegacyLayout()
    }

    var datasetsRoot: URL { directory.appendingPathComponent("datasets") }
    var journalRoot: URL { directory.appendingPathComponent("journal") }

    public func stateFile(dataset: String) -> URL { datasetsRoot.appendingPathComponent("\(dataset).json") }
    public func intentsFile(dataset: String) -> URL { journalRoot.appendingPathComponent("\(dataset)/intents.jsonl") }
    public func receiptsFile(dataset: String) -> URL { journalRoot.appendingPathComponent("\(dataset)/receipts.jsonl") }

    public func datasetState(_ dataset: String) throws -> DatasetState? {
        try ArtifactCodec.read(DatasetState.self, at: stateFile(dataset: dataset))
    }

    public func save(_ state: DatasetState, dataset: String) throws {
        try ArtifactCodec.write(state, to: stateFile(dataset: dataset))
    }

    public func datasetStates() throws -> DatasetStates {
        var out = DatasetStates()
        for name in Self.visibleNames(in: datasetsRoot) where name.hasSuffix(".json") {
            let id = String(name.dropLast(".json".count))
            out[id] = try datasetState(id)
        }
        return out
    }

    public func intents(dataset: String) -> [UploadIntent] {
        ArtifactCodec.readLines(UploadIntent.self, at: intentsFile(dataset: dataset))
    }

    public func receipts(dataset: String) -> [Receipt] {
        ArtifactCodec.readLines(Receipt.self, at: receiptsFile(dataset: dataset))
    }

    public func journaledDatasets() -> [String] { Self.visibleNames(in: journalRoot) }

    public func append(intents: [UploadIntent]) throws {
        for (dataset, lines) in Dictionary(grouping: intents, by: \.dataset).sorted(by: { $0.key < $1.key }) {
            try ArtifactCodec.appendLines(lines, to: intentsFile(dataset: dataset))
        }
    }

    public func append(_ receipt: Receipt) throws {
        try ArtifactCodec.appendLine(receipt, to: receiptsFile(dataset: receipt.dataset))
    }

    /// Entries of a folder, sorted, without hidden names (temporary files of atomic writes).
    static func visibleNames(in folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}
