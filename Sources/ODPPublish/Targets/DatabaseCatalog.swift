import Foundation
import ODPCore
import ODPPostgres

/// The catalog tables of the database target, beside the data tables in its schema:
///
/// - `odp_datasets`: one row per dataset with the 政务信息资源目录 metadata (资源代码,
///   更新周期, 开放属性, 提供方代码, licence…), the view that shows it and its current version,
///   and, once withdrawn, the reason and date;
/// - `odp_versions`: one row per loaded version with its table, content hash, row count,
///   checksum, issue time and status (`loaded`, `dropped` by `keep_versions`, `withdrawn`).
///
/// Column comments say in Chinese what each column holds, for the platform's tools.
enum DatabaseCatalog {
    static let datasetColumns: [(String, String, String)] = [
        ("dataset", "text PRIMARY KEY", "数据集标识"),
        ("title", "text NOT NULL", "资源名称"),
        ("resource_code", "text NOT NULL", "资源代码"),
        ("provider", "text NOT NULL", "提供方"),
        ("provider_code", "text NOT NULL", "提供方代码"),
        ("update_cycle", "text NOT NULL", "更新周期"),
        ("open_type", "text NOT NULL", "开放属性"),
        ("open_condition", "text", "开放条件"),
        ("license", "text NOT NULL", "许可协议"),
        ("stable_name", "text NOT NULL", "始终指向当前版本的视图名"),
        ("current_version", "text", "当前版本；无可用版本时为空"),
        ("status", "text NOT NULL", "published（已发布）或 withdrawn（已撤回）"),
        ("updated", "timestamptz NOT NULL DEFAULT now()", "本行最后修改时间"),
    ] + withdrawalColumns

    static let versionColumns: [(String, String, String)] = [
        ("dataset", "text NOT NULL", "数据集标识"),
        ("version", "text NOT NULL", "版本号"),
        ("table_name", "text NOT NULL", "该版本的数据表名"),
        ("content_hash", "text NOT NULL", "内容哈希（release.json 的 content_hash）"),
        ("row_count", "bigint NOT NULL", "行数"),
        ("checksum", "text NOT NULL", "装载校验值：行数:各行 MD5 前 8 字节之和（模 2^64）"),
        ("issued", "timestamptz NOT NULL", "发布时间"),
        ("loaded", "timestamptz NOT NULL DEFAULT now()", "装载时间"),
        ("status", "text NOT NULL", "loaded（可用）、dropped（按 keep_versions 已删表）或 withdrawn（已撤回）"),
    ] + withdrawalColumns

    /// Set by `DatabaseTarget.withdraw`, in both tables.
    static let withdrawalColumns: [(String, String, String)] = [
        ("withdrawal", "text", "撤回编号"),
        ("withdrawn_reason", "text", "撤回原因"),
        ("withdrawn_at", "timestamptz", "撤回时间"),
    ]

    /// Creates the schema and both tables when missing, under a transaction-scoped advisory
    /// lock so two first runs at once do not collide.
    static func create(schema: String, _ c: PGConnection) throws {
        let s = DatabaseNames.quote(schema)
        func table(_ name: String, _ columns: [(String, String, String)], key: String?) -> [String] {
            let qualified = DatabaseNames.qualified(schema, name)
            let body = columns.map { "\($0.0) \($0.1)" } + (key.map { ["PRIMARY KEY (\($0))"] } ?? [])
            return ["CREATE TABLE IF NOT EXISTS \(qualified) (\(body.joined(separator: ", ")))"]
                + columns.map { "COMMENT ON COLUMN \(qualified).\($0.0) IS \(DatabaseNames.literal($0.2))" }
        }
        let exists = try c.rows("SELECT to_regclass($1) IS NOT NULL", parameters: [DatabaseNames.qualified(schema, "odp_versions")],
                                doing: "查询交换库失败").first?.first == "t"
        if exists { return }
        try c.command("BEGIN")
        do {
            _ = try c.rows("SELECT pg_advisory_xact_lock(hashtext($1))", parameters: ["odp-database-schema:\(schema)"], doing: "加锁失败（advisory lock failed）")
            try c.command("CREATE SCHEMA IF NOT EXISTS \(s)", doing: "创建模式失败（create schema failed）")
            for sql in table("odp_datasets", datasetColumns, key: nil) + table("odp_versions", versionColumns, key: "dataset, version") {
                try c.command(sql, doing: "创建目录表失败（creating the catalog tables failed）")
            }
            try c.command("COMMIT", doing: "提交失败（commit failed）")
        } catch {
            if c.isOpen { try? c.command("ROLLBACK") }
            throw error
        }
    }

    /// Writes the dataset's catalog row; nothing when it already says the same.
    static func upsert(_ release: DatabaseRelease, stable: String, target: DatabaseTarget, _ c: PGConnection) throws {
        let m = release.catalog
        let values: [(String, String?)] = [
            ("dataset", release.dataset), ("title", m.title), ("resource_code", m.code), ("provider", m.provider),
            ("provider_code", m.providerCode), ("update_cycle", m.updateCycle.rawValue), ("open_type", m.openType.rawValue),
            ("open_condition", m.openCondition), ("license", m.license), ("stable_name", stable), ("status", "published"),
        ]
        let names = values.map(\.0)
        let placeholders = values.indices.map { "$\($0 + 1)" }
        let changed = names.dropFirst().map { "\($0) = EXCLUDED.\($0)" } + ["updated = now()"]
        let differs = "(" + names.dropFirst().map { "d.\($0)" }.joined(separator: ", ") + ") IS DISTINCT FROM ("
            + names.dropFirst().map { "EXCLUDED.\($0)" }.joined(separator: ", ") + ")"
        // NULL parameters are sent as text; libpq takes nil only through the array form, so an
        // absent 开放条件 is written as NULL by NULLIF.
        let sql = "INSERT INTO \(target.table("odp_datasets")) AS d (\(names.joined(separator: ", "))) VALUES ("
            + placeholders.enumerated().map { values[$0.offset].1 == nil ? "NULLIF(\($0.element), '')" : $0.element }.joined(separator: ", ")
            + ") ON CONFLICT (dataset) DO UPDATE SET \(changed.joined(separator: ", ")) WHERE \(differs)"
        try c.command(sql, parameters: values.map { $0.1 ?? "" }, doing: "写入 odp_datasets 失败")
    }
}
