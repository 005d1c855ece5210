import Foundation
import ODPCore

/// A place that holds files by path: a local folder or a front-end processor (前置机) over
/// SFTP/FTP. Writes are atomic: `put` lands under a temporary name and is renamed when complete.
protocol FileStore {
    /// Size of the file at `path`, nil when it does not exist.
    func size(_ path: String) throws -> Int64?
    /// SHA-256 of the file at `path` (streamed, never held whole).
    func sha256(_ path: String) throws -> String
    func put(_ local: URL, size: Int64, at path: String) throws
    func put(_ data: Data, at path: String) throws
    /// A small file's bytes (a marker or pointer), nil when it does not exist.
    func read(_ path: String) throws -> Data?
    /// Names of the entries of `folder`; empty when it does not exist.
    func list(_ folder: String) throws -> [String]
    /// Removes the files at `paths`; one already gone counts as removed. Fails when a file
    /// is still there afterwards.
    func delete(_ paths: [String]) throws
    /// The address recorded in receipts.
    func describe(_ path: String) -> String
}

/// The file-drop protocol shared by `dir`, `sftp` and `ftp`:
///
///     <base>/<dataset>/<version>/<file…>            each under a temp name, then renamed
///     <base>/<dataset>/<version>/manifest.json      files, sha256, sizes
///     <base>/<dataset>/<version>/_ODP_DONE          the manifest's sha256: the set is complete
///     <base>/<dataset>/latest.json                  the current version, moved last
///     <base>/catalog/<file>                         the open-data list, last
///
/// A withdrawal (撤回, `odp withdraw`) turns a version folder into a tombstone:
///
///     <base>/<dataset>/<version>/_ODP_WITHDRAWN     written first: number, reason, date
///     <base>/<dataset>/<version>/_ODP_DONE          removed, then every file the manifest lists
///     <base>/<dataset>/<version>/manifest.json      kept: what was withdrawn, by sha256
///     <base>/<dataset>/latest.json                  moved to the version that stays current, or removed
///     <base>/<dataset>/_ODP_WITHDRAWN               when the whole dataset is withdrawn
///
/// The manifest stays so a receiving system that already copied the files can find and
/// purge its copies by hash; without `_ODP_DONE` it no longer claims a complete set. A
/// withdrawn version is never uploaded again to the same place.
///
/// A receiving system waits for `_ODP_DONE` and checks files against the manifest. A reader
/// that wants "the current version" follows `latest.json`: it is replaced atomically, only
/// after every file of the version it names was seen complete, and never moves back to an
/// older version, so it never points at a half-uploaded folder.
final class FileDropTarget: PublishTarget {
    let settings: TargetSettings
    let store: FileStore

    init(settings: TargetSettings, store: FileStore) {
        self.settings = settings
        self.store = store
    }

    static let doneMarker = FileDropMarkers.done

    func publish(_ job: PublishJob, session: PublishSession) throws {
        let folder = job.isCatalog ? "catalog" : "\(job.dataset)/\(job.version)"
        let manifest = Self.manifest(job)
        let manifestBytes = try ArtifactCodec.encode(manifest)
        let manifestHash = SHA256Hex.of(manifestBytes)
        let donePath = "\(folder)/\(Self.doneMarker)"
        // A complete set whose marker matches this manifest, as this odp or one before schema
        // versions wrote it, needs only its receipts.
        let complete = try !job.isCatalog && !job.repair && store.size(donePath) != nil
            && (sameContent(donePath, "\(manifestHash)\n") || sameContent(donePath, "\(SHA256Hex.of(manifest.legacyEncoding()))\n"))
        // A withdrawn version has no done marker; its tombstone keeps it from coming back.
        if !job.isCatalog && !complete, try store.size("\(folder)/\(FileDropMarkers.withdrawn)") != nil {
            throw PublishedFile.withdrawn(store.describe(folder), version: job.version)
        }
        for file in job.files {
            let path = "\(folder)/\(file.path)"
            let there = try complete || present(file, at: path, journaled: session.journaled(file) != nil, job: job)
            if there {
                try session.confirm(file, remote: store.describe(path), uploaded: false)
                continue
            }
            try store.put(file.url, size: file.size, at: path)
            try session.confirm(file, remote: store.describe(path), uploaded: true)
        }
        guard !job.isCatalog else { return }
        if !complete {
            try putUnlessPublished(manifestBytes, at: "\(folder)/\(FileDropMarkers.manifest)", job: job)
            try putUnlessPublished(Data("\(manifestHash)\n".utf8), at: donePath, job: job)
        }
        try movePointer(job)
    }

