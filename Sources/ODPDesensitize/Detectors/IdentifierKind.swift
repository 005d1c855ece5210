/// The kinds of personal identifier the release gate looks for (GB/T 35273-2020 附录 B
/// 个人信息举例): the detector registry. The raw value is the slug used in
/// `allow: [{kind: …}]` and in reports; README's list of kinds is held to `allCases` by a
/// test. The detectors are not separate units with hooks of their own: `IdentifierScanner`
/// finds every kind in one pass over a cell's bytes (a pass per kind would multiply the
/// scan, the largest share of desensitizing), and `EmbeddedIdentifiers` finds `embedded`.
///
/// 统一社会信用代码 is deliberately absent: it identifies an organisation, and publishing it
/// is required by the 企业信息公示 rules.
public enum IdentifierKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case idCard = "id_card"
    case mobile
    case landline
    case bankCard = "bank_card"
    case email
    case passport
    case hkMacauPermit = "hk_macau_permit"
    case taiwanPermit = "taiwan_permit"
    case plate
    case ipv4
    case ipv6
    case personName = "person_name"
    /// The value of a `class: direct` field of the same row inside another cell (宁阳县付强理发店
    /// with 付强 as the operator's name): found by `EmbeddedIdentifiers`, not by the scanner.
    case embedded = "embedded_identifier"

    /// Chinese name for reports and hold reasons.
    public var title: String {
        switch self {
        case .idCard: return "居民身份证号"
        case .mobile: return "手机号码"
        case .landline: return "固定电话号码"
        case .bankCard: return "银行卡号"
        case .email: return "电子邮箱"
        case .passport: return "护照号码"
        case .hkMacauPermit: return "港澳通行证号码"
        case .taiwanPermit: return "台湾居民来往大陆通行证号码"
        case .plate: return "机动车号牌"
        case .ipv4: return "IPv4 地址"
        case .ipv6: return "IPv6 地址"
        case .personName: return "人名"
        case .embedded: return "同一行直接标识符的原值"
        }
    }

    /// English name, beside `title` in the detector list.
    public var english: String {
        switch self {
        case .idCard: return "resident ID number (GB 11643)"
        case .mobile: return "mobile phone number"
        case .landline: return "fixed-line phone number"
        case .bankCard: return "bank card number (Luhn)"
        case .email: return "e-mail address"
        case .passport: return "passport number"
        case .hkMacauPermit: return "Hong Kong/Macau travel permit number"
        case .taiwanPermit: return "Taiwan resident travel permit number"
        case .plate: return "vehicle plate"
        case .ipv4: return "IPv4 address"
        case .ipv6: return "IPv6 address"
        case .personName: return "person name (in name-like fields)"
        case .embedded: return "a direct identifier of the same row inside another cell"
        }
    }

    /// Dense index for counter arrays on the hot path.
    @inline(__always) var index: Int {
        switch self {
        case .idCard: return 0
        case .mobile: return 1
        case .landline: return 2
        case .bankCard: return 3
        case .email: return 4
        case .passport: return 5
        case .hkMacauPermit: return 6
        case .taiwanPermit: return 7
        case .plate: return 8
        case .ipv4: return 9
        case .ipv6: return 10
        case .personName: return 11
        case .embedded: return 12
        }
    }

    static let count = 13

    public static func < (a: IdentifierKind, b: IdentifierKind) -> Bool { a.rawValue < b.rawValue }
}
