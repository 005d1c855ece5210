import Foundation
import ODPCore
import ODPPipeline
import ODPPortal
import ODPRelease
import Testing

/// `odp withdraw` on the demo: what leaves the output folder, the open list, DCAT and the
/// portal, what the old URLs answer, and what stays (tombstones, version numbers, audit).
@Suite("Withdrawal (odp withdraw)", .serialized)
struct WithdrawalTests {
    static let bus = "jtys-bus-stops"

    /// A new version of the bus stops: a field title changes, so the schema (and content hash) does.
    static func newBusVersion(_ fixture: DemoFixture, title: String) throws -> String {
        let file = fixture.root.appendingPathComponent("pipelines/demo/\(bus).yml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let changed = text.replacingOccurrences(of: #"(source: 站点名称, title: )[^,]*,"#, with: "$1\(title),", options: .regularExpression)
        try changed.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try #require(try fixture.run(.init(datasets: [bus])).outcomes.first)
        #expect(outcome.status == .published, "\(outcome.reasons) \(outcome.error ?? "")")
        return try #require(outcome.version)
    }

    static func catalog(_ fixture: DemoFixture) throws {
        let summary = try PipelineRunner(workspace: try fixture.workspace(), options: RunOptions(), log: RunLog(logFile: nil, interactive: false, quiet: true))
            .catalog(wait: nil)
        #expect(summary.catalogError == nil)
    }

    static func latest(_ fixture: DemoFixture, _ id: String) throws -> String? {
        try LatestPointer.read(datasetDirectory: fixture.output.appendingPathComponent("releases/\(id)"))?.version
    }

    /// The portal on the fixture's output, for `body` with its base URL.
    static func withPortal(_ fixture: DemoFixture, _ body: (String) async throws -> Void) async throws {
        let server = try PortalServer(root: fixture.output, host: "127.0.0.1", port: 0, token: nil) { _, _, _, _, _ in }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task { try await server.run { port in continuation.yield(port) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body("http://127.0.0.1:\(port)")
    }

    static func fetch(_ url: String) async throws -> (status: Int, body: String) {
        let out = try await CatalogLinksTests.curl(["-s", "-w", "\n%{http_code}", url])
        let split = out.range(of: "\n", options: .backwards)!
        return (Int(out[split.upperBound...]) ?? 0, String(out[..<split.lowerBound]))
    }

    @Test("a withdrawn version: 410 with the reason on every old URL, latest back on the previous version, out of the open list and DCAT, in the feeds; never made again")
    func version() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let first = try #require(try fixture.run().outcomes.first { $0.dataset == Self.bus }?.version)
        let second = try Self.newBusVersion(fixture, title: "站点全称")
        #expect(try second != first && Self.latest(fixture, Self.bus) == second)
        let book = WithdrawalBook(layout: OutputLayout(root: fixture.output))
        let reason = "站点坐标整体偏移 <script>alert(1)</script>，已停止提供"
        guard case .new(let w) = try book.record(dataset: Self.bus, version: second, reason: reason, by: "张三") else { Issue.record("not new"); return }
        #expect(w.number == "\(Self.bus)-W1" && w.version == second)
        #expect(try book.apply(dataset: Self.bus) == [second])
        #expect(try book.apply(dataset: Self.bus) == [], "applying again moves nothing")
        try Self.catalog(fixture)

        // The served tree keeps a tombstone only; the files sit in the private quarantine.
        let folder = fixture.output.appendingPathComponent("releases/\(Self.bus)/\(second)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [WithdrawnVersion.fileName])
        let tombstone = try #require(try WithdrawnVersion.read(release: folder))
        #expect(tombstone.reason == reason && tombstone.number == w.number && tombstone.code != nil)
        let kept = fixture.output.appendingPathComponent("state/withdrawn/\(Self.bus)")
        #expect(FileManager.default.fileExists(atPath: kept.appendingPathComponent("\(second)/release.json").path))
        #expect(FileManager.default.fileExists(atPath: kept.appendingPathComponent("packages/\(Self.bus)-\(second).zip").path))
        #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("packages/\(Self.bus)-\(second).zip").path))
        let mode = try FileManager.default.attributesOfItem(atPath: fixture.output.appendingPathComponent("state/withdrawn").path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        #expect(try Self.latest(fixture, Self.bus) == first, "latest.json back on the newest version not withdrawn")

        // The open list and DCAT name the previous version only.
        let list = try #require(try OpenListDocument.read(catalogDirectory: fixture.output.appendingPathComponent("catalog")))
        #expect(list.datasets.first { $0.datasetId == Self.bus }?.version == first)
        let dcat = try String(contentsOf: fixture.output.appendingPathComponent("catalog/dcat.jsonld"), encoding: .utf8)
        #expect(!dcat.contains(second) && dcat.contains(first))

        let code = tombstone.code!
        try await Self.withPortal(fixture) { base in
            for path in ["/datasets/\(Self.bus)?version=\(second)", "/datasets/\(Self.bus)/\(second)/data/\(Self.bus).csv",
                         "/datasets/\(Self.bus)/\(second)/SHA256SUMS", "/datasets/\(Self.bus)/\(second)/\(Self.bus)-\(second).zip",
                         "/\(Self.bus)/\(second)/README.md", "/id/\(code)/\(second)"] {
                let page = try await Self.fetch(base + path)
                #expect(page.status == 410, "\(path): \(page.status)")
                #expect(page.body.contains("站点坐标整体偏移 &lt;script&gt;alert(1)&lt;/script&gt;，已停止提供") && !page.body.contains("<script>alert"), "\(path)")
                #expect(page.body.contains("已撤回") && !page.body.contains("张三"), "\(path)")
            }
            let api = try await Self.fetch(base + "/api/datasets/\(Self.bus)?version=\(second)")
            #expect(api.status == 410)
            let json = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
            #expect((json?["withdrawn"] as? [String: Any])?["reason"] as? String == reason)
            #expect(try await Self.fetch(base + "/datasets/\(Self.bus)").status == 200, "the dataset itself stays, on its previous version")
            #expect(try await Self.fetch(base + "/datasets/\(Self.bus)/\(first)/SHA256SUMS").status == 200)
            let versions = try await Self.fetch(base + "/api/datasets/\(Self.bus)/versions")
            #expect(versions.status == 200 && !versions.body.contains(second))

            // (FeedTests parses these entries with feedparser.)
            let feed = try await Self.fetch(base + "/feed.atom")
            #expect(feed.body.contains("<id>urn:odp:withdrawal:\(w.number)</id>") && feed.body.contains("站点坐标整体偏移 &lt;script&gt;") && !feed.body.contains("张三"))
            #expect(try await Self.fetch(base + "/datasets/\(Self.bus)/feed.atom").body.contains("urn:odp:withdrawal:\(w.number)"))
            let changes = try await Self.fetch(base + "/api/changes?since=2000-01-01")
            let items = (try JSONSerialization.jsonObject(with: Data(changes.body.utf8)) as? [String: Any])?["changes"] as? [[String: Any]] ?? []
            #expect(items.contains { $0["kind"] as? String == "withdrawal" && $0["version"] as? String == second && $0["reason"] as? String == reason })
            #expect(!items.contains { $0["kind"] as? String == "version" && $0["version"] as? String == second })

            // A researcher's browser opening the withdrawn version's page sees the 410 page and the reason.
            if let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                let dom = try await CatalogLinksTests.dumpDOM(chromium, base + "/datasets/\(Self.bus)?version=\(second)")
                #expect(dom.contains("已撤回") && dom.contains("站点坐标整体偏移") && dom.contains(w.number), "\(dom.prefix(400))")
            }
        }

        // The same withdrawal again changes nothing; the number is never made again.
        #expect(try book.record(dataset: Self.bus, version: second, reason: "再次", by: "李四") == .already(w))
        let third = try Self.newBusVersion(fixture, title: "站点正式名称")
        #expect(ReleaseWriter.newestVersion([second, third]) == third && third != second, "\(third) after \(second)")
        let events = AuditTrail.entries(url: fixture.output.appendingPathComponent("state/audit.jsonl")).map(\.event)
        #expect(events.filter { $0 == "withdrawal_recorded" }.count == 1 && events.filter { $0 == "withdrawal_applied" }.count == 1)
    }

    @Test("a whole dataset: every version out, latest.json gone, 410 everywhere, odp run skips it, not an orphan, status shows it; a restore lets runs publish again")
    func dataset() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        _ = try fixture.run()
        let id = "sthj-air-quality-hourly"
        let layout = OutputLayout(root: fixture.output)
        let book = WithdrawalBook(layout: layout)
        let old = try #require(try Self.latest(fixture, id))
        guard case .new(let w) = try book.record(dataset: id, version: nil, reason: "监测设备故障，数据不可靠", by: "王五") else { Issue.record("not new"); return }
        #expect(w.versions == [old])
        #expect(try book.apply(dataset: id) == [old])
        #expect(try Self.latest(fixture, id) == nil)
        #expect(try book.record(dataset: id, version: old, reason: "x", by: "王五") == .already(w), "a version of a withdrawn dataset")
        #expect(try book.record(dataset: id, version: nil, reason: "x", by: "王五") == .already(w))

        let summary = try fixture.run()
        let outcome = try #require(summary.outcomes.first { $0.dataset == id })
        #expect(outcome.status == .withdrawn && outcome.version == nil && outcome.reasons.first?.contains(w.number) == true)
        #expect(!summary.orphans.contains { $0.dataset == id })
        let list = try #require(try OpenListDocument.read(catalogDirectory: fixture.output.appendingPathComponent("catalog")))
        #expect(!list.datasets.contains { $0.datasetId == id } && list.datasets.contains { $0.datasetId == Self.bus })
        let dcat = try String(contentsOf: fixture.output.appendingPathComponent("catalog/dcat.jsonld"), encoding: .utf8)
        #expect(!dcat.contains(id))
        let status = try StatusReport(workspace: try fixture.workspace())
        let entry = try #require(status.datasets.first { $0.dataset == id })
        #expect(entry.state == .withdrawn && entry.withdrawnVersions == [old] && status.withdrawals.map(\.number) == [w.number])

        try await Self.withPortal(fixture) { base in
            for path in ["/datasets/\(id)", "/datasets/\(id)?version=\(old)", "/datasets/\(id)/latest/data/\(id).csv", "/datasets/\(id)/\(old)/SHA256SUMS"] {
                let page = try await Self.fetch(base + path)
                #expect(page.status == 410 && page.body.contains("监测设备故障，数据不可靠"), "\(path): \(page.status)")
            }
            #expect(try await Self.fetch(base + "/api/datasets/\(id)").status == 410)
            #expect(try await Self.fetch(base + "/api/datasets/\(id)/versions").status == 410)
            let home = try await Self.fetch(base + "/?sort=updated")
            #expect(home.status == 200 && !home.body.contains("/datasets/\(id)\""))
            let api = try await Self.fetch(base + "/api/datasets")
            #expect(!api.body.contains("\"\(id)\""))
            let feed = try await Self.fetch(base + "/datasets/\(id)/feed.atom")
            #expect(feed.status == 200 && feed.body.contains("urn:odp:withdrawal:\(w.number)"))
        }

        // Out of odp.yml, it is withdrawn, not orphaned.
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("pipelines/demo/\(id).yml"))
        #expect(OrphanedDatasets.find(layout: layout, definitions: try fixture.workspace().definitions).isEmpty)
    }

    @Test("restore: odp run makes a new version after the withdrawn ones; the withdrawn version stays 410")
    func restore() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let old = try #require(try fixture.run().outcomes.first { $0.dataset == Self.bus }?.version)
        let book = WithdrawalBook(layout: OutputLayout(root: fixture.output))
        _ = try book.record(dataset: Self.bus, version: nil, reason: "线路调整中", by: "张三")
        _ = try book.apply(dataset: Self.bus)
        #expect(throws: ODPError.self) { try book.restore(dataset: "scjg-individual-business", reason: "x", by: "张三") }
        let restored = try book.restore(dataset: Self.bus, reason: "线路调整完成", by: "张三")
        #expect(restored.restored != nil)
        let outcome = try #require(try fixture.run(.init(datasets: [Self.bus])).outcomes.first)
        #expect(outcome.status == .published && outcome.version != old, "\(outcome.status) \(outcome.version ?? "")")
        #expect(try Self.latest(fixture, Self.bus) == outcome.version)
        #expect(WithdrawalList(withdrawals: try book.list()).covering(dataset: Self.bus, version: old) != nil)
        #expect(WithdrawalList(withdrawals: try book.list()).covering(dataset: Self.bus, version: outcome.version!) == nil)
        #expect(try WithdrawnVersion.read(release: fixture.output.appendingPathComponent("releases/\(Self.bus)/\(old)")) != nil)
        #expect(AuditTrail.entries(url: fixture.output.appendingPathComponent("state/audit.jsonl")).contains { $0.event == "withdrawal_restored" })
    }

