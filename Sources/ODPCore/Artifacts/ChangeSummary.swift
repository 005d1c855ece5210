import Foundation

/// Rows added, removed and changed against the previous version: the change log, kept as
/// `changes` in release.json and shown by the portal.
public struct ChangeSummary: Codable, Sendable, Hashable {
    public var previousVersion: String
    /// `primary_key` when rows were matched by key, `row` when by whole-row fingerprint.
    public var comparedBy: String
    public var added: Int
    public var removed: Int
    public var changed: Int
    public var schemaChanges: [SchemaChange]
    /// The row-level delta file against the previous version; absent when none could be made
    /// (no primary key, a changed header, a repeated key).
    public var delta: DeltaSummary?

    public init(previousVersion: String, comparedBy: String, added: Int, removed: Int, changed: Int, schemaChanges: [SchemaChange]) {
        self.previousVersion = previousVersion
        self.comparedBy = comparedBy
        self.added = added
        self.removed = removed
        self.changed = changed
        self.schemaChanges = schemaChanges
    }

    enum CodingKeys: String, CodingKey {
        case added, removed, changed, delta
        case previousVersion = "previous_version"
        case comparedBy = "compared_by"
        case schemaChanges = "schema_changes"
    }
}

/// A field added, removed or retyped since the previous version.
public struct SchemaChange: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case added, removed, retyped }
    public var kind: Kind
    public var field: String
    /// The Frictionless type before (nil for an added field) and after (nil for a removed one).
    @Nullable public var from: String?
    @Nullable public var to: String?

    public init(kind: Kind, field: String, from: String?, to: String?) {
        self.kind = kind
        self.field = field
        self.from = from
        self.to = to
    }

    enum CodingKeys: String, CodingKey {
        case kind = "change"
        case field, from, to
    }
}

/// What `data/<id>.delta.csv` holds: rows by operation.
public struct DeltaSummary: Codable, Sendable, Hashable {
    /// The file's path in the release.
    public var path: String
    public var added: Int
    public var changed: Int
    public var removed: Int
    /// Unchanged rows listed because they stand elsewhere in the new order.
    public var moved: Int

    public init(path: String, added: Int, changed: Int, removed: Int, moved: Int) {
        self.path = path
        self.added = added
        self.changed = changed
        self.removed = removed
        self.moved = moved
    }
}
