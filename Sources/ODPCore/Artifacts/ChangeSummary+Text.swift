extension ChangeSummary {
    /// One line in Chinese: rows added, removed, changed and schema changes ("首个版本" for a
    /// first version). The portal's version list, the feeds and DCAT's `adms:versionNotes`
    /// all say it this way.
    public static func text(_ changes: ChangeSummary?, previousVersion: String?) -> String {
        guard let changes else { return previousVersion == nil ? "首个版本" : "—" }
        var parts = ["新增 \(changes.added) 行", "删除 \(changes.removed) 行", "变更 \(changes.changed) 行"]
        for c in changes.schemaChanges {
            switch c.kind {
            case .added: parts.append("新增字段 \(c.field)")
            case .removed: parts.append("删除字段 \(c.field)")
            case .retyped: parts.append("字段 \(c.field) 类型 \(c.from ?? "—") → \(c.to ?? "—")")
            }
        }
        return parts.joined(separator: "，")
    }
}
