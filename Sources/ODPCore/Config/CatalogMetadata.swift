/// 开放属性.
public enum OpenType: String, Sendable, Hashable, CaseIterable, Codable {
    case unconditional = "无条件开放"
    case conditional = "有条件开放"
}

/// 更新周期: its calendar periods are in `UpdateCycle+Periods.swift`.
public enum UpdateCycle: String, Sendable, Hashable, CaseIterable, Codable {
    case realtime = "实时"
    case daily = "每日"
    case weekly = "每周"
    case monthly = "每月"
    case quarterly = "每季度"
    case yearly = "每年"
    case irregular = "不定期"
}

/// The 政务信息资源目录 core metadata of one dataset. The open-data list, the data package
/// and the DCAT catalog are all generated from it.
public struct CatalogMetadata: Sendable, Hashable {
    /// 资源名称
    public var title: String
    /// 资源代码
    public var code: String
    /// 提供方
    public var provider: String
    /// 提供方代码 (统一社会信用代码 or 组织机构代码 of the department)
    public var providerCode: String
    /// 资源摘要
    public var summary: String
    /// 数据领域
    public var domain: String
    /// 开放属性
    public var openType: OpenType
    /// 开放条件 (required for 有条件开放)
    public var openCondition: String?
    /// 更新周期
    public var updateCycle: UpdateCycle
    /// 关键字
    public var keywords: [String]
    /// SPDX-style licence id, e.g. `CC-BY-4.0`
    public var license: String
    public var contactName: String?
    public var contactEmail: String?
    public var contactPhone: String?
    /// 时间范围 (optional, ISO dates)
    public var temporalStart: String?
    public var temporalEnd: String?

    public init(title: String, code: String, provider: String, providerCode: String, summary: String, domain: String,
                openType: OpenType, openCondition: String? = nil, updateCycle: UpdateCycle, keywords: [String] = [],
                license: String, contactName: String? = nil, contactEmail: String? = nil, contactPhone: String? = nil,
                temporalStart: String? = nil, temporalEnd: String? = nil) {
        self.title = title
        self.code = code
        self.provider = provider
        self.providerCode = providerCode
        self.summary = summary
        self.domain = domain
        self.openType = openType
        self.openCondition = openCondition
        self.updateCycle = updateCycle
        self.keywords = keywords
        self.license = license
        self.contactName = contactName
        self.contactEmail = contactEmail
        self.contactPhone = contactPhone
        self.temporalStart = temporalStart
        self.temporalEnd = temporalEnd
    }
}

extension CatalogMetadata {
    /// The contact's phone and e-mail: published on purpose in every release and catalog
    /// entry (an office line or mailbox), so the published-file gate lets exactly these through.
    public var publishedContactValues: [String] { [contactPhone, contactEmail].compactMap { $0 } }
}
