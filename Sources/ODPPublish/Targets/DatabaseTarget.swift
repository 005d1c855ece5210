import Foundation
import ODPCore
import ODPPostgres

/// Publishes to an exchange database (前置机库) of the PostgreSQL family: each version's
/// CSV becomes a typed table `<dataset>__<version>`, and the view `<dataset>` shows the
/// current version.
///
/// A reader never sees a half-loaded table under the stable name. A version is loaded into
/// a staging table (`odp_loading__…`, created and filled by `COPY` in one transaction), its
/// row count and checksum (`CSVRecordChecksum`) are compared with the release file, and only
/// then one transaction renames it to its version name, records it in `odp_versions`,
/// updates `odp_datasets` and re-points the view. A run killed during the load leaves
/// nothing (the server rolls the transaction back); one killed after it leaves the checked
/// staging table, which the next run checks again and switches to without loading again.
///
/// A version recorded in `odp_versions` is never loaded again: the same content is confirmed,
/// other content under the same version is refused (`PublishedFile.refusal`). Older versions'
/// tables stay (`keep_versions` limits how many), and the view never moves back to an
/// older version.
final class DatabaseTarget: PublishTarget {
    let settings: TargetSettings
    let schema: String
    private let url: String
    private var connection: PGConnection?
    /// Bytes sent per `COPY` message; small in tests that interrupt a load half-way.
    var copyChunkBytes = 1 << 20
    /// Test hooks: called after each `COPY` chunk (its number) and before the switch.
    var afterCopyChunk: ((Int) throws -> Void)?
    var beforeSwitch: (() throws -> Void)?

    private let log: PublishLog

    init(settings: TargetSettings, url: String, log: PublishLog) {
        self.settings = settings
        self.url = url
        self.log = log
        schema = settings.schema
    }

    /// Host, port and database, without user or password.
    var origin: String {
        guard let c = URLComponents(string: url) else { return "(url)" }
        return "\(c.host ?? "localhost"):\(c.port ?? 5432)/\(c.path.drop { $0 == "/" })"
    }

    func table(_ name: String) -> String { DatabaseNames.qualified(schema, name) }

    // MARK: publish

    func publish(_ job: PublishJob, session: PublishSession) throws {
        let c = try connect()
        if job.isCatalog {
            // The open-data list is `odp_datasets` itself, kept up to date with each version.
            for file in job.files { try session.confirm(file, remote: "\(origin) \(table("odp_datasets"))", uploaded: false) }
            return
        }
        let release = try DatabaseRelease(job)
        let loaded = try withDatasetLock(c, job.dataset) { try place(release, job: job, c) }
        for file in job.files {
            let remote = file.path == release.csv.path ? "\(origin) \(table(loaded.table))" : "\(origin) \(table("odp_versions")) \(job.dataset) \(job.version)"
            try session.confirm(file, remote: remote, uploaded: loaded.uploaded)
        }
    }

    /// Loads the version unless `odp_versions` has it, then makes sure the view and catalog
    /// rows say what they should. Returns the version's table and whether it was loaded now.
    private func place(_ release: DatabaseRelease, job: PublishJob, _ c: PGConnection) throws -> (table: String, uploaded: Bool) {
        let expected = try CSVRecordChecksum.of(release.csv.url)
        guard expected.rows == release.metadata.rowCount else {
            throw ODPError.data(SourceLocation(file: release.csv.url.path),
                                "CSV 有 \(expected.rows) 行，release.json 记为 \(release.metadata.rowCount) 行（row count differs）；不装载")
        }
        if let row = try versionRow(c, dataset: job.dataset, version: job.version) {
            guard row.contentHash == release.metadata.contentHash else {
                throw PublishedFile.refusal("\(origin) \(table(row.table))", version: job.version)
            }
            if row.status == "withdrawn" {
                throw PublishedFile.withdrawn("\(origin) \(table(row.table))", version: job.version)
            }
            var uploaded = false
            if job.repair, row.status == "loaded", try tableChecksum(c, table(row.table), release.table) != expected.text {
                note("\(job.dataset) \(job.version): table \(row.table) differs from the release; loading it again")
                try stage(release, expected: expected, c)
                uploaded = true
            }
            try switchVersion(release, checksum: expected.text, staged: uploaded, replacing: uploaded, c)
            return (row.table, uploaded)
        }
        let versioned = DatabaseNames.versioned(job.dataset, job.version)
        if try exists(c, versioned) {
            throw PublishedFile.refusal("\(origin) \(table(versioned))（odp_versions 中没有它的记录）", version: job.version)
        }
        try stage(release, expected: expected, c)
        try beforeSwitch?()
        try switchVersion(release, checksum: expected.text, staged: true, replacing: false, c)
        return (versioned, true)
    }

