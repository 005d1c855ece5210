import Foundation
import ODPCore

/// What the gate decided for this release.
public enum ReleaseStatus: Sendable, Hashable {
    /// Goes out: `latest.json` points at it.
    case released
    /// Kept for the record but not published; the reasons go into release.json.
    case held([String])
    /// Complete but waits for a data officer (`ReleaseWriter.promote` publishes it).
    case awaitingApproval

    /// As stored in release.json.
    public var stored: ReleaseMetadata.Status {
        switch self {
        case .released: return .released
        case .held: return .held
        case .awaitingApproval: return .awaitingApproval
        }
    }

    /// The slug stored in release.json.
    public var slug: String { stored.rawValue }

    public var holdReasons: [String] {
        if case .held(let reasons) = self { return reasons }
        return []
    }
}
