import ODPCore

/// Its scan hook is `EmbeddedIdentifiers.scan`, over the rows rather than one cell: the
/// value of a `class: direct` field of the same row inside another cell.
enum EmbeddedIdentifierDetector: DetectorUnit {
    static let kind = IdentifierKind.embedded
    static let parameters: String? = "the value of a `class: direct` field of the same row (6 bytes or more, no placeholder) inside another published text cell"
    static let summary = UnitSummary(chinese: "同一行直接标识符的原值", english: "a direct identifier of the same row inside another cell")
    static let findings = ["字段“{title}”（{name}）的发布值中含有同一行直接标识符字段{fields}的原值 {count} 处（首次见于源数据第 {row} 行），请对该字段使用 mask_embedded 掩码这部分内容"]

    static func holdReason(_ hit: DetectorHit) -> String {
        let named = hit.embedded.map { "“\($0.title)”（\($0.name)）" }.joined(separator: "、")
        return hit.prefix + "含有同一行直接标识符字段\(named)的原值 \(hit.count) 处（首次见于源数据第 \(hit.row) 行），请对该字段使用 mask_embedded 掩码这部分内容"
    }
}