    private func note(_ message: String) { log.note("\(settings.name): \(message)") }

    /// Fills the staging table and checks it, unless a run before left it complete.
    private func stage(_ release: DatabaseRelease, expected: CSVRecordChecksum, _ c: PGConnection) throws {
        let staging = table(DatabaseNames.staging(release.dataset, release.version))
        if try exists(c, DatabaseNames.staging(release.dataset, release.version)) {
            if (try? tableChecksum(c, staging, release.table)) == expected.text {
                note("\(release.dataset) \(release.version): staging table complete from an earlier run; not loaded again")
                return
            }
            try c.command("DROP TABLE \(staging)", doing: "删除未完成的装载表失败（dropping a stale staging table failed）")
        }
        try transaction(c) {
            try c.command(release.table.create(staging), doing: "建表失败（create table failed）")
            for sql in release.table.comments(staging) { try c.command(sql, doing: "写列注释失败（column comment failed）") }
            guard let handle = FileHandle(forReadingAtPath: release.csv.url.path) else {
                throw ODPError.io(release.csv.url.path, "无法读取（cannot read）")
            }
            defer { try? handle.close() }
            var chunks = 0
            try c.copyIn(release.table.copy(staging), doing: "装载 \(release.csv.path) 失败（COPY failed）") {
                if chunks > 0 { try afterCopyChunk?(chunks) }
                chunks += 1
                return try handle.read(upToCount: copyChunkBytes)
            }
            let loaded = try tableChecksum(c, staging, release.table)
            guard loaded == expected.text else {
                throw ODPError.io("\(origin) \(staging)", "装载后的行数和校验值 \(loaded) 与发布文件的 \(expected.text) 不符（checksum differs）；未切换")
            }
        }
        note("\(release.dataset) \(release.version): loaded \(expected.rows) rows into \(DatabaseNames.staging(release.dataset, release.version))")
    }

    /// The switch, in one transaction: the staged table takes its version name (replacing a
    /// damaged copy on repair), the version and dataset rows are written, the view moves to
    /// the newest loaded version, and versions beyond `keep_versions` are dropped. Writes
    /// nothing when everything already says so.
    private func switchVersion(_ release: DatabaseRelease, checksum: String, staged: Bool, replacing: Bool, _ c: PGConnection) throws {
        try transaction(c) {
            let versioned = DatabaseNames.versioned(release.dataset, release.version)
            if staged {
                if replacing {
                    // The view depends on the damaged table; `repoint` below creates it again.
                    try c.command("DROP VIEW IF EXISTS \(table(DatabaseNames.stable(release.dataset)))", doing: "删除视图失败（drop view failed）")
                    try c.command("DROP TABLE IF EXISTS \(table(versioned))", doing: "删除损坏的版本表失败")
                }
                try c.command("ALTER TABLE \(table(DatabaseNames.staging(release.dataset, release.version))) RENAME TO \(DatabaseNames.quote(versioned))",
                              doing: "重命名装载表失败（rename failed）")
                try c.command("""
                    INSERT INTO \(table("odp_versions")) (dataset, version, table_name, content_hash, row_count, checksum, issued, status)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, 'loaded')
                    ON CONFLICT (dataset, version) DO UPDATE SET checksum = EXCLUDED.checksum, loaded = now()
                    """, parameters: [release.dataset, release.version, versioned, release.metadata.contentHash, String(release.metadata.rowCount),
                                      checksum, release.metadata.created], doing: "写入 odp_versions 失败")
            }
            try DatabaseCatalog.upsert(release, stable: DatabaseNames.stable(release.dataset), target: self, c)
            try repoint(dataset: release.dataset, title: release.title, c)
            try dropBeyondKept(dataset: release.dataset, c)
        }
    }

