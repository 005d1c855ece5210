import Foundation
import ODPCore

/// datacite.json: the version described in the DataCite Metadata Schema 4, in the JSON shape
/// of DataCite's own JSON Schema (kernel 4.3) and REST API attributes, ready for a DOI
/// registration. Without a DOI the identifier is the version's URL or URN.
struct DataCiteRecord: Encodable {
    struct Identifier: Encodable { var identifier: String, identifierType: String }
    struct Creator: Encodable { var name: String, nameType = "Organizational" }
    struct Title: Encodable { var title: String, lang = "zh" }
    struct Types: Encodable { var resourceTypeGeneral = "Dataset", resourceType = "公共数据开放数据集" }
    struct Subject: Encodable { var subject: String, lang = "zh" }
    struct DateValue: Encodable { var date: String, dateType: String }
    struct Rights: Encodable {
        var rights: String
        var rightsUri: String?
        var rightsIdentifier: String?
        var rightsIdentifierScheme: String?
    }
    struct Description: Encodable { var description: String, descriptionType = "Abstract", lang = "zh" }
    struct Related: Encodable { var relatedIdentifier: String, relatedIdentifierType: String, relationType: String }

    var identifiers: [Identifier]
    var creators: [Creator]
    var titles: [Title]
    var publisher: String
    var publicationYear: String
    var types = Types()
    var subjects: [Subject]
    var dates: [DateValue]
    var language = "zh"
    var version: String
    var rightsList: [Rights]
    var descriptions: [Description]
    var relatedIdentifiers: [Related]
    var sizes: [String]
    var formats: [String]
    var schemaVersion = "http://datacite.org/schema/kernel-4"

    init(_ r: ReleaseDescription) {
        let c = r.definition.catalog
        let day = ReleaseCitation.releaseDay(r)
        let scheme = DatasetURI.resolvable(baseURL: r.publishing.baseURL) ? "URL" : "URN"
        identifiers = [Identifier(identifier: ReleaseCitation.versionIdentifier(r), identifierType: scheme)]
        creators = [Creator(name: c.provider)]
        titles = [Title(title: c.title)]
        publisher = r.publishing.publisher
        publicationYear = String(day.prefix(4))
        subjects = c.keywords.map { Subject(subject: $0) }
        dates = [DateValue(date: day, dateType: "Issued")]
        version = r.version
        let known = DataPackage.licenseURL(c.license) != nil
        rightsList = [Rights(rights: DataPackage.licenseTitle(c.license), rightsUri: DataPackage.licenseURL(c.license),
                             rightsIdentifier: known ? c.license.lowercased() : nil, rightsIdentifierScheme: known ? "SPDX" : nil)]
        descriptions = [Description(description: c.summary)]
        var related = [Related(relatedIdentifier: ReleaseCitation.seriesIdentifier(r), relatedIdentifierType: scheme, relationType: "IsVersionOf")]
        if let previous = r.previousVersion {
            related.append(Related(relatedIdentifier: DatasetURI.version(code: c.code, version: previous, baseURL: r.publishing.baseURL),
                                   relatedIdentifierType: scheme, relationType: "IsNewVersionOf"))
        }
        relatedIdentifiers = related
        sizes = ["\(r.rowCount) 条记录"]
        formats = r.definition.formats.map(\.mediaType)
    }

    static func json(_ r: ReleaseDescription) throws -> Data {
        try ArtifactJSON(encoding: DataCiteRecord(r)).encoded(pretty: true) + Data("\n".utf8)
    }
}
