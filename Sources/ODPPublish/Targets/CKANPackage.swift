import ODPCore

/// A dataset as CKAN's `package_show` (and `package_create`) answers it: the fields ODP
/// reads. Everything but `id` may be missing or null in a CKAN answer.
struct CKANPackage: Decodable, Sendable {
    struct Resource: Decodable, Sendable {
        var id: String
        var name: String?
        var hash: String?
        var url: String?
        var format: String?
        /// CKAN answers a number, a numeric string or null.
        var size: ArtifactJSON?
    }

    struct Organization: Decodable, Sendable {
        var id: String?
        var name: String
        var title: String?
    }

    var id: String
    var name: String?
    var state: String?
    var isPrivate: Bool?
    var version: String?
    var metadataModified: String?
    var title: String?
    var notes: String?
    var licenseId: String?
    var maintainer: String?
    var maintainerEmail: String?
    var tags: [CKANPackageFields.Tag]?
    var extras: [CKANPackageFields.Extra]?
    var resources: [Resource]?
    var organization: Organization?

    enum CodingKeys: String, CodingKey {
        case id, name, state, isPrivate = "private", version, metadataModified = "metadata_modified", title, notes
        case licenseId = "license_id", maintainer, maintainerEmail = "maintainer_email", tags, extras, resources, organization
    }

    /// The version the dataset has published: `version`, which only the metadata update
    /// writes after every file is up, and only while the dataset is public.
    var publishedVersion: String? {
        guard isPrivate == false, let version, !version.isEmpty else { return nil }
        return version
    }

    func resource(named name: String) -> Resource? { resources?.first { $0.name == name } }
}
