/// Every detector of the release gate, the single place they are listed. Order is README's
/// and the reports'.
enum DetectorRegistry {
    static let all: [any DetectorUnit.Type] = [
        IDCardDetector.self, MobileDetector.self, LandlineDetector.self, BankCardDetector.self, EmailDetector.self,
        PassportDetector.self, HKMacauPermitDetector.self, TaiwanPermitDetector.self, PlateDetector.self,
        IPv4Detector.self, IPv6Detector.self, PersonNameDetector.self, EmbeddedIdentifierDetector.self,
    ]

    static var slugs: [String] { all.map { $0.slug } }

    /// The kinds in the registry's order, as reports list them.
    static let kinds: [IdentifierKind] = all.map { $0.kind }

    /// By `IdentifierKind.index`, for the names reports give.
    static let byKind: [any DetectorUnit.Type] = {
        var units = all
        units.sort { $0.kind.index < $1.kind.index }
        return units
    }()

    static func unit(_ kind: IdentifierKind) -> any DetectorUnit.Type { byKind[kind.index] }
}
