import Foundation
import ODPCore

/// Builds datapackage.json (Frictionless Data Package v2 with an inline Table Schema).
enum DataPackage {
    static let profile = "https://datapackage.org/profiles/2.0/datapackage.json"

    static func json(_ r: ReleaseDescription) throws -> Data {
        let c = r.definition.catalog
        let tableSchema = tableSchema(r.schema, primaryKey: r.definition.primaryKey, codeTables: r.codeTables)
        var resources: [[String: Any]] = []
        for (file, format) in zip(r.dataFiles, r.definition.formats) {
            let csv = format == .csv
            var resource: [String: Any] = [
                "name": csv ? r.id : "\(r.id)-\(format.rawValue)",
                "type": "table",
                "path": file.path,
                "format": format.rawValue,
                "mediatype": csv ? "text/csv" : "application/json",
                "encoding": "utf-8",
                "title": "\(c.title)（\(format.rawValue.uppercased())）",
                "schema": tableSchema,
            ]
            // frictionless-py computes no byte stats for JSON sources and would report
            // bytes/hash as mismatches, so only the CSV states them; SHA256SUMS covers both.
            if csv {
                resource["bytes"] = file.bytes
                resource["hash"] = "sha256:\(file.sha256)"
                resource["dialect"] = ["delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "header": true]
            }
            resources.append(resource)
        }
        var contributor: [String: Any] = ["title": c.provider, "roles": ["publisher"]]
        if let email = c.contactEmail { contributor["email"] = email }
        var contributors = [contributor]
        // The contact person with name and phone (Frictionless contributors have no phone
        // property; `phone` is an extra one, which the standard allows).
        if let name = c.contactName {
            var contact: [String: Any] = ["title": name, "roles": ["contact"], "organization": c.provider]
            if let email = c.contactEmail { contact["email"] = email }
            if let phone = c.contactPhone { contact["phone"] = phone }
            contributors.append(contact)
        }
        var package: [String: Any] = [
            "$schema": profile,
            "name": r.id,
            "id": c.code,
            "title": c.title,
            "description": c.summary,
            "version": r.version,
            "created": r.created,
            "licenses": [license(c.license)],
            "sources": [["title": c.provider]],
            "contributors": contributors,
            "keywords": c.keywords,
            "resources": resources,
        ]
        if c.keywords.isEmpty { package["keywords"] = nil }
        // Frictionless allows extra properties; this one tells a consumer how to check SHA256SUMS.sig.
        if let signature = r.signature { package["signature"] = signature.json }
        return try JSONSerialization.data(withJSONObject: package, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) + Data("\n".utf8)
    }

    /// A code table up to this size is listed as the field's `enum`; a longer one (GB/T 2260
    /// has over 3,000 codes) would bury the schema, so its fields are plain strings.
    static let maxEnumCodes = 256

    static func tableSchema(_ schema: Schema, primaryKey: [String], codeTables: [String: CodeTable] = [:]) -> [String: Any] {
        var out: [String: Any] = [
            "fields": schema.fields.map { f in
                field(definition: f, required: primaryKey.contains(f.name), codes: f.codeTableName.flatMap { codeTables[$0] })
            },
            "missingValues": [""],
        ]
        if !primaryKey.isEmpty, primaryKey.allSatisfy({ schema.index(of: $0) != nil }) { out["primaryKey"] = primaryKey }
        return out
    }

    /// Frictionless has no code type: a `code` field is a `string`, constrained to the codes
    /// of its table (current and historical, since the checks accept a code in force at the
    /// record's date) when the table is loaded and short.
    static func field(definition f: FieldDefinition, required: Bool, codes: CodeTable? = nil) -> [String: Any] {
        let type = frictionlessType(f.type)
        var out: [String: Any] = ["name": f.name, "title": f.title, "type": type]
        if type != "string" { out["format"] = "default" }
        var description = f.description ?? f.title
        if let table = f.codeTableName { description += "（代码表：\(table)）" }
        if let unit = f.unit, !unit.isEmpty { description += "（单位：\(unit)）" }
        out["description"] = description
        var constraints: [String: Any] = [:]
        if required { constraints["required"] = true }
        if let codes {
            let all = Set(codes.current.keys).union(codes.history.keys)
            if all.count <= maxEnumCodes { constraints["enum"] = all.sorted() }
        }
        if !constraints.isEmpty { out["constraints"] = constraints }
        return out
    }

    static func frictionlessType(_ type: FieldType) -> String { type == .code ? "string" : type.rawValue }

    /// The schema part of the content hash: what a consumer of the data depends on.
    static func schemaFingerprintJSON(_ schema: Schema) -> [UInt8] {
        let fields: [[String: Any]] = schema.fields.map { f in
            var o: [String: Any] = ["name": f.name, "title": f.title, "type": f.type.rawValue]
            if let s = f.scale { o["scale"] = s }
            if let u = f.unit { o["unit"] = u }
            if let d = f.description { o["description"] = d }
            return o
        }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    /// Licence id → Frictionless licence object (name, path, title).
    static func license(_ id: String) -> [String: Any] {
        if let known = licenses[id.uppercased()] {
            return ["name": known.id, "path": known.url, "title": known.title]
        }
        return ["name": id, "title": id]
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
