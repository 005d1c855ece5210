import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// The file-drop protocol against real OpenSSH sftp and vsftpd servers, directly and through
/// the fault proxy.
enum FileDropScenario {
    struct Server {
        var kind: String
        var yaml: (_ url: String, _ extra: String) -> String
        var directURL: String
        var proxyURL: String
        var root: URL
        var secrets: [String]
        var environment: [String: String]
    }

    static func sftp() -> Server? {
        guard let s = Services.require(Services.sftpKeys) else { return nil }
        return Server(kind: "sftp", yaml: { url, extra in
            """
              - type: sftp
                name: frontend
                url: \(url)
                user: \(s["SFTP_USER"]!)
                private_key: file:\(s["SFTP_KEY"]!)
                host_key_sha256: \(s["SFTP_HOST_KEY_SHA256"]!)
                low_speed_time: 3
                connect_timeout: 3
                retry_base_delay: 0.05
            \(extra)
            """
        }, directURL: s["SFTP_URL"]!, proxyURL: s["SFTP_PROXY_URL"]!, root: URL(fileURLWithPath: s["SFTP_ROOT"]!),
           secrets: [], environment: [:])
    }

    static func ftp() -> Server? {
        guard let s = Services.require(Services.ftpKeys) else { return nil }
        let password = Services.fileText(s["FTP_PASSWORD_FILE"]!)
        return Server(kind: "ftp", yaml: { url, extra in
            """
              - type: ftp
                name: frontend
                url: \(url)
                user: \(s["FTP_USER"]!)
                password: env:ODP_TEST_FTP_PASSWORD
                use_pasv_address: true
                low_speed_time: 3
                connect_timeout: 3
                retry_base_delay: 0.05
            \(extra)
            """
        }, directURL: s["FTP_URL"]!, proxyURL: s["FTP_PROXY_URL"]!, root: URL(fileURLWithPath: s["FTP_ROOT"]!),
           secrets: [password], environment: ["ODP_TEST_FTP_PASSWORD": password])
    }

    /// Publishes, re-publishes, then publishes three datasets through the proxy and resumes
    /// a brittle (no retry) run until it completes; checks every byte and the absence of
    /// duplicates and temp files.
    static func run(_ server: Server) throws {
        let dir = Fixtures.tempDirectory(server.kind)
        let folder = "run-\(UUID().uuidString.prefix(8))"
        let logs = LogLines()
        var errors: [String] = []

        let (config, diags) = Fixtures.config(server.yaml("\(server.directURL)/\(folder)", ""), in: dir)
        let direct = try #require(config, "\(diags)")
        let state = dir.appendingPathComponent("state")
        let release = Fixtures.release(in: dir, id: "direct")
        let publisher = try Publisher(config: direct, stateDirectory: state, environment: server.environment, log: logs.sink)
        let receipts = try publisher.publish(release: release, definition: Fixtures.definition(id: "direct"), version: "v1")
        #expect(receipts.count == Fixtures.releaseFileCount)
        try verify(server.root.appendingPathComponent("\(folder)/direct/v1"), release)
        let before = Fixtures.receiptLines(state).count
        let again = LogLines()
        _ = try Publisher(config: direct, stateDirectory: state, environment: server.environment, log: again.sink)
            .publish(release: release, definition: Fixtures.definition(id: "direct"), version: "v1")
        #expect(again.all.filter { $0.contains("uploaded") }.isEmpty, "\(again.all)")
        #expect(Fixtures.receiptLines(state).count == before)

        let (proxyConfig, _) = Fixtures.config(server.yaml("\(server.proxyURL)/\(folder)", "    retries: 12"), in: dir.appendingPathComponent("p"))
        let faulty = try Publisher(config: try #require(proxyConfig), stateDirectory: dir.appendingPathComponent("state-p"),
                                   environment: server.environment, log: logs.sink)
        for n in 0..<3 {
            let r = Fixtures.release(in: dir, id: "ds\(n)", seed: n + 1)
            _ = try faulty.publish(release: r, definition: Fixtures.definition(id: "ds\(n)"), version: "v1")
            try verify(server.root.appendingPathComponent("\(folder)/ds\(n)/v1"), r)
        }
        #expect(logs.all.contains { $0.contains("retry") }, "the proxy injected no fault")

        try FileManager.default.createDirectory(at: dir.appendingPathComponent("b"), withIntermediateDirectories: true)
        let (brittleConfig, _) = Fixtures.config(server.yaml("\(server.proxyURL)/\(folder)", "    retries: 0"), in: dir.appendingPathComponent("b"))
        let brittleState = dir.appendingPathComponent("state-b")
        let brittle = try #require(brittleConfig)
        let (releases, interrupted) = Fixtures.publishUntilInterrupted(in: dir, seed: 7, errors: &errors) { release, id in
            _ = try Publisher(config: brittle, stateDirectory: brittleState, environment: server.environment, log: logs.sink)
                .publish(release: release, definition: Fixtures.definition(id: id), version: "v1")
        }
        #expect(interrupted, "no run was interrupted")
        for (id, release) in releases { try verify(server.root.appendingPathComponent("\(folder)/\(id)/v1"), release) }
        #expect(Set(Fixtures.receiptLines(brittleState)).count == Fixtures.releaseFileCount * releases.count)
        expectNoSecrets(server.secrets, logs: logs.all, errors: errors, state: dir)
    }

