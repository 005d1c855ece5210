import CLibPQ
import Foundation
import Testing

/// The PostgreSQL server started by `scripts/pg-start.sh DIR` (settings in `DIR/env`).
/// Tests skip without it, unless `ODP_REQUIRE_SERVICES=1`, where they fail instead.
enum PostgresTestServer {
    static let environment = ProcessInfo.processInfo.environment

    static var settings: (host: String, port: Int, user: String, password: String, database: String)? {
        guard let host = environment["ODP_TEST_PG_HOST"], let port = environment["ODP_TEST_PG_PORT"].flatMap(Int.init),
              let user = environment["ODP_TEST_PG_USER"], let password = environment["ODP_TEST_PG_PASSWORD"],
              let database = environment["ODP_TEST_PG_DB"] else { return nil }
        return (host, port, user, password, database)
    }

    static var required: Bool { environment["ODP_REQUIRE_SERVICES"] == "1" }

    /// Run the test when a server is configured, or when services are required (so the test
    /// can fail loudly); skip otherwise.
    static var shouldRun: Bool { settings != nil || required }

    static let missingMessage = "PostgreSQL test server not configured: run `scripts/pg-start.sh /tmp/odp-pg && . /tmp/odp-pg/env` first"

    static var skipComment: Comment { Comment(rawValue: "skipped: " + missingMessage) }

    /// Settings, or a recorded failure when services are required but missing.
    static func require() -> (host: String, port: Int, user: String, password: String, database: String)? {
        if let settings { return settings }
        Issue.record(Comment(rawValue: missingMessage))
        return nil
    }

    /// Runs SQL statements as the test user (fixtures), failing the test on error.
    static func execute(_ statements: [String]) throws {
        guard let s = settings else { throw PGFixtureError(message: missingMessage) }
        let conninfo = "host=\(s.host) port=\(s.port) user=\(s.user) dbname=\(s.database) password=\(s.password)"
        let conn = PQconnectdb(conninfo)
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else {
            throw PGFixtureError(message: String(cString: PQerrorMessage(conn)))
        }
        for sql in statements {
            let result = PQexec(conn, sql)
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
                throw PGFixtureError(message: String(cString: PQresultErrorMessage(result)))
            }
        }
    }

    /// The `source:` block for a table or query on the test server; the password comes from
    /// the environment variable, as in production definitions.
    static func source(table: String? = nil, query: String? = nil, parameters: [String] = [], passwordVariable: String = "ODP_TEST_PG_PASSWORD") -> String {
        let s = settings!
        var text = "type: postgres\n"
        if let table { text += "table: \(table)\n" }
        if let query { text += "query: \"\(query)\"\n" }
        if !parameters.isEmpty { text += "parameters: [\(parameters.map { "\"\($0)\"" }.joined(separator: ", "))]\n" }
        text += "connection:\n  host: \(s.host)\n  port: \(s.port)\n  database: \(s.database)\n  user: \(s.user)\n  password: env:\(passwordVariable)\n  sslmode: disable\n"
        return text
    }

    /// A table name unique to one test, so suites run in parallel.
    static func tableName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.prefix(8).lowercased()
    }
}

struct PGFixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
