import Foundation
import ODPCore

/// A release as found on disk: its release.json and where it is.
public struct ReleaseInfo: Sendable, Hashable {
    public var directory: URL
    public var metadata: ReleaseMetadata
    /// `latest.json` points at it.
    public var isLatest: Bool

    public var datasetId: String { metadata.datasetId }
    public var version: String { metadata.version }
    public var contentHash: String { metadata.contentHash }
    /// `released`, `held` or `awaiting_approval` as recorded in release.json; a version that
    /// `latest.json` points at reads `released` (it was approved after it was written).
    public var status: String { isLatest ? ReleaseMetadata.Status.released.rawValue : metadata.status.rawValue }
    public var holdReasons: [String] { metadata.holdReasons }
    public var rowCount: Int { metadata.rowCount }
    /// Release time, ISO 8601 UTC.
    public var created: String { metadata.created }
    public var previousVersion: String? { metadata.previousVersion }
    /// The published-file gate version its files passed (0: made before the gate existed).
    public var publishedFileGate: Int { metadata.publishedFileGate }
}

/// Reads the releases of a dataset: versions, the latest released one, and its CSV.
public enum ReleaseReader {
    /// Every complete version, oldest first (in-progress `.tmp-*` folders are ignored).
    /// - Throws: when a release.json or latest.json cannot be read (a newer format, damage).
    public static func versions(datasetId: String, root: URL) throws -> [ReleaseInfo] {
        let dir = releasesDirectory(datasetId, root)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        let latest = try latestVersion(datasetId: datasetId, root: root)
        return try names.compactMap { ReleaseVersion($0) }.sorted().compactMap { v in
            try info(directory: dir.appendingPathComponent(v.text), latest: latest)
        }
    }

    /// The versions researchers have had, oldest first: each released one up to the latest
    /// (held versions and any after the latest left out). The DCAT series, the feeds and the
    /// subscribers' events list these.
    public static func published(datasetId: String, root: URL) throws -> [ReleaseInfo] {
        guard let latest = try latest(datasetId: datasetId, root: root) else { return [] }
        let upToLatest = try versions(datasetId: datasetId, root: root).prefix { $0.version != latest.version } + [latest]
        return upToLatest.filter { $0.status == ReleaseMetadata.Status.released.rawValue }
    }

    /// The version `latest.json` points at: the newest released (or approved) one.
    public static func latest(datasetId: String, root: URL) throws -> ReleaseInfo? {
        guard let version = try latestVersion(datasetId: datasetId, root: root) else { return nil }
        return try info(directory: releasesDirectory(datasetId, root).appendingPathComponent(version), latest: version)
    }

    /// The newest complete version whatever its status (the base for change detection).
    public static func newest(datasetId: String, root: URL) throws -> ReleaseInfo? {
        try versions(datasetId: datasetId, root: root).last
    }

    /// Streams the release's CSV back into batches in schema order (columns by header name;
    /// a schema field missing from the file reads as null). Values come back as written.
    public static func readCSV(release: URL, datasetId: String, schema: Schema, batchRows: Int = 10_000,
                               _ body: (RowBatch) throws -> Void) throws {
        let url = release.appendingPathComponent("data/\(datasetId).csv")
        let reader = try CSVRecordReader(url: url)
        var mapping: [Int?] = []
        var batch = RowBatch(columnCount: schema.fields.count, rowCapacity: batchRows)
        var line = 1
        try reader.forEachRecord { base, fields in
            if mapping.isEmpty && line == 1 {
                let header = fields.map { String(decoding: CSVRecordReader.unquoted(base, $0), as: UTF8.self) }
                mapping = schema.fields.map { f in header.firstIndex(of: f.name) }
                line += 1
                return
            }
            line += 1
            for source in mapping {
                if let source, source < fields.count {
                    let value = CSVRecordReader.unquoted(base, fields[source])
                    if value.isEmpty { batch.appendNull() } else { batch.appendCell(bytes: value) }
                } else {
                    batch.appendNull()
                }
            }
            batch.endRow(sourceRow: line)
            if batch.rowCount >= batchRows {
                try body(batch)
                batch = RowBatch(columnCount: schema.fields.count, rowCapacity: batchRows)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    // MARK: Internals

    /// Where releases held by a gate are kept: `<root>/held/`, laid out like `<root>`, never
    /// served or uploaded. Data officers preview them there.
    public static func heldRoot(_ root: URL) -> URL { root.appendingPathComponent("held") }

    /// Where `odp withdraw` moves a withdrawn version's files: `<root>/state/withdrawn/`, laid
    /// out as `<dataset>/<version>/` and `<dataset>/packages/`, mode 0700, never served or uploaded.
    public static func quarantineRoot(_ root: URL) -> URL { root.appendingPathComponent("state/withdrawn") }

    static func isHeld(_ directory: URL, root: URL) -> Bool {
        directory.standardizedFileURL.path.hasPrefix(heldRoot(root).standardizedFileURL.path + "/")
    }

    public static func releasesDirectory(_ datasetId: String, _ root: URL) -> URL {
        root.appendingPathComponent("releases").appendingPathComponent(datasetId)
    }

    static func latestVersion(datasetId: String, root: URL) throws -> String? {
        try LatestPointer.read(datasetDirectory: releasesDirectory(datasetId, root))?.version
    }

    /// The release in `directory`; nil when it is incomplete (no release.json).
    static func info(directory: URL, latest: String?) throws -> ReleaseInfo? {
        guard let metadata = try ReleaseMetadata.read(release: directory) else { return nil }
        return ReleaseInfo(directory: directory, metadata: metadata, isLatest: metadata.version == latest)
    }
}

/// `YYYY.MM.DD.N`: the UTC day of the run plus a sequence from 1 for that day. Compared
/// numerically, so `2026.11.23.10` sorts after `2026.11.23.9`.
struct ReleaseVersion: Comparable, Hashable {
    let parts: [Int]
    let text: String

    init?(_ text: String) {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 4 else { return nil }
        let numbers = pieces.compactMap { Int($0) }
        guard numbers.count == 4, pieces[0].count == 4, pieces[1].count == 2, pieces[2].count == 2, numbers[3] >= 1 else { return nil }
        parts = numbers
        self.text = text
    }

    static func < (a: ReleaseVersion, b: ReleaseVersion) -> Bool { a.parts.lexicographicallyPrecedes(b.parts) }

    var day: String { text.split(separator: ".").prefix(3).joined(separator: ".") }
    var sequence: Int { parts[3] }
}
