import Foundation
import ODPCore

/// A release as found on disk.
public struct ReleaseInfo: Sendable, Hashable {
    public var datasetId: String
    public var version: String
    public var directory: URL
    public var contentHash: String
    /// `released`, `held` or `awaiting_approval` as recorded in release.json; a version that
    /// `latest.json` points at reads `released` (it was approved after it was written).
    public var status: String
    public var holdReasons: [String]
    public var rowCount: Int
    /// Release time, ISO 8601 UTC.
    public var created: String
    public var previousVersion: String?
    /// The published-file gate version its files passed (0: made before the gate existed).
    public var publishedFileGate: Int = 0
}

/// Reads the releases of a dataset: versions, the latest released one, and its CSV.
public enum ReleaseReader {
    /// Every complete version, oldest first (in-progress `.tmp-*` folders are ignored).
    public static func versions(datasetId: String, root: URL) -> [ReleaseInfo] {
        let dir = releasesDirectory(datasetId, root)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        let latest = latestVersion(datasetId: datasetId, root: root)
        return names.compactMap { ReleaseVersion($0) }.sorted().compactMap { v in
            info(datasetId: datasetId, directory: dir.appendingPathComponent(v.text), latest: latest)
        }
    }

    /// The version `latest.json` points at: the newest released (or approved) one.
    public static func latest(datasetId: String, root: URL) -> ReleaseInfo? {
        guard let version = latestVersion(datasetId: datasetId, root: root) else { return nil }
        return info(datasetId: datasetId, directory: releasesDirectory(datasetId, root).appendingPathComponent(version), latest: version)
    }

    /// The newest complete version whatever its status (the base for change detection).
    public static func newest(datasetId: String, root: URL) -> ReleaseInfo? {
        versions(datasetId: datasetId, root: root).last
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

    static func isHeld(_ directory: URL, root: URL) -> Bool {
        directory.standardizedFileURL.path.hasPrefix(heldRoot(root).standardizedFileURL.path + "/")
    }

    static func releasesDirectory(_ datasetId: String, _ root: URL) -> URL {
        root.appendingPathComponent("releases").appendingPathComponent(datasetId)
    }

    static func latestVersion(datasetId: String, root: URL) -> String? {
        let url = releasesDirectory(datasetId, root).appendingPathComponent("latest.json")
        guard let data = FileManager.default.contents(atPath: url.path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["version"] as? String
    }

    static func info(datasetId: String, directory: URL, latest: String?) -> ReleaseInfo? {
        let url = directory.appendingPathComponent("release.json")
        guard let data = FileManager.default.contents(atPath: url.path),
              let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let version = o["version"] as? String, let hash = o["content_hash"] as? String else { return nil }
        var status = o["status"] as? String ?? "released"
        if version == latest { status = "released" }
        return ReleaseInfo(datasetId: datasetId, version: version, directory: directory, contentHash: hash, status: status,
                           holdReasons: o["hold_reasons"] as? [String] ?? [], rowCount: (o["row_count"] as? NSNumber)?.intValue ?? 0,
                           created: o["created"] as? String ?? "", previousVersion: o["previous_version"] as? String,
                           publishedFileGate: (o["published_file_gate"] as? NSNumber)?.intValue ?? 0)
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