    @Test("refused: a reason with personal data, too long or empty, no --by, an unknown dataset or version, an unpublished one")
    func refusals() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run()
        let version = try #require(summary.outcomes.first { $0.dataset == Self.bus }?.version)
        let book = WithdrawalBook(layout: OutputLayout(root: fixture.output))
        for reason in ["请联系 13812345678 核实", "涉及 11010519491231002X 的记录", "   ", String(repeating: "长", count: 2001)] {
            #expect { try book.record(dataset: Self.bus, version: version, reason: reason, by: "张三") } throws: { error in
                (error as? ODPError)?.code == .withdrawalRejected && !"\(error)".contains("13812345678")
            }
        }
        #expect { try book.record(dataset: Self.bus, version: version, reason: "有误", by: " ") } throws: { ($0 as? ODPError)?.code == .withdrawalRejected }
        for (id, v) in [("no-such-dataset", nil), (Self.bus, "2020.01.01.1"), ("mzj-elderly-care", nil)] as [(String, String?)] {
            #expect { try book.record(dataset: id, version: v, reason: "有误", by: "张三") } throws: { ($0 as? ODPError)?.code == .noRelease }
        }
        #expect(try book.list().isEmpty, "nothing recorded")
        #expect(try Self.latest(fixture, Self.bus) == version)
    }

    @Test("a withdrawal stopped after any step (as kill -9 would) is completed by the next odp withdraw, and by odp run")
    func crashResume() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let first = try #require(try fixture.run().outcomes.first { $0.dataset == Self.bus }?.version)
        let layout = OutputLayout(root: fixture.output)
        let book = WithdrawalBook(layout: layout)
        struct Crash: Error {}
        let steps: [WithdrawalBook.Step] = [.latestMoved, .versionMoved, .tombstoneWritten, .packageMoved]
        for (i, stop) in steps.enumerated() {
            let version = try Self.newBusVersion(fixture, title: "站点名称\(i)")
            _ = try book.record(dataset: Self.bus, version: version, reason: "第 \(i) 次撤回", by: "张三")
            #expect(throws: Crash.self) { try book.apply(dataset: Self.bus) { if $0 == stop { throw Crash() } } }
            // Whatever the step, latest.json never names the withdrawn version again.
            #expect(try Self.latest(fixture, Self.bus) == first, "\(stop)")
            if i % 2 == 0 {
                _ = try book.apply(dataset: Self.bus)
            } else {
                _ = try fixture.run(.init(datasets: ["scjg-individual-business"]))
            }
            let folder = fixture.output.appendingPathComponent("releases/\(Self.bus)/\(version)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [WithdrawnVersion.fileName], "\(stop)")
            #expect(FileManager.default.fileExists(atPath: layout.state.appendingPathComponent("withdrawn/\(Self.bus)/\(version)/release.json").path))
            #expect(!FileManager.default.fileExists(atPath: fixture.output.appendingPathComponent("packages/\(Self.bus)-\(version).zip").path), "\(stop)")
        }
        #expect(try AuditTrail.verify(url: layout.auditLog).firstBrokenLine == nil)
    }

    @Test("odp withdraw through the real binary: exit 0, again 0 saying so, refusals with their codes and exits")
    func command() async throws {
        guard OdpCommand.binary != nil else { return }
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let version = try #require(try fixture.run().outcomes.first { $0.dataset == Self.bus }?.version)
        let config = ["--config", fixture.configPath]
        let ok = try await OdpCommand.run(["withdraw", Self.bus, version, "--reason", "数据有误", "--by", "张三"] + config, logs: fixture.root)
        #expect(ok.status == 0 && ok.stdout.contains("\(Self.bus)-W1") && ok.stdout.contains("隔离区"), "\(ok.stdout) \(ok.stderr)")
        let list = try #require(try OpenListDocument.read(catalogDirectory: fixture.output.appendingPathComponent("catalog")))
        #expect(!list.datasets.contains { $0.datasetId == Self.bus }, "the open list is rebuilt at once: no public version left")
        // The demo's dir target gets it too: a tombstone where the version was, its data gone, no current version.
        let published = fixture.output.appendingPathComponent("published/\(Self.bus)")
        #expect(ok.stdout.contains("已同步撤回") && ok.stdout.contains("local"), "\(ok.stdout)")
        let marker = try ArtifactCodec.decode(WithdrawalMarker.self, from: Data(contentsOf: published.appendingPathComponent("\(version)/_ODP_WITHDRAWN")),
                                              file: "_ODP_WITHDRAWN")
        #expect(marker.reason == "数据有误" && marker.number == "\(Self.bus)-W1")
        #expect(!FileManager.default.fileExists(atPath: published.appendingPathComponent("\(version)/data/\(Self.bus).csv").path))
        #expect(!FileManager.default.fileExists(atPath: published.appendingPathComponent("latest.json").path))
        let again = try await OdpCommand.run(["withdraw", Self.bus, version, "--reason", "数据有误", "--by", "张三"] + config, logs: fixture.root)
        #expect(again.status == 0 && again.stdout.contains("无需重复"), "\(again.stdout) \(again.stderr)")
        #expect(again.stdout.contains("本次新写入 0 项"), "a re-run asks no target again: \(again.stdout)")
        let listed = try await OdpCommand.run(["withdraw", Self.bus, "--list", "--json"] + config, logs: fixture.root)
        #expect(try ArtifactCodec.decode(WithdrawalList.self, from: Data(listed.stdout.utf8), file: "stdout").withdrawals.count == 1)
        let leak = try await OdpCommand.run(["withdraw", "scjg-individual-business", "--reason", "电话 13812345678", "--by", "张三"] + config, logs: fixture.root)
        #expect(leak.status == ODPExit.usage && leak.stderr.contains("ODP-E0504") && !leak.stderr.contains("13812345678"), "\(leak.stderr)")
        let unknown = try await OdpCommand.run(["withdraw", "scjg-individual-business", "2020.01.01.1", "--reason", "有误", "--by", "张三"] + config, logs: fixture.root)
        #expect(unknown.status == ODPExit.usage && unknown.stderr.contains("ODP-E0501"), "\(unknown.stderr)")
        let missing = try await OdpCommand.run(["withdraw", Self.bus, "--by", "张三"] + config, logs: fixture.root)
        #expect(missing.status == ODPExit.commandLine, "\(missing.stderr)")
        let status = try await OdpCommand.run(["status"] + config, logs: fixture.root)
        #expect(status.stdout.contains("已撤回版本 withdrawn: \(version)") && status.stdout.contains("\(Self.bus)-W1"), "\(status.stdout)")
    }
}
