import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 18: an unchanged dataset makes no target request (the upload journal is trusted),
/// and `odp verify --targets` compares the real SFTP, FTP and HTTP targets with the journal,
/// uploading again what is missing or changed.
@Suite("Unchanged datasets and the targets", .serialized,
       .enabled(if: Services.shouldRun(Services.sftpKeys + Services.ftpKeys + Services.httpKeys), "sftp/ftp/http sink not started: run scripts/services-start.sh DIR"))
struct UnchangedTargetsTests {
    /// `scripts/fault-proxy.py` with no faults in front of the HTTP sink, logging each
    /// connection (ODP opens one per request), so the test counts requests.
    final class CountingProxy {
        let port: Int
        let log: URL
        private let process = Process()

        init(target: Int, log: URL) throws {
            self.log = log
            port = Int.random(in: 20_000...29_999)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/fault-proxy.py")
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "--listen", "\(port)", "--target", "\(target)", "--rate", "0", "--log", log.path]
            try process.run()
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: log.path) { usleep(50_000) }
            usleep(200_000)
        }

        var requests: Int {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("conn ") }.count
        }

        /// SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test("an unchanged re-run makes no request to the targets; verify --targets uploads again a deleted and a changed remote file, then finds nothing")
    func journalTrustedAndVerified() throws {
        let s = Services.values
        let folder = "skip-\(UUID().uuidString.prefix(8).lowercased())"
        let sinkPort = try #require(Int(s["HTTP_SINK_URL"]!.split(separator: ":").last!))
        let proxyLog = FileManager.default.temporaryDirectory.appendingPathComponent("odp-proxy-\(folder).log")
        defer { try? FileManager.default.removeItem(at: proxyLog) }
        let proxy = try CountingProxy(target: sinkPort, log: proxyLog)
        let targets = """
          - {name: frontend-sftp, type: sftp, url: "\(s["SFTP_URL"]!)/\(folder)", user: \(s["SFTP_USER"]!), private_key: "file:\(s["SFTP_KEY"]!)", host_key_sha256: "\(s["SFTP_HOST_KEY_SHA256"]!)"}
          - {name: frontend-ftp, type: ftp, url: "\(s["FTP_URL"]!)/\(folder)", user: \(s["FTP_USER"]!), password: "file:\(s["FTP_PASSWORD_FILE"]!)", use_pasv_address: true}
          - {name: gateway, type: http, url: "http://127.0.0.1:\(proxy.port)/upload/\(folder)/{dataset}/{version}/{file}", token: "file:\(s["HTTP_SINK_TOKEN_FILE"]!)", secret: "file:\(s["HTTP_SINK_SECRET_FILE"]!)"}
        """
        let p = try UnchangedSkipTests.Pipeline(targets: targets)
        defer { p.remove() }
        let first = try p.run()
        #expect(first.status == .published, "\(first)")
        let version = try #require(first.version)
        let afterFirst = proxy.requests
        #expect(afterFirst > 0)

        let second = try p.run()
        #expect(second.status == .unchanged && second.rowsRead == 0, "\(second)")
        #expect(proxy.requests == afterFirst, "an unchanged run asked the HTTP target")

        let local = p.output.appendingPathComponent("releases/items/\(version)/data/items.csv")
        let sftpCopy = URL(fileURLWithPath: s["SFTP_ROOT"]!).appendingPathComponent("\(folder)/items/\(version)/data/items.csv")
        let ftpCopy = URL(fileURLWithPath: s["FTP_ROOT"]!).appendingPathComponent("\(folder)/items/\(version)/data/items.csv")
        let httpCopy = URL(fileURLWithPath: s["HTTP_SINK_ROOT"]!).appendingPathComponent("files/\(folder)/items/\(version)/data/items.csv")
        let bytes = try Data(contentsOf: local)
        #expect(try Data(contentsOf: sftpCopy) == bytes && Data(contentsOf: ftpCopy) == bytes && Data(contentsOf: httpCopy) == bytes)
        try FileManager.default.removeItem(at: sftpCopy)
        try FileManager.default.removeItem(at: httpCopy)
        try Data(repeating: UInt8(ascii: "x"), count: bytes.count).write(to: ftpCopy)

        let workspace = try Workspace.load(configPath: p.config)
        let verified = try TargetVerification(workspace: workspace, log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        #expect(verified.failures.isEmpty, "\(verified.failures)")
        for target in ["frontend-sftp", "frontend-ftp", "gateway"] {
            #expect(verified.reuploaded.contains("\(target) items/\(version)/data/items.csv"), "\(verified.reuploaded)")
        }
        #expect(verified.reuploaded.count == 3, "\(verified.reuploaded)")
        #expect(try Data(contentsOf: sftpCopy) == bytes && Data(contentsOf: ftpCopy) == bytes && Data(contentsOf: httpCopy) == bytes)

        let again = try TargetVerification(workspace: workspace, log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
        #expect(again.reuploaded.isEmpty && again.failures.isEmpty && again.files >= verified.files, "\(again)")
    }
}
