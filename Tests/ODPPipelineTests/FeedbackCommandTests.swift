import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 20 §4 and §5 on the command line and in the run's outputs: `odp feedback` answers
/// what the portal recorded, with documented exits and audit entries; the next run exports
/// the response times and usage counts as metrics and lists the counts in the open list.
@Suite("纠错与意见 (odp feedback) and usage figures in the run's outputs", .serialized)
struct FeedbackCommandTests {
    @Test("odp feedback lists, accepts, fixes and declines through the real binary; bad changes exit 1 with ODP-E0521")
    func command() async throws {
        guard OdpCommand.binary != nil else { return }
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let version = try #require(try fixture.run().outcomes.first { $0.dataset == "jtys-bus-stops" }?.version)
        let book = FeedbackBook(state: fixture.output.appendingPathComponent("state"))
        let submission = FeedbackForm.Submission(kind: .correction, text: "站点 S0001 的经度有误", contact: "13912345678", version: version)
        let first = try book.submit(dataset: "jtys-bus-stops", submission, withheld: false, now: Date(timeIntervalSinceNow: -3600))
        let second = try book.submit(dataset: "jtys-bus-stops", submission, withheld: false)
        let config = ["--config", fixture.configPath]
        func odp(_ arguments: [String]) async throws -> OdpCommand.Output { try await OdpCommand.run(["feedback"] + arguments + config, logs: fixture.root) }

        let listed = try await odp(["list"])
        #expect(listed.status == 0 && listed.stdout.contains("jtys-bus-stops-F1") && listed.stdout.contains("已收到") && listed.stdout.contains("13912345678"))
        let accepted = try await odp(["accept", first.number, "--by", "张三"])
        #expect(accepted.status == 0 && accepted.stdout.contains("已受理"), "\(accepted.stderr)")
        let unpublished = try await odp(["fix", first.number, "--version", "2020.01.01.1", "--by", "张三"])
        #expect(unpublished.status == ODPExit.usage && unpublished.stderr.contains("ODP-E0521"), "\(unpublished.stderr)")
        let noErratum = try await odp(["fix", first.number, "--version", version, "--erratum", "jtys-bus-stops-E7", "--by", "张三"])
        #expect(noErratum.status == ODPExit.usage && noErratum.stderr.contains("ODP-E0521"))
        let erratum = try ErrataBook(layout: OutputLayout(root: fixture.output)).record(dataset: "jtys-bus-stops", version: version, text: "经度有误",
                                                                                        by: "张三", fixedIn: version)
        let fixed = try await odp(["fix", first.number, "--version", version, "--erratum", erratum.number, "--by", "张三"])
        #expect(fixed.status == 0 && fixed.stdout.contains("已在 \(version) 版本修正"), "\(fixed.stderr)")
        let again = try await odp(["accept", first.number, "--by", "张三"])
        #expect(again.status == ODPExit.usage && again.stderr.contains("ODP-E0521"), "fixed is final")
        let leak = try await odp(["decline", second.number, "--reason", "请拨打 13812345678", "--by", "张三"])
        #expect(leak.status == ODPExit.usage && leak.stderr.contains("个人信息") && !leak.stderr.contains("13812345678"), "\(leak.stderr)")
        let declined = try await odp(["decline", second.number, "--reason", "该字段按标准不公开", "--by", "张三"])
        #expect(declined.status == 0 && declined.stdout.contains("不予采纳"))
        #expect(try await odp(["accept", "no-such-F1", "--by", "张三"]).status == ODPExit.usage)

        let items = try book.items("jtys-bus-stops")
        #expect(items.map(\.status) == [.fixed, .declined] && items[0].erratum == erratum.number && items[0].fixedIn == version)
        let audit = AuditTrail.entries(url: fixture.output.appendingPathComponent("state/audit.jsonl"))
        #expect(audit.filter { $0.event.hasPrefix("feedback_") }.map(\.event) == ["feedback_accepted", "feedback_fixed", "feedback_declined"])
        let auditText = try String(contentsOf: fixture.output.appendingPathComponent("state/audit.jsonl"), encoding: .utf8)
        #expect(!auditText.contains("13912345678") && !auditText.contains("站点 S0001"), "numbers only, never the text or contact")
    }

