import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// Against a real CKAN 2.12 (scripts/services-start.sh). Each test uses fresh dataset codes,
/// so runs against the same server do not see each other's datasets.
@Suite("ckan target", .serialized, .enabled(if: Services.shouldRun(Services.ckanKeys), "CKAN not started: run scripts/services-start.sh DIR"))
struct CKANTargetTests {
    struct Setup {
        let dir: URL
        let state: URL
        let config: PipelineConfig
        let env: [String: String]
        let client: CKANClient
        let token: String
    }

    func setup(_ label: String, url: String? = nil, extra: String = "", token: String? = nil) throws -> Setup? {
        guard let s = Services.require(Services.ckanKeys) else { return nil }
        let dir = Fixtures.tempDirectory(label)
        let yaml = """
          - type: ckan
            name: portal
            url: \(url ?? s["CKAN_URL"]!)
            token: env:ODP_TEST_CKAN_TOKEN
            organization: \(s["CKAN_ORG"]!)
            low_speed_time: 3
            connect_timeout: 3
            retry_base_delay: 0.05
        \(extra)
        """
        let (config, diags) = Fixtures.config(yaml, in: dir)
        let realToken = s["CKAN_TOKEN"]!
        return Setup(dir: dir, state: dir.appendingPathComponent("state"), config: try #require(config, "\(diags)"),
                     env: ["ODP_TEST_CKAN_TOKEN": token ?? realToken],
                     client: CKANClient(url: s["CKAN_URL"]!, token: realToken, options: TransferOptions()), token: realToken)
    }

    func code() -> String { "TEST-\(UUID().uuidString.prefix(8))/公交" }

    func checkPublished(_ s: Setup, _ definition: DatasetDefinition, _ release: URL, version: String) throws {
        let package = try #require(try s.client.package(CKANNames.dataset(code: definition.catalog.code)))
        let resources = package.resources ?? []
        let files = try UploadFile.release(release)
        #expect(resources.count == files.count, "resources: \(resources.map { $0.name ?? "" })")
        #expect(Set(resources.compactMap(\.name)).count == resources.count)
        for file in files {
            let r = try #require(package.resource(named: file.path))
            #expect(r.hash == file.sha256)
            let download = try s.client.download(try #require(r.url))
            #expect(download.sha256 == file.sha256, "\(file.path) differs after download")
            #expect(download.bytes == file.size)
        }
        #expect(package.version == version)
        #expect(package.isPrivate == false)
    }

    @Test("a release arrives byte for byte with its metadata, and publishing again uploads nothing")
    func publishOnce() throws {
        guard let s = try setup("ckan-once") else { return }
        let definition = Fixtures.definition(id: "stops-a", code: code())
        let release = Fixtures.release(in: s.dir, id: "stops-a")
        let logs = LogLines()
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env, log: logs.sink)
        let receipts = try publisher.publish(release: release, definition: definition, version: "2026.1")
        #expect(receipts.count == Fixtures.releaseFileCount)
        try checkPublished(s, definition, release, version: "2026.1")

        let package = try #require(try s.client.package(CKANNames.dataset(code: definition.catalog.code)))
        #expect(package.title == "公交站点")
        #expect(package.notes == "全市公交站点位置与线路。")
        #expect(package.licenseId == "cc-by")
        #expect(Set((package.tags ?? []).map(\.name)) == ["公交", "站点"])
        let extras = Dictionary(uniqueKeysWithValues: (package.extras ?? []).map { ($0.key, $0.value) })
        #expect(extras["资源代码"] == definition.catalog.code)
        #expect(extras["开放属性"] == "无条件开放")
        #expect(extras["更新周期"] == "每月")
        #expect(extras["数据领域"] == "交通出行")
        #expect(package.organization?.name == Services.values["CKAN_ORG"])
        let csv = try #require(package.resource(named: "data/stops-a.csv"))
        #expect(csv.format == "CSV")
        #expect(csv.size == .int(receipts[0].size) || csv.size == .string("\(receipts[0].size)"))

        let modified = package.metadataModified
        let journalLines = Fixtures.receiptLines(s.state).count
        let again = LogLines()
        let second = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env, log: again.sink)
        #expect(try second.publish(release: release, definition: definition, version: "2026.1") == receipts)
        #expect(again.all.filter { $0.contains("uploaded") }.isEmpty, "\(again.all)")
        #expect(Fixtures.receiptLines(s.state).count == journalLines)
        #expect(try s.client.package(CKANNames.dataset(code: definition.catalog.code))?.metadataModified == modified)

