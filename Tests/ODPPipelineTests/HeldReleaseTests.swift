import Foundation
import ODPCore
import ODPPipeline
@testable import ODPPortal
import Testing

/// Issue 16 item 6: a release held by a gate is visible to the people who must act on it —
/// previewed, explained when someone tries to approve it, and reported consistently.
@Suite("Held releases are visible and explained", .serialized)
struct HeldReleaseTests {
    static let held = "mzj-elderly-care"

    @Test("odp preview shows the held release, a wide table narrows to chosen fields or one block per row")
    func previewHeld() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run()
        let outcome = try #require(summary.outcomes.first { $0.dataset == Self.held })
        #expect(outcome.status == .held)
        let version = try #require(outcome.version)
        let catalog = try fixture.workspace().definitions.first { $0.id == Self.held }?.catalog
        let text = try Preview.render(root: fixture.output, dataset: Self.held, catalog: catalog, color: false, width: 120)
        #expect(text.contains("版本 \(version)"))
        #expect(text.contains("暂缓发布"))
        #expect(text.contains("提供方代码"))
        for reason in outcome.reasons { #expect(text.contains(String(reason.prefix(20))), "preview lacks \(reason)") }
        let json = try JSONSerialization.jsonObject(with: Preview.json(root: fixture.output, dataset: Self.held, catalog: catalog)) as? [String: Any]
        #expect((json?["version"] as? [String: Any])?["status"] as? String == "held")

        let all = try JSONSerialization.jsonObject(with: Preview.json(root: fixture.output, dataset: Self.held, rows: 2)) as? [String: Any]
        let header = try #require((all?["sample"] as? [String: Any])?["header"] as? [String])
        #expect(header.count > 2)
        let picked = try JSONSerialization.jsonObject(with: Preview.json(root: fixture.output, dataset: Self.held, rows: 2,
                                                                         view: SampleView(fields: [header[1], header[0]]))) as? [String: Any]
        #expect((picked?["sample"] as? [String: Any])?["header"] as? [String] == [header[1], header[0]])
        let vertical = try Preview.render(root: fixture.output, dataset: Self.held, color: false, width: 100, rows: 2,
                                          view: SampleView(vertical: true))
        #expect(vertical.contains("── 第 2 行 ──"))
        let narrow = try Preview.render(root: fixture.output, dataset: Self.held, color: false, width: 8 * header.count - 1, rows: 1)
        #expect(narrow.contains("── 第 1 行 ──"), "a table too wide for the terminal turns vertical by itself")
        #expect(throws: ODPError.self) {
            try Preview.render(root: fixture.output, dataset: Self.held, color: false, view: SampleView(fields: ["no_such_field"]))
        }
    }

    @Test("the held quality report lists every hold reason and counts what the feedback list holds")
    func heldReportIsConsistent() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run()
        let outcome = try #require(summary.outcomes.first { $0.dataset == Self.held })
        let version = try #require(outcome.version)
        let release = fixture.output.appendingPathComponent("held/releases/\(Self.held)/\(version)")
        let html = try String(contentsOf: release.appendingPathComponent("quality-report.html"), encoding: .utf8)
        let verdict = try #require(html.range(of: "<h2>发布判定</h2>")).upperBound
        let section = String(html[verdict...].prefix { $0 != "\n" })
        // The published-file gate scans the finished files, the report among them, so its
        // findings (待发布文件…) come after the report and are in release.json and the summary.
        let stageReasons = outcome.reasons.filter { !$0.hasPrefix("待发布文件") }
        #expect(stageReasons.count >= 2, "the demo holds it for a quality and a privacy reason: \(outcome.reasons)")
        for reason in stageReasons { #expect(section.contains(escapeHTML(reason)), "发布判定 lacks \(reason)") }
        let feedback = try String(contentsOf: fixture.output.appendingPathComponent("state/feedback/\(Self.held).csv"), encoding: .utf8)
        let entries = feedback.split(whereSeparator: \.isNewline).count - 1
        #expect(entries > 0)
        #expect(html.contains("问题数据清单共 \(entries) 条"), "report and feedback list disagree; feedback has \(entries)")
        #expect(html.contains("问题数据清单 \(entries) 条"))
        #expect(outcome.counts.problemEntries == entries)
        let quality = try JSONSerialization.jsonObject(with: Data(contentsOf: release.appendingPathComponent("quality-report.json"))) as? [String: Any]
        #expect((quality?["gate"] as? [String: Any])?["reasons"] as? [String] == stageReasons)
    }

    @Test("odp approve and reject on a held version explain what to do; the demo's hints point at held/ and feedback/")
    func approveHeldExplains() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run()
        let version = try #require(summary.outcomes.first { $0.dataset == Self.held }?.version)
        for command in ["approve", "reject"] {
            let out = try await OdpCommand.run([command, "--config", fixture.configPath, Self.held, version, "--by", "张三"], logs: fixture.root)
            #expect(out.status != 0)
            let text = out.stdout + out.stderr
            #expect(text.contains("被发布闸门暂缓"), "\(text)")
            #expect(text.contains("state/feedback/\(Self.held).csv"))
            #expect(text.contains("odp preview \(Self.held)"))
            #expect(text.contains(ErrorCode.heldNotReviewable.description))
            #expect(!text.contains("no release"))
        }
        let missing = try await OdpCommand.run(["approve", "--config", fixture.configPath, Self.held, "2000.01.01.1", "--by", "x"], logs: fixture.root)
        #expect((missing.stdout + missing.stderr).contains(ErrorCode.noRelease.description))
        let demo = try String(contentsOf: DemoFixture.repository.appendingPathComponent("scripts/demo.sh"), encoding: .utf8)
        let hints = try #require(demo.range(of: "echo \"Releases:")).lowerBound
        #expect(demo[hints...].contains("output/held/"))
        #expect(demo[hints...].contains("output/state/feedback/"))
    }
}
