import Foundation
import ODPCore

/// The DCAT-AP 3 catalog as JSON-LD: dcat:Catalog → dcat:Dataset → dcat:Distribution, with
/// checksums, sizes, licences, publishers (foaf:Agent), contact points (vCard), temporal
/// coverage and EU controlled vocabularies for access rights, frequency and file type.
/// Every referenced node carries its class, so the DCAT-AP range shapes pass as well.
///
/// ## Versions
/// A dataset is released as versions over time, so each one is a `dcat:DatasetSeries`
/// (`<dataset IRI>`) and each published version a `dcat:Dataset` (`<dataset IRI>/<version>`)
/// with `dcat:version`, `adms:versionNotes` (the change summary), `dcat:inSeries`, the
/// series order (`dcat:prev` / `dcat:next`, DCAT 3 §6.11) and the version chain
/// (`dcat:previousVersion`, DCAT 3 §11), and its own immutable distributions. The catalog's
/// `dcat:dataset` lists the versions, newest of each series first; the newest one carries
/// the series' full description (a series typed `dcat:Dataset` as well would fall under the
/// Dataset shapes and be warned for having no distribution).
enum DCATCatalog {
    static let context: ArtifactJSON = [
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "spdx": "http://spdx.org/rdf/terms#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "sec": "https://w3id.org/security#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcatap": "http://data.europa.eu/r5r/",
        "adms": "http://www.w3.org/ns/adms#",
    ]

    static let euAccess = "http://publications.europa.eu/resource/authority/access-right/"
    static let euFrequency = "http://publications.europa.eu/resource/authority/frequency/"
    static let euFileType = "http://publications.europa.eu/resource/authority/file-type/"
    static let euLanguage = "http://publications.europa.eu/resource/authority/language/"

    static func zh(_ text: String) -> ArtifactJSON { ["@value": .string(text), "@language": "zh"] }
    static func typed(_ value: String, _ type: String) -> ArtifactJSON { ["@value": .string(value), "@type": .string(type)] }
    static func ref(_ id: String, _ type: String) -> ArtifactJSON { ["@id": .string(id), "@type": .string(type)] }

    static func concept(_ c: DCATVocabulary.Concept) -> ArtifactJSON {
        ["@id": .string(c.iri), "@type": "skos:Concept", "skos:prefLabel": zh(c.label)]
    }

    static func agent(_ name: String, identifier: String? = nil) -> ArtifactJSON {
        var node: ArtifactJSON = ["@type": "foaf:Agent", "foaf:name": zh(name), "dct:type": concept(DCATVocabulary.localAuthorityConcept)]
        if let identifier { node["dct:identifier"] = .string(identifier) }
        return node
    }

    /// A GB/T 2260 region as a dct:Location (there are no official URIs for the codes).
    static func location(_ region: String) -> ArtifactJSON {
        ["@type": "dct:Location", "dct:identifier": .string(region), "skos:inScheme": zh("GB/T 2260 中华人民共和国行政区划代码")]
    }

    static func frequency(_ cycle: UpdateCycle) -> String {
        switch cycle {
        case .realtime: return "UPDATE_CONT"
        case .daily: return "DAILY"
        case .weekly: return "WEEKLY"
        case .monthly: return "MONTHLY"
        case .quarterly: return "QUARTERLY"
        case .yearly: return "ANNUAL"
        case .irregular: return "IRREG"
        }
    }

    static func datasetIRI(_ base: String?, _ id: String) -> String {
        if let base = DatasetURI.normalized(base) { return "\(base)/datasets/\(id)" }
        return "urn:odp:dataset:\(id)"
    }

    static func jsonld(_ entries: [CatalogEntry], publisher: String, baseURL: String?, generated: String) throws -> Data {
        let sink = CatalogSink()
        try jsonld(entries, publisher: publisher, baseURL: baseURL, generated: generated, to: sink)
        return sink.data
    }

