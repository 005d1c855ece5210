import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// TLS verification is always on: a self-signed gateway is refused until its CA is given
/// with `ca_file`. Starts its own HTTPS sink (scripts/http-sink.py) on a loopback port.
@Suite("tls", .serialized, .enabled(if: tlsToolsPresent, "python3 or openssl missing"))
struct TLSTests {
    static func run(_ args: [String], in dir: URL) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    @Test("a self-signed HTTPS gateway is refused without ca_file and accepted with it")
    func verification() throws {
        let dir = Fixtures.tempDirectory("tls")
        let gen = try Self.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem",
                                "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], in: dir)
        gen.waitUntilExit()
        #expect(gen.terminationStatus == 0)
        try "tls-token-value-1234".write(to: dir.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try "tls-secret-value-5678".write(to: dir.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        let port = 18_000 + Int(getpid() % 1000)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/http-sink.py").path
        let sink = try Self.run(["python3", script, "--port", "\(port)", "--root", dir.appendingPathComponent("sink").path,
                                 "--token-file", "token", "--secret-file", "secret", "--cert", "cert.pem", "--key", "key.pem"], in: dir)
        // SIGKILL: a child of the test runner inherits its blocked-signal mask, so SIGTERM may never arrive.
        defer { kill(sink.processIdentifier, SIGKILL); sink.waitUntilExit() }
        for _ in 0..<100 where !Self.listening(port) { Thread.sleep(forTimeInterval: 0.1) }
        func yaml(_ ca: String) -> String {
            """
              - type: http
                url: https://127.0.0.1:\(port)/upload/{dataset}/{version}/{file}
                token: file:token
                secret: file:secret
                retries: 2
                retry_base_delay: 0.01
            \(ca)
            """
        }
        let logs = LogLines()
        let release = Fixtures.release(in: dir)
        let (plain, _) = Fixtures.config(yaml(""), in: dir)
        var message = ""
        do {
            _ = try Publisher(config: try #require(plain), stateDirectory: dir.appendingPathComponent("s1"), environment: [:], log: logs.sink)
                .publish(release: release, definition: Fixtures.definition(), version: "v1")
        } catch { message = "\(error)" }
        #expect(message.contains("certificate") || message.contains("SSL"), "\(message)")
        #expect(!logs.all.contains { $0.contains("retry") })

        let (trusted, _) = Fixtures.config(yaml("    ca_file: cert.pem"), in: dir)
        let receipts = try Publisher(config: try #require(trusted), stateDirectory: dir.appendingPathComponent("s2"), environment: [:], log: logs.sink)
            .publish(release: release, definition: Fixtures.definition(), version: "v1")
        #expect(receipts.count == Fixtures.releaseFileCount)
        #expect(try Data(contentsOf: dir.appendingPathComponent("sink/files/bus-stops/v1/README.md")) == Data(contentsOf: release.appendingPathComponent("README.md")))
        expectNoSecrets(["tls-token-value-1234", "tls-secret-value-5678"], logs: logs.all, errors: [message], state: dir.appendingPathComponent("s2"))
    }
}

let tlsToolsPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    && ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") } == true
