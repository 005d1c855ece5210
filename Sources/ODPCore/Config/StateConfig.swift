import Foundation

/// `state:` in `odp.yml`: where runs keep dataset state, the upload journal, leases,
/// approvals, run reports and the audit trail. Absent, the files under `output/state` (and
/// `output/` for the audit trail, approvals and reports) are used; `type: postgres` shares
/// them between the pods of a sharded run (docs/scaling.md).
public struct StateConfig: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case files, postgres }

    public var kind: Kind = .files
    /// The `postgres://` connection URI, from `env:` or `file:` only (it carries the password).
    public var url: SecretRef?
    /// The PostgreSQL schema the store's tables live in, created when missing.
    public var schema = "odp"
    /// How long a dataset's lease lasts without a heartbeat: a worker that dies is taken over
    /// after at most this long.
    public var leaseSeconds = 120

    public init() {}

    /// The `state:` block; problems are reported through `r`.
    static func parse(_ r: ConfigReader) -> StateConfig {
        var out = StateConfig()
        if let kind = r.choice("type", of: Kind.allCases.map(\.rawValue), default: Kind.files.rawValue).flatMap(Kind.init) { out.kind = kind }
        out.url = r.secret("url", required: out.kind == .postgres)
        if let schema = r.string("schema") {
            if schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil {
                out.schema = schema
            } else {
                r.error("odp.state.schema：`\(schema)` 不是有效的模式名（schema name）", at: r.raw("schema")?.location,
                        hint: "只用小写字母、数字和下划线，以字母或下划线开头，最长 63 个字符，例如 `odp`")
            }
        }
        if let seconds = r.int("lease_seconds", range: 10...86_400) { out.leaseSeconds = seconds }
        if out.kind == .files, out.url != nil {
            r.error("odp.state.url 只用于 `type: postgres`（only with type: postgres）", at: r.raw("url")?.location,
                    hint: "加上 `type: postgres`，或删去 url 以使用本地文件")
        }
        return out
    }
}