    /// The folder holds exactly the release's files, manifest and done marker, byte for byte.
    static func verify(_ folder: URL, _ release: URL) throws {
        let files = try UploadFile.release(release)
        for f in files {
            #expect(try Data(contentsOf: folder.appendingPathComponent(f.path)) == Data(contentsOf: f.url), "\(f.path)")
        }
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter {
            !((try? folder.appendingPathComponent($0).resourceValues(forKeys: [.isDirectoryKey]).isDirectory) ?? false)
        }
        #expect(Set(names) == Set(files.map(\.path) + ["manifest.json", "_ODP_DONE"]), "\(names.sorted())")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any]
        let listed = (manifest?["files"] as? [[String: Any]] ?? []).compactMap { $0["sha256"] as? String }
        #expect(listed == files.map(\.sha256))
    }
}

@Suite("sftp target", .serialized, .enabled(if: Services.shouldRun(Services.sftpKeys), "sshd not started: run scripts/services-start.sh DIR"))
struct SFTPTargetTests {
    @Test("a release lands complete over SFTP, once, also with 30% faults and after interrupted runs")
    func publishes() throws {
        guard let server = FileDropScenario.sftp() else { return }
        try FileDropScenario.run(server)
    }

    @Test("a wrong host key pin is refused before any upload")
    func wrongPin() throws {
        guard var server = FileDropScenario.sftp() else { return }
        let dir = Fixtures.tempDirectory("sftp-pin")
        let real = Services.values["SFTP_HOST_KEY_SHA256"]!
        let yaml = server.yaml("\(server.directURL)/pin-\(UUID().uuidString.prefix(6))", "    retries: 1")
            .replacingOccurrences(of: real, with: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        server.secrets = []
        let (config, _) = Fixtures.config(yaml, in: dir)
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("s"), environment: [:])
        #expect(throws: ODPError.self) { try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "v1") }
        #expect(Fixtures.receiptLines(dir.appendingPathComponent("s")).isEmpty)
    }

    @Test("a known_hosts file pins the host key too")
    func knownHosts() throws {
        guard let server = FileDropScenario.sftp() else { return }
        let dir = Fixtures.tempDirectory("sftp-kh")
        let folder = "kh-\(UUID().uuidString.prefix(6))"
        let yaml = server.yaml("\(server.directURL)/\(folder)", "")
            .replacingOccurrences(of: "host_key_sha256: \(Services.values["SFTP_HOST_KEY_SHA256"]!)", with: "known_hosts: \(Services.values["SFTP_KNOWN_HOSTS"]!)")
        let (config, diags) = Fixtures.config(yaml, in: dir)
        let release = Fixtures.release(in: dir)
        _ = try Publisher(config: try #require(config, "\(diags)"), stateDirectory: dir.appendingPathComponent("s"), environment: [:])
            .publish(release: release, definition: Fixtures.definition(), version: "v1")
        try FileDropScenario.verify(server.root.appendingPathComponent("\(folder)/bus-stops/v1"), release)
    }
}

@Suite("ftp target", .serialized, .enabled(if: Services.shouldRun(Services.ftpKeys), "vsftpd not started: run scripts/services-start.sh DIR"))
struct FTPTargetTests {
    @Test("a release lands complete over FTP, once, also with 30% faults and after interrupted runs")
    func publishes() throws {
        guard let server = FileDropScenario.ftp() else { return }
        try FileDropScenario.run(server)
    }

    @Test("a wrong password fails without retries and never shows the password")
    func wrongPassword() throws {
        guard let server = FileDropScenario.ftp() else { return }
        let dir = Fixtures.tempDirectory("ftp-pw")
        let wrong = "wrong-\(UUID().uuidString)"
        // vsftpd and PAM delay a failed login by a few seconds; that is not a stall.
        let (config, _) = Fixtures.config(server.yaml("\(server.directURL)/pw", "").replacingOccurrences(of: "low_speed_time: 3", with: "low_speed_time: 15")
            .replacingOccurrences(of: "connect_timeout: 3", with: "connect_timeout: 15"), in: dir)
        let logs = LogLines()
        let publisher = try Publisher(config: try #require(config), stateDirectory: dir.appendingPathComponent("s"),
                                      environment: ["ODP_TEST_FTP_PASSWORD": wrong], log: logs.sink)
        var message = ""
        do { _ = try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "v1") } catch { message = "\(error)" }
        #expect(!message.isEmpty)
        #expect(!logs.all.contains { $0.contains("retry") }, "\(logs.all)")
        expectNoSecrets([wrong], logs: logs.all, errors: [message], state: dir.appendingPathComponent("s"))
    }
}
