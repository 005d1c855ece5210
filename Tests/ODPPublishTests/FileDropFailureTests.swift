import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// Issue 16, item 8b: upload targets say what went wrong and leave nothing behind — against
/// the real vsftpd and sshd, and `scripts/fault-proxy.py` for replies a test cannot provoke
/// from a healthy server (a full disk).
@Suite("ftp and sftp failures", .serialized, .enabled(if: Services.shouldRun(Services.ftpKeys + Services.sftpKeys), "vsftpd/sshd not started: run scripts/services-start.sh DIR"))
struct FileDropFailureTests {
    /// `scripts/fault-proxy.py` on a free port in front of `target`, for one test.
    final class FaultProxy {
        let port: Int
        private let process = Process()

        init(target: Int, modes: String, rate: Double = 1, seed: Int = 7, extra: [String] = []) throws {
            port = try FaultProxy.freePort()
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("scripts/fault-proxy.py")
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, "--listen", "\(port)", "--target", "\(target)", "--rate", "\(rate)", "--modes", modes, "--seed", "\(seed)"] + extra
            try process.run()
            // Probes until the first answer and no further: each probe is a connection the proxy counts (`--fail-after`).
            var up = false
            for _ in 0..<100 where !up {
                up = TLSTests.listening(port)
                if !up { usleep(50_000) }
            }
            try #require(up, "the fault proxy did not start")
        }