    /// Points `<dataset>/latest.json` at this version. It is called only after every file of
    /// the version was confirmed in this call (put renames a file into place whole) or the done
    /// marker, written after all of them, matched the manifest: checking each file again would
    /// cost a round trip per file on every re-run, and each is one more chance for a flaky link
    /// to stop the switch. A newer version already named stays named: re-publishing or repairing
    /// an old version does not turn the clock back.
    private func movePointer(_ job: PublishJob) throws {
        let path = "\(job.dataset)/\(LatestPointer.fileName)"
        let bytes = try ArtifactCodec.encode(LatestPointer(datasetId: job.dataset, version: job.version, contentHash: job.contentHash ?? ""))
        if let data = try store.read(path) {
            if data == bytes { return }
            if let current = try? ArtifactCodec.decode(LatestPointer.self, from: data, file: store.describe(path)),
               PublishedFile.precedes(job.version, current.version) { return }
        }
        try store.put(bytes, at: path)
    }

    func existingVersions(dataset: String, catalog: CatalogMetadata, day: String) throws -> [String] {
        PublishedFile.versions(try store.list(dataset), day: day)
    }

    /// Tombstone first, so a reader learns at once; then `latest.json`, so no reader is sent
    /// there; then the done marker and the files. Each step is idempotent, so a re-run after
    /// a fault repeats the unconfirmed version whole.
    func withdraw(_ job: WithdrawJob, session: WithdrawSession) throws {
        if job.wholeDataset { try store.put(try job.marker(nil), at: "\(job.dataset)/\(WithdrawalMarker.fileName)") }
        try repoint(job)
        for version in job.pending {
            let folder = "\(job.dataset)/\(version)"
            let tombstone = "\(folder)/\(WithdrawalMarker.fileName)"
            try store.put(try job.marker(version), at: tombstone)
            try store.delete(try servedFiles(folder))
            try session.confirm(version, remote: store.describe(tombstone))
        }
    }

    /// Moves `latest.json` off a withdrawn version: to the version that stays current when it
    /// is complete here, else away (a pointer to nothing is worse than none). A pointer that
    /// names another version is left alone.
    private func repoint(_ job: WithdrawJob) throws {
        let path = "\(job.dataset)/\(LatestPointer.fileName)"
        guard let data = try store.read(path) else { return }
        let named = try? ArtifactCodec.decode(LatestPointer.self, from: data, file: store.describe(path))
        guard job.wholeDataset || named.map({ job.covered.contains($0.version) }) ?? true else { return }
        if !job.wholeDataset, let current = job.current, !job.covered.contains(current.version),
           try store.size("\(job.dataset)/\(current.version)/\(FileDropMarkers.done)") != nil {
            let pointer = LatestPointer(datasetId: job.dataset, version: current.version, contentHash: current.contentHash ?? "")
            try store.put(try ArtifactCodec.encode(pointer), at: path)
        } else {
            try store.delete([path])
        }
    }

    /// What a version folder serves: the done marker first, then the files its manifest lists
    /// — or, when an interrupted upload left no manifest, whatever is in the folder and its
    /// `data/`.
    private func servedFiles(_ folder: String) throws -> [String] {
        let manifestPath = "\(folder)/\(FileDropMarkers.manifest)"
        var files = [FileDropMarkers.done]
        if let data = try store.read(manifestPath) {
            files += try ArtifactCodec.decode(FileDropManifest.self, from: data, file: store.describe(manifestPath)).files.map(\.path)
        } else {
            let kept: Set = [FileDropMarkers.done, FileDropMarkers.withdrawn, "data"]
            files += try store.list(folder).filter { !kept.contains($0) }
            files += try store.list("\(folder)/data").map { "data/\($0)" }
        }
        return files.map { "\(folder)/\($0)" }
    }

    /// The remote copy is trusted only when its content hashes to the release's sha256. A
    /// journaled file of the right size is taken as is (the rename made it complete), so a
    /// re-run of a large release does not download it again (a repair does). Any other file there belongs to
    /// a published version and is never replaced; only the open-data list is rewritten.
    private func present(_ file: UploadFile, at path: String, journaled: Bool, job: PublishJob) throws -> Bool {
        guard let size = try store.size(path) else { return false }
        if size == file.size, try (journaled && !job.repair) || store.sha256(path) == file.sha256 { return true }
        // A repair replaces a copy that differs from what the journal says was published there.
        if job.isCatalog || (job.repair && journaled) { return false }
        throw PublishedFile.refusal(store.describe(path), version: job.version)
    }

    /// The manifest and marker of a version are published bytes too.
    /// A repair rewrites them when they differ: they are derived from the files just verified.
    private func putUnlessPublished(_ data: Data, at path: String, job: PublishJob) throws {
        if try store.size(path) != nil {
            if try store.sha256(path) == SHA256Hex.of(data) { return }
            if !job.repair { throw PublishedFile.refusal(store.describe(path), version: job.version) }
        }
        try store.put(data, at: path)
    }

    private func sameContent(_ path: String, _ text: String) throws -> Bool {
        try store.sha256(path) == SHA256Hex.of(Array(text.utf8))
    }

    static func manifest(_ job: PublishJob) -> FileDropManifest {
        FileDropManifest(dataset: job.dataset, version: job.version,
                         files: job.files.map { FileDropManifest.File(path: $0.path, sha256: $0.sha256, size: $0.size) })
    }
}
