import Foundation
import ODPCore

/// Maps the 政务信息资源目录 metadata onto CKAN's dataset fields and extras.
enum CKANMetadata {
    static func fields(_ job: PublishJob, publisher: String) -> [String: Any] {
        guard let c = job.catalog else {
            return ["title": "开放数据目录（开放清单）", "notes": "\(publisher)发布的公共数据开放清单。", "version": job.version,
                    "extras": [["key": "odp_kind", "value": "open-data-list"]]]
        }
        var extras: [String: String] = [
            "资源代码": c.code, "开放属性": c.openType.rawValue, "更新周期": c.updateCycle.rawValue, "数据领域": c.domain,
            "提供方": c.provider, "提供方代码": c.providerCode, "odp_version": job.version,
        ]
        if let condition = c.openCondition { extras["开放条件"] = condition }
        var out: [String: Any] = [
            "title": c.title, "notes": c.summary, "license_id": license(c.license), "version": job.version,
            "tags": tags(c.keywords).map { ["name": $0] },
            "extras": extras.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] },
        ]
        if let name = c.contactName { out["maintainer"] = name }
        if let email = c.contactEmail { out["maintainer_email"] = email }
        return out
    }

    /// CKAN's licence register uses its own ids; SPDX ids it does not know pass through.
    static func license(_ spdx: String) -> String {
        let known = ["CC-BY-4.0": "cc-by", "CC-BY-SA-4.0": "cc-by-sa", "CC0-1.0": "cc-zero", "ODC-BY-1.0": "odc-by",
                     "ODbL-1.0": "odc-odbl", "PDDL-1.0": "odc-pddl", "CC-BY-NC-4.0": "cc-nc"]
        return known[spdx] ?? spdx
    }

    /// CKAN tags: 2–100 characters of letters, digits, space, `-`, `_`, `.`.
    static func tags(_ keywords: [String]) -> [String] {
        var out: [String] = []
        for k in keywords {
            let cleaned = String(k.map { $0.isLetter || $0.isNumber || " -_.".contains($0) ? $0 : "-" }).trimmingCharacters(in: .whitespaces)
            if (2...100).contains(cleaned.count), !out.contains(cleaned) { out.append(cleaned) }
        }
        return out
    }

    /// Whether the dataset already carries `wanted`, so an unchanged re-run writes nothing.
    static func matches(_ current: [String: Any], _ wanted: [String: Any]) -> Bool {
        for (key, value) in wanted {
            switch key {
            case "tags":
                let have = Set((current["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
                let want = Set((value as? [[String: String]] ?? []).compactMap { $0["name"] })
                if have != want { return false }
            case "extras":
                var have: [String: String] = [:]
                for e in current["extras"] as? [[String: Any]] ?? [] { if let k = e["key"] as? String { have[k] = "\(e["value"] ?? "")" } }
                for e in value as? [[String: String]] ?? [] where have[e["key"] ?? ""] != e["value"] { return false }
            case "private":
                if (current["private"] as? Bool) != (value as? Bool) { return false }
            default:
                if "\(current[key] ?? "")" != "\(value)" { return false }
            }
        }
        return true
    }
}