    /// Points the view at the newest loaded version (none left: the view goes).
    func repoint(dataset: String, title: String?, _ c: PGConnection) throws {
        let stable = DatabaseNames.stable(dataset)
        let loaded = try c.rows("SELECT version, table_name FROM \(table("odp_versions")) WHERE dataset = $1 AND status = 'loaded'",
                                parameters: [dataset], doing: "读取 odp_versions 失败")
            .compactMap { r -> (String, String)? in r[0].flatMap { v in r[1].map { (v, $0) } } }
        let newest = loaded.max { PublishedFile.precedes($0.0, $1.0) }
        let current = try c.rows("SELECT current_version FROM \(table("odp_datasets")) WHERE dataset = $1", parameters: [dataset],
                                 doing: "读取 odp_datasets 失败").first?.first ?? nil
        let viewThere = try exists(c, stable)
        if let newest, current == newest.0, viewThere { return }
        if newest == nil, current == nil, !viewThere { return }
        guard let newest else {
            try c.command("DROP VIEW IF EXISTS \(table(stable))", doing: "删除视图失败（drop view failed）")
            try c.command("UPDATE \(table("odp_datasets")) SET current_version = NULL, updated = now() WHERE dataset = $1", parameters: [dataset])
            return
        }
        let (version, tableName) = newest
        let select = "SELECT * FROM \(table(tableName))"
        // Same columns: replaced in place, so views the platform built on it keep working.
        try c.command("SAVEPOINT odp_view")
        do {
            try c.command("CREATE OR REPLACE VIEW \(table(stable)) AS \(select)", doing: "建视图失败")
            try c.command("RELEASE SAVEPOINT odp_view")
        } catch {
            try c.command("ROLLBACK TO SAVEPOINT odp_view")
            try c.command("DROP VIEW IF EXISTS \(table(stable))", doing: "替换视图 \(stable) 失败（the schema changed and the view cannot be dropped）")
            try c.command("CREATE VIEW \(table(stable)) AS \(select)", doing: "建视图失败（create view failed）")
        }
        if let title {
            try c.command("COMMENT ON VIEW \(table(stable)) IS \(DatabaseNames.literal("\(title)（当前版本 \(version)）"))")
        }
        try c.command("UPDATE \(table("odp_datasets")) SET current_version = $2, updated = now() WHERE dataset = $1", parameters: [dataset, version])
        note("\(dataset): \(stable) now shows \(version)")
    }

    /// `keep_versions`: the loaded versions after the newest N are dropped (their rows stay, `dropped`).
    private func dropBeyondKept(dataset: String, _ c: PGConnection) throws {
        guard let keep = settings.keepVersions else { return }
        let loaded = try c.rows("SELECT version, table_name FROM \(table("odp_versions")) WHERE dataset = $1 AND status = 'loaded'",
                                parameters: [dataset], doing: "读取 odp_versions 失败")
            .compactMap { r -> (String, String)? in r[0].flatMap { v in r[1].map { (v, $0) } } }
            .sorted { PublishedFile.precedes($1.0, $0.0) }
        for (version, tableName) in loaded.dropFirst(keep) {
            try c.command("DROP TABLE IF EXISTS \(table(tableName))", doing: "删除旧版本表失败（drop table failed）")
            try c.command("UPDATE \(table("odp_versions")) SET status = 'dropped' WHERE dataset = $1 AND version = $2", parameters: [dataset, version])
            note("\(dataset): dropped \(tableName) (keep_versions \(keep))")
        }
    }

