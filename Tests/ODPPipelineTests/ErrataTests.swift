import Foundation
import ODPCore
import ODPPipeline
import Testing

@Suite("Errata (odp erratum)", .serialized)
struct ErrataTests {
    @Test("a notice on a published version gets a per-dataset number, is audited, links to its fix, and refuses personal data")
    func recordAndFix() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let summary = try fixture.run()
        let version = try #require(summary.outcomes.first { $0.dataset == "jtys-bus-stops" }?.version)
        let book = ErrataBook(layout: OutputLayout(root: fixture.output))

        let first = try book.record(dataset: "jtys-bus-stops", version: version, text: "  站点 S0001 的经纬度有误，应为 119.30, 26.08。\n", by: "张三", fixedIn: nil)
        let second = try book.record(dataset: "jtys-bus-stops", version: version, text: "候车亭字段在 3 个站点缺失。", by: "李四", fixedIn: version)
        #expect(first.number == "jtys-bus-stops-E1" && second.number == "jtys-bus-stops-E2")
        #expect(first.text == "站点 S0001 的经纬度有误，应为 119.30, 26.08。", "trimmed")
        #expect(try book.record(dataset: "sthj-air-quality-hourly", version: try #require(summary.outcomes.first { $0.dataset == "sthj-air-quality-hourly" }?.version),
                                text: "监测站名称有误。", by: "王五", fixedIn: nil).number == "sthj-air-quality-hourly-E1")

        // The text is published: a mobile number or an ID number in it is refused, with the code.
        for leak in ["请联系 13812345678 核实", "涉及 11010519491231002X 的记录"] {
            #expect { try book.record(dataset: "jtys-bus-stops", version: version, text: leak, by: "张三", fixedIn: nil) } throws: { error in
                "\(error)".contains("个人信息") && (error as? ODPError)?.code == .erratumRejected
            }
        }
        #expect(throws: ODPError.self) { try book.record(dataset: "jtys-bus-stops", version: version, text: "   ", by: "张三", fixedIn: nil) }
        #expect(throws: ODPError.self) { try book.record(dataset: "jtys-bus-stops", version: version, text: String(repeating: "长", count: 2001), by: "张三", fixedIn: nil) }
        // Only published versions: not a made-up one, not the held dataset's.
        #expect { try book.record(dataset: "jtys-bus-stops", version: "2020.01.01.1", text: "x", by: "张三", fixedIn: nil) } throws: { error in
            (error as? ODPError)?.code == .noRelease
        }
        let held = try #require(summary.outcomes.first { $0.dataset == "mzj-elderly-care" }?.version)
        #expect(throws: ODPError.self) { try book.record(dataset: "mzj-elderly-care", version: held, text: "x", by: "张三", fixedIn: nil) }

        let fixed = try book.markFixed(number: first.number, in: version, by: "张三")
        #expect(fixed.fixedIn == version)
        #expect(throws: ODPError.self) { try book.markFixed(number: "jtys-bus-stops-E9", in: version, by: "张三") }
        #expect(try book.list(dataset: "jtys-bus-stops").map(\.number) == ["jtys-bus-stops-E1", "jtys-bus-stops-E2"])
        #expect(try book.list().count == 3)

        let audit = fixture.output.appendingPathComponent("state/audit.jsonl")
        let events = AuditTrail.entries(url: audit).map(\.event)
        #expect(events.filter { $0 == "erratum_recorded" }.count == 3 && events.contains("erratum_fixed"))
        #expect(try AuditTrail.verify(url: audit).firstBrokenLine == nil)
    }

    @Test("odp erratum records, lists and refuses through the real binary with documented exits")
    func command() async throws {
        guard OdpCommand.binary != nil else { return }
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let version = try #require(try fixture.run().outcomes.first { $0.dataset == "jtys-bus-stops" }?.version)
        let config = ["--config", fixture.configPath]
        let ok = try await OdpCommand.run(["erratum", "jtys-bus-stops", "--version", version, "--text", "坐标系说明有误", "--by", "张三"] + config, logs: fixture.root)
        #expect(ok.status == 0 && ok.stdout.contains("jtys-bus-stops-E1"), "\(ok.stderr)")
        let listed = try await OdpCommand.run(["erratum", "jtys-bus-stops", "--list", "--json"] + config, logs: fixture.root)
        let list = try ArtifactCodec.decode(ErrataList.self, from: Data(listed.stdout.utf8), file: "stdout")
        #expect(list.errata.map(\.text) == ["坐标系说明有误"])
        let leak = try await OdpCommand.run(["erratum", "jtys-bus-stops", "--version", version, "--text", "电话 13812345678", "--by", "张三"] + config, logs: fixture.root)
        #expect(leak.status == ODPExit.usage && leak.stderr.contains("ODP-E0503") && !leak.stderr.contains("13812345678"), "\(leak.stderr)")
        let missing = try await OdpCommand.run(["erratum", "jtys-bus-stops", "--version", version, "--by", "张三"] + config, logs: fixture.root)
        #expect(missing.status == ODPExit.commandLine, "\(missing.stderr)")
    }
}
