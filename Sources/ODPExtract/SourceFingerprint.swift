import Crypto
import Foundation
import ODPCore
import ODPPostgres

/// A cheap look at a dataset's source, so a run can tell that nothing changed since the last
/// one without reading any row.
///
/// ## Edge behaviour
/// - File sources (and SQLite, with its `-wal` file when there is one): each file's size and
///   modification/change times; a file whose stat fields differ from `previous` is hashed
///   (SHA-256), so a file touched but not changed still matches.
/// - PostgreSQL: the answer to `source.probe` when the definition names one; else, for an
///   incremental source whose reconciliation is not `every: run`, the watermark's maximum and
///   the row count. Without either there is no cheap look: `take` returns nil and the
///   dataset always runs.
/// - A missing file also returns nil: the run meets it and fails that dataset as usual.
public enum SourceFingerprint {
    public struct Taken: Sendable, Equatable {
        public var files: [SourceFileStamp]
        public var probe: String?
    }

    public static func take(_ definition: DatasetDefinition, previous: [SourceFileStamp],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Taken? {
        let spec = definition.source
        if spec.kind == .postgres {
            guard let sql = probeQuery(definition) else { return nil }
            let connection = try PGConnection(definition: definition, environment: environment)
            defer { connection.close() }
            let rows = try connection.rows(sql.text, parameters: sql.parameters, doing: "source.probe failed")
            let answer = rows.map { $0.map { $0.map { "v" + $0 } ?? "null" }.joined(separator: "\u{1F}") }.joined(separator: "\u{1E}")
            return Taken(files: [], probe: SHA256Hex.of(Array(answer.utf8)))
        }
        guard let path = spec.path else { return nil }
        var paths = [definition.resolve(path).path]
        if spec.kind == .sqlite, FileManager.default.fileExists(atPath: paths[0] + "-wal") { paths.append(paths[0] + "-wal") }
        var files: [SourceFileStamp] = []
        for p in paths {
            guard let stamp = try stamp(p, previous: previous.first { $0.path == p }) else { return nil }
            files.append(stamp)
        }
        return Taken(files: files, probe: nil)
    }

    /// The probe the definition names, or, when the watermark alone is trusted between
    /// reconciliations, the watermark's maximum, the count and a sum of digests of every
    /// watermark value: a row stamped `2099-…` or `infinity` pins the maximum, and an update
    /// elsewhere must still be seen.
    static func probeQuery(_ definition: DatasetDefinition) -> (text: String, parameters: [String])? {
        let spec = definition.source
        if let probe = spec.probe { return (probe, []) }
        guard let incremental = spec.incremental, incremental.reconcile != .everyRun else { return nil }
        let column = SQLText.quoteIdentifier(SQLText.watermarkColumn(incremental.watermark, in: definition))
        let pg = DigestSQL.postgres, stamps = "sum(\(pg.hex32(pg.md5(pg.cell(column, false)), 1)))"
        return ("SELECT max(\(column))::text, count(*), \(stamps) FROM (\(SQLText.baseQuery(definition))) AS odp_probe", spec.parameters)
    }

    /// The file's stamp; its hash is reused from `previous` when size and times are the same.
    /// Nil when the path is not a regular file.
    static func stamp(_ path: String, previous: SourceFileStamp?) throws -> SourceFileStamp? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var stamp = SourceFileStamp(path: path, size: Int64(st.st_size),
                                    mtimeNanos: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                                    ctimeNanos: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec), sha256: "")
        if let previous, previous.sameStat(stamp) {
            stamp.sha256 = previous.sha256
        } else {
            stamp.sha256 = try sha256(path)
        }
        return stamp
    }

    private static func sha256(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ODPError.io(path, "cannot read the source file") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return SHA256Hex.hex(hasher.finalize())
    }
}
