import Foundation
import ODPCore

/// The release README (Chinese): summary, data dictionary, terms, quality, integrity and
/// the change log.
enum ReleaseReadme {
    static func markdown(_ r: ReleaseDescription, reports: [StageReport]) -> String {
        var s = summary(r) + dataFiles(r) + dictionary(r, reports: reports)
        // Each stage's section carries its own heading (数据质量, 隐私保护 …).
        let sections = reports.compactMap(\.readmeSection).filter { !$0.isEmpty }
        if !sections.isEmpty {
            s += "\n" + sections.joined(separator: "\n\n") + "\n"
        }
        return s + formulas(r) + integrity(r) + citation(r) + changes(r)
    }

    /// Title, summary and the catalog table; a held or unapproved version says so.
    private static func summary(_ r: ReleaseDescription) -> String {
        let c = r.definition.catalog
        var s = "# \(c.title)\n\n"
        s += "\(c.summary)\n\n"
        s += "| 项目 | 内容 |\n| --- | --- |\n"
        s += "| 资源代码 | \(cell(c.code)) |\n"
        s += "| 版本 | \(r.version) |\n"
        s += "| 发布时间 | \(BeijingTime.text(r.created, seconds: true)) |\n"
        s += "| 提供方 | \(cell(c.provider))（\(cell(c.providerCode))） |\n"
        s += "| 数据领域 | \(cell(c.domain)) |\n"
        s += "| 更新周期 | \(c.updateCycle.rawValue) |\n"
        s += "| 开放属性 | \(c.openType.rawValue) |\n"
        if let condition = c.openCondition, !condition.isEmpty { s += "| 开放条件 | \(cell(condition)) |\n" }
        s += "| 许可协议 | \(cell(DataPackage.licenseTitle(c.license)))（\(cell(c.license))） |\n"
        s += "| 数据量 | \(r.rowCount) 条 |\n"
        if !c.keywords.isEmpty { s += "| 关键字 | \(cell(c.keywords.joined(separator: "、"))) |\n" }
        if let name = c.contactName { s += "| 联系人 | \(cell(name)) |\n" }
        if let phone = c.contactPhone { s += "| 联系电话 | \(cell(phone)) |\n" }
        if let email = c.contactEmail { s += "| 联系邮箱 | \(cell(email)) |\n" }
        if case .held(let reasons) = r.status {
            s += "\n> 本版本未发布（暂缓）：\(reasons.map(cell).joined(separator: "；"))\n"
        } else if case .awaitingApproval = r.status {
            s += "\n> 本版本等待数据管理员审核，审核通过后发布。\n"
        }
        return s
    }

    /// The files of each format and how they are written.
    private static func dataFiles(_ r: ReleaseDescription) -> String {
        var s = ""
        s += "\n## 数据文件\n\n"
        s += "- `data/\(r.id).csv`：UTF-8 编码\(r.definition.csvBOM ? "（带 BOM，便于电子表格打开）" : "")，逗号分隔，CRLF 换行，仅在需要时加双引号（RFC 4180）。\n"
        if r.definition.formats.contains(.json) {
            s += "- `data/\(r.id).json`：JSON 数组，每行一个对象，键为字段名；整数与数值为 JSON 数字，布尔值为 true/false，日期为 ISO 8601 字符串，空值为 null。\n"
        }
        if r.definition.formats.contains(.parquet) {
            s += "- `data/\(r.id).parquet`：Apache Parquet 列式文件（ZSTD 压缩），pandas、polars、DuckDB、R（arrow）和 Spark 可直接读取；"
                + "整数为 INT64，有小数位数的数值为 DECIMAL(18, 位数)，其他数值为 DOUBLE，日期为 DATE，日期时间为 TIMESTAMP（微秒），"
                + "文本（含代码、年份、年月、时间）为 UTF-8 字符串，空值为 null，数值与 CSV 相同。\n"
        }
        if r.definition.formats.contains(.sqlite) {
            let indexed = r.schema.fields.filter { $0.filterable || r.definition.primaryKey.contains($0.name) }.map { "`\($0.name)`" }
            s += "- `data/\(r.id).sqlite`：SQLite 数据库，表 `rows` 每行一条记录（列为字段名，整数与布尔值为 INTEGER，数值为 REAL，其余为 TEXT，空值为 NULL），"
                + "表 `odp_fields` 列出字段名、中文名称与类型；\(indexed.isEmpty ? "未建索引" : "已为 " + indexed.joined(separator: "、") + " 建索引")。"
                + "可用 sqlite3、Python 的 sqlite3 模块或 DuckDB 直接查询，也是门户行级接口（/api/datasets/\(r.id)/rows）的数据来源。\n"
        }
        s += "- `datapackage.json`：Frictionless Data Package v2 描述文件（含表结构）。\n"
        s += "- 日期统一为 `YYYY-MM-DD`，日期时间为 `YYYY-MM-DDThh:mm:ss`；数值按声明的小数位数输出；布尔值为 true/false。空单元格表示缺失。\n"
        return s
    }

