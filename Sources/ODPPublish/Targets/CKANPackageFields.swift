/// The catalog metadata ODP writes to a CKAN dataset (`package_create`, the `update` of
/// `package_revise`). Absent fields are left as the dataset has them.
struct CKANPackageFields: Encodable, Sendable, Equatable {
    struct Tag: Codable, Sendable, Hashable { var name: String }
    struct Extra: Codable, Sendable, Hashable {
        var key: String
        var value: String
    }

    var name: String?
    var ownerOrg: String?
    var isPrivate: Bool?
    var title: String
    var notes: String
    var licenseId: String?
    var version: String?
    var tags: [Tag]?
    var extras: [Extra]
    var maintainer: String?
    var maintainerEmail: String?

    enum CodingKeys: String, CodingKey {
        case name, ownerOrg = "owner_org", isPrivate = "private", title, notes, licenseId = "license_id", version, tags, extras
        case maintainer, maintainerEmail = "maintainer_email"
    }

    /// Whether `current` already carries these fields, so an unchanged re-run writes nothing.
    func isMet(by current: CKANPackage) -> Bool {
        func same(_ want: String?, _ have: String?) -> Bool { want == nil || want == have }
        guard same(name, current.name), same(title, current.title), same(notes, current.notes), same(licenseId, current.licenseId),
              same(version, current.version), same(maintainer, current.maintainer), same(maintainerEmail, current.maintainerEmail),
              same(ownerOrg, current.organization?.name) else { return false }
        if let isPrivate, isPrivate != current.isPrivate { return false }
        if let tags, Set(tags) != Set(current.tags ?? []) { return false }
        let have = Dictionary((current.extras ?? []).map { ($0.key, $0.value) }) { a, _ in a }
        return extras.allSatisfy { have[$0.key] == $0.value }
    }
}
