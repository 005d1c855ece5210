import Foundation

/// The last look at a file before it is published: every file of a release folder, every
/// entry of its zip and every catalog file passes one, so a value that slipped into a report,
/// README or catalog (not only into a data cell) holds the release.
///
/// ODPRelease writes files and asks; ODPDesensitize implements it with the same detectors
/// that scan the data cells; ODPPipeline wires the two, so no stage depends on another.
public protocol PublishedFileGate: Sendable {
    /// The identifiers found in `bytes`, which will be published as `file`. An empty answer
    /// lets the file go; a file the gate cannot read is a finding too (fail closed).
    func inspect(file: String, bytes: Data) -> [PublishedFileFinding]
}

/// One identifier found in a file about to be published. Carries where it is and what kind
/// it is, never the value itself, so the hold reason can be shown and logged safely.
public struct PublishedFileFinding: Sendable, Hashable, Codable {
    /// The file's path inside the release or catalog (`quality-report.json`, `README.md`).
    public var file: String
    /// A JSON path (`$.profile.fields[3].categories[0].value`) or a line (`第 12 行`).
    public var location: String
    /// The identifier kind's slug (`mobile`, `id_card` …), or `unreadable`.
    public var kind: String
    /// The kind in Chinese, for the hold reason.
    public var title: String

    public init(file: String, location: String, kind: String, title: String) {
        self.file = file
        self.location = location
        self.kind = kind
        self.title = title
    }

    /// The hold reason shown to data officers (Chinese; no value is quoted).
    public var reason: String { "待发布文件「\(file)」\(location) 发现\(title)" }
}
