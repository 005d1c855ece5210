import Foundation

/// `state/catalog-inputs.json`: what the catalog files (open list, DCAT, feeds) were last
/// built from, as one digest, and what that build decided.
///
/// At 21,000 datasets the catalog step renders and inspects about 140 MB of output; a run in
/// which no dataset, definition, notice or day changed would render the same bytes again.
/// With this record it compares one digest instead, and repeats the last build's decisions
/// (which entries the gate withheld) without re-rendering.
public struct CatalogInputs: Artifact, Hashable {
    public static let artifactName = "catalog-inputs.json"
    public static let schemaVersion = 1

    /// SHA-256 over everything the catalog files depend on (`Catalog.inputsDigest`).
    public var digest: String
    /// The datasets listed, in id order (their feeds must exist).
    public var listed: [String]
    /// Entries the gate left out, with why.
    public var withheld: [Withheld]
    /// Each catalog file's size and change time when it was written: a file changed or
    /// removed since is rebuilt.
    public var files: [String: String]

    public struct Withheld: Codable, Sendable, Hashable {
        public var dataset: String
        public var findings: [PublishedFileFinding]

        public init(dataset: String, findings: [PublishedFileFinding]) {
            self.dataset = dataset
            self.findings = findings
        }
    }

    public init(digest: String, listed: [String], withheld: [Withheld], files: [String: String]) {
        self.digest = digest
        self.listed = listed
        self.withheld = withheld
        self.files = files
    }
}
