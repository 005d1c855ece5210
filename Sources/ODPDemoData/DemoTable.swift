/// A synthetic department table: column names as the department's system has them, and a
/// pure function from row number to cells (nil = empty), so any size is deterministic.
public protocol DemoTable: Sendable {
    var name: String { get }
    var columns: [String] { get }
    var rowCount: Int { get }
    func row(_ index: Int) -> [String?]
}

/// A defect planted on purpose so the check and privacy stages have something to find.
public struct PlantedDefect: Sendable, Hashable {
    /// The column holding the defect.
    public var column: String
    /// The rule meant to find it (`gb11643`, `gb32100`, `date_range`, `min`, `required`, `pattern`, `code_table`, `redact`).
    public var rule: String
}
