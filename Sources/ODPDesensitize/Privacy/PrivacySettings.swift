import ODPCore

/// The `privacy:` section of a dataset definition.
///
/// ```yaml
/// privacy:
///   k_anonymity: {k: 5, max_suppression: 0.05}
///   l_diversity: {l: 2}
///   redact_marker: "[已脱敏]"
/// ```
/// `max_suppression` (share of records that may be left out to reach k) defaults to 0.05.
struct PrivacySettings {
    var k: Int?
    var maxSuppression = 0.05
    var l: Int?
    var redactMarker = "[已脱敏]"

    static func parse(_ value: ConfigValue?, into diagnostics: inout [Diagnostic]) -> PrivacySettings {
        var settings = PrivacySettings()
        guard let value else { return settings }
        let r = ConfigReader(value, context: "privacy")
        if let ka = r.map("k_anonymity") {
            if let k = ka.int("k", required: true) {
                if k < 2 {
                    ka.error("privacy.k_anonymity.k 至少为 2，实际是 \(k)", at: ka.raw("k")?.location,
                             hint: "k = 1 保护不了任何人；用 2 或更大（常用 5）")
                } else {
                    settings.k = k
                }
            }
            if let s = ka.double("max_suppression") {
                if (0...1).contains(s) { settings.maxSuppression = s } else {
                    ka.error("privacy.k_anonymity.max_suppression 应为 0 到 1 之间的比例，实际是 \(s)", at: ka.raw("max_suppression")?.location)
                }
            }
        }
        if let ld = r.map("l_diversity") {
            if let l = ld.int("l", required: true) {
                if l < 2 { ld.error("privacy.l_diversity.l 至少为 2，实际是 \(l)", at: ld.raw("l")?.location) } else { settings.l = l }
            }
        }
        if let marker = r.string("redact_marker") {
            if marker.isEmpty { r.error("privacy.redact_marker 不能为空", at: r.raw("redact_marker")?.location) } else {
                settings.redactMarker = marker
            }
        }
        diagnostics.append(contentsOf: r.finish())
        return settings
    }
}

/// Detector hits per (field, kind), with the first source row of each, never the value.
struct HitCounter {
    let fields: Int
    private(set) var counts: [Int]
    private(set) var firstRows: [Int]
    /// Per field, the source columns of the direct fields whose values were found in it
    /// (`embedded_identifier`), so the hold reason can name them.
    private(set) var embeddedSources: [Set<Int>]

    init(fields: Int) {
        self.fields = fields
        counts = Array(repeating: 0, count: fields * IdentifierKind.count)
        firstRows = Array(repeating: -1, count: fields * IdentifierKind.count)
        embeddedSources = Array(repeating: [], count: fields)
    }

    @inline(__always)
    mutating func addEmbeddedSource(field: Int, direct: Int) {
        embeddedSources[field].insert(direct)
    }

    @inline(__always)
    mutating func add(field: Int, kind: IdentifierKind, row: Int) {
        let i = field * IdentifierKind.count + kind.index
        counts[i] += 1
        if firstRows[i] < 0 || row < firstRows[i] { firstRows[i] = row }
    }

    mutating func merge(_ other: HitCounter) {
        for i in counts.indices where other.counts[i] > 0 {
            counts[i] += other.counts[i]
            if firstRows[i] < 0 || other.firstRows[i] < firstRows[i] { firstRows[i] = other.firstRows[i] }
        }
        for f in embeddedSources.indices where !other.embeddedSources[f].isEmpty { embeddedSources[f].formUnion(other.embeddedSources[f]) }
    }

    func count(field: Int, kind: IdentifierKind) -> Int { counts[field * IdentifierKind.count + kind.index] }
    func firstRow(field: Int, kind: IdentifierKind) -> Int { firstRows[field * IdentifierKind.count + kind.index] }
}
