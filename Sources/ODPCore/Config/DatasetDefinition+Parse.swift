import Foundation

extension DatasetDefinition {
    /// Reads a dataset definition file. Returns the definition (whenever its catalog, source
    /// and fields could be read, even with errors, so each stage can still validate its
    /// sections) and every problem found. Callers must not run a definition with errors.
    public static func load(path: String) -> (DatasetDefinition?, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (nil, [Diagnostic(SourceLocation(file: path), "无法读取定义文件（cannot read）：文件不存在或没有读权限")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return (nil, [Diagnostic(SourceLocation(file: path), "定义文件不是 UTF-8 编码的文本（not UTF-8）", hint: "用 UTF-8 编码另存该文件")])
        }
        return parse(yaml: text, file: path)
    }

    public static func parse(yaml: String, file: String) -> (DatasetDefinition?, [Diagnostic]) {
        let root: ConfigValue
        do {
            root = try ConfigValue.parse(yaml: yaml, file: file)
        } catch let error as ODPError {
            return (nil, error.diagnostics)
        } catch {
            return (nil, [Diagnostic(SourceLocation(file: file), ODPError.from(error, path: file).message)])
        }
        let r = ConfigReader(root, context: "dataset")
        var extra: [Diagnostic] = []

        let id = r.string("id", required: true, hint: "固定不变的标识，如 `scjg-individual-business`") ?? ""
        if !id.isEmpty, !id.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d }) {
            r.error("dataset.id `\(id)` 只能由小写字母、数字和 `-` 组成", at: r.raw("id")?.location,
                    hint: "它会成为文件名和网址（URL）的一部分")
        }
        let catalog = r.map("catalog", required: true).flatMap(parseCatalog)
        let source = r.map("source", required: true).flatMap(parseSource)
        var fields: [FieldDefinition] = []
        let fieldValues = r.list("fields", required: true)
        if r.has("fields"), fieldValues.isEmpty { r.error("dataset.fields 至少要列出一个字段") }
        for (i, value) in fieldValues.enumerated() {
            if let f = parseField(value, index: i, into: &extra) { fields.append(f) }
        }
        var seen = Set<String>()
        for f in fields where !seen.insert(f.name).inserted {
            extra.append(Diagnostic(f.location, "字段 `\(f.name)` 定义了两次（declared twice）"))
        }
        let names = fields.map(\.name)
        let primaryKey = r.strings("primary_key")
        if let pkLocation = r.raw("primary_key")?.location {
            for key in primaryKey where !names.contains(key) {
                extra.append(undefinedField(key, at: pkLocation, names: names, context: "primary_key"))
            }
        }
        let privacy = r.raw("privacy")
        var rules: [RuleSpec] = []
        for value in r.list("rules") {
            if let spec = RuleSpec.parse(value, context: "rule", into: &extra) { rules.append(spec) }
        }
        let compare = r.raw("compare")
        let screens = r.raw("screens")
        let gate = r.raw("gate")
        let approval = DatasetDefinition.Approval(rawValue: r.choice("approval", of: Approval.allCases.map(\.rawValue), default: "none") ?? "none") ?? .none
        var csvBOM = false
        var formats = DataFormat.defaults
        if let release = r.map("release") {
            csvBOM = release.bool("csv_bom") ?? false
            formats = parseFormats(release)
        }
        // `filterable` acts through the SQLite file's indexes: without that file it would do nothing.
        if !formats.contains(.sqlite) {
            for f in fields where f.filterable {
                extra.append(Diagnostic(f.location, "字段 `\(f.name)` 标记了 `filterable`，但 `release.formats` 不含 `sqlite`：行级接口和索引都依赖 SQLite 文件",
                                        hint: "在 release.formats 中加上 sqlite，例如 `formats: [csv, json, sqlite]`"))
            }
        }
        if let source, let inc = source.incremental {
            if !names.contains(inc.watermark) && source.kind != .postgres && source.kind != .sqlite {
                extra.append(undefinedField(inc.watermark, at: source.location, names: names, context: "source.incremental.watermark"))
            }
            if primaryKey.isEmpty, inc.mode == .merge {
                extra.append(Diagnostic(source.location, "增量合并（incremental merge）需要 `primary_key`，才能把新行并入上一版本"))
            }
        }
        var diagnostics = r.finish() + extra
        diagnostics.sort { ($0.location.line ?? 0, $0.location.column ?? 0) < ($1.location.line ?? 0, $1.location.column ?? 0) }
        guard let catalog, let source, !fields.isEmpty else {
            return (nil, diagnostics)
        }
        let definition = DatasetDefinition(
            id: id, catalog: catalog, source: source, schema: Schema(fields), primaryKey: primaryKey, privacy: privacy,
            rules: rules, compare: compare, screens: screens, gate: gate, approval: approval, csvBOM: csvBOM, formats: formats, file: file,
            definitionHash: SHA256Hex.of(Array(yaml.utf8)))
        return (definition, diagnostics)
    }

    /// "引用的 `x` 不是本数据集的字段" with a suggestion: shared by every stage's validation.
    public static func undefinedField(_ name: String, at location: SourceLocation, names: [String], context: String) -> Diagnostic {
        let hint = Suggest.hint(for: name, in: names) ?? "本数据集的字段：\(names.joined(separator: ", "))"
        return Diagnostic(location, "\(context) 引用的 `\(name)` 不是本数据集的字段（not a field）", hint: hint)
    }

    /// `release.formats`: which data files a release carries. Mistakes are reported; the
    /// definition still comes back (with the default formats when csv is missing) so the other
    /// sections are validated, but it must not run.
    private static func parseFormats(_ r: ConfigReader) -> [DataFormat] {
        guard let value = r.raw("formats") else { return DataFormat.defaults }
        let items: [ConfigValue]
        switch value {
        case .list(let list, _): items = list
        case .scalar: items = [value]
        default:
            r.error("\(r.context).formats 应为列表（list），实际是\(value.kindName)", at: value.location, hint: "例如 `formats: [csv]`")
            return DataFormat.defaults
        }
        let names = DataFormat.allCases.map(\.rawValue)
        var formats: [DataFormat] = []
        for item in items {
            guard let name = item.scalar, let format = DataFormat(rawValue: name) else {
                let suggestion = item.scalar.flatMap { Suggest.hint(for: $0, in: names) }
                r.error("\(r.context).formats：\(item.scalar.map { "`\($0)`" } ?? item.kindName) 不是可选值（not one of）\(names.joined(separator: ", ")) 之一",
                        at: item.location, hint: suggestion ?? "可选值：\(names.joined(separator: ", "))")
                continue
            }
            if formats.contains(format) {
                r.error("\(r.context).formats 把 `\(name)` 列了两次", at: item.location)
            }
            formats.append(format)
        }
        guard formats.contains(.csv) else {
            r.error("\(r.context).formats 必须包含 `csv`", at: value.location,
                    hint: "内容哈希和变更记录都由 CSV 计算；只要 CSV 时写 `[csv]`")
            return DataFormat.defaults
        }
        return formats
    }

    private static func parseCatalog(_ r: ConfigReader) -> CatalogMetadata? {
        let title = r.string("title", required: true, hint: "资源名称")
        let code = r.string("code", required: true, hint: "资源代码")
        let provider = r.string("provider", required: true, hint: "提供方")
        let providerCode = r.string("provider_code", required: true, hint: "提供方代码")
        let summary = r.string("summary", required: true, hint: "资源摘要")
        let domain = r.string("domain", required: true, hint: "数据领域")
        let openType = r.choice("open_type", of: OpenType.allCases.map(\.rawValue), required: true).flatMap(OpenType.init)
        let openCondition = r.string("open_condition")
        if openType == .conditional, openCondition == nil {
            r.error("catalog：有条件开放需要填写 `open_condition`（开放条件）", at: r.raw("open_type")?.location)
        }
        let cycle = r.choice("update_cycle", of: UpdateCycle.allCases.map(\.rawValue), required: true).flatMap(UpdateCycle.init)
        let keywords = r.strings("keywords")
        let license = r.string("license", required: true, hint: "例如 CC-BY-4.0")
        var contact: (String?, String?, String?) = (nil, nil, nil)
        if let c = r.map("contact") { contact = (c.string("name"), c.string("email"), c.string("phone")) }
        var temporal: (String?, String?) = (nil, nil)
        if let t = r.map("temporal") { temporal = (t.string("start"), t.string("end")) }
        guard let title, let code, let provider, let providerCode, let summary, let domain, let openType, let cycle, let license else {
            return nil
        }
        return CatalogMetadata(title: title, code: code, provider: provider, providerCode: providerCode, summary: summary,
                               domain: domain, openType: openType, openCondition: openCondition, updateCycle: cycle,
                               keywords: keywords, license: license, contactName: contact.0, contactEmail: contact.1,
                               contactPhone: contact.2, temporalStart: temporal.0, temporalEnd: temporal.1)
    }

    private static func parseSource(_ r: ConfigReader) -> SourceSpec? {
        guard let kind = r.choice("type", of: SourceSpec.Kind.allCases.map(\.rawValue), required: true).flatMap(SourceSpec.Kind.init) else {
            return nil
        }
        var spec = SourceSpec(kind: kind, location: r.location)
        switch kind {
        case .sqlite, .postgres:
            spec.table = r.string("table")
            spec.query = r.string("query")
            spec.parameters = r.strings("parameters")
            if (spec.table == nil) == (spec.query == nil) {
                r.error("source：`table` 与 `query` 须给出且只给出其中一个")
            }
        default:
            break
        }
        if kind == .postgres {
            spec.probe = r.string("probe")
            if let c = r.map("connection", required: true) {
                let host = c.string("host", required: true) ?? ""
                let db = c.string("database", required: true) ?? ""
                let user = c.string("user", required: true) ?? ""
                // Only a connection without the key: a literal password is already an error.
                if !c.has("password") {
                    c.warning("postgres 连接（connection）没有 `password`",
                              hint: "写 `password: env:变量名` 或 `file:路径`；只有 trust 或证书登录时才可省略")
                }
                spec.connection = SourceSpec.Connection(
                    host: host, port: c.int("port", range: 1...65535) ?? 5432, database: db, user: user,
                    password: c.secret("password"),
                    sslMode: c.choice("sslmode", of: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], default: "prefer") ?? "prefer",
                    sslRootCert: c.string("sslrootcert"))
            }
        } else {
            spec.path = r.string("path", required: true)
            spec.allowOutside = r.bool("allow_outside") ?? false
        }
        if [.csv].contains(kind) {
            spec.encoding = r.choice("encoding", of: SourceSpec.Encoding.allCases.map(\.rawValue), default: "utf-8").flatMap(SourceSpec.Encoding.init) ?? .utf8
            if let d = r.string("delimiter") {
                let bytes = Array((d == "\\t" ? "\t" : d).utf8)
                if bytes.count == 1 { spec.delimiter = bytes[0] } else { r.error("source.delimiter 必须是一个 ASCII 字符", at: r.raw("delimiter")?.location) }
            }
            if let q = r.string("quote") {
                let bytes = Array(q.utf8)
                if q == "none" { spec.quote = nil } else if bytes.count == 1 { spec.quote = bytes[0] } else {
                    r.error("source.quote 必须是一个 ASCII 字符或 `none`", at: r.raw("quote")?.location)
                }
            }
            spec.maxQuotedLines = r.int("max_quoted_lines", range: 1...1_000_000) ?? SourceSpec.defaultMaxQuotedLines
        }
        if [.csv, .xlsx].contains(kind) {
            spec.header = r.bool("header") ?? true
            spec.skipRows = r.int("skip_rows", range: 0...10_000) ?? 0
        }
        if kind == .xlsx { spec.sheet = r.string("sheet") }
        if [.csv, .xlsx, .json, .ndjson].contains(kind), let limits = r.map("limits") { spec.limits = SourceLimits.parse(limits) }
        spec.onError = r.choice("on_error", of: SourceSpec.OnError.allCases.map(\.rawValue), default: "reject").flatMap(SourceSpec.OnError.init) ?? .reject
        if let inc = r.map("incremental") {
            if let watermark = inc.string("watermark", required: true) {
                typealias I = SourceSpec.Incremental
                spec.incremental = I(
                    watermark: watermark, deletedFlag: inc.string("deleted_flag"),
                    mode: inc.choice("mode", of: I.Mode.allCases.map(\.rawValue), default: "merge").flatMap(I.Mode.init) ?? .merge,
                    lookback: parseLookback(inc),
                    nullWatermark: inc.choice("null_watermark", of: I.NullPolicy.allCases.map(\.rawValue), default: "changed").flatMap(I.NullPolicy.init) ?? .changed,
                    reconcile: parseReconcile(inc))
            }
        }
        return spec
    }

    /// `lookback`: a number (seconds, or units of a numeric watermark) or a duration `90s`, `30m`, `2h`, `1d`.
    private static func parseLookback(_ inc: ConfigReader) -> Int {
        guard let raw = inc.raw("lookback") else { return SourceSpec.Incremental.defaultLookback }
        let text = (inc.string("lookback") ?? "").trimmingCharacters(in: .whitespaces)
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let n = Int(text), n >= 0 { return n }
        if let unit = text.last.flatMap({ units[$0] }), let n = Int(text.dropLast()), n >= 0 { return n * unit }
        inc.error("source.incremental.lookback `\(text)` 不是时长（duration）", at: raw.location,
                  hint: "写秒数（3600）或时长：90s、30m、2h、1d；0 表示不回看")
        return SourceSpec.Incremental.defaultLookback
    }

    /// `reconcile: {every: run | 每日 | 每周 …}`.
    private static func parseReconcile(_ inc: ConfigReader) -> SourceSpec.Incremental.ReconcileSchedule {
        guard let r = inc.map("reconcile") else { return .everyRun }
        let words = ["run"] + UpdateCycle.allCases.map(\.rawValue)
        guard let every = r.choice("every", of: words, default: "run"), every != "run" else { return .everyRun }
        return UpdateCycle(rawValue: every).map { .cycle($0) } ?? .everyRun
    }

    private static func parseField(_ value: ConfigValue, index: Int, into extra: inout [Diagnostic]) -> FieldDefinition? {
        let r = ConfigReader(value, context: "fields[\(index)]")
        let name = r.string("name", required: true)
        let label = name.map { "字段 `\($0)`" } ?? "fields[\(index)]"
        let c = ConfigReader(value, context: label)
        _ = c.raw("name")
        let title = c.string("title", required: true, hint: "中文名称")
        let type = c.choice("type", of: FieldType.allCases.map(\.rawValue), required: true).flatMap(FieldType.init)
        let format = c.string("format")
        let scale = c.int("scale", range: 0...18)
        if let type, scale != nil, type != .number { c.error("\(label)：`scale` 只适用于 number 类型的字段", at: c.raw("scale")?.location) }
        let codeTable = c.string("code_table")
        if let type, codeTable != nil, type != .code {
            c.error("\(label)：`code_table` 只适用于 code 类型的字段", at: c.raw("code_table")?.location,
                    hint: "改为 `type: code`，或在 string 字段上用 `code_table` 规则")
        }
        if let type, format != nil, ![.date, .datetime, .time, .yearmonth].contains(type) {
            c.error("\(label)：`format` 只适用于日期和时间类型的字段", at: c.raw("format")?.location)
        }
        if let format, let formatLocation = c.raw("format")?.location, DateFormat(format) == nil {
            c.error("\(label)：无法识别日期格式（date format）`\(format)`", at: formatLocation,
                    hint: "可用的记号：YYYY MM M DD D hh mm ss，例如 `YYYY-MM-DD` 或 `YYYYMMDD hh:mm:ss`")
        }
        var timeZone: Int?
        if let zone = c.string("time_zone") {
            timeZone = TimestampText.zoneOffset(zone)
            if type != .datetime {
                c.error("\(label)：`time_zone` 只适用于 datetime 类型的字段", at: c.raw("time_zone")?.location)
            } else if timeZone == nil {
                c.error("\(label)：无法识别时区（time zone）`\(zone)`", at: c.raw("time_zone")?.location,
                        hint: "写时差，如 `+08:00`（北京时间）或 `UTC`")
            } else if format != nil {
                c.error("\(label)：`time_zone` 要求读取原生时间戳文本，不能同时写 `format`", at: c.raw("time_zone")?.location,
                        hint: "去掉 `format`：datetime 即可读取 2026-05-01 10:00:00.123+08 和 ISO 8601 文本")
            }
        }
        let privacy: PrivacyClass?
        if c.raw("class") == nil {
            c.error("\(label)：缺少 `class`（direct、quasi、sensitive 或 public）",
                    hint: "每个字段都必须分级，默认不发布任何个人信息")
            privacy = nil
        } else {
            privacy = c.choice("class", of: PrivacyClass.allCases.map(\.rawValue)).flatMap(PrivacyClass.init)
        }
        var desensitize: RuleSpec?
        if let d = c.raw("desensitize") {
            desensitize = RuleSpec.parse(d, context: "\(label).desensitize", typeKey: "op", into: &extra)
        }
        if privacy == .direct, desensitize == nil {
            c.error("\(label) 是直接标识符（direct identifier），但没有指定脱敏算子（desensitize）",
                    hint: "加上 `desensitize: {op: drop}`，或用 mask / pseudonym")
        }
        var rules: [RuleSpec] = []
        for v in c.list("rules") {
            if let spec = RuleSpec.parse(v, context: "\(label).rules", into: &extra) { rules.append(spec) }
        }
        var allow: [RuleSpec] = []
        for v in c.list("allow") {
            if let spec = RuleSpec.parse(v, context: "\(label).allow", typeKey: "kind", into: &extra) { allow.append(spec) }
        }
        var field = FieldDefinition(
            name: name ?? "", title: title ?? "", type: type ?? .string, format: format, scale: scale, codeTable: codeTable, unit: c.string("unit"),
            description: c.string("description"), source: c.string("source"), privacyClass: privacy ?? .public,
            desensitize: desensitize, rules: rules, allow: allow, timeZone: timeZone, location: r.location)
        field.filterable = c.bool("filterable") ?? false
        extra.append(contentsOf: r.diagnostics + c.finish())
        return name == nil || type == nil ? nil : field
    }
}
