import Foundation
import ODPCore
import ODPDesensitize
import ODPPipeline
import ODPPortal
import ODPRelease
import Testing

/// Issue 20 §3 on a real run: the demo's hourly air-quality dataset, declared 有条件开放, is
/// released by `odp run`, served by a live portal and decided with the `odp` binary; then a
/// later run purges and alerts, and the published-file gate finds no applicant's data in
/// anything published.
@Suite("有条件开放 on a real run", .serialized)
struct ConditionalAccessRunTests {
    static let dataset = "sthj-air-quality-hourly"
    /// A mobile number and a valid 身份证号: the identifier scan finds either in a published file.
    static let contact = "13912345678"
    static let idInPurpose = "11010519491231002X"

    static func curl(_ arguments: [String]) async throws -> String {
        try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            // The portal runs in this process: with every other suite busy it can wait minutes
            // for a thread of the cooperative pool, and a timeout would read as "000".
            process.arguments = ["-s", "--max-time", "300"] + arguments
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    @Test("403 without a token → apply → odp access approve → download with the token, checksum verified → revoke → 403; purge, alert, gate")
    func walk() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let pipelines = fixture.root.appendingPathComponent("pipelines")
        let definition = pipelines.appendingPathComponent("demo/\(Self.dataset).yml")
        let text = try String(contentsOf: definition, encoding: .utf8)
        try text.replacingOccurrences(of: "open_type: 无条件开放", with: "open_type: 有条件开放\n  open_condition: 仅限科研用途，不得再分发")
            .write(to: definition, atomically: true, encoding: .utf8)
        try (DemoFixture.config + "notify:\n  command: cat > notify.json\naccess:\n  token_days: 30\n  retention_days: 30\n  review_working_days: 5\n")
            .write(to: pipelines.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
        #expect(try fixture.run(.init(datasets: [Self.dataset])).exitCode == 0)

        let workspace = try fixture.workspace()
        #expect(workspace.config.access.tokenDays == 30)
        let audit = try workspace.auditTrail(store: try workspace.openStateStore())
        let catalogs = Dictionary(workspace.definitions.map { ($0.id, $0.catalog) }, uniquingKeysWith: { a, _ in a })
        let server = try PortalServer(root: fixture.output, host: "127.0.0.1", port: 0, token: "officer", catalogs: catalogs,
                                      access: workspace.config.access, onAccess: { try? audit.record($0, dataset: $1, details: $2) }) { _, _, _, _, _ in }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        let base = "http://127.0.0.1:\(port)"

        let release = try #require(try ReleaseReader.latest(datasetId: Self.dataset, root: fixture.output))
        let sums = try #require(try SHA256Sums.read(release: release.directory))
        let csvName = "data/\(Self.dataset).csv"
        let expected = try #require(sums[csvName])
        let url = "\(base)/datasets/\(Self.dataset)/\(release.version)/\(csvName)"
        func status(_ extra: [String] = [], saveTo output: String = "/dev/null") async throws -> String {
            try await Self.curl(["-o", output, "-w", "%{http_code}"] + extra + [url])
        }
        #expect(try await status() == "403")
        let zip = try await Self.curl(["-o", "/dev/null", "-w", "%{http_code}", "\(base)/datasets/\(Self.dataset)/\(release.version)/\(Self.dataset)-\(release.version).zip"])
        #expect(zip == "403", "the zip answered \(zip)")

        let body = #"{"name":"赵研究员","organisation":"福州大学环境学院","purpose":"研究细颗粒物与健康的关系，证件 \#(Self.idInPurpose)","contact":"\#(Self.contact)","accept_conditions":true}"#
        let answer = try await Self.curl(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, "\(base)/api/datasets/\(Self.dataset)/applications"])
        let number = try #require((try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])?["application"] as? String, "\(answer)")

        let config = ["--config", fixture.configPath]
        let list = try await OdpCommand.run(["access", "list"] + config, logs: fixture.root)
        #expect(list.status == 0 && list.stdout.contains(number) && list.stdout.contains("已等待 0 个工作日"), "\(list.stdout)\(list.stderr)")
        let approve = try await OdpCommand.run(["access", "approve", number, "--by", "张三"] + config, logs: fixture.root)
        #expect(approve.status == 0, "\(approve.stderr)")
        let token = String(try #require(approve.stdout.firstMatch(of: /odpat_[0-9a-f]{64}/)).output)
        let expires = try #require(try AccessBook(state: fixture.output.appendingPathComponent("state")).application(number)?.expires)
        let days = (try #require(ISO8601DateFormatter().date(from: expires))).timeIntervalSinceNow / 86_400
        #expect(days > 29.9 && days <= 30, "access.token_days: 30")

        let saved = fixture.root.appendingPathComponent("download.csv")
        #expect(try await status(["-H", "Authorization: Bearer \(token)"], saveTo: saved.path) == "200")
        #expect(SHA256Hex.of(try Data(contentsOf: saved)) == expected, "the download matches SHA256SUMS")
        #expect(try await status(["-H", "Authorization: Bearer odpat_wrong"]) == "403")

        let revoke = try await OdpCommand.run(["access", "revoke", number, "--by", "张三"] + config, logs: fixture.root)
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(try await status(["-H", "Authorization: Bearer \(token)"]) == "403")
        let again = try await OdpCommand.run(["access", "revoke", number, "--by", "张三"] + config, logs: fixture.root)
        #expect(again.status == 1 && again.stderr.contains("ODP-E0520"), "\(again.stderr)")
        task.cancel()

        let book = AccessBook(state: fixture.output.appendingPathComponent("state"))
        #expect(try book.application(number)?.downloads == 1)
        let trail = try String(contentsOf: workspace.layout.auditLog, encoding: .utf8)
        for event in ["access_applied", "access_approved", "access_used", "access_revoked"] { #expect(trail.contains(event)) }
        #expect(trail.contains(number))
        for personal in [Self.contact, Self.idInPurpose, "赵研究员", token] { #expect(!trail.contains(personal), "audit trail holds \(personal)") }

        // A later run: an application waiting 20 days is named in the notification; a rejected
        // one past access.retention_days loses its personal data.
        let applicant = AccessBook.Applicant(name: "钱", organisation: "所", purpose: "研究用途说明足够长", contact: "13800001111")
        let stale = try book.submit(dataset: Self.dataset, applicant: applicant, conditions: "", now: Date().addingTimeInterval(-20 * 86_400))
        let old = try book.submit(dataset: Self.dataset, applicant: applicant, conditions: "", now: Date().addingTimeInterval(-90 * 86_400))
        _ = try book.reject(old.number, by: "x", note: nil, now: Date().addingTimeInterval(-60 * 86_400))
        _ = try fixture.run(.init(datasets: [Self.dataset]))
        let event = try String(contentsOf: pipelines.appendingPathComponent("notify.json"), encoding: .utf8)
        #expect(event.contains("applications_overdue") && event.contains(stale.number) && !event.contains(old.number))
        #expect(!event.contains("13800001111"))
        #expect(try book.application(old.number)?.contact == nil)
        #expect(try book.application(stale.number)?.contact == "13800001111")

        // The published-file gate over everything published, with applications on disk.
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: book.file.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let today = RunOptions().runDate
        let scanners = Dictionary(workspace.definitions.map { ($0.id, PublishedFileScanner(definition: $0, today: today)) }, uniquingKeysWith: { a, _ in a })
        let catalogScanner = PublishedFileScanner(today: today, allowedValues: workspace.definitions.flatMap(\.catalog.publishedContactValues))
        var scanned = 0
        for folder in ["releases", "catalog", "packages", "published"] {
            for file in fixture.files(under: folder) {
                let bytes = try Data(contentsOf: file)
                for personal in [Self.contact, Self.idInPurpose, "赵研究员", "13800001111"] {
                    #expect(bytes.range(of: Data(personal.utf8)) == nil, "\(file.path) holds \(personal)")
                }
                guard file.pathExtension != "zip" else { continue }
                let scanner = scanners.first { file.path.contains("/\($0.key)/") }?.value ?? catalogScanner
                #expect(scanner.inspect(file: file.lastPathComponent, bytes: bytes).isEmpty, "\(file.path)")
                scanned += 1
            }
        }
        #expect(scanned > 10)
        #expect(fixture.files(under: "published").allSatisfy { !$0.path.contains("/state/") }, "state is never uploaded")
    }
}
