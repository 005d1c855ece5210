import Foundation
import ODPCore

/// Maps the 政务信息资源目录 metadata onto CKAN's dataset fields and extras.
enum CKANMetadata {
    /// `portal` is `public_base_url`: the dataset's page there becomes CKAN's `url`.
    static func fields(_ job: PublishJob, publisher: String, portal: String? = nil) -> CKANPackageFields {
        guard let c = job.catalog else {
            return CKANPackageFields(title: "开放数据目录（开放清单）", notes: "\(publisher)发布的公共数据开放清单。", version: job.version,
                                     extras: [.init(key: "odp_kind", value: "open-data-list")])
        }
        var extras: [String: String] = [
            "资源代码": c.code, "开放属性": c.openType.rawValue, "更新周期": c.updateCycle.rawValue, "数据领域": c.domain,
            "提供方": c.provider, "提供方代码": c.providerCode, "odp_version": job.version,
        ]
        // The package is the dataset series (dcat:DatasetSeries) holding its current version:
        // both identifiers, as DCAT and the citation files give them, so a harvester or a
        // researcher can tell the series from the version it cites.
        extras["series_identifier"] = DatasetURI.series(code: c.code, baseURL: portal)
        extras["version_identifier"] = DatasetURI.version(code: c.code, version: job.version, baseURL: portal)
        if let condition = c.openCondition { extras["开放条件"] = condition }
        if let phone = c.contactPhone { extras["联系电话"] = phone }
        // CKAN keeps only the current version's files; every version stays downloadable in the portal.
        if let base = DatasetURI.normalized(portal) { extras["历史版本"] = "\(base)/api/datasets/\(job.dataset)/versions" }
        return CKANPackageFields(title: c.title, notes: c.summary, licenseId: license(c.license), version: job.version,
                                 tags: tags(c.keywords).map { .init(name: $0) },
                                 extras: extras.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) },
                                 maintainer: c.contactName, maintainerEmail: c.contactEmail, author: c.provider,
                                 url: DatasetURI.normalized(portal).map { "\($0)/datasets/\(job.dataset)" })
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
}
