import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline

/// A private copy of the repository's `pipelines/` with freshly generated demo data and
/// its own output folder, so tests never touch the working tree's output.
struct DemoFixture {
    let root: URL
    var configPath: String { root.appendingPathComponent("pipelines/odp.yml").path }
    var output: URL { root.appendingPathComponent("output") }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(name: String = #function) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("odp-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.repository.appendingPathComponent("pipelines"), to: root.appendingPathComponent("pipelines"))
        try DemoGenerator.generateDemo(into: root.appendingPathComponent("pipelines/demo/data"))
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
