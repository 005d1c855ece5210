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
        var description: String?
        var resourceType: String?
        /// Every field as CKAN answered it: the switch writes resources back whole, because
        /// `package_update` drops the fields a resource dict leaves out (an upload's `url`).
        var raw: ArtifactJSON

        enum CodingKeys: String, CodingKey { case id, name, hash, url, format, size, description, resourceType = "resource_type" }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            hash = try c.decodeIfPresent(String.self, forKey: .hash)
            url = try c.decodeIfPresent(String.self, forKey: .url)
            format = try c.decodeIfPresent(String.self, forKey: .format)
            size = try c.decodeIfPresent(ArtifactJSON.self, forKey: .size)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            resourceType = try c.decodeIfPresent(String.self, forKey: .resourceType)
            raw = try ArtifactJSON(from: decoder)
        }
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
    var author: String?
    var url: String?
    var tags: [CKANPackageFields.Tag]?
    var extras: [CKANPackageFields.Extra]?
    var resources: [Resource]?
    var organization: Organization?

    enum CodingKeys: String, CodingKey {
        case id, name, state, isPrivate = "private", version, metadataModified = "metadata_modified", title, notes
        case licenseId = "license_id", maintainer, maintainerEmail = "maintainer_email", author, url, tags, extras, resources, organization
    }

    /// The version the dataset has published: `version`, which only the metadata update
    /// writes after every file is up, and only while the dataset is public.
    var publishedVersion: String? {
        guard isPrivate == false, let version, !version.isEmpty else { return nil }
        return version
    }

    func resource(named name: String) -> Resource? { resources?.first { $0.name == name } }

    func extra(_ key: String) -> String? { extras?.first { $0.key == key }?.value }
}
