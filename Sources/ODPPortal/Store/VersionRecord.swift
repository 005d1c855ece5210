import Foundation

/// One release version as recorded in its release.json, plus whether the public may see it.
struct VersionRecord: Sendable {
    var version: String
    /// `released`, `held`, `awaiting_approval` (release.json), or `released` for the version
    /// latest.json points at.
    var status: String
    var created: String?
    var rowCount: Int?
    var previousVersion: String?
    var holdReasons: [String]
    /// release.json `changes` (nil for the first version).
    var changes: JSONValue
    /// The data officer's decision from state/approvals.json, if any.
    var decision: JSONValue
    var isLatest: Bool

    /// Researchers see released versions and those a data officer approved.
    var isPublished: Bool {
        isLatest || status == "released" || decision["decision"].string == "approved"
    }

    /// Waiting for a data officer: complete, marked for approval, not yet decided.
    var isAwaitingApproval: Bool {
        !isPublished && (status == "awaiting_approval" || status == "pending_approval" || status == "awaiting")
            && decision["decision"].isNull
    }

    var statusTitle: String {
        if isPublished { return "已发布" }
        if decision["decision"].string == "rejected" { return "已驳回" }
        switch status {
        case "held": return "暂缓发布"
        case "awaiting_approval", "pending_approval", "awaiting": return "待审核"
        default: return status
        }
    }

    /// One line in Chinese: rows added, removed, changed and schema changes.
    var changeSummary: String {
        guard !changes.isNull else { return previousVersion == nil ? "首个版本" : "—" }
        var parts = ["新增 \(changes["added"].int.map(String.init) ?? "—") 行",
                     "删除 \(changes["removed"].int.map(String.init) ?? "—") 行",
                     "变更 \(changes["changed"].int.map(String.init) ?? "—") 行"]
        for c in changes["schema_changes"].array {
            let field = c["field"].string ?? "—"
            switch c["change"].string {
            case "added": parts.append("新增字段 \(field)")
            case "removed": parts.append("删除字段 \(field)")
            case "retyped": parts.append("字段 \(field) 类型 \(c["from"].string ?? "—") → \(c["to"].string ?? "—")")
            default: parts.append("字段 \(field) 有变化")
            }
        }
        return parts.joined(separator: "，")
    }

    var json: [String: Any] {
        var o: [String: Any] = [
            "version": version, "status": status, "published": isPublished, "latest": isLatest,
            "created": created ?? NSNull(), "row_count": rowCount ?? NSNull(),
            "previous_version": previousVersion ?? NSNull(), "hold_reasons": holdReasons,
            "change_summary": changeSummary,
        ]
        o["changes"] = changes.raw ?? NSNull()
        return o
    }
}
