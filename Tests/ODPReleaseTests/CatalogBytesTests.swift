import Foundation
import ODPCore
import Testing
@testable import ODPRelease

/// The catalog files' bytes, pinned by SHA-256 as the writers produced them before they
/// were changed to hold less in memory (issue 18): the same input gives the same files.
/// dcat.jsonld was re-pinned once, when it gained the DCAT-AP recommended properties
/// (themes, spatial, agent and licence types, availability), and once more when each dataset
/// became a dcat:DatasetSeries of its published versions (issue 19), which also added
/// feed.atom; the open-list files kept their bytes. feed.atom was re-pinned when feeds began
/// to announce withdrawals (its title became 新版本、勘误与撤回).
@Suite("Open-data list and DCAT bytes")
struct CatalogBytesTests {
    static let pinned = [
        "open-list.csv": "4ef8963af349e23ad7cf60d2e752649eee1be5b815482191180bb54ffb2b65d5",
        "open-list.json": "0c1a1e34bc4e20c5a1a0a5c2d1634ab2e3fd6c78669270ba99ee750f91a2043a",
        "open-list.html": "744dde9fa939aad48d6f3bc02efb31bfde006717ece7a1c874c9bb1ec1d32df1",
        "open-list.js": "b49f2f07c315550454a93d0b54407085af03060d3756387b362fce7a9c70cf4d",
        "dcat.jsonld": "562c11d7905164dd395be2e37861ec26eaf5eb6330ef329dfe00ba38e8a237d2",
        "feed.atom": "123ac9b0f813dc63621d5274d5b9b64450078f73415ed6b0f83bca7e33ae5d9b",
        "base/open-list.csv": "f40c2982d58b27839f05596fecee61d1eccedf0e6ed8b20ab4729e67643ab58e",
        "base/open-list.json": "2dd9a4b9baabe6c25602812bd2a233260ec9a6fd3f070cfb142b04cf94043049",
        "base/open-list.html": "ca11a5cada9a8bb6bce5edf666a729b0970d65cd625edc68f392eb64b8d5da9d",
        "base/open-list.js": "b49f2f07c315550454a93d0b54407085af03060d3756387b362fce7a9c70cf4d",
        "base/dcat.jsonld": "7d894031a0b78913b676177bec3e06d2a4084cf3c7e93daa0a3bc24134b04c37",
        "base/feed.atom": "25463662d1f7a2acb07cb17959576fcc85714337500df327ea229cb683984b32",
    ]

    @Test("the six catalog files are byte-identical to the pinned ones, with and without a public base URL")
    func pinnedBytes() throws {
        var got: [String: String] = [:]
        for base in [nil, "https://data.example.gov.cn/open"] {
            let scenario = try CatalogTests().scenario()
            let config = try base.map { try CatalogTests().config(base: $0) }
            let written = try Catalog.write(config: config, definitions: scenario.definitions, outputRoot: scenario.root,
                                            generatedAt: Fixture.runTime, gate: nil)
            for url in written.files { got[(base == nil ? "" : "base/") + url.lastPathComponent] = SHA256Hex.of(Array(try Data(contentsOf: url))) }
        }
        #expect(got == Self.pinned)
    }
}