    @Test("the next run exports response times and usage counts as metrics and adds the counts to the open list; without usage the list keeps its columns")
    func runOutputs() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let version = try #require(try fixture.run().outcomes.first { $0.dataset == "jtys-bus-stops" }?.version)
        let catalog = fixture.output.appendingPathComponent("catalog/open-list.csv")
        let before = try String(contentsOf: catalog, encoding: .utf8)
        #expect(!before.contains("下载次数"), "no usage file, no usage columns")

        let state = fixture.output.appendingPathComponent("state")
        let book = FeedbackBook(state: state)
        let item = try book.submit(dataset: "jtys-bus-stops", FeedbackForm.Submission(kind: .request, text: "希望增加区县字段"), withheld: false,
                                   now: Date(timeIntervalSinceNow: -7200))
        _ = try book.accept(item.number, by: "张三")
        _ = try book.submit(dataset: "jtys-bus-stops", FeedbackForm.Submission(kind: .request, text: "希望按日更新"), withheld: false)
        try ArtifactCodec.write(UsageCounts(datasets: ["jtys-bus-stops": [version: UsageCounts.Count(downloads: 7, apiCalls: 11)]]),
                                to: state.appendingPathComponent("usage.json"))
        _ = try fixture.run()

        let metrics = try String(contentsOf: state.appendingPathComponent("metrics/odp.prom"), encoding: .utf8)
        #expect(metrics.contains("odp_feedback_items{dataset=\"jtys-bus-stops\",status=\"received\"} 1"), "\(metrics)")
        #expect(metrics.contains("odp_feedback_items{dataset=\"jtys-bus-stops\",status=\"accepted\"} 1"))
        #expect(metrics.contains("odp_feedback_response_seconds_count{dataset=\"jtys-bus-stops\"} 1"))
        let sum = try #require(metrics.firstMatch(of: /odp_feedback_response_seconds_sum\{dataset="jtys-bus-stops"\} ([0-9.]+)/))
        #expect((Double(sum.1) ?? 0) >= 7199, "about two hours from receipt to acceptance")
        #expect(metrics.contains("odp_downloads_total{dataset=\"jtys-bus-stops\",version=\"\(version)\"} 7"))
        #expect(metrics.contains("odp_api_calls_total{dataset=\"jtys-bus-stops\",version=\"\(version)\"} 11"))

        let list = try String(contentsOf: catalog, encoding: .utf8)
        let lines = list.split(separator: "\r\n")
        #expect(lines[0].hasSuffix(",更新状态,下载次数,接口调用次数"), "\(lines[0])")
        #expect(lines.dropFirst().contains { $0.hasSuffix(",7,11") }, "\(list)")
        let json = try #require(try OpenListDocument.read(catalogDirectory: catalog.deletingLastPathComponent()))
        #expect(json.datasets.first { $0.datasetId == "jtys-bus-stops" }?.usage == UsageCounts.Count(downloads: 7, apiCalls: 11))
        #expect(json.datasets.filter { $0.datasetId != "jtys-bus-stops" }.allSatisfy { $0.usage == UsageCounts.Count() })
        // Releases are immutable and never carry counts.
        let release = fixture.output.appendingPathComponent("releases/jtys-bus-stops/\(version)")
        for name in try FileManager.default.subpathsOfDirectory(atPath: release.path) where name.hasSuffix(".json") || name.hasSuffix(".md") {
            #expect(!(try String(contentsOf: release.appendingPathComponent(name), encoding: .utf8)).contains("下载次数"))
        }
    }
}