    static func jsonld(_ entries: [CatalogEntry], publisher: String, baseURL: String?, generated: String, to sink: CatalogSink) throws {
        let catalogIRI = DatasetURI.normalized(baseURL).map { $0 + "/catalog" } ?? "urn:odp:catalog"
        var catalog: ArtifactJSON = [
            "@id": .string(catalogIRI),
            "@type": "dcat:Catalog",
            "dct:title": zh("数据资源开放清单"),
            "dct:description": zh("\(publisher)发布的政务数据资源开放目录，由各数据集的目录元数据和最新发布版本自动生成。"),
            "dct:publisher": agent(publisher),
            "dct:modified": typed(generated, "xsd:dateTime"),
            "dct:license": license("CC0-1.0"),
            "dcat:themeTaxonomy": ["@id": .string(DCATVocabulary.dataTheme), "@type": "skos:ConceptScheme", "dct:title": zh(DCATVocabulary.themeTaxonomyTitle)],
            "dct:language": ref(euLanguage + "ZHO", "dct:LinguisticSystem"),
        ]
        if let baseURL, !baseURL.isEmpty { catalog["foaf:homepage"] = ref(baseURL, "foaf:Document") }
        // The catalog was first issued when its first dataset was: stable across runs.
        if let first = entries.map(\.firstPublished).min() { catalog["dct:issued"] = typed(first, "xsd:dateTime") }
        if let city = DCATVocabulary.sharedCity(entries.compactMap { DCATVocabulary.region(ofCreditCode: $0.catalog.providerCode) }) {
            catalog["dct:spatial"] = location(city)
        }
        // One element per version; each is built only when written (21,000 series stream).
        var starts: [Int] = []
        var total = 0
        for e in entries { starts.append(total); total += e.versions.count }
        var at = 0
        try JSONSplice.encode(count: total, element: { i in
            // Elements come in order: the entry holding element i is at or after the last one.
            while at + 1 < starts.count, starts[at + 1] <= i { at += 1 }
            let e = entries[at]
            return version(e, at: e.versions.count - 1 - (i - starts[at]), baseURL: baseURL)
        }, document: { datasets in
            catalog["dcat:dataset"] = datasets
            return ["@context": context, "@graph": [catalog]]
        }, to: sink)
        try sink.write(Array("\n".utf8))
    }

    static func license(_ id: String) -> ArtifactJSON {
        var node: ArtifactJSON = ["@type": "dct:LicenseDocument", "rdfs:label": .string(id)]
        if let url = DataPackage.licenseURL(id) { node["@id"] = .string(url) }
        let types = DCATVocabulary.licenceTypes(id).map(concept)
        if !types.isEmpty { node["dct:type"] = .array(types) }
        return node
    }

    static func versionIRI(_ series: String, _ version: String) -> String { "\(series)/\(version)" }

    /// What a series and its versions share: the definition's catalog metadata.
    static func common(_ e: CatalogEntry) -> ArtifactJSON {
        let c = e.catalog
        var contact: ArtifactJSON = ["@type": ["vcard:Kind", "vcard:Organization"], "vcard:fn": .string(c.contactName ?? c.provider)]
        if let email = c.contactEmail { contact["vcard:hasEmail"] = ["@id": .string("mailto:\(email)")] }
        if let phone = c.contactPhone { contact["vcard:hasTelephone"] = ["@id": .string("tel:\(phone.filter { $0.isNumber || $0 == "+" || $0 == "-" })")] }
        var node: ArtifactJSON = [
            "dct:title": zh(c.title),
            "dct:description": zh(c.summary),
            "dct:publisher": agent(c.provider, identifier: c.providerCode),
            "dcat:contactPoint": contact,
            "dct:accrualPeriodicity": ref(euFrequency + frequency(c.updateCycle), "dct:Frequency"),
        ]
        if let region = DCATVocabulary.region(ofCreditCode: c.providerCode) { node["dct:spatial"] = location(region) }
        if c.temporalStart != nil || c.temporalEnd != nil {
            var period: ArtifactJSON = ["@type": "dct:PeriodOfTime"]
            if let s = c.temporalStart { period["dcat:startDate"] = typed(s, "xsd:date") }
            if let t = c.temporalEnd { period["dcat:endDate"] = typed(t, "xsd:date") }
            node["dct:temporal"] = period
        }
        return node
    }

    /// The series: first issued with its first version, modified with its newest.
    static func series(_ e: CatalogEntry, baseURL: String?) -> ArtifactJSON {
        let iri = datasetIRI(baseURL, e.id)
        var node = common(e)
        node["@id"] = .string(iri)
        node["@type"] = "dcat:DatasetSeries"
        node["dct:identifier"] = .string(e.catalog.code)
        node["dct:issued"] = typed(e.firstPublished, "xsd:dateTime")
        node["dct:modified"] = typed(e.release.created, "xsd:dateTime")
        if let first = e.versions.first, let last = e.versions.last {
            node["dcat:first"] = ["@id": .string(versionIRI(iri, first.release.version))]
            node["dcat:last"] = ["@id": .string(versionIRI(iri, last.release.version))]
        }
        return node
    }

