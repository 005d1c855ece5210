import Foundation
import ODPCore
import ODPPostgres

extension PGConnection {
    /// The connection a dataset's `source.connection` describes; errors are the dataset's
    /// source errors.
    convenience init(definition: DatasetDefinition, environment: [String: String]) throws {
        let spec = definition.source
        let id = definition.id
        guard let c = spec.connection else {
            throw ODPError.source(id, "postgres 数据源缺少 `connection`")
        }
        let secret = try c.password?.resolve(relativeTo: definition.baseDirectory, environment: environment)
        var params: [(String, String)] = [
            ("host", c.host), ("port", String(c.port)), ("dbname", c.database), ("user", c.user),
            ("sslmode", c.sslMode), ("connect_timeout", "10"), ("client_encoding", "UTF8"),
            ("application_name", "odp"), ("options", "-c DateStyle=ISO,YMD"),
        ]
        if let root = c.sslRootCert { params.append(("sslrootcert", definition.resolve(root).path)) }
        if let secret { params.append(("password", secret)) }
        try self.init(parameters: params, secrets: secret.map { [$0] } ?? [],
                      origin: "\(c.host):\(c.port)，数据库（database）\(c.database)，" + (spec.table.map { "表（table）\($0)" } ?? "查询（query）"),
                      refused: "无法以用户 \(c.user) 连接 PostgreSQL \(c.host):\(c.port)（cannot connect）", wrap: { ODPError.source(id, $0) })
    }
}
