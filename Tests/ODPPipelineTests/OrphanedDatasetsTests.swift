import Foundation
import ODPCore
import ODPPipeline
import Testing

@Suite("Datasets removed from odp.yml while published")
struct OrphanedDatasetsTests {
    @Test("a published dataset whose definition is removed is named by odp run and odp status until the definition is back")
    func orphans() async throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let first = try fixture.run()
        #expect(first.orphans.isEmpty)
        let version = try #require(first.outcomes.first { $0.dataset == "jtys-bus-stops" }?.version)
        let definition = fixture.root.appendingPathComponent("pipelines/demo/jtys-bus-stops.yml")
        let saved = try Data(contentsOf: definition)
        try FileManager.default.removeItem(at: definition)

        let second = try fixture.run()
        #expect(second.orphans == [OrphanedDataset(dataset: "jtys-bus-stops", version: version)])
        #expect(second.orphans.first?.message.contains("已不在 odp.yml 中") == true)
        let list = try #require(try ArtifactCodec.read(OpenListDocument.self, at: fixture.output.appendingPathComponent("catalog/open-list.json")))
        #expect(!list.datasets.contains { $0.datasetId == "jtys-bus-stops" }, "out of the open list")
        #expect(try StatusReport(workspace: fixture.workspace()).orphans.map(\.dataset) == ["jtys-bus-stops"])
        if OdpCommand.binary != nil {
            let status = try await OdpCommand.run(["status", "--config", fixture.configPath], logs: fixture.root)
            #expect(status.stdout.contains("数据集 jtys-bus-stops 已不在 odp.yml 中，但其版本 \(version) 仍可"), "\(status.stdout)")
        }
        // A held dataset (no latest.json) is no orphan: nothing of it is public.
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("pipelines/demo/mzj-elderly-care.yml"))
        #expect(try StatusReport(workspace: fixture.workspace()).orphans.map(\.dataset) == ["jtys-bus-stops"])

        try saved.write(to: definition)
        #expect(try StatusReport(workspace: fixture.workspace()).orphans.map(\.dataset).isEmpty)
    }
}