    /// One row per field, with how it was desensitized (the stages' field notes).
    private static func dictionary(_ r: ReleaseDescription, reports: [StageReport]) -> String {
        var notes: [String: String] = [:]
        for report in reports { notes.merge(report.fieldNotes) { a, b in "\(a)；\(b)" } }
        var s = ""
        s += "\n## 数据字典\n\n"
        s += "| 字段名 | 中文名称 | 类型 | 单位 | 说明 | 脱敏方式 |\n| --- | --- | --- | --- | --- | --- |\n"
        for f in r.schema.fields {
            var type = typeName(f.type)
            if let scale = f.scale, f.type == .number { type += "（\(scale) 位小数）" }
            if let table = f.codeTableName { type += "（代码表 \(table)）" }
            if r.definition.primaryKey.contains(f.name) { type += "，主键" }
            s += "| \(cell(f.name)) | \(cell(f.title)) | \(type) | \(cell(f.unit ?? "")) | \(cell(f.description ?? "")) | \(cell(notes[f.name] ?? "无")) |\n"
        }
        return s
    }

    /// Which files carry the formula-guard quote.
    private static func formulas(_ r: ReleaseDescription) -> String {
        var s = ""
        s += "\n## 公式字符处理\n\n"
        s += "为防止电子表格把单元格当作公式执行，CSV 文件中文本字段以 `=`、`+`、`-`、`@`、制表符或回车开头的值，已在开头加一个英文单引号 `'`（例如 `=1+2` 写作 `'=1+2`）。数值、日期等非文本字段不受影响"
        let verbatim = [(DatasetDefinition.DataFormat.json, "JSON"), (.parquet, "Parquet"), (.sqlite, "SQLite")].filter { r.definition.formats.contains($0.0) }.map(\.1)
        s += verbatim.isEmpty ? "。\n" : "；\(verbatim.joined(separator: "、")) 文件保留原值，不加单引号。\n"
        return s
    }

    /// How to check SHA256SUMS, its signature and the content hash.
    private static func integrity(_ r: ReleaseDescription) -> String {
        var s = ""
        s += "\n## 完整性校验\n\n"
        s += "`SHA256SUMS` 列出本目录中除其自身及签名文件外所有文件的 SHA-256 值，可在本目录下执行 `sha256sum -c SHA256SUMS` 校验。"
        s += "如有 `SHA256SUMS.sig`，它是以 Ed25519 私钥对 `SHA256SUMS` 全文所作签名的 Base64 文本，可用发布方公布的公钥验证。"
        s += "内容哈希（content_hash，见 `release.json`）为 `\(r.contentHash)`。\n"
        return s
    }

    /// Identifiers, the GB/T 7714 reference and the citation files.
    private static func citation(_ r: ReleaseDescription) -> String {
        var s = ""
        s += "\n## 引用与来源\n\n"
        s += "- 本版本标识：`\(ReleaseCitation.versionIdentifier(r))`；数据集（各版本）标识：`\(ReleaseCitation.seriesIdentifier(r))`。\n"
        s += "- 建议引用格式（GB/T 7714-2015，请将“引用日期”换为您访问的日期）：\n\n  \(ReleaseCitation.gbt7714(r))\n\n"
        s += "- `CITATION.cff`（引用文件格式 CFF 1.2.0）与 `datacite.json`（DataCite 元数据 4）供文献管理软件和数据登记使用；"
        s += "`\(ReleaseProvenance.fileName)` 记录数据来源系统与表、各处理步骤、逐字段脱敏方式、代码表版本、ODP 版本和定义文件哈希。\n"
        return s
    }

    /// Against the previous version: rows, the delta file and the schema.
    private static func changes(_ r: ReleaseDescription) -> String {
        var s = ""
        s += "\n## 变更记录\n\n"
        if let ch = r.changes {
            let by = ch.comparedBy == "primary_key" ? "按主键比对" : "按整行比对"
            s += "与上一版本 \(ch.previousVersion) 相比（\(by)）：新增 \(ch.added) 条，删除 \(ch.removed) 条，修改 \(ch.changed) 条。\n"
            if let d = ch.delta {
                s += "\n增量文件 `\(d.path)` 只含变化的行（新增 \(d.added)、修改 \(d.changed)、删除 \(d.removed)、仅位置变化 \(d.moved) 行），"
                s += "已有上一版本的用户无需重新下载全表：在上一版本的行中去掉增量文件按主键列出的行，其余行保持顺序，"
                s += "再把 `_op` 为 added、changed、moved 的行按 `_position`（从 1 起，不含表头）由小到大插入，即得本版本的 CSV（逐字节相同）。\n"
            }
            if ch.schemaChanges.isEmpty {
                s += "\n表结构无变化。\n"
            } else {
                s += "\n表结构变化：\n\n"
                for change in ch.schemaChanges {
                    switch change.kind {
                    case .added: s += "- 新增字段 `\(change.field)`（\(typeTitle(change.to))）\n"
                    case .removed: s += "- 删除字段 `\(change.field)`（原为\(typeTitle(change.from))）\n"
                    case .retyped: s += "- 字段 `\(change.field)` 类型由\(typeTitle(change.from))改为\(typeTitle(change.to))\n"
                    }
                }
            }
        } else {
            s += "首次发布。\n"
        }
        return s
    }

    /// Keeps table cells on one line and their pipes literal.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    static func typeTitle(_ slug: String?) -> String {
        guard let slug else { return "" }
        return FieldType(rawValue: slug).map(typeName) ?? slug
    }

    static func typeName(_ type: FieldType) -> String {
        switch type {
        case .string: return "文本"
        case .code: return "代码"
        case .integer: return "整数"
        case .number: return "数值"
        case .boolean: return "布尔"
        case .date: return "日期"
        case .datetime: return "日期时间"
        case .year: return "年"
        case .yearmonth: return "年月"
        case .time: return "时间"
        }
    }
}
