import Foundation

/// What a shared state store keeps besides dataset state: the audit trail (a hash chain of
/// the same lines the file trail holds), and approvals and run reports as named documents.
/// Implemented by `PostgresStateStore`; without it, these are files under `output/`.
public protocol SharedRecords: AnyObject, Sendable {
    /// Appends the line `make` builds from the chain's last hash, serialised across every
    /// process writing the chain, and returns the new line's hash (SHA-256 of its bytes).
    @discardableResult
    func appendAuditLine(_ make: (_ previousHash: String) throws -> Data) throws -> String
    /// Every audit line, oldest first, and the hash the store recorded for the newest one
    /// (so an edit of the last line, which no later line links to, is detected too).
    func auditChain() throws -> (lines: [Data], head: String)
    /// Names of the documents starting with `prefix`, sorted.
    func documentNames(prefix: String) throws -> [String]
    /// The document stored under `name`, or nil.
    func document(_ name: String) throws -> Data?
    /// Replaces the document with what `change` makes of its current content, with no other
    /// writer in between (two approvals given at once both stay).
    func updateDocument(_ name: String, _ change: (Data?) throws -> Data) throws
}
