import Foundation
import ODPCore
import ODPPipeline
import Testing

/// Issue 16 item 9: a source path may not lead out of the pipeline folder unless the
/// definition says `allow_outside: true`; the file outside is never opened, so no line of it
/// reaches a message.
@Suite("Source paths stay in the pipeline folder")
struct SourcePathPolicyTests {
    /// Points the bus-stop dataset's `source.path` at `path` (plus `extra` source lines); returns its file.
    @discardableResult
    static func setSource(_ fixture: DemoFixture, path: String, extra: String = "") throws -> URL {
        let file = fixture.root.appendingPathComponent("pipelines/demo/jtys-bus-stops.yml")
        let original = try String(contentsOf: file, encoding: .utf8)
        let line = try #require(original.firstMatch(of: /\n  path: [^\n]+\n/)?.output)
        try original.replacingOccurrences(of: line, with: "\n  path: \(path)\n\(extra)").write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("a ../ path out of the pipeline folder is a coded definition error that quotes nothing of the file")
    func outsideIsRefused() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let secret = fixture.root.appendingPathComponent("outside.csv")
        try "SECRET-FIRST-LINE,b\n1,2\n".write(to: secret, atomically: true, encoding: .utf8)
        let file = try Self.setSource(fixture, path: "../../outside.csv")
        let workspace = try Workspace.load(configPath: fixture.configPath, openSources: true)
        let errors = workspace.errors.filter { $0.code == .sourceOutside }
        #expect(errors.count == 1, "\(workspace.diagnostics)")
        #expect(errors.first?.location.file == file.path)
        #expect(errors.first?.description.contains("[ODP-E0105]") == true)
        #expect(!workspace.diagnostics.contains { $0.description.contains("SECRET-FIRST-LINE") }, "the file outside was read")

        // Allowed on purpose: the key lifts the rule and the source is opened as usual.
        try Self.setSource(fixture, path: "../../outside.csv", extra: "  allow_outside: true\n")
        let again = try Workspace.load(configPath: fixture.configPath)
        #expect(!again.diagnostics.contains { $0.code == .sourceOutside })
        #expect(!again.diagnostics.contains { $0.message.contains("allow_outside") }, "allow_outside is a known key")
    }

    @Test("a symbolic link inside the folder that points out counts as outside")
    func symlinkOut() throws {
        let fixture = try DemoFixture()
        defer { fixture.remove() }
        let outside = fixture.root.appendingPathComponent("elsewhere.csv")
        try "a\n1\n".write(to: outside, atomically: true, encoding: .utf8)
        let link = fixture.root.appendingPathComponent("pipelines/demo/data/link.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
        try Self.setSource(fixture, path: "data/link.csv")
        #expect(try Workspace.load(configPath: fixture.configPath).errors.contains { $0.code == .sourceOutside })
    }
}
