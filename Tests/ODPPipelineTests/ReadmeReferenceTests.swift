import Foundation
import ODPCore
import ODPDemoData
import ODPPipeline
import Testing

/// Keeps the README's definition reference in step with the code: its examples must
/// validate, and every vocabulary the code knows must be documented.
@Suite("README reference")
struct ReadmeReferenceTests {
    static let readme = (try? String(contentsOf: DemoFixture.repository.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The first ```yaml block after a heading.
    static func yamlBlock(after heading: String) -> String? {
        guard let start = readme.range(of: heading) else { return nil }
        let rest = readme[start.upperBound...]
        guard let open = rest.range(of: "```yaml\n"), let close = rest[open.upperBound...].range(of: "```") else { return nil }
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test("the odp.yml and dataset examples validate without errors")
    func examplesValidate() throws {
        let global = try #require(Self.yamlBlock(after: "### `odp.yml`"))
        let dataset = try #require(Self.yamlBlock(after: "### A dataset"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-readme-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("demo/data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: DemoFixture.repository.appendingPathComponent("pipelines/codes"), to: dir.appendingPathComponent("codes"))
        try DemoGenerator.generateDemo(into: dir.appendingPathComponent("demo/data"))
        // Validation reads secrets too: the example's deployment path becomes a key of the test's own.
        try global.replacingOccurrences(of: "file:/etc/odp/signing.key", with: "file:signing.key")
            .write(to: dir.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
        try String(repeating: "5a", count: 32).write(to: dir.appendingPathComponent("signing.key"), atomically: true, encoding: .utf8)
        try dataset.write(to: dir.appendingPathComponent("demo/example.yml"), atomically: true, encoding: .utf8)
        let workspace = try Workspace.load(configPath: dir.appendingPathComponent("odp.yml").path, openSources: true)
        #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description).joined(separator: "\n"))")
        #expect(workspace.definitions.count == 1)
    }

    @Test("every source type, field type, privacy class and update cycle is documented")
    func vocabulariesDocumented() {
        for word in SourceSpec.Kind.allCases.map(\.rawValue) + FieldType.allCases.map(\.rawValue)
            + PrivacyClass.allCases.map(\.rawValue) + UpdateCycle.allCases.map(\.rawValue) + OpenType.allCases.map(\.rawValue) {
            #expect(Self.readme.contains(word), "README does not mention `\(word)`")
        }
    }

    @Test("the dataset example's `type:` comment lists every field type")
    func fieldTypesListed() throws {
        let dataset = try #require(Self.yamlBlock(after: "### A dataset"))
        let line = try #require(dataset.split(separator: "\n").first { $0.contains("type: string") && $0.contains("#") })
        let listed = Set(line.split(separator: "#")[1].split(separator: " ").map(String.init))
        #expect(listed == Set(FieldType.allCases.map(\.rawValue)))
    }

    @Test("the demo's definitions validate")
    func demoPipelinesValidate() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let workspace = try fixture.workspace()
        #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description).joined(separator: "\n"))")
        #expect(workspace.definitions.map(\.id).sorted() == DemoFixture.datasets)
    }
}