        /// SIGKILL: the test runner's threads block SIGTERM, and a child started from one inherits that mask.
        deinit {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            try #require(withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0)
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            return Int(UInt16(bigEndian: addr.sin_port))
        }
    }

    struct Attempt {
        var error = ""
        var logs: [String] = []
        /// Whether an upload was tried again: a retry of another operation (a `stat` that timed
        /// out on a loaded machine) is not the refusal's.
        var retried: Bool { logs.contains { $0.contains("retry") && $0.contains(" of upload ") } }
    }

    /// Publishes the fixture release to `url` with `extra` target keys; the error and the log.
    func publish(_ server: FileDropScenario.Server, url: String, extra: String = "    retries: 2", catalog: [URL]? = nil) throws -> Attempt {
        let dir = Fixtures.tempDirectory("\(server.kind)-fail")
        let (config, diags) = Fixtures.config(server.yaml(url, extra), in: dir)
        let logs = LogLines()
        let publisher = try Publisher(config: try #require(config, "\(diags)"), stateDirectory: dir.appendingPathComponent("s"),
                                      environment: server.environment, log: logs.sink)
        var attempt = Attempt()
        do {
            if let catalog { _ = try publisher.publishCatalog(files: catalog) } else {
                _ = try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "v1")
            }
        } catch {
            attempt.error = "\(error)"
        }
        attempt.logs = logs.all
        return attempt
    }

    var ftpPort: Int { Int(Services.values["FTP_PORT"] ?? "") ?? 2121 }

    /// Files whose name is a temporary upload name, anywhere under `folder`.
    func temporaries(_ folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []).filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path, isDirectory: &isDirectory)
            return !isDirectory.boolValue && TemporaryName.isUpload(URL(fileURLWithPath: $0).lastPathComponent)
        }
    }

    @Test("a refusal from the real vsftpd (553: folder not writable) shows the server's reply and is not retried")
    func permanentRefusal() throws {
        guard let server = FileDropScenario.ftp() else { return }
        let folder = "ro-\(UUID().uuidString.prefix(6))"
        // The FTP session runs as the FTP user; a folder of root's is not writable for it.
        let version = server.root.appendingPathComponent("\(folder)/bus-stops/v1")
        try FileManager.default.createDirectory(at: version.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: server.root.appendingPathComponent(folder)) }
        let attempt = try publish(server, url: "\(server.directURL)/\(folder)")
        #expect(attempt.error.contains("FTP 服务器答复（server reply）：553"), "\(attempt.error)")
        #expect(!attempt.retried, "a permanent refusal is not retried: \(attempt.logs)")
    }

    @Test("451 (a full disk) is retried and its reply shown; 452 and 552 are not retried", arguments: ["451", "452", "552"])
    func diskFullReplies(_ code: String) throws {
        guard let server = FileDropScenario.ftp() else { return }
        let proxy = try FaultProxy(target: ftpPort, modes: "ftp-\(code)")
        let folder = "full-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(at: server.root.appendingPathComponent(folder)) }
        let attempt = try publish(server, url: "ftp://127.0.0.1:\(proxy.port)/\(folder)")
        #expect(attempt.error.contains("FTP 服务器答复（server reply）：\(code)"), "\(attempt.error)")
        #expect(!attempt.error.contains("reset by peer"))
        #expect(attempt.retried == (code == "451"), "\(attempt.logs)")
    }

    @Test("a failed FTP upload removes its temporary file from the server")
    func temporaryRemovedOnFailure() throws {
        guard let server = FileDropScenario.ftp() else { return }
        let folder = "tmp-\(UUID().uuidString.prefix(6))"
        let version = server.root.appendingPathComponent("\(folder)/bus-stops/v1")
        defer { try? FileManager.default.removeItem(at: server.root.appendingPathComponent(folder)) }
        // The file goes up under its temporary name; renaming it fails, because the final name
        // and the name the old file would be moved aside to are folders the FTP user cannot move.
        try FileManager.default.createDirectory(at: version, withIntermediateDirectories: true)
        for blocked in ["data/bus-stops.csv", "data/.bus-stops.csv.old.odp-tmp"] {
            try FileManager.default.createDirectory(at: version.appendingPathComponent("\(blocked)/x"), withIntermediateDirectories: true)
        }
        // The session runs as the FTP user: the folders are its own.
        let tree = server.root.appendingPathComponent(folder)
        for path in [tree.path] + (FileManager.default.enumerator(atPath: tree.path)?.compactMap { $0 as? String }.map { tree.appendingPathComponent($0).path } ?? []) {
            try FileManager.default.setAttributes([.ownerAccountName: Services.values["FTP_USER"] ?? "odpftp"], ofItemAtPath: path)
        }
        let attempt = try publish(server, url: "\(server.directURL)/\(folder)")
        #expect(attempt.error.contains("FTP 服务器答复（server reply）：55"), "\(attempt.error)")
        #expect(temporaries(version).isEmpty, "left on the server: \(temporaries(version))")
    }

    @Test("the open list is replaced by renaming over it, or when the server refuses that, by moving the old one aside; it is never missing",
          arguments: ["direct", "rnto-refused"])
    func catalogReplacement(_ path: String) throws {
        guard let server = FileDropScenario.ftp() else { return }
        let proxy = path == "direct" ? nil : try FaultProxy(target: ftpPort, modes: "ftp-rnto-553")
        let base = proxy.map { "ftp://127.0.0.1:\($0.port)" } ?? server.directURL
        let folder = "cat-\(UUID().uuidString.prefix(6))"
        let remote = server.root.appendingPathComponent("\(folder)/catalog/open-list.csv")
        defer { try? FileManager.default.removeItem(at: server.root.appendingPathComponent(folder)) }
        let dir = Fixtures.tempDirectory("catalog")
        let list = dir.appendingPathComponent("open-list.csv")
        for version in 1...3 {
            try "资源名称,版本\n公交站点,\(version)\n".write(to: list, atomically: true, encoding: .utf8)
            let attempt = try publish(server, url: "\(base)/\(folder)", catalog: [list])
            #expect(attempt.error.isEmpty, "\(path) \(version): \(attempt.error)")
            #expect(try String(contentsOf: remote, encoding: .utf8).contains("公交站点,\(version)"), "\(path) \(version)")
        }
        #expect(temporaries(remote.deletingLastPathComponent()).isEmpty, "\(temporaries(remote.deletingLastPathComponent()))")
    }

    @Test("a known_hosts mismatch names the host, the key on file and the key the server offered")
    func knownHostsMismatch() throws {
        guard let server = FileDropScenario.sftp() else { return }
        let dir = Fixtures.tempDirectory("sftp-mismatch")
        let port = Services.values["SFTP_PORT"] ?? "2222"
        let wrong = dir.appendingPathComponent("known_hosts")
        // Another ed25519 key (SSH wire format: type name, then 32 key bytes) recorded for the server's address.
        let other = Data([0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [0, 0, 0, 32] + [UInt8](repeating: 0x1F, count: 32)).base64EncodedString()
        try "[127.0.0.1]:\(port) ssh-ed25519 \(other)\n".write(to: wrong, atomically: true, encoding: .utf8)
        let yaml = server.yaml("\(server.directURL)/kh-\(UUID().uuidString.prefix(6))", "    retries: 1")
            .replacingOccurrences(of: "host_key_sha256: \(Services.values["SFTP_HOST_KEY_SHA256"]!)", with: "known_hosts: \(wrong.path)")
        let (config, diags) = Fixtures.config(yaml, in: dir)
        let publisher = try Publisher(config: try #require(config, "\(diags)"), stateDirectory: dir.appendingPathComponent("s"), environment: [:])
        var message = ""
        do { _ = try publisher.publish(release: Fixtures.release(in: dir), definition: Fixtures.definition(), version: "v1") } catch { message = "\(error)" }
        let real = Services.values["SFTP_HOST_KEY_SHA256"]!
        #expect(message.contains("host key mismatch") && message.contains("127.0.0.1:\(port)"), "\(message)")
        #expect(message.contains(real), "the offered key \(real): \(message)")
        #expect(message.contains("ssh-ed25519 SHA256:") && message.contains(wrong.path), "\(message)")
    }

    @Test("odp validate refuses malformed SFTP pins as definition errors with file:line", arguments: [
        "host_key_sha256: none", "host_key_sha256: \"*\"", "host_key_sha256: \"\"", "host_key_sha256: MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48",
        "host_key_sha256: 1627aca576282d36631b564debdfa648", "known_hosts: /dev/null",
    ])
    func malformedPins(_ pin: String) throws {
        guard let server = FileDropScenario.sftp() else { return }
        let dir = Fixtures.tempDirectory("sftp-pins")
        let yaml = server.yaml("\(server.directURL)/pins", "").replacingOccurrences(of: "host_key_sha256: \(Services.values["SFTP_HOST_KEY_SHA256"]!)", with: pin)
        let (config, diags) = Fixtures.config(yaml, in: dir)
        let errors = (diags + (config.map(Publisher.validate) ?? [])).filter { $0.severity == .error }.map(\.description)
        let key = pin.prefix { $0 != ":" }
        #expect(errors.contains { $0.contains("odp.yml:") && $0.contains(String(key)) }, "\(pin): \(errors)")
    }
}
