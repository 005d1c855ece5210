import Foundation
import ODPCore

/// Leases on the database's clock: acquire and takeover are one statement, so two pods
/// racing for an expired lease cannot both win, and the token grows on every change of hands.
extension PostgresStateStore {
    public func acquireLease(dataset: String, owner: String, ttl: TimeInterval) throws -> DatasetLease? {
        let leases = table("leases")
        let sql = """
            INSERT INTO \(leases) AS l (dataset, owner, token, expires_at) VALUES ($1, $2, 1, now() + $3::float8 * interval '1 second')
            ON CONFLICT (dataset) DO UPDATE SET
              token = CASE WHEN l.owner = EXCLUDED.owner AND l.expires_at > now() THEN l.token ELSE l.token + 1 END,
              owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            WHERE l.expires_at <= now() OR l.owner = EXCLUDED.owner
            RETURNING token
            """
        let rows = try serial { try $0.rows(sql, parameters: [dataset, owner, String(ttl)], doing: "取得数据集租约失败（acquiring the lease failed）") }
        guard let text = rows.first?.first ?? nil, let token = Int64(text) else { return nil }
        return DatasetLease(dataset: dataset, owner: owner, token: token)
    }

    public func renew(_ lease: DatasetLease, ttl: TimeInterval) throws -> Bool {
        let sql = "UPDATE \(table("leases")) SET expires_at = now() + $4::float8 * interval '1 second' "
            + "WHERE dataset = $1 AND owner = $2 AND token = $3 AND expires_at > now() RETURNING token"
        return try !serial { try $0.rows(sql, parameters: [lease.dataset, lease.owner, String(lease.token), String(ttl)], doing: "续租失败（renewing the lease failed）") }.isEmpty
    }

    public func holds(_ lease: DatasetLease) throws -> Bool {
        let sql = "SELECT 1 FROM \(table("leases")) WHERE dataset = $1 AND owner = $2 AND token = $3 AND expires_at > now()"
        return try !serial { try $0.rows(sql, parameters: [lease.dataset, lease.owner, String(lease.token)], doing: "检查租约失败（checking the lease failed）") }.isEmpty
    }

    public func release(_ lease: DatasetLease) throws {
        // The row and its token stay, so the next holder's token is larger still.
        let sql = "UPDATE \(table("leases")) SET expires_at = '-infinity' WHERE dataset = $1 AND owner = $2 AND token = $3"
        try serial { try $0.command(sql, parameters: [lease.dataset, lease.owner, String(lease.token)], doing: "释放租约失败（releasing the lease failed）") }
    }

    public func heldLeases() throws -> [DatasetLease] {
        let rows = try serial { try $0.rows("SELECT dataset, owner, token FROM \(table("leases")) WHERE expires_at > now() ORDER BY dataset", doing: "读取租约失败（reading leases failed）") }
        return rows.compactMap { row in
            guard let d = row[0], let o = row[1], let text = row[2], let t = Int64(text) else { return nil }
            return DatasetLease(dataset: d, owner: o, token: t)
        }
    }
}
