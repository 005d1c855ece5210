import Foundation
import ODPCore

/// The store's tables, created by the first pod to open the schema. Pods start at once, so
/// creation runs under a session advisory lock keyed by the schema name, and each migration
/// is applied once, in order, recording its number in `schema_version`.
extension PostgresStateStore {
    /// Migrations by version; a later odp appends to this list and never edits an entry.
    static func migrations(_ t: (String) -> String) -> [[String]] {
        [[
            "CREATE TABLE \(t("datasets")) (dataset text PRIMARY KEY, state text NOT NULL)",
            "CREATE TABLE \(t("intents")) (seq bigserial PRIMARY KEY, dataset text NOT NULL, line text NOT NULL)",
            "CREATE INDEX ON \(t("intents")) (dataset, seq)",
            "CREATE TABLE \(t("receipts")) (seq bigserial PRIMARY KEY, dataset text NOT NULL, line text NOT NULL)",
            "CREATE INDEX ON \(t("receipts")) (dataset, seq)",
            "CREATE TABLE \(t("plans")) (id text PRIMARY KEY, plan bytea NOT NULL)",
            "CREATE TABLE \(t("leases")) (dataset text PRIMARY KEY, owner text NOT NULL, token bigint NOT NULL, expires_at timestamptz NOT NULL)",
            // The audit chain: `line` is the entry exactly as the file trail would hold it
            // (its `prev` is the previous row's hash); `audit_head` is the row appends lock.
            "CREATE TABLE \(t("audit")) (seq bigint PRIMARY KEY, line text NOT NULL, hash text NOT NULL)",
            "CREATE TABLE \(t("audit_head")) (id int PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)",
            "INSERT INTO \(t("audit_head")) VALUES (1, 0, '\(String(repeating: "0", count: 64))')",
            // Approvals and run reports: whole documents by name, as the files were.
            "CREATE TABLE \(t("documents")) (name text PRIMARY KEY, body bytea NOT NULL)",
        ]]
    }

    static var currentVersion: Int { migrations { $0 }.count }

    func createSchema() throws {
        try serial { c in
            _ = try c.rows("SELECT pg_advisory_lock(hashtext($1))", parameters: ["odp-state:" + schema], doing: "锁定状态库失败（locking the schema failed）")
            defer { _ = try? c.rows("SELECT pg_advisory_unlock(hashtext($1))", parameters: ["odp-state:" + schema], doing: "解锁状态库失败") }
            try c.command("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"", doing: "创建模式失败（creating the schema failed）")
            try c.command("CREATE TABLE IF NOT EXISTS \(table("schema_version")) (version int NOT NULL)", doing: "创建模式失败（creating the schema failed）")
            let found = try c.rows("SELECT coalesce(max(version), 0) FROM \(table("schema_version"))", doing: "读取模式版本失败（reading the schema version failed）")
            let version = Int(found.first?.first.flatMap { $0 } ?? "0") ?? 0
            guard version <= Self.currentVersion else {
                throw Self.error("模式 \(schema) 的版本 \(version) 比本程序支持的 \(Self.currentVersion) 新（written by a newer odp）：请升级 odp")
            }
            for (index, statements) in Self.migrations(table).enumerated() where index + 1 > version {
                try c.command("BEGIN")
                do {
                    for sql in statements { try c.command(sql, doing: "迁移状态库失败（migrating the schema failed）") }
                    try c.command("INSERT INTO \(table("schema_version")) VALUES (\(index + 1))", doing: "迁移状态库失败（migrating the schema failed）")
                    try c.command("COMMIT", doing: "迁移状态库失败（migrating the schema failed）")
                } catch {
                    try? c.command("ROLLBACK")
                    throw error
                }
            }
        }
    }
}
