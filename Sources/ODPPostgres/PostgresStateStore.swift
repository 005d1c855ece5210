import CLibPQ
import Foundation
import ODPCore

/// The shared `StateStore` of a sharded run (`state: {type: postgres}` in `odp.yml`): every
/// pod reads and writes one PostgreSQL schema, so a pod that takes over a dead pod's dataset
/// sees its upload journal and resumes it, uploading each file once.
///
/// Every write is its own committed statement (or transaction) before the call returns.
/// Leases use the database's clock, never the pods' clocks. The schema is created on open
/// under an advisory lock and carries its version (`schema_version`), so a later odp can
/// migrate it: see `PostgresStateStore+Schema.swift`.
///
/// One connection serves the store; calls from parallel dataset workers take turns on it.
public final class PostgresStateStore: StateStore, @unchecked Sendable {
    public let schema: String
    let connection: PGConnection
    private let lock = NSLock()

    /// Connects with a `postgres://` URI (`state.url`, resolved from `env:` or `file:`).
    ///
    /// ## Errors
    /// `ODPError` coded `stateStore` when the server cannot be reached or the schema cannot
    /// be created; the message never carries the URI or its password.
    public init(url: String, schema: String) throws {
        self.schema = schema
        var secrets = [url]
        if let password = URLComponents(string: url)?.password { secrets.append(password) }
        if let password = URLComponents(string: url)?.percentEncodedPassword { secrets.append(password) }
        let origin = Self.describe(url)
        connection = try PGConnection(
            parameters: [("dbname", url), ("connect_timeout", "10"), ("client_encoding", "UTF8"), ("application_name", "odp-state")],
            expandDatabase: true, secrets: secrets, origin: origin,
            refused: "无法连接 PostgreSQL 状态库 \(origin)（cannot connect to the state store）", wrap: Self.error)
        try createSchema()
    }

    static func error(_ message: String) -> ODPError {
        ODPError.io("PostgreSQL 状态库（state store）", message).coded(.stateStore)
    }

    /// Host, port and database of the URI, without user or password, for messages.
    static func describe(_ url: String) -> String {
        guard let c = URLComponents(string: url) else { return "(state.url)" }
        return "\(c.host ?? "localhost"):\(c.port ?? 5432)/\(c.path.drop { $0 == "/" })"
    }

    /// `schema.name`, quoted.
    func table(_ name: String) -> String { "\"\(schema)\".\"\(name)\"" }