        // A fresh state folder (journal lost): the portal's hashes alone prevent re-uploads.
        let fresh = LogLines()
        let amnesiac = try Publisher(config: s.config, stateDirectory: s.dir.appendingPathComponent("state2"), environment: s.env, log: fresh.sink)
        #expect(try amnesiac.publish(release: release, definition: definition, version: "2026.1").count == Fixtures.releaseFileCount)
        #expect(fresh.all.filter { $0.contains("uploaded") }.isEmpty)
        expectNoSecrets([s.token], logs: logs.all + again.all + fresh.all, state: s.state)
    }

    @Test("a new version replaces resources in place: changed files upload, unchanged ones do not, dropped ones go, no duplicates")
    func newVersion() throws {
        guard let s = try setup("ckan-v2") else { return }
        let definition = Fixtures.definition(id: "stops-b", code: code())
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        _ = try publisher.publish(release: Fixtures.release(in: s.dir, id: "stops-b", seed: 1), definition: definition, version: "v1")
        let v2 = Fixtures.release(in: s.dir, id: "stops-b", seed: 2)
        // Same README in both versions: it must not be uploaded again.
        let readme1 = try Data(contentsOf: s.dir.appendingPathComponent("release-stops-b-1/README.md"))
        try readme1.write(to: v2.appendingPathComponent("README.md"))
        var sums = try String(contentsOf: v2.appendingPathComponent("SHA256SUMS"), encoding: .utf8).split(separator: "\n").map(String.init)
        sums = sums.map { $0.hasSuffix("  README.md") ? "\(SHA256Hex.of(readme1))  README.md" : $0 }
        // v2 drops the JSON file: its resource must go.
        sums = sums.filter { !$0.hasSuffix("  data/stops-b.json") }
        try FileManager.default.removeItem(at: v2.appendingPathComponent("data/stops-b.json"))
        try (sums.joined(separator: "\n") + "\n").write(to: v2.appendingPathComponent("SHA256SUMS"), atomically: true, encoding: .utf8)
        let logs = LogLines()
        let second = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env, log: logs.sink)
        _ = try second.publish(release: v2, definition: definition, version: "v2")
        // The CSV, datapackage.json, release.json and SHA256SUMS changed.
        #expect(logs.all.filter { $0.contains("uploaded") }.count == 4, "\(logs.all)")
        #expect(logs.all.contains { $0.contains("removing data/stops-b.json") })
        #expect(logs.all.contains { $0.contains("already there") && $0.contains("README.md") })
        try checkPublished(s, definition, v2, version: "v2")
    }

    @Test("with 30% of requests failing through the proxy every dataset is published exactly once, and a failed run resumes")
    func faults() throws {
        guard let s = try setup("ckan-faults", url: Services.values["CKAN_PROXY_URL"], extra: "    retries: 10") else { return }
        let logs = LogLines()
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env, log: logs.sink)
        var published: [(DatasetDefinition, URL)] = []
        for n in 0..<3 {
            let definition = Fixtures.definition(id: "stops-f\(n)", code: code())
            let release = Fixtures.release(in: s.dir, id: "stops-f\(n)", seed: n + 1)
            _ = try publisher.publish(release: release, definition: definition, version: "v1")
            published.append((definition, release))
        }
        #expect(logs.all.contains { $0.contains("retry") }, "the proxy injected no fault")
        for (definition, release) in published { try checkPublished(s, definition, release, version: "v1") }

        // No retries at all: runs fail part-way; the next runs pick up where they stopped.
        guard let brittle = try setup("ckan-brittle", url: Services.values["CKAN_PROXY_URL"], extra: "    retries: 0") else { return }
        let definition = Fixtures.definition(id: "stops-r", code: code())
        let release = Fixtures.release(in: brittle.dir, id: "stops-r")
        var failures = 0
        var done = false
        for _ in 0..<60 where !done {
            let p = try Publisher(config: brittle.config, stateDirectory: brittle.state, environment: brittle.env, log: logs.sink)
            do { _ = try p.publish(release: release, definition: definition, version: "v1"); done = true } catch { failures += 1 }
        }
        #expect(done)
        #expect(failures > 0, "no run was interrupted")
        try checkPublished(brittle, definition, release, version: "v1")
        let receipts = Fixtures.receiptLines(brittle.state)
        #expect(receipts.count == Fixtures.releaseFileCount, "\(receipts)")
        expectNoSecrets([s.token], logs: logs.all, state: s.state)
    }

    @Test("a file over the portal's size limit is refused locally before anything is uploaded")
    func sizeLimit() throws {
        guard let s = try setup("ckan-size", extra: "    max_resource_size_mb: 1") else { return }
        let definition = Fixtures.definition(id: "stops-big", code: code())
        let release = Fixtures.release(in: s.dir, id: "stops-big", rows: 40_000)
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        #expect { try publisher.publish(release: release, definition: definition, version: "v1") } throws: {
            "\($0)".contains("超过门户的上传上限 1 MB") && "\($0)".contains("[ODP-E0401]") && "\($0)".contains("data/stops-big.csv")
        }
        #expect(try s.client.package(CKANNames.dataset(code: definition.catalog.code)) == nil)
    }

    @Test("behind a web server with a 1 MiB body limit, a larger file is refused by a body-less probe instead of a 413 after upload")
    func bodyLimitProbe() throws {
        guard Services.require(["CKAN_LIMIT_URL"]) != nil, let s = try setup("ckan-probe", url: Services.values["CKAN_LIMIT_URL"]) else { return }
        let big = Fixtures.definition(id: "stops-huge", code: code())
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        #expect { try publisher.publish(release: Fixtures.release(in: s.dir, id: "stops-huge", rows: 40_000), definition: big, version: "v1") } throws: {
            "\($0)".contains("门户的 Web 服务器拒绝这么大的请求（HTTP 413") && "\($0)".contains("data/stops-huge.csv")
        }
        #expect(try s.client.package(CKANNames.dataset(code: big.catalog.code)) == nil)
        // Under the limit but over the probe threshold: the probe passes and the upload goes through.
        let medium = Fixtures.definition(id: "stops-medium", code: code())
        let release = Fixtures.release(in: s.dir, id: "stops-medium", rows: 15_000)
        #expect(try UploadFile.release(release).contains { $0.size > CKANTarget.probeThreshold && $0.size < 1 << 20 })
        _ = try publisher.publish(release: release, definition: medium, version: "v1")
        try checkPublished(s, medium, release, version: "v1")
    }

    /// CKAN itself limits urlencoded form bodies to 500 kB (Werkzeug's `max_form_memory_size`)
    /// but not uploaded files. A probe that looked like a form drew that 413 whenever CKAN
    /// answered before the probe aborted, and a 600 kB file was refused by a portal that
    /// takes it.
    @Test("a size probe straight at CKAN finds no limit for files CKAN accepts")
    func probeWithoutProxy() throws {
        guard let s = Services.require(Services.ckanKeys) else { return }
        for size: Int64 in [300 << 10, 600 << 10, 5 << 20, 50 << 20] {
            for _ in 0..<5 {
                let status = try Transfer.probeBodyLimit(url: "\(s["CKAN_URL"]!)/api/3/action/status_show", size: size, options: TransferOptions())
                #expect(status == nil, "\(size) bytes")
            }
        }
    }

    @Test("two publishers writing the same dataset at once are serialised: no lost and no duplicate resources")
    func serialised() throws {
        guard let s = try setup("ckan-parallel") else { return }
        let definition = Fixtures.definition(id: "stops-p", code: code())
        let release = Fixtures.release(in: s.dir, id: "stops-p")
        let config = s.config, state = s.state, env = s.env
        let errors = LogLines()
        let threads = (0..<2).map { _ in
            Thread {
                do { _ = try Publisher(config: config, stateDirectory: state, environment: env).publish(release: release, definition: definition, version: "v1") }
                catch { errors.sink("\(error)") }
            }
        }
        threads.forEach { $0.start() }
        while threads.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.05) }
        #expect(errors.all.isEmpty, "\(errors.all)")
        try checkPublished(s, definition, release, version: "v1")
        #expect(Fixtures.receiptLines(s.state).count == Fixtures.releaseFileCount)
    }

    @Test("with create_organizations each provider gets its own organization, created once")
    func organizations() throws {
        guard let s = try setup("ckan-org", extra: "    create_organizations: true") else { return }
        var definition = Fixtures.definition(id: "stops-o", code: code())
        definition.catalog.providerCode = "TEST\(UUID().uuidString.prefix(10))"
        definition.catalog.provider = "测试市交通运输局"
        let org = CKANNames.organization(providerCode: definition.catalog.providerCode)
        #expect(try s.client.organization(org) == nil)
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        _ = try publisher.publish(release: Fixtures.release(in: s.dir, id: "stops-o"), definition: definition, version: "v1")
        let created = try #require(try s.client.organization(org))
        #expect(created.title == "测试市交通运输局")
        let package = try #require(try s.client.package(CKANNames.dataset(code: definition.catalog.code)))
        #expect(package.organization?.name == org)
        // A second dataset of the same provider reuses the organization.
        var second = definition
        second.id = "stops-o2"
        second.catalog.code = code()
        _ = try publisher.publish(release: Fixtures.release(in: s.dir, id: "stops-o2"), definition: second, version: "v1")
        let package2 = try #require(try s.client.package(CKANNames.dataset(code: second.catalog.code)))
        #expect(package2.organization?.id != nil && package2.organization?.id == created.id)
    }

    @Test("a refused token fails without retrying and without showing the token")
    func badToken() throws {
        let wrong = "wrong-token-\(UUID().uuidString)"
        guard let s = try setup("ckan-token", token: wrong) else { return }
        let logs = LogLines()
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env, log: logs.sink)
        var message = ""
        do {
            _ = try publisher.publish(release: Fixtures.release(in: s.dir, id: "stops-t"), definition: Fixtures.definition(id: "stops-t", code: code()), version: "v1")
        } catch { message = "\(error)" }
        #expect(message.contains("403") || message.contains("Authorization"), "\(message)")
        #expect(!logs.all.contains { $0.contains("retry") })
        expectNoSecrets([wrong, s.token], logs: logs.all, errors: [message], state: s.state)
    }

    @Test("the open-data list goes to its own dataset, after the data")
    func catalog() throws {
        guard let s = try setup("ckan-catalog", extra: "    catalog_dataset: odp-list-\(UUID().uuidString.prefix(8).lowercased())") else { return }
        let list = s.dir.appendingPathComponent("open-list.json")
        try "[{\"资源代码\":\"x\"}]\n".write(to: list, atomically: true, encoding: .utf8)
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        let receipts = try publisher.publishCatalog(files: [list])
        #expect(receipts.count == 1)
        let name = try #require(TargetSettings.parse(s.config.targets[0], config: s.config).0?.catalogDataset)
        let package = try #require(try s.client.package(name))
        let r = try #require(package.resource(named: "open-list.json"))
        #expect(try s.client.download(try #require(r.url)).sha256 == receipts[0].sha256)
    }
    @Test("the metadata is complete: department as author, portal page as url, contact with phone, every resource described in Chinese, internal files marked")
    func metadata() throws {
        guard let base = try setup("ckan-meta") else { return }
        let yaml = try String(contentsOf: base.dir.appendingPathComponent("odp.yml"), encoding: .utf8)
        try yaml.replacingOccurrences(of: "output: out\n", with: "output: out\npublic_base_url: https://data.example.gov.cn/odp/\n")
            .write(to: base.dir.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
        let config = try #require(PipelineConfig.load(path: base.dir.appendingPathComponent("odp.yml").path).0)
        var definition = Fixtures.definition(id: "stops-m", code: code())
        definition.catalog.contactName = "张三"
        definition.catalog.contactEmail = "open@example.gov.cn"
        definition.catalog.contactPhone = "0531-12345678"
        _ = try Publisher(config: config, stateDirectory: base.state, environment: base.env)
            .publish(release: Fixtures.release(in: base.dir, id: "stops-m"), definition: definition, version: "v1")
        let package = try #require(try base.client.package(CKANNames.dataset(code: definition.catalog.code)))
        #expect(package.author == "市交通运输局")
        #expect(package.url == "https://data.example.gov.cn/odp/datasets/stops-m")
        #expect(package.maintainer == "张三")
        #expect(package.maintainerEmail == "open@example.gov.cn")
        let extras = Dictionary(uniqueKeysWithValues: (package.extras ?? []).map { ($0.key, $0.value) })
        #expect(extras["联系电话"] == "0531-12345678")
        #expect(extras["历史版本"] == "https://data.example.gov.cn/odp/api/datasets/stops-m/versions")
        let resources = Dictionary(uniqueKeysWithValues: (package.resources ?? []).map { ($0.name ?? "", $0) })
        #expect(resources["data/stops-m.csv"]?.description == "数据文件（CSV）")
        #expect(resources["data/stops-m.csv"]?.resourceType == "data")
        #expect(resources["README.md"]?.resourceType == "documentation")
        for name in ["release.json", "SHA256SUMS", "datapackage.json"] {
            #expect(resources[name]?.resourceType == "metadata", "\(name)")
            #expect(resources[name]?.description?.hasPrefix("【内部文件】") == true, "\(name)")
        }
        #expect((package.resources ?? []).allSatisfy { !($0.description ?? "").isEmpty })
        // Data first, the internal files last.
        #expect(package.resources?.first?.name == "data/stops-m.csv")
        #expect(package.resources?.last?.name == "SHA256SUMS")
    }
}