    /// The `k`-th published version (oldest 0) as a dcat:Dataset; the newest carries the
    /// series node, the others name it.
    static func version(_ e: CatalogEntry, at k: Int, baseURL: String?) -> ArtifactJSON {
        let c = e.catalog
        let seriesIRI = datasetIRI(baseURL, e.id)
        let v = e.versions[k]
        let r = v.release
        let iri = versionIRI(seriesIRI, r.version)
        var node = common(e)
        node["@id"] = .string(iri)
        node["@type"] = "dcat:Dataset"
        node["dct:identifier"] = .string(DatasetURI.version(code: c.code, version: r.version, baseURL: baseURL))
        node["dct:issued"] = typed(r.created, "xsd:dateTime")
        node["dct:modified"] = typed(r.created, "xsd:dateTime")
        node["dcat:version"] = .string(r.version)
        node["adms:versionNotes"] = zh(ChangeSummary.text(r.metadata.changes, previousVersion: r.previousVersion))
        node["dcat:inSeries"] = k == e.versions.count - 1 ? series(e, baseURL: baseURL) : ["@id": .string(seriesIRI)]
        if k > 0 {
            let previous: ArtifactJSON = ["@id": .string(versionIRI(seriesIRI, e.versions[k - 1].release.version))]
            node["dcat:prev"] = previous
            node["dcat:previousVersion"] = previous
        }
        if k < e.versions.count - 1 { node["dcat:next"] = ["@id": .string(versionIRI(seriesIRI, e.versions[k + 1].release.version))] }
        node["dct:accessRights"] = ref(euAccess + (c.openType == .unconditional ? "PUBLIC" : "RESTRICTED"), "dct:RightsStatement")
        node["dct:language"] = ref(euLanguage + "ZHO", "dct:LinguisticSystem")
        node["dcat:keyword"] = .array(c.keywords.map(zh))
        node["dcat:distribution"] = .array(v.files.map { distribution($0, entry: e, version: r, datasetIRI: iri) })
        if let theme = DCATVocabulary.theme(domain: c.domain) { node["dcat:theme"] = concept(theme) }
        // The W3C security vocabulary's verification key: how a harvester learns which key
        // signed the release's SHA256SUMS (SHA256SUMS.sig next to it).
        if let signature = r.metadata.signature {
            node["sec:verificationMethod"] = [
                "@id": .string("\(seriesIRI)#signing-key-\(signature.fingerprint.prefix(16))"),
                "@type": "sec:Ed25519VerificationKey2018",
                "sec:publicKeyHex": .string(signature.publicKey),
                "rdfs:comment": zh("Ed25519 公钥，用于验证发布包中 SHA256SUMS.sig 对 SHA256SUMS 的签名（SHA-256 指纹 \(signature.fingerprint)）"),
            ]
        }
        if let condition = c.openCondition, !condition.isEmpty {
            node["dct:rights"] = ["@type": "dct:RightsStatement", "rdfs:label": zh("开放条件：\(condition)")]
        }
        return node
    }

    static func description(_ format: DatasetDefinition.DataFormat, version: String) -> String {
        let kind = switch format {
        case .csv: "CSV 文件，UTF-8 编码，逗号分隔（RFC 4180）"
        case .json: "JSON 数组，每行一个对象"
        case .parquet: "Apache Parquet 列式文件（ZSTD 压缩）"
        case .sqlite: "SQLite 数据库文件（表 rows，主键与可筛选字段建有索引）"
        }
        return "版本 \(version) 的全部数据：\(kind)；SHA-256 校验值见 spdx:checksum 与发布包中的 SHA256SUMS。"
    }

    static func distribution(_ f: CatalogEntry.DataFile, entry e: CatalogEntry, version r: ReleaseInfo, datasetIRI: String) -> ArtifactJSON {
        let format = DatasetDefinition.DataFormat(rawValue: f.format.lowercased()) ?? .json
        return [
            "@id": .string("\(datasetIRI)/\(format.rawValue)"),
            "@type": "dcat:Distribution",
            "dct:title": zh("\(e.catalog.title)（\(f.format)）"),
            "dct:description": zh(description(format, version: r.version)),
            // A version's files never change once published (immutable versions).
            "dcatap:availability": concept(DCATVocabulary.stable),
            "dcat:accessURL": ["@id": .string(f.url)],
            "dcat:downloadURL": ["@id": .string(f.url)],
            "dct:format": ref(euFileType + f.format, "dct:MediaTypeOrExtent"),
            "dcat:mediaType": ref("https://www.iana.org/assignments/media-types/" + format.mediaType, "dct:MediaType"),
            "dcat:byteSize": typed(String(f.bytes), "xsd:nonNegativeInteger"),
            "spdx:checksum": [
                "@type": "spdx:Checksum",
                "spdx:algorithm": ["@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"],
                "spdx:checksumValue": typed(f.sha256, "xsd:hexBinary"),
            ],
            "dct:license": license(e.catalog.license),
            "dct:issued": typed(r.created, "xsd:dateTime"),
            "dct:modified": typed(r.created, "xsd:dateTime"),
        ]
    }
}
