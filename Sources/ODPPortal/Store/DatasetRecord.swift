import Foundation
import ODPCore

/// The catalog metadata of one dataset as the portal shows it, merged from the open-data
/// list (catalog/open-list.json) and the newest published release's datapackage.json.
/// A dataset not (yet) in the list has only what its descriptor says; pages show "—" for nil.
struct DatasetRecord: Sendable {
    var id: String
    var title: String
    var code: String?
    var provider: String?
    var providerCode: String?
    var summary: String?
    var domain: String?
    var openType: String?
    var openCondition: String?
    var updateCycle: String?
    var keywords: [String] = []
    var license: String?
    var licenseURL: String?
    var contact: String?
    var temporal: String?
    var firstPublished: String?
    var latestVersion: String?
    var updated: String?
    var rowCount: Int?
    var formats: [String] = []

    /// Judged when the page is served, from the 更新周期 and the latest release's time.
    func timeliness(now: Date = Date()) -> DatasetTimeliness? {
        guard let cycle = updateCycle.flatMap(UpdateCycle.init(rawValue:)), let updated else { return nil }
        return DatasetTimeliness(cycle: cycle, lastRelease: updated, now: now)
    }

    /// A red 逾期 tag for an overdue dataset, nothing otherwise.
    /// Judged with the cycle's arithmetic alone: `DatasetTimeliness` also formats the date it
    /// becomes overdue with a new ISO8601DateFormatter, which cost most of a list page's time.
    var overdueTag: String {
        guard let cycle = updateCycle.flatMap(UpdateCycle.init(rawValue:)), let last = updated.flatMap(BeijingTime.parse),
              cycle.isOverdue(lastRelease: last, now: Date()) else { return "" }
        return "<span class=\"tag red\" title=\"超过更新周期（\(HTML.escape(cycle.rawValue))）未发布新版本\">逾期未更新</span>"
    }

    var json: ArtifactJSON {
        [
            "id": .string(id), "title": .string(title), "keywords": ArtifactJSON(keywords), "formats": ArtifactJSON(formats),
            "code": ArtifactJSON(code), "provider": ArtifactJSON(provider), "provider_code": ArtifactJSON(providerCode),
            "summary": ArtifactJSON(summary), "domain": ArtifactJSON(domain), "open_type": ArtifactJSON(openType),
            "open_condition": ArtifactJSON(openCondition), "update_cycle": ArtifactJSON(updateCycle),
            "license": ArtifactJSON(license), "license_url": ArtifactJSON(licenseURL), "contact": ArtifactJSON(contact),
            "temporal": ArtifactJSON(temporal), "first_published": ArtifactJSON(firstPublished),
            "latest_version": ArtifactJSON(latestVersion), "updated": ArtifactJSON(updated), "row_count": ArtifactJSON(rowCount),
            "overdue": timeliness().map { .bool($0.overdue) } ?? .null,
        ]
    }
}

extension DatasetRecord {
    /// Takes the dataset's entry of the open-data list.
    mutating func merge(openList e: OpenListDocument.Entry) {
        // The list writes "" for metadata a definition leaves empty: those stay "—".
        func given(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        title = given(e.title) ?? title
        code = given(e.code) ?? code
        provider = given(e.provider) ?? provider
        providerCode = given(e.providerCode) ?? providerCode
        summary = given(e.summary) ?? summary
        domain = given(e.domain) ?? domain
        openType = given(e.openType) ?? openType
        openCondition = given(e.openCondition) ?? openCondition
        updateCycle = given(e.updateCycle) ?? updateCycle
        if !e.keywords.isEmpty { keywords = e.keywords }
        license = given(e.license) ?? license
        updated = given(e.lastUpdated) ?? updated
        firstPublished = given(e.firstPublished) ?? firstPublished
        rowCount = e.rowCount
        if !e.formats.isEmpty { formats = e.formats.map { $0.uppercased() } }
    }

    /// Fills what the open list lacks from datapackage.json (Frictionless v2).
    mutating func merge(dataPackage p: DataPackageDescriptor) { merge(package: PackageFacts(p)) }

    mutating func merge(package p: PackageFacts) {
        if title == id { title = p.title }
        if code == nil { code = p.id }
        if summary == nil { summary = p.description }
        if keywords.isEmpty { keywords = p.keywords }
        if provider == nil { provider = p.provider }
        if license == nil { license = p.license }
        if licenseURL == nil { licenseURL = p.licenseURL }
        if contact == nil { contact = p.contact }
        if formats.isEmpty { formats = p.formats }
    }
}

/// What a record takes from datapackage.json, and the fields search looks in: small enough
/// for the portal's index to keep one per dataset instead of the whole descriptor.
struct PackageFacts: Sendable {
    var title: String
    var id: String
    var description: String
    var keywords: [String]
    var provider: String?
    var license: String?
    var licenseURL: String?
    var contact: String?
    var formats: [String]
    var fields: [(name: String, title: String)]

    init(_ p: DataPackageDescriptor) {
        title = p.title
        id = p.id
        description = p.description
        keywords = p.keywords ?? []
        provider = p.contributors.first?.title ?? p.sources.first?.title
        license = p.licenses.first?.name
        licenseURL = p.licenses.first?.path
        // The contact person (name and phone) where the release names one.
        let person = p.contributors.first { $0.roles.contains("contact") }
        let parts = [person?.title, person?.phone, person?.email ?? p.contributors.first?.email].compactMap { $0 }
        contact = parts.isEmpty ? nil : parts.joined(separator: " ")
        formats = p.resources.map { $0.format.uppercased() }
        fields = p.fields.map { (name: $0.name, title: $0.title) }
    }
}
