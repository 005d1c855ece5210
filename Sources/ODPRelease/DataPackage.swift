import Foundation
import ODPCore

/// Builds datapackage.json (Frictionless Data Package v2 with an inline Table Schema).
enum DataPackage {
    static func json(_ r: ReleaseDescription) throws -> Data {
        try ArtifactCodec.encode(descriptor(r))
    }

    static func descriptor(_ r: ReleaseDescription) -> DataPackageDescriptor {
        let c = r.definition.catalog
        let tableSchema = tableSchema(r.schema, primaryKey: r.definition.primaryKey, codeTables: r.codeTables)
        let resources = zip(r.dataFiles, r.definition.formats).map { file, format in
            let csv = format == .csv
            // frictionless-py computes no byte stats for JSON or Parquet sources and would report
            // bytes/hash as mismatches, so only the CSV states them; SHA256SUMS covers them all.
            return DataPackageDescriptor.Resource(
                name: csv ? r.id : "\(r.id)-\(format.rawValue)", path: file.path, format: format.rawValue,
                mediatype: format.mediaType, title: "\(c.title)（\(format.rawValue.uppercased())）",
                schema: tableSchema, bytes: csv ? file.bytes : nil, hash: csv ? "sha256:\(file.sha256)" : nil,
                dialect: csv ? DataPackageDescriptor.Dialect() : nil)
        }
        return DataPackageDescriptor(
            name: r.id, id: c.code, title: c.title, description: c.summary, version: r.version, created: r.created,
            licenses: [license(c.license)], sources: [.init(title: c.provider)],
            contributors: contributors(c),
            keywords: c.keywords.isEmpty ? nil : c.keywords, resources: resources, signature: r.signature)
    }

    /// The publisher, and the contact person with name and phone (Frictionless contributors
    /// have no phone property; `phone` is an extra one, which the standard allows).
    static func contributors(_ c: CatalogMetadata) -> [DataPackageDescriptor.Contributor] {
        var out = [DataPackageDescriptor.Contributor(title: c.provider, roles: ["publisher"], email: c.contactEmail)]
        if let name = c.contactName {
            out.append(.init(title: name, roles: ["contact"], email: c.contactEmail, phone: c.contactPhone, organization: c.provider))
        }
        return out
    }

    /// A code table up to this size is listed as the field's `enum`; a longer one (GB/T 2260
    /// has over 3,000 codes) would bury the schema, so its fields are plain strings.
    static let maxEnumCodes = 256

    static func tableSchema(_ schema: Schema, primaryKey: [String], codeTables: [String: CodeTable] = [:]) -> DataPackageDescriptor.TableSchema {
        let fields = schema.fields.map { f in
            field(definition: f, required: primaryKey.contains(f.name), codes: f.codeTableName.flatMap { codeTables[$0] })
        }
        let keyed = !primaryKey.isEmpty && primaryKey.allSatisfy { schema.index(of: $0) != nil }
        return DataPackageDescriptor.TableSchema(fields: fields, primaryKey: keyed ? primaryKey : nil)
    }

    /// Frictionless has no code type: a `code` field is a `string`, constrained to the codes
    /// of its table (current and historical, since the checks accept a code in force at the
    /// record's date) when the table is loaded and short.
    static func field(definition f: FieldDefinition, required: Bool, codes: CodeTable? = nil) -> DataPackageDescriptor.Field {
        let type = frictionlessType(f.type)
        var description = f.description ?? f.title
        if let table = f.codeTableName { description += "（代码表：\(table)）" }
        if let unit = f.unit, !unit.isEmpty { description += "（单位：\(unit)）" }
        var values: [String]?
        if let codes {
            let all = codes.allCodes
            if all.count <= maxEnumCodes { values = all.sorted() }
        }
        let constraints = required || values != nil ? DataPackageDescriptor.Constraints(required: required ? true : nil, enum: values) : nil
        return DataPackageDescriptor.Field(name: f.name, title: f.title, type: type, format: type == "string" ? nil : "default",
                                           description: description, constraints: constraints)
    }

    static func frictionlessType(_ type: FieldType) -> String { type == .code ? "string" : type.rawValue }

    /// The schema part of the content hash: what a consumer of the data depends on. Its bytes
    /// are part of every content hash, so they must never change (compact, sorted keys).
    static func schemaFingerprintJSON(_ schema: Schema) -> [UInt8] {
        struct Fingerprinted: Encodable {
            var name: String, title: String, type: String
            var scale: Int?, unit: String?, description: String?
        }
        let fields = schema.fields.map { Fingerprinted(name: $0.name, title: $0.title, type: $0.type.rawValue, scale: $0.scale, unit: $0.unit, description: $0.description) }
        return Array((try? ArtifactJSON(encoding: fields).encoded(pretty: false)) ?? Data())
    }

    /// Licence id → Frictionless licence object (name, path, title).
    static func license(_ id: String) -> DataPackageDescriptor.License {
        if let known = licenses[id.uppercased()] { return .init(name: known.id, path: known.url, title: known.title) }
        return .init(name: id, path: nil, title: id)
    }

    struct KnownLicense { let id: String, url: String, title: String }
    static let licenses: [String: KnownLicense] = {
        let list = [
            KnownLicense(id: "CC-BY-4.0", url: "https://creativecommons.org/licenses/by/4.0/", title: "Creative Commons Attribution 4.0 International"),
            KnownLicense(id: "CC-BY-SA-4.0", url: "https://creativecommons.org/licenses/by-sa/4.0/", title: "Creative Commons Attribution Share-Alike 4.0 International"),
            KnownLicense(id: "CC0-1.0", url: "https://creativecommons.org/publicdomain/zero/1.0/", title: "CC0 1.0 Universal"),
            KnownLicense(id: "CC-BY-NC-4.0", url: "https://creativecommons.org/licenses/by-nc/4.0/", title: "Creative Commons Attribution-NonCommercial 4.0 International"),
            KnownLicense(id: "ODC-BY-1.0", url: "https://opendatacommons.org/licenses/by/1-0/", title: "Open Data Commons Attribution License 1.0"),
            KnownLicense(id: "ODbL-1.0", url: "https://opendatacommons.org/licenses/odbl/1-0/", title: "Open Data Commons Open Database License 1.0"),
            KnownLicense(id: "PDDL-1.0", url: "https://opendatacommons.org/licenses/pddl/1-0/", title: "Open Data Commons Public Domain Dedication and License 1.0"),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.id.uppercased(), $0) })
    }()

    /// The licence URL for DCAT and the open list (nil for unknown ids).
    static func licenseURL(_ id: String) -> String? { licenses[id.uppercased()]?.url }
    static func licenseTitle(_ id: String) -> String { licenses[id.uppercased()]?.title ?? id }
}

extension DatasetDefinition.DataFormat {
    /// The IANA media type (Parquet's was registered in 2024).
    var mediaType: String {
        switch self {
        case .csv: "text/csv"
        case .json: "application/json"
        case .parquet: "application/vnd.apache.parquet"
        case .sqlite: "application/vnd.sqlite3"
        }
    }

    /// The format named by a data file's extension (`data/<id>.parquet`).
    init?(path: String) {
        guard let dot = path.lastIndex(of: ".") else { return nil }
        self.init(rawValue: String(path[path.index(after: dot)...]))
    }
}