    /// Runs `body` alone on the connection, reconnecting first when the server dropped it.
    func serial<T>(_ body: (PGConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if PQstatus(connection.handle) != CONNECTION_OK { PQreset(connection.handle) }
        return try body(connection)
    }

    /// Runs `body` inside one transaction, rolled back when it throws; `snapshot` makes its
    /// reads see one moment (REPEATABLE READ).
    func transaction<T>(snapshot: Bool = false, _ body: (PGConnection) throws -> T) throws -> T {
        try serial { c in
            try c.command(snapshot ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN")
            do {
                let out = try body(c)
                try c.command("COMMIT", doing: "提交失败（commit failed）")
                return out
            } catch {
                try? c.command("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: Dataset state

    public func datasetState(_ dataset: String) throws -> DatasetState? {
        let rows = try serial { try $0.rows("SELECT state FROM \(table("datasets")) WHERE dataset = $1", parameters: [dataset], doing: "读取数据集状态失败（reading dataset state failed）") }
        guard let text = rows.first?.first ?? nil else { return nil }
        return try ArtifactCodec.decode(DatasetState.self, from: Data(text.utf8), file: "\(table("datasets"))[\(dataset)]")
    }

    public func save(_ state: DatasetState, dataset: String) throws {
        let text = String(decoding: try ArtifactCodec.encode(state), as: UTF8.self)
        try serial {
            try $0.command("INSERT INTO \(table("datasets")) (dataset, state) VALUES ($1, $2) ON CONFLICT (dataset) DO UPDATE SET state = EXCLUDED.state",
                           parameters: [dataset, text], doing: "保存数据集状态失败（saving dataset state failed）")
        }
    }

    public func datasetStates() throws -> DatasetStates {
        let rows = try serial { try $0.rows("SELECT dataset, state FROM \(table("datasets")) ORDER BY dataset", doing: "读取数据集状态失败（reading dataset state failed）") }
        var out = DatasetStates()
        for row in rows {
            guard let id = row[0], let text = row[1] else { continue }
            out[id] = try ArtifactCodec.decode(DatasetState.self, from: Data(text.utf8), file: "\(table("datasets"))[\(id)]")
        }
        return out
    }

    // MARK: Upload journal

    public func intents(dataset: String) -> [UploadIntent] { journal(UploadIntent.self, "intents", dataset: dataset) }

    public func receipts(dataset: String) -> [Receipt] { journal(Receipt.self, "receipts", dataset: dataset) }

    /// The protocol's journal reads do not throw (a file store skips what it cannot read); an
    /// unreachable server reads as an empty journal, and the write that follows fails loudly.
    private func journal<T: Artifact>(_ type: T.Type, _ name: String, dataset: String) -> [T] {
        let rows = (try? serial { try $0.rows("SELECT line FROM \(table(name)) WHERE dataset = $1 ORDER BY seq", parameters: [dataset], doing: "读取上传记录失败") }) ?? []
        return rows.compactMap { $0[0].flatMap { try? ArtifactCodec.decode(T.self, from: Data($0.utf8), file: "\(table(name))[\(dataset)]") } }
    }

    public func journaledDatasets() -> [String] {
        let sql = "SELECT dataset FROM \(table("intents")) UNION SELECT dataset FROM \(table("receipts")) ORDER BY 1"
        return ((try? serial { try $0.rows(sql, doing: "读取上传记录失败") }) ?? []).compactMap { $0[0] }
    }

    public func append(intents: [UploadIntent]) throws {
        for (dataset, group) in Dictionary(grouping: intents, by: \.dataset).sorted(by: { $0.key < $1.key }) {
            try appendLines(group, to: "intents", dataset: dataset)
        }
    }

    public func append(_ receipt: Receipt) throws { try appendLines([receipt], to: "receipts", dataset: receipt.dataset) }

    /// One statement for all lines (compact JSON has no raw newline), so they commit together.
    private func appendLines<T: Artifact>(_ values: [T], to name: String, dataset: String) throws {
        guard !values.isEmpty else { return }
        let text = try values.map { String(decoding: try ArtifactCodec.encodeLine($0), as: UTF8.self) }.joined(separator: "\n")
        try serial {
            try $0.command("INSERT INTO \(table(name)) (dataset, line) SELECT $1, l FROM unnest(string_to_array($2, E'\\n')) WITH ORDINALITY AS t(l, n) ORDER BY n",
                           parameters: [dataset, text], doing: "写入上传记录失败（writing the upload journal failed）")
        }
    }

    // MARK: Plans

    public func claimPlan(id: String, proposed: Data) throws -> Data {
        let hex = Self.hex(proposed)
        let rows = try serial { c -> [[String?]] in
            try c.command("INSERT INTO \(table("plans")) (id, plan) VALUES ($1, $2::bytea) ON CONFLICT (id) DO NOTHING", parameters: [id, hex],
                          doing: "保存运行计划失败（saving the run plan failed）")
            return try c.rows("SELECT encode(plan, 'hex') FROM \(table("plans")) WHERE id = $1", parameters: [id], doing: "读取运行计划失败（reading the run plan failed）")
        }
        guard let stored = rows.first?.first ?? nil, let data = Self.bytes(hex: stored) else { throw Self.error("运行计划 \(id) 不见了（run plan missing）") }
        return data
    }

    static func bytes(hex: String) -> Data? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out = Data(capacity: digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            i += 2
        }
        return out
    }
}
