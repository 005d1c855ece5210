/// Bodies of the CKAN actions ODP calls, besides the dataset fields.
enum CKANRequest {
    /// `package_show`, `organization_show`, `package_delete`.
    struct ID: Encodable { var id: String }
    /// `config_option_show`.
    struct Key: Encodable { var key: String }
    /// `status_show`.
    struct Empty: Encodable {}
    /// `organization_create`.
    struct Organization: Encodable {
        var name: String
        var title: String
    }
    /// `package_revise`: the update applies only while the dataset is as it was read.
    struct Revise: Encodable {
        struct Match: Encodable {
            var id: String
            var metadataModified: String
            enum CodingKeys: String, CodingKey { case id, metadataModified = "metadata_modified" }
        }
        var match: Match
        /// `-resources` and `-extras` drop the old lists, so `update` replaces them whole.
        var filter: [String]?
        var update: CKANPackageFields
    }
}
