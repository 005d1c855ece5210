/// A kind of personal identifier the release gate looks for (GB/T 35273-2020 附录 B
/// 个人信息举例), as counted and reported: the value a detector reports. The detectors, with
/// names, rules and hold reasons, are the units of `DetectorRegistry`; the raw value is their
/// slug, used in `allow: [{kind: …}]` and in reports. `index` is dense for the counters of
/// the hot path; a test holds it to the registry.
///
/// 统一社会信用代码 is deliberately absent: it identifies an organisation, and publishing it
/// is required by the 企业信息公示 rules.
public enum IdentifierKind: String, Sendable, Hashable, Codable, Comparable {
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

    /// Chinese name for reports and hold reasons: its detector's.
    public var title: String { DetectorRegistry.unit(self).summary.chinese }

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
