import Foundation
import Testing

/// Issue 16 item 12: a newcomer added a dataset to `pipelines/` and four tests failed. The
/// demo fixture takes only the demo's own files, so what a user adds there reaches no test.
@Suite("Tests do not depend on the user's pipelines/")
struct FixtureIsolationTests {
    /// A copy of the repository's `pipelines/` with a user's extra dataset (valid, and one
    /// that is broken), an extra glob and an extra target in odp.yml.
    static func repositoryWithUserAdditions() throws -> URL {
        let fm = FileManager.default
        let repo = fm.temporaryDirectory.appendingPathComponent("odp-userrepo-\(UUID().uuidString.prefix(8))")
        try fm.createDirectory(at: repo, withIntermediateDirectories: true)
        try fm.copyItem(at: DemoFixture.repository.appendingPathComponent("pipelines"), to: repo.appendingPathComponent("pipelines"))
        let demo = repo.appendingPathComponent("pipelines/demo")
        let air = try String(contentsOf: demo.appendingPathComponent("sthj-air-quality-hourly.yml"), encoding: .utf8)
        try air.replacingOccurrences(of: "id: sthj-air-quality-hourly", with: "id: newcomer-dataset")
            .write(to: demo.appendingPathComponent("newcomer-dataset.yml"), atomically: true, encoding: .utf8)
        try "id: broken\nsource: {type: csv}\n".write(to: demo.appendingPathComponent("zz-broken.yml"), atomically: true, encoding: .utf8)
        let config = repo.appendingPathComponent("pipelines/odp.yml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "  - demo/*.yml", with: "  - demo/*.yml\n  - mine/*.yml")
        text += "  - name: newcomer-sftp\n    type: sftp\n    url: sftp://127.0.0.1:1/upload\n    user: odp\n    password: env:NEWCOMER_PASSWORD\n    known_hosts: /nonexistent\n"
        try text.write(to: config, atomically: true, encoding: .utf8)
        return repo
    }

    @Test("a dataset, glob and target added to pipelines/ do not reach the demo fixture")
    func userAdditionsDoNotReachTheFixture() throws {
        let repo = try Self.repositoryWithUserAdditions()
        defer { try? FileManager.default.removeItem(at: repo) }
        let fixture = try DemoFixture(repository: repo)
        defer { fixture.remove() }
        let workspace = try fixture.workspace()
        #expect(workspace.errors.isEmpty, "\(workspace.errors.map(\.description).joined(separator: "\n"))")
        #expect(workspace.definitions.map(\.id).sorted() == DemoFixture.datasets)
        #expect(workspace.config.targets.map(\.type) == ["dir"])
        let summary = try fixture.run(.init(dryRun: true))
        #expect(summary.outcomes.map(\.dataset).sorted() == DemoFixture.datasets)
    }
}
