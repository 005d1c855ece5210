import Foundation

/// Output folders written before per-dataset state kept it in three catalog-wide files. They
/// are split into the per-dataset layout the first time a store opens the folder, then
/// renamed to `<name>.migrated` (kept for reference, never read again).
///
/// ## Edge behaviour
/// Migration runs under `state/migrate.lock`, so two processes opening an old folder at once
/// migrate it once. It is idempotent: a migration cut short (a crash) is redone from the old
/// files, which are renamed only after every per-dataset file is written; entries already in
/// a per-dataset file are kept and not duplicated, and a per-dataset state already saved is
/// newer than the old file's and wins.
extension FileStateStore {
    var legacyStateFile: URL { directory.appendingPathComponent("datasets.json") }
    var legacyIntentsFile: URL { directory.appendingPathComponent("publish/intents.jsonl") }
    var legacyReceiptsFile: URL { directory.appendingPathComponent("publish/receipts.jsonl") }

    func migrateLegacyLayout() throws {
        let legacy = [legacyStateFile, legacyIntentsFile, legacyReceiptsFile]
        guard legacy.contains(where: { FileManager.default.fileExists(atPath: $0.path) }) else { return }
        let lockPath = directory.appendingPathComponent("migrate.lock").path
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(lockPath, "无法打开迁移锁 (cannot open the migration lock)") }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }

        if FileManager.default.fileExists(atPath: legacyStateFile.path) {
            for (id, state) in try DatasetStates.load(legacyStateFile).states where try datasetState(id) == nil {
                try save(state, dataset: id)
            }
        }
        try migrateLines(UploadIntent.self, from: legacyIntentsFile, to: intentsFile(dataset:))
        try migrateLines(Receipt.self, from: legacyReceiptsFile, to: receiptsFile(dataset:))
        for url in legacy where FileManager.default.fileExists(atPath: url.path) {
            let done = url.appendingPathExtension("migrated")
            guard rename(url.path, done.path) == 0 else { throw ODPError.system(url.path, errno: errno) }
        }
        AtomicFile.syncDirectory(directory)
    }

    /// Splits a catalog-wide JSON-lines file by dataset, keeping the order of its lines.
    private func migrateLines<T: Artifact & Hashable>(_ type: T.Type, from url: URL, to file: (String) -> URL) throws
        where T: JournalEntry {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let byDataset = Dictionary(grouping: ArtifactCodec.readLines(T.self, at: url), by: \.dataset)
        for (dataset, old) in byDataset.sorted(by: { $0.key < $1.key }) {
            let target = file(dataset)
            let seen = Set(old)
            let kept = ArtifactCodec.readLines(T.self, at: target).filter { !seen.contains($0) }
            var data = Data()
            for value in old + kept { data += try ArtifactCodec.encodeLine(value) + Data("\n".utf8) }
            try AtomicFile.write(data, to: target)
        }
    }
}

/// A line of the upload journal: it belongs to one dataset's journal.
protocol JournalEntry { var dataset: String { get } }
extension UploadIntent: JournalEntry {}
extension Receipt: JournalEntry {}
