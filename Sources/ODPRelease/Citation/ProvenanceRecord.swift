import Foundation
import ODPCore

/// Builds provenance.json from the definition, the stages' typed reports and the code tables.
enum ProvenanceRecord {
    static func json(_ r: ReleaseDescription, reports: [StageReport]) throws -> Data {
        try ArtifactCodec.encode(build(r, reports: reports))
    }

    static func build(_ r: ReleaseDescription, reports: [StageReport]) -> ReleaseProvenance {
        let privacy = reports.lazy.compactMap(\.privacy).first
        let fields = (privacy?.fields ?? []).map {
            ReleaseProvenance.FieldTreatment(field: $0.name, privacyClass: $0.privacyClass, operator: $0.operator,
                                             parameters: $0.parameters, published: $0.published ?? true)
        }
        let tableNames = Set(r.definition.schema.fields.flatMap(\.referencedCodeTables))
        let tables = tableNames.sorted().compactMap { name in
            r.codeTables[name].map { ReleaseProvenance.CodeTableVersion(name: name, codes: $0.allCodes.count, sha256: $0.contentSHA256) }
        }
        return ReleaseProvenance(
            dataset: r.id, version: r.version, identifier: ReleaseCitation.versionIdentifier(r),
            seriesIdentifier: ReleaseCitation.seriesIdentifier(r), previousVersion: r.previousVersion, odpVersion: ODPBuild.version,
            definitionHash: r.definition.definitionHash, source: source(r.definition.source),
            stages: stages(r, privacy: privacy), fields: fields, codeTables: tables, pseudonymKeyId: privacy?.pseudonymKeyId)
    }

    static func source(_ s: SourceSpec) -> ReleaseProvenance.Source {
        let file = s.path.map { URL(fileURLWithPath: $0).lastPathComponent }
        let system = s.kind == .postgres ? s.connection?.database : file
        let isFile = s.kind != .postgres && s.kind != .sqlite
        return ReleaseProvenance.Source(
            kind: s.kind.rawValue, system: system, table: s.table, querySha256: s.query.map { SHA256Hex.of(Data($0.utf8)) },
            sheet: s.sheet, encoding: isFile && s.kind != .xlsx ? s.encoding.rawValue : nil, watermark: s.incremental?.watermark)
    }

    private static func stages(_ r: ReleaseDescription, privacy: PrivacyReport?) -> [ReleaseProvenance.Stage] {
        let d = r.definition
        let s = d.source
        let src = source(s)
        var extract = "从 \(kindName(s.kind))"
        if let system = src.system { extract += " \(system)" }
        if let table = s.table { extract += " 的表 \(table)" } else if s.query != nil { extract += " 的自定义查询" }
        if let sheet = s.sheet { extract += " 的工作表 \(sheet)" }
        extract += " 读取"
        if let incremental = s.incremental { extract += "，按字段 \(incremental.watermark) 增量抽取" }
        let fieldRules = d.schema.fields.reduce(0) { $0 + $1.rules.count }
        var check = "按表结构校验 \(d.schema.fields.count) 个字段的类型"
        check += "，并执行 \(fieldRules + d.rules.count) 条校验规则（字段规则 \(fieldRules) 条、数据集规则 \(d.rules.count) 条）"
        if d.compare != nil { check += "，与上一版本比对" }
        var desensitize = "逐字段脱敏"
        if let privacy {
            let treated = privacy.fields.filter { $0.operator != nil }.count
            let dropped = privacy.fields.filter { $0.published == false }.count
            desensitize += "：\(treated) 个字段经脱敏算子处理，\(dropped) 个字段不发布"
            if let k = privacy.kAnonymity.kTarget { desensitize += "；k-匿名（k = \(k)）" }
        }
        desensitize += "；全部发布值经个人信息扫描"
        let formats = d.formats.map { $0.rawValue.uppercased() }.joined(separator: "、")
        let package = "生成 \(formats) 数据文件、数据字典、质量与隐私报告、SHA256SUMS\(r.signature != nil ? "（含签名）" : "")"
        return [.init(name: "extract", summary: extract), .init(name: "check", summary: check),
                .init(name: "desensitize", summary: desensitize), .init(name: "package", summary: package)]
    }

    private static func kindName(_ kind: SourceSpec.Kind) -> String {
        switch kind {
        case .postgres: "PostgreSQL 数据库"
        case .sqlite: "SQLite 数据库"
        case .csv: "CSV 文件"
        case .xlsx: "Excel 文件"
        case .json: "JSON 文件"
        case .ndjson: "NDJSON 文件"
        }
    }
}
