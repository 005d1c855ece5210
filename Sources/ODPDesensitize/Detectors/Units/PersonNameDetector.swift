import ODPCore

/// Its scan hook is `ChineseNames.scan`, run only on name-like fields (`ChineseNames.isNameLike`).
enum PersonNameDetector: DetectorUnit {
    static let kind = IdentifierKind.personName
    static let parameters: String? = "only in name-like fields (姓名, 联系人, 经营者 …): 2–4 Chinese characters starting with a common or compound surname, touching no digit or Latin letter and not ending like a place or organisation"
    static let summary = UnitSummary(chinese: "人名", english: "person name, in name-like fields")
}
