import ODPCore

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
    /// The providing department (提供方).
    var author: String?
    /// The dataset's page in the ODP portal, when `public_base_url` is set.
    var url: String?
    /// The complete resource list, each as CKAN answered it with ODP's name, description and
    /// type: the switch to a version writes it in one `package_revise`.
    var resources: [ArtifactJSON]?

    enum CodingKeys: String, CodingKey {
        case name, ownerOrg = "owner_org", isPrivate = "private", title, notes, licenseId = "license_id", version, tags, extras
        case maintainer, maintainerEmail = "maintainer_email", author, url, resources
    }

    /// Whether `current` already carries these fields, so an unchanged re-run writes nothing.
    func isMet(by current: CKANPackage) -> Bool {
        // CKAN may answer a field cleared to "" (a withdrawn version) as null.
        func same(_ want: String?, _ have: String?) -> Bool { want == nil || want == (have ?? "") }
        guard same(name, current.name), same(title, current.title), same(notes, current.notes), same(licenseId, current.licenseId),
              same(version, current.version), same(maintainer, current.maintainer), same(maintainerEmail, current.maintainerEmail),
              same(author, current.author), same(url, current.url), same(ownerOrg, current.organization?.name) else { return false }
        if let isPrivate, isPrivate != current.isPrivate { return false }
        if let tags, Set(tags) != Set(current.tags ?? []) { return false }
        let have = Dictionary((current.extras ?? []).map { ($0.key, $0.value) }) { a, _ in a }
        guard extras.allSatisfy({ have[$0.key] == $0.value }) else { return false }
        guard let resources else { return true }
        let listed = current.resources ?? []
        return listed.count == resources.count && zip(resources, listed).allSatisfy { want, r in
            want["id"] == .string(r.id) && want["name"] == r.name.map(ArtifactJSON.string)
                && want["description"] == r.description.map(ArtifactJSON.string) && want["resource_type"] == r.resourceType.map(ArtifactJSON.string)
        }
    }
}
