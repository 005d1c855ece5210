import Foundation

/// `state/errata.json`: correction notices (勘误) on published versions, oldest first. The
/// number, versions, text and date are public (portal, feed); who recorded it is kept for
/// the audit trail only.
public struct ErrataList: Artifact, Equatable {
    public static let artifactName = "errata.json"
    public static let schemaVersion = 1

    public var errata: [Erratum]

    public init(errata: [Erratum] = []) { self.errata = errata }

    public func of(dataset: String) -> [Erratum] { errata.filter { $0.dataset == dataset } }
}

public struct Erratum: Codable, Sendable, Equatable {
    /// `<dataset>-E<n>`, n counting from 1 per dataset: stable, and quotable by researchers.
    public var number: String
    public var dataset: String
    /// The version the notice is about.
    public var version: String
    public var text: String
    public var by: String
    /// ISO 8601 UTC.
    public var recorded: String
    /// The version that corrects it, once there is one.
    public var fixedIn: String?

    public init(number: String, dataset: String, version: String, text: String, by: String, recorded: String, fixedIn: String? = nil) {
        self.number = number
        self.dataset = dataset
        self.version = version
        self.text = text
        self.by = by
        self.recorded = recorded
        self.fixedIn = fixedIn
    }

    enum CodingKeys: String, CodingKey {
        case number, dataset, version, text, by, recorded
        case fixedIn = "fixed_in"
    }
}