    func existingVersions(dataset: String, catalog: CatalogMetadata, day: String) throws -> [String] {
        let c = try connect()
        let versions = try c.rows("SELECT version FROM \(table("odp_versions")) WHERE dataset = $1", parameters: [dataset],
                                  doing: "读取 odp_versions 失败").compactMap { $0[0] }
        return PublishedFile.versions(versions, day: day)
    }

    // MARK: database

    struct VersionRow {
        var table: String
        var contentHash: String
        var status: String
    }

    func versionRow(_ c: PGConnection, dataset: String, version: String) throws -> VersionRow? {
        let rows = try c.rows("SELECT table_name, content_hash, status FROM \(table("odp_versions")) WHERE dataset = $1 AND version = $2",
                              parameters: [dataset, version], doing: "读取 odp_versions 失败")
        guard let r = rows.first, let t = r[0], let h = r[1], let s = r[2] else { return nil }
        return VersionRow(table: t, contentHash: h, status: s)
    }

    func exists(_ c: PGConnection, _ name: String) throws -> Bool {
        try c.rows("SELECT to_regclass($1) IS NOT NULL", parameters: [table(name)], doing: "查询表是否存在失败").first?.first == "t"
    }

    func tableChecksum(_ c: PGConnection, _ qualified: String, _ shape: DatabaseTable) throws -> String {
        try c.rows(shape.checksumQuery(qualified), doing: "计算校验值失败（checksum query failed）").first?.first.flatMap { $0 } ?? ""
    }

    func transaction<T>(_ c: PGConnection, _ body: () throws -> T) throws -> T {
        try c.command("BEGIN")
        do {
            let out = try body()
            try c.command("COMMIT", doing: "提交失败（commit failed）")
            return out
        } catch {
            if c.isOpen { try? c.command("ROLLBACK") }
            throw error
        }
    }

    /// One writer per dataset across machines: a session advisory lock, released by the
    /// server if this process dies.
    func withDatasetLock<T>(_ c: PGConnection, _ dataset: String, _ body: () throws -> T) throws -> T {
        let key = "odp-database:\(schema):\(dataset)"
        _ = try c.rows("SELECT pg_advisory_lock(hashtext($1))", parameters: [key], doing: "加锁失败（advisory lock failed）")
        defer { if c.isOpen { _ = try? c.rows("SELECT pg_advisory_unlock(hashtext($1))", parameters: [key], doing: "解锁失败") } }
        return try body()
    }

    /// The open connection, reconnecting after a dropped one; the schema and the catalog
    /// tables exist when it returns.
    func connect() throws -> PGConnection {
        if let connection, connection.isOpen { return connection }
        connection?.close()
        var secrets = [url]
        if let c = URLComponents(string: url) { secrets += [c.password, c.percentEncodedPassword].compactMap { $0 } }
        var parameters = [("dbname", url), ("connect_timeout", String(settings.transfer.connectTimeout)),
                          ("client_encoding", "UTF8"), ("application_name", "odp-publish")]
        if let mode = settings.sslMode { parameters.append(("sslmode", mode)) }
        if let ca = settings.caFile { parameters.append(("sslrootcert", ca)) }
        let origin = self.origin
        let c = try PGConnection(parameters: parameters, expandDatabase: true, secrets: secrets, origin: origin,
                                 refused: "无法连接交换库 \(origin)（cannot connect to the exchange database）",
                                 wrap: { ODPError.io("PostgreSQL 交换库 \(origin)", $0).coded(.publish) })
        try c.command("SET DateStyle = ISO")
        try c.command("SET TimeZone = 'UTC'")
        try DatabaseCatalog.create(schema: schema, c)
        connection = c
        return c
    }
}
