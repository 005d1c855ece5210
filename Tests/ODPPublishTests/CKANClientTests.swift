import Foundation
import ODPCore
import Testing
@testable import ODPPublish

@Suite("CKAN names and metadata")
struct CKANNamesTests {
    @Test("dataset names are stable, CKAN-safe and distinct for codes that slug alike")
    func names() {
        #expect(CKANNames.dataset(code: "370100-jt-0001") == "odp-370100-jt-0001")
        let a = CKANNames.dataset(code: "370100-JT-0001/交通")
        let b = CKANNames.dataset(code: "370100-JT-0001/教育")
        #expect(a != b)
        #expect(a == CKANNames.dataset(code: "370100-JT-0001/交通"))
        #expect(a.hasPrefix("odp-370100-jt-0001-"))
        let long = CKANNames.dataset(code: String(repeating: "x", count: 300))
        #expect(long.count <= 100)
        for name in [a, b, long, CKANNames.dataset(code: "公交站点"), CKANNames.organization(providerCode: "11370100004318345X")] {
            #expect(name.count >= 2 && name.count <= 100)
            #expect(name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" })
        }
    }

    @Test("catalog metadata maps to title, notes, tags, licence and extras")
    func metadata() throws {
        let d = Fixtures.definition()
        let job = PublishJob(dataset: d.id, version: "v9", catalog: d.catalog, files: [])
        let f = CKANMetadata.fields(job, publisher: "市大数据局")
        #expect(f.title == "公交站点")
        #expect(f.licenseId == "cc-by")
        #expect(f.tags?.map(\.name) == ["公交", "站点"])
        let extras = Dictionary(uniqueKeysWithValues: f.extras.map { ($0.key, $0.value) })
        #expect(extras["资源代码"] == "370100-JT-0001/交通")
        #expect(extras["开放属性"] == "无条件开放")
        #expect(extras["更新周期"] == "每月")
        #expect(extras["数据领域"] == "交通出行")
        #expect(extras["odp_version"] == "v9")
        #expect(extras["series_identifier"] == DatasetURI.series(code: "370100-JT-0001/交通", baseURL: nil))
        #expect(extras["version_identifier"] == DatasetURI.version(code: "370100-JT-0001/交通", version: "v9", baseURL: nil))
        #expect(extras["version_identifier"]?.hasPrefix("urn:odp:") == true)
        // The dataset as CKAN answers it: its own id, tags in another order and with ids.
        var current = try ArtifactJSON(encoding: f)
        current["id"] = .string("p1")
        current["tags"] = .array([.object(["name": .string("站点"), "id": .string("x")]), .object(["name": .string("公交")])])
        func package(_ tree: ArtifactJSON) throws -> CKANPackage { try JSONDecoder().decode(CKANPackage.self, from: tree.encoded(pretty: false)) }
        #expect(f.isMet(by: try package(current)))
        current["version"] = .string("v8")
        #expect(!f.isMet(by: try package(current)))
        #expect(CKANMetadata.tags(["a", "公交/地铁", "公交/地铁"]) == ["公交-地铁"])
    }
}
