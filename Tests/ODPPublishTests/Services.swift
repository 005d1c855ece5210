import Foundation
import Testing

/// The servers started by `scripts/services-start.sh DIR`. Variables come from the process
/// environment, else from the file named by ODP_SERVICES_ENV, else from
/// `<package>/.build-services/env`. Without them the tests skip, unless
/// ODP_REQUIRE_SERVICES=1, which makes a missing service a failure.
enum Services {
    static let values: [String: String] = {
        var out: [String: String] = [:]
        let env = ProcessInfo.processInfo.environment
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = env["ODP_SERVICES_ENV"] ?? package.appendingPathComponent(".build-services/env").path
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { out[parts[0]] = parts[1] }
            }
        }
        for (k, v) in env where k.hasPrefix("CKAN_") || k.hasPrefix("SFTP_") || k.hasPrefix("FTP_") || k.hasPrefix("HTTP_SINK_") { out[k] = v }
        return out
    }()

    static var required: Bool { ProcessInfo.processInfo.environment["ODP_REQUIRE_SERVICES"] == "1" }

    static func has(_ keys: [String]) -> Bool { keys.allSatisfy { values[$0]?.isEmpty == false } }

    /// For `.enabled(if:)`: run when the servers are there, or when they are required (and then fail).
    static func shouldRun(_ keys: [String]) -> Bool { has(keys) || required }

    /// The values, or a recorded failure naming what is missing.
    static func require(_ keys: [String]) -> [String: String]? {
        if has(keys) { return values }
        Issue.record("ODP_REQUIRE_SERVICES=1 but \(keys.filter { values[$0] == nil }.joined(separator: ", ")) not set: run scripts/services-start.sh DIR and export ODP_SERVICES_ENV=DIR/env")
        return nil
    }

    static let ckanKeys = ["CKAN_URL", "CKAN_TOKEN", "CKAN_ORG", "CKAN_PROXY_URL"]
    static let sftpKeys = ["SFTP_URL", "SFTP_PROXY_URL", "SFTP_USER", "SFTP_KEY", "SFTP_HOST_KEY_SHA256", "SFTP_KNOWN_HOSTS", "SFTP_ROOT"]
    static let ftpKeys = ["FTP_URL", "FTP_PROXY_URL", "FTP_USER", "FTP_PASSWORD_FILE", "FTP_ROOT"]
    static let httpKeys = ["HTTP_SINK_URL", "HTTP_SINK_PROXY_URL", "HTTP_SINK_ROOT", "HTTP_SINK_TOKEN_FILE", "HTTP_SINK_SECRET_FILE"]

    static func fileText(_ path: String) -> String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Asserts that no secret value appears in any output of a run: log lines, error texts and
/// every file under the state folder (receipts, intents).
func expectNoSecrets(_ secrets: [String], logs: [String], errors: [String] = [], state: URL) {
    var texts = logs + errors
    if let files = FileManager.default.enumerator(atPath: state.path) {
        for case let name as String in files {
            if let t = try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8) { texts.append(t) }
        }
    }
    #expect(!texts.isEmpty)
    for secret in secrets where !secret.isEmpty {
        for t in texts { #expect(!t.contains(secret), "a secret leaked into: \(t.prefix(200))") }
    }
}
