import Foundation

/// What every stage may need besides the definition.
public struct StageContext: Sendable {
    public var config: PipelineConfig?
    /// Loaded code tables by name (`gb2260`, `sex` …).
    public var codeTables: [String: CodeTable]
    /// Pseudonym key id and secret bytes. Never logged or written.
    public var pseudonymKeyID: String?
    public var pseudonymKey: [UInt8]?
    /// Why a configured pseudonym key could not be read (naming the reference, never the
    /// value): a dataset that pseudonymizes fails with it, the others never need the key.
    public var pseudonymKeyProblem: String?
    /// "Today" for date sanity and time-based rules; fixed in tests for determinism.
    public var runDate: CivilDateTime
    /// The latest complete release of this dataset, if any.
    public var previousRelease: URL?

    public init(config: PipelineConfig? = nil, codeTables: [String: CodeTable] = [:], pseudonymKeyID: String? = nil,
                pseudonymKey: [UInt8]? = nil, runDate: CivilDateTime, previousRelease: URL? = nil) {
        self.config = config
        self.codeTables = codeTables
        self.pseudonymKeyID = pseudonymKeyID
        self.pseudonymKey = pseudonymKey
        self.runDate = runDate
        self.previousRelease = previousRelease
    }
}
