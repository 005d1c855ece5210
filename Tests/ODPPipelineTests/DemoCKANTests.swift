import Foundation
import ODPCore
import ODPPipeline
import ODPRelease
import Testing
@testable import ODPPublish

/// The bundled demo through the real `odp` binary into a real CKAN 2.12
/// (scripts/services-start.sh), read back through CKAN's Action API on the direct URL.
@Suite("The demo published to CKAN", .serialized,
       .enabled(if: OdpCommand.binary != nil, "build the odp binary first (swift build)"),
       .enabled(if: Services.shouldRun(Services.ckanKeys), "CKAN not started: run scripts/services-start.sh DIR"))
struct DemoCKANTests {
    /// Held by the privacy gate in the demo: it must never reach CKAN.
    static let held = "mzj-elderly-care"

    struct Setup {
        let fixture: DemoFixture
        /// Prefixed to every 资源代码, so this test's dataset names are new on a CKAN other runs share.
        let tag: String
        let client: CKANClient
        let definitions: [DatasetDefinition]
        let environment: [String: String]

        var listName: String { "odp-\(tag)-open-list" }
        /// Every receipt of the run's upload journal, as its lines.
        var receiptLines: [String] {
            let store = try? FileStateStore(directory: fixture.output.appendingPathComponent("state"))
            return (store?.journaledDatasets() ?? []).flatMap { dataset in
                ((try? String(contentsOf: store!.receiptsFile(dataset: dataset), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }
        }

        func run() async throws -> OdpCommand.Output {
            try await OdpCommand.run(["run", "--json", "--quiet", "--config", fixture.configPath], environment: environment, logs: fixture.root)
        }
    }

    /// A demo copy with a `ckan` target at `urlKey` (CKAN_URL or the faulty CKAN_PROXY_URL).
    func setup(through urlKey: String) throws -> Setup? {
        guard let s = Services.require(Services.ckanKeys) else { return nil }
        let fixture = try DemoFixture()
        let tag = "e2e\(UUID().uuidString.prefix(8).lowercased())"
        let demo = fixture.root.appendingPathComponent("pipelines/demo")
        for name in try FileManager.default.contentsOfDirectory(atPath: demo.path) where name.hasSuffix(".yml") {
            let url = demo.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)
            try #require(text.contains("\n  code: 350100-"), "\(name) has no 资源代码 to tag")
            try text.replacingOccurrences(of: "\n  code: 350100-", with: "\n  code: \(tag)-350100-").write(to: url, atomically: true, encoding: .utf8)
        }
        // Short timeouts: the proxy's stalls end in 3 s, not curl's default 30. Twelve retries make
        // a call that fails for good at a 30% fault rate a one-in-a-million event.
        let target = """
          - name: portal
            type: ckan
            url: \(s[urlKey]!)
            token: env:ODP_E2E_CKAN_TOKEN
            organization: \(s["CKAN_ORG"]!)
            catalog_dataset: odp-\(tag)-open-list
            connect_timeout: 3
            low_speed_time: 3
            retries: 12
            retry_base_delay: 0.05

        """
        let config = URL(fileURLWithPath: fixture.configPath)
        try (String(contentsOf: config, encoding: .utf8) + target).write(to: config, atomically: true, encoding: .utf8)
        let token = s["CKAN_TOKEN"]!
        return Setup(fixture: fixture, tag: tag, client: CKANClient(url: s["CKAN_URL"]!, token: token, options: TransferOptions()),
                     definitions: try fixture.workspace().definitions, environment: ["ODP_E2E_CKAN_TOKEN": token])
    }

    @Test("the demo arrives byte for byte with its metadata, the held dataset does not, and a second run uploads nothing")
    func publishOnce() async throws {
        guard let s = try setup(through: "CKAN_URL") else { return }
        defer { s.fixture.remove() }
        let first = try await s.run()
        #expect(first.status == ODPExit.held, "the demo holds one dataset: \(first.stderr.suffix(2000))")
        let modified = try await expectPublished(s)

        let receiptLines = s.receiptLines.count
        let second = try await s.run()
        #expect(second.status == ODPExit.held, "\(second.stderr.suffix(2000))")
        let report = try runReport(second)
        #expect(!report.isEmpty)
        for dataset in report {
            #expect(dataset["bytes_published"] as? Int == 0, "\(dataset["dataset"] ?? "?") uploaded again")
        }
        #expect(s.receiptLines.count == receiptLines, "a second run journaled new receipts")
        #expect(try await expectPublished(s) == modified, "a second run changed datasets on CKAN")
        expectNoSecrets([s.environment["ODP_E2E_CKAN_TOKEN"]!], logs: [first.stdout, first.stderr, second.stdout, second.stderr],
                        state: s.fixture.output.appendingPathComponent("state"))
    }

    @Test("through a proxy failing 30% of requests, a run killed mid-upload and resumed publishes every dataset exactly once")
    func faultsAndKill() async throws {
        guard let s = try setup(through: "CKAN_PROXY_URL") else { return }
        defer { s.fixture.remove() }
        let killed = try OdpCommand.start(["run", "--quiet", "--config", s.fixture.configPath], environment: s.environment, logs: s.fixture.root)
        // Killed once a few files are on CKAN: part of the demo is there, the rest is not.
        let deadline = Date().addingTimeInterval(120)
        while killed.isRunning, portalReceipts(s) < 4, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(killed.isRunning, "the run ended before it could be killed mid-upload")
        killed.signal(SIGKILL)
        #expect(await killed.wait() == SIGKILL)

        let resumed = try await s.run()
        #expect(resumed.status == ODPExit.held, "\(resumed.stderr.suffix(2000))")
        _ = try await expectPublished(s)
    }

    /// Checks every dataset on CKAN against its release; returns each dataset's
    /// `metadata_modified`, so a later run can be shown to have changed nothing.
    func expectPublished(_ s: Setup) async throws -> [String: String] {
        let client = s.client
        var modified: [String: String] = [:]
        var expectedNames = [s.listName]
        for definition in s.definitions {
            let name = CKANNames.dataset(code: definition.catalog.code)
            let remote = try await offPool { try Self.fetch(name, client: client) }
            guard definition.id != Self.held else {
                #expect(remote == nil, "the held \(definition.id) reached CKAN as \(name)")
                continue
            }
            expectedNames.append(name)
            let dataset = try #require(remote, "\(definition.id) is not on CKAN as \(name)")
            let release = try #require(try ReleaseReader.latest(datasetId: definition.id, root: s.fixture.output))
            expectResources(dataset, try UploadFile.release(release.directory), of: definition.id)
            let c = definition.catalog
            #expect(dataset.fields["title"] == c.title)
            #expect(dataset.fields["notes"] == c.summary)
            #expect(c.license == "CC-BY-4.0" && dataset.fields["license_id"] == "cc-by", "CKAN's id for CC-BY-4.0")
            #expect(dataset.fields["version"] == release.version)
            #expect(dataset.fields["private"] == "false")
            #expect(dataset.organization == Services.values["CKAN_ORG"])
            #expect(dataset.extras["资源代码"] == c.code)
            #expect(dataset.extras["开放属性"] == c.openType.rawValue)
            #expect(dataset.extras["更新周期"] == c.updateCycle.rawValue)
            #expect(dataset.extras["odp_version"] == release.version)
            modified[definition.id] = dataset.fields["metadata_modified"]
        }
        // The open-data list, uploaded last.
        let listName = s.listName
        let list = try #require(try await offPool { try Self.fetch(listName, client: client) }, "the open-data list is not on CKAN")
        let catalog = s.fixture.output.appendingPathComponent("catalog")
        let names = ["open-list.csv", "open-list.json", "open-list.html", "open-list.js", "dcat.jsonld", "feed.atom"]
        expectResources(list, try UploadFile.loose(names.map { catalog.appendingPathComponent($0) }), of: "the open-data list")
        modified[listName] = list.fields["metadata_modified"]
        // Nothing else carries this test's tag: no second copy of any dataset.
        let tag = s.tag
        #expect(try await offPool { try Self.names(tagged: tag, client: client) } == expectedNames.sorted())
        return modified
    }

    func expectResources(_ dataset: RemoteDataset, _ files: [ODPPublish.UploadFile], of what: String) {
        #expect(dataset.resources.count == files.count, "\(what): \(dataset.resources.map(\.name))")
        #expect(Set(dataset.resources.map(\.name)).count == dataset.resources.count, "\(what) has duplicate resources")
        for file in files {
            guard let r = dataset.resources.first(where: { $0.name == file.path }) else {
                Issue.record("\(what): \(file.path) is not on CKAN")
                continue
            }
            #expect(r.hash == file.sha256, "\(what): \(file.path)")
            #expect(r.size == String(file.size), "\(what): \(file.path)")
            #expect(r.body == (try? Data(contentsOf: file.url)), "\(what): \(file.path) differs after download")
        }
    }

    func portalReceipts(_ s: Setup) -> Int {
        s.receiptLines.filter { $0.contains(#""target":"portal""#) }.count
    }

    /// The datasets of the run report named by `odp run --json`.
    func runReport(_ output: OdpCommand.Output) throws -> [[String: Any]] {
        let path = try #require(try output.json()["report"] as? String)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return report?["datasets"] as? [[String: Any]] ?? []
    }

    // MARK: CKAN, read back

    /// What CKAN holds for one dataset, every resource downloaded.
    struct RemoteDataset: Sendable {
        var fields: [String: String]
        var organization: String?
        var extras: [String: String]
        var resources: [RemoteResource]
    }

    struct RemoteResource: Sendable {
        var name: String
        var hash: String?
        var size: String
        var body: Data
    }

    /// `package_show` and a download of every resource; nil when the dataset does not exist.
    static func fetch(_ name: String, client: CKANClient) throws -> RemoteDataset? {
        guard let p = try client.package(name) else { return nil }
        var fields: [String: String] = [:]
        fields["title"] = p.title
        fields["notes"] = p.notes
        fields["license_id"] = p.licenseId
        fields["version"] = p.version
        fields["metadata_modified"] = p.metadataModified
        fields["private"] = p.isPrivate.map { String($0) }
        let extras = Dictionary((p.extras ?? []).map { ($0.key, $0.value) }) { a, _ in a }
        var resources: [RemoteResource] = []
        for r in p.resources ?? [] {
            let url = r.url ?? ""
            let response = try Transfer.perform(TransferRequest(url: url, headers: ["Authorization: \(client.token)"], sink: .memory(limit: 256 << 20)),
                                                options: client.options)
            guard response.status == 200 else { throw TransferError.httpStatus(response, what: "download \(url)") }
            let size: String
            switch r.size {
            case .int(let n)?: size = String(n)
            case .string(let text)?: size = text
            default: size = ""
            }
            resources.append(RemoteResource(name: r.name ?? "", hash: r.hash, size: size, body: response.body))
        }
        return RemoteDataset(fields: fields, organization: p.organization?.name, extras: extras, resources: resources)
    }

    /// Names of every dataset, private ones included, that mention `tag` (name, title or notes).
    static func names(tagged tag: String, client: CKANClient) throws -> [String] {
        struct Search: Encodable {
            var q: String
            var include_private = true
            var rows = 1000
        }
        struct Found: Decodable {
            struct Dataset: Decodable { var name: String }
            var results: [Dataset]
        }
        return try client.call("package_search", Search(q: tag), as: Found.self).results.map(\.name).sorted()
    }
}
