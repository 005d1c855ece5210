import Foundation

/// catalog/open-list.json: the open-data list (开放清单), one entry per dataset with a
/// released version. Written by ODPRelease's catalog step; read back by that step (to keep
/// the generation time of an unchanged list) and by the portal.
public struct OpenListDocument: Artifact, Hashable {
    public static let artifactName = "open-list.json"
    public static let schemaVersion = 1
    public static let fileName = "open-list.json"

    /// ISO 8601 UTC; changes only when the list's content does.
    public var generatedAt: String
    public var publisher: String
    public var count: Int
    public var datasets: [Entry]
    /// 更新及时率 when the list was generated: the share of listed datasets with a regular
    /// 更新周期 that are not overdue (absent in lists written before it existed).
    public var timelinessRate: Double?

    public init(generatedAt: String, publisher: String, datasets: [Entry]) {
        self.generatedAt = generatedAt
        self.publisher = publisher
        count = datasets.count
        self.datasets = datasets
    }

    enum CodingKeys: String, CodingKey {
        case publisher, count, datasets
        case generatedAt = "generated_at"
        case timelinessRate = "timeliness_rate"
    }

    /// One dataset, from its catalog metadata (政务信息资源目录) and latest release.
    public struct Entry: Codable, Sendable, Hashable {
        public var index: Int
        public var datasetId: String
        /// 资源名称, 资源代码, 提供方 and its code, 资源摘要, 数据领域.
        public var title: String
        public var code: String
        public var provider: String
        public var providerCode: String
        public var summary: String
        public var domain: String
        /// 开放属性 (无条件开放 / 有条件开放) and 开放条件.
        public var openType: String
        @Nullable public var openCondition: String?
        /// 更新周期.
        public var updateCycle: String
        public var formats: [String]
        /// 发布日期 and 最近更新, ISO 8601.
        public var firstPublished: String
        public var lastUpdated: String
        public var rowCount: Int
        /// 信息项.
        public var fields: [Field]
        public var keywords: [String]
        public var license: String
        public var version: String
        public var downloadURL: String
        public var distributions: [Distribution]
        @Nullable public var signature: ReleaseSignature?
        /// 更新周期 standing when the list was generated. A plain optional, unlike the keys
        /// above: absent in lists written before it, so those re-encode unchanged.
        public var timeliness: DatasetTimeliness?
        /// Downloads and rows API calls over all versions, from the portal's `state/usage.json`
        /// as it was when the list was generated; absent when the output has no such file.
        public var usage: UsageCounts.Count?

        public init(index: Int, datasetId: String, title: String, code: String, provider: String, providerCode: String,
                    summary: String, domain: String, openType: String, openCondition: String?, updateCycle: String,
                    formats: [String], firstPublished: String, lastUpdated: String, rowCount: Int, fields: [Field],
                    keywords: [String], license: String, version: String, downloadURL: String,
                    distributions: [Distribution], signature: ReleaseSignature?, timeliness: DatasetTimeliness? = nil,
                    usage: UsageCounts.Count? = nil) {
            self.index = index
            self.datasetId = datasetId
            self.title = title
            self.code = code
            self.provider = provider
            self.providerCode = providerCode
            self.summary = summary
            self.domain = domain
            self.openType = openType
            self.openCondition = openCondition
            self.updateCycle = updateCycle
            self.formats = formats
            self.firstPublished = firstPublished
            self.lastUpdated = lastUpdated
            self.rowCount = rowCount
            self.fields = fields
            self.keywords = keywords
            self.license = license
            self.version = version
            self.downloadURL = downloadURL
            self.distributions = distributions
            self.signature = signature
            self.timeliness = timeliness
            self.usage = usage
        }

        enum CodingKeys: String, CodingKey {
            case index, title, code, provider, summary, domain, formats, fields, keywords, license, version, distributions, signature, timeliness, usage
            case datasetId = "dataset_id"
            case providerCode = "provider_code"
            case openType = "open_type"
            case openCondition = "open_condition"
            case updateCycle = "update_cycle"
            case firstPublished = "first_published"
            case lastUpdated = "last_updated"
            case rowCount = "row_count"
            case downloadURL = "download_url"
        }
    }

    /// An 信息项: a published field with its Frictionless type.
    public struct Field: Codable, Sendable, Hashable {
        public var name: String
        public var title: String
        public var type: String

        public init(name: String, title: String, type: String) {
            self.name = name
            self.title = title
            self.type = type
        }
    }

    public struct Distribution: Codable, Sendable, Hashable {
        /// `CSV` or `JSON`.
        public var format: String
        public var url: String
        public var bytes: Int
        public var sha256: String

        public init(format: String, url: String, bytes: Int, sha256: String) {
            self.format = format
            self.url = url
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// The list in a catalog folder; nil when none was written yet.
    public static func read(catalogDirectory: URL) throws -> OpenListDocument? {
        try ArtifactCodec.read(OpenListDocument.self, at: catalogDirectory.appendingPathComponent(fileName))
    }
}
