import Foundation
import ODPCore

/// The audit chain and documents. An append locks the chain's head row (`SELECT … FOR
/// UPDATE`), so appends from every pod are serialised and each links to the one before.
extension PostgresStateStore: SharedRecords {
    @discardableResult
    public func appendAuditLine(_ make: (String) throws -> Data) throws -> String {
        try transaction { c in
            let head = try c.rows("SELECT seq, hash FROM \(table("audit_head")) WHERE id = 1 FOR UPDATE", doing: "读取审计链失败（reading the audit chain failed）")
            guard let seq = head.first?[0].flatMap({ Int64($0) }), let previous = head.first?[1] ?? nil else {
                throw Self.error("审计链头缺失（audit chain head missing）")
            }
            let line = try make(previous)
            let hash = SHA256Hex.of(line)
            try c.command("INSERT INTO \(table("audit")) (seq, line, hash) VALUES ($1, $2, $3)",
                          parameters: [String(seq + 1), String(decoding: line, as: UTF8.self), hash], doing: "写入审计日志失败（writing the audit trail failed）")
            try c.command("UPDATE \(table("audit_head")) SET seq = $1, hash = $2 WHERE id = 1", parameters: [String(seq + 1), hash],
                          doing: "写入审计日志失败（writing the audit trail failed）")
            return hash
        }
    }

    public func auditChain() throws -> (lines: [Data], head: String) {
        try transaction(snapshot: true) { c in
            let doing = "读取审计日志失败（reading the audit trail failed）"
            let head = try c.rows("SELECT hash FROM \(table("audit_head")) WHERE id = 1", doing: doing).first?.first ?? nil
            let lines = try c.rows("SELECT line FROM \(table("audit")) ORDER BY seq", doing: doing).map { Data(($0[0] ?? "").utf8) }
            return (lines, head ?? "")
        }
    }

    public func documentNames(prefix: String) throws -> [String] {
        try serial {
            try $0.rows("SELECT name FROM \(table("documents")) WHERE starts_with(name, $1) ORDER BY name", parameters: [prefix], doing: "读取文档列表失败")
        }.compactMap { $0[0] }
    }

    public func document(_ name: String) throws -> Data? {
        let rows = try serial { try $0.rows("SELECT encode(body, 'hex') FROM \(table("documents")) WHERE name = $1", parameters: [name], doing: "读取 \(name) 失败") }
        return rows.first?.first.flatMap { $0 }.flatMap(Self.bytes(hex:))
    }

    public func updateDocument(_ name: String, _ change: (Data?) throws -> Data) throws {
        try transaction { c in
            // Creates the row first, so FOR UPDATE has a row to lock even for a new document.
            try c.command("INSERT INTO \(table("documents")) (name, body) VALUES ($1, ''::bytea) ON CONFLICT (name) DO NOTHING", parameters: [name],
                          doing: "写入 \(name) 失败")
            let rows = try c.rows("SELECT encode(body, 'hex') FROM \(table("documents")) WHERE name = $1 FOR UPDATE", parameters: [name], doing: "读取 \(name) 失败")
            let current = rows.first?.first.flatMap { $0 }.flatMap(Self.bytes(hex:)).flatMap { $0.isEmpty ? nil : $0 }
            let body = try change(current)
            try c.command("UPDATE \(table("documents")) SET body = $2::bytea WHERE name = $1", parameters: [name, Self.hex(body)], doing: "写入 \(name) 失败")
        }
    }

    static func hex(_ data: Data) -> String { "\\x" + data.map { String(format: "%02x", $0) }.joined() }
}
