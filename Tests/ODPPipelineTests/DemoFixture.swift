import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline

/// A private copy of the demo in the repository's `pipelines/` with freshly generated demo
/// data and its own output folder, so tests never touch the working tree's output. Only the
/// demo's own files are copied (`files`) and `odp.yml` is the tests' own, so a dataset, glob
/// or target a user adds to `pipelines/` changes nothing here; a test may add a definition
/// to the copy's `demo/` folder.
struct DemoFixture {
    let root: URL
    var configPath: String { root.appendingPathComponent("pipelines/odp.yml").path }
    var output: URL { root.appendingPathComponent("output") }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The demo datasets, in the order `odp.yml` lists them.
    static let datasets = ["jtys-bus-stops", "mzj-elderly-care", "scjg-individual-business", "sthj-air-quality-hourly"]

    /// What the fixture takes from `pipelines/`: code tables, the demo key and the four
    /// demo definitions — never a glob over the folder.
    static let files = ["codes", "demo/keys"] + datasets.map { "demo/\($0).yml" }

    /// The demo's odp.yml, owned by the tests so that a target or dataset glob a user adds
    /// to `pipelines/odp.yml` does not reach them.
    static let config = """
        output: ../output
        publisher: 福州市大数据发展管理委员会
        datasets:
          - demo/*.yml
        code_tables:
          gb2260:
            path: codes/gb2260-2024.txt
            history: codes/gb2260-history.csv
          industry:
            path: codes/gb4754-2017.csv
        keys:
          pseudonym:
            id: demo-2026
            secret: file:demo/keys/pseudonym-demo.key
        targets:
          - name: local
            type: dir
            path: ../output/published

        """

    init(name: String = #function, repository: URL = Self.repository) throws {
        let fm = FileManager.default
        root = fm.temporaryDirectory.appendingPathComponent("odp-test-\(UUID().uuidString.prefix(8))")
        let pipelines = root.appendingPathComponent("pipelines")
        try fm.createDirectory(at: pipelines.appendingPathComponent("demo/data"), withIntermediateDirectories: true)
        for file in Self.files {
            try fm.copyItem(at: repository.appendingPathComponent("pipelines/\(file)"), to: pipelines.appendingPathComponent(file))
        }
        try Self.config.write(to: pipelines.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
        try DemoGenerator.generateDemo(into: pipelines.appendingPathComponent("demo/data"))
    }

    func workspace() throws -> Workspace { try Workspace.load(configPath: configPath) }

    func run(_ options: RunOptions = RunOptions()) throws -> PipelineRunner.Summary {
        let workspace = try workspace()
        return try PipelineRunner(workspace: workspace, options: options, log: RunLog(logFile: nil, interactive: false, quiet: true)).run()
    }

    func files(under path: String) -> [URL] {
        let dir = output.appendingPathComponent(path)
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return e.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.path < $1.path }
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
