import ODPCore

/// One detector of the release gate, in a file of its own under `Detectors/Units`, listed
/// once in `DetectorRegistry.all`. From `VocabularyUnit`: `slug` (the kind written in
/// `allow: [{kind: …}]` and in reports), `parameters` (what a value must be to count: README's
/// "detects" column), `summary` (the kind's name in Chinese, as reports say it, and English),
/// and `findings` (the hold reason it can cause).
///
/// Its scan hook is the match in the same file, an extension of `RunScanner` (or, for
/// names and embedded values, the scanner named there). `IdentifierScanner` cuts a cell into
/// runs once and `RunScanner` hands each run to the hooks that fit its shape: one pass over
/// the bytes for every kind, since a pass per detector would multiply the scan, the largest
/// share of desensitizing.
protocol DetectorUnit: VocabularyUnit {
    static var kind: IdentifierKind { get }
    /// Why hits in a field that does not allow them hold the release. Default: the kind's
    /// name, the count and the first row.
    static func holdReason(_ hit: DetectorHit) -> String
}

/// Hits of one kind in one published field, for its hold reason.
struct DetectorHit {
    let field: FieldDefinition
    let count: Int
    /// The first source row with a hit.
    let row: Int
    /// For `embedded_identifier`: the direct fields whose values were found.
    let embedded: [FieldDefinition]

    var prefix: String { "字段“\(field.title)”（\(field.name)）的发布值中" }
}

extension DetectorUnit {
    static var slug: String { kind.rawValue }

    static var findings: [String] {
        ["字段“{title}”（{name}）的发布值中发现\(summary.chinese) {count} 处（首次见于源数据第 {row} 行），该字段未声明允许公开此类信息"]
    }

    static func holdReason(_ hit: DetectorHit) -> String {
        hit.prefix + "发现\(summary.chinese) \(hit.count) 处（首次见于源数据第 \(hit.row) 行），该字段未声明允许公开此类信息"
    }
}
