/// Declared field types; they follow Frictionless Table Schema so the data package can
/// state them as they are, except `code`.
public enum FieldType: String, Sendable, Hashable, CaseIterable, Codable {
    case string, integer, number, boolean, date, datetime, year, yearmonth, time
    /// Text that must be a member of a code table (区划代码, 行业代码, 性别代码): the table is
    /// named by `code_table:` on the field or by a `code_table` rule. Published as a
    /// Frictionless `string`, with the codes as an `enum` constraint when the list is short.
    case code
}

/// The privacy class every field must carry (fail closed: no class is a definition error).
/// See GB/T 37964-2019 for the terms.
public enum PrivacyClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// Identifies a person on its own (身份证号, 姓名, 手机号): must name an operator.
    case direct
    /// Identifies in combination (birth date, region, sex): counted for k-anonymity.
    case quasi
    /// Sensitive attribute (diagnosis, income): counted for l-diversity.
    case sensitive
    /// Not about a person, or public by law.
    case `public`
}

/// A rule, operator or exception as written in a definition: a `type` slug plus its
/// parameters. Each stage owns the vocabulary of its specs and checks them in `odp validate`.
public struct RuleSpec: Sendable, Hashable {
    public var type: String
    public var params: ConfigValue
    public var location: SourceLocation

    public init(type: String, params: ConfigValue, location: SourceLocation) {
        self.type = type
        self.params = params
        self.location = location
    }

    /// A reader over the parameters; `type` is already consumed.
    public func reader(context: String) -> ConfigReader {
        let r = ConfigReader(params, context: context)
        _ = r.raw("type")
        return r
    }

    /// Reads `- type: x` mappings, or a bare `- x` shorthand with no parameters.
    /// `shorthandKey` lets a mapping name its type by that key instead (`op: mask`).
    public static func parse(_ value: ConfigValue, context: String, typeKey: String = "type", into diagnostics: inout [Diagnostic]) -> RuleSpec? {
        switch value {
        case .scalar(let s, let loc):
            return RuleSpec(type: s, params: .map([], loc), location: loc)
        case .map(let entries, let loc):
            guard let t = entries.first(where: { $0.key == typeKey })?.value.scalar else {
                diagnostics.append(Diagnostic(loc, "\(context): missing `\(typeKey)`"))
                return nil
            }
            return RuleSpec(type: t, params: value, location: loc)
        default:
            diagnostics.append(Diagnostic(value.location, "\(context) 应为 `\(typeKey)` 名称，或含 `\(typeKey)` 的映射（mapping），实际是\(value.kindName)"))
            return nil
        }
    }
}

/// One column of a dataset as declared.
public struct FieldDefinition: Sendable, Hashable {
    public var name: String
    public var title: String
    public var type: FieldType
    /// Source date/time format (`YYYY-MM-DD`, `YYYYMMDD`, `YYYY/M/D hh:mm:ss` …); output is ISO 8601.
    public var format: String?
    /// `time_zone` of a `datetime` field, seconds east of UTC: values with an offset are
    /// converted to it, values without one are taken to be on its clock; both are published
    /// with it (`2026-05-01T10:00:00+08:00`).
    public var timeZone: Int?
    /// Digits after the decimal point for `number` fields; output is written with exactly this scale.
    public var scale: Int?
    /// The code table (`code_tables:` name) of a `code` field, when given on the field itself.
    public var codeTable: String?
    public var unit: String?
    public var description: String?
    /// The column name in the source (English or Chinese); defaults to `name`, then `title`.
    public var source: String?
    public var privacyClass: PrivacyClass
    /// The desensitization operator (`op:` slug) for this field, if any.
    public var desensitize: RuleSpec?
    /// Field-level check rules.
    public var rules: [RuleSpec]
    /// Declared identifier kinds this field may carry in the open data (gate exception), with a reason.
    public var allow: [RuleSpec]
    /// `filterable: true`: the release's SQLite file indexes this field, and the portal's rows
    /// API filters and sorts by it (besides the primary key). Needs `release.formats: [… sqlite]`.
    public var filterable: Bool = false
    public var location: SourceLocation

    public init(name: String, title: String, type: FieldType, format: String? = nil, scale: Int? = nil, codeTable: String? = nil,
                unit: String? = nil, description: String? = nil, source: String? = nil,
                privacyClass: PrivacyClass = .public, desensitize: RuleSpec? = nil, rules: [RuleSpec] = [],
                allow: [RuleSpec] = [], timeZone: Int? = nil, location: SourceLocation = SourceLocation(file: "")) {
        self.name = name
        self.timeZone = timeZone
        self.title = title
        self.type = type
        self.format = format
        self.scale = scale
        self.codeTable = codeTable
        self.unit = unit
        self.description = description
        self.source = source
        self.privacyClass = privacyClass
        self.desensitize = desensitize
        self.rules = rules
        self.allow = allow
        self.location = location
    }
}

extension FieldDefinition {
    /// The table whose codes a `code` field holds: `code_table:` on the field, else the
    /// `table` of its `code_table` rule; nil for other types (a masked code is no longer one).
    public var codeTableName: String? {
        guard type == .code else { return nil }
        return referencedCodeTables.first
    }

    /// Every code table the field is checked against, whatever its type.
    public var referencedCodeTables: [String] {
        (codeTable.map { [$0] } ?? []) + rules.filter { $0.type == "code_table" }.compactMap { $0.reader(context: "").string("table") }
    }
}

/// The ordered fields of a dataset; column `i` of every row batch is field `i`.
public struct Schema: Sendable, Hashable {
    public var fields: [FieldDefinition]

    public init(_ fields: [FieldDefinition]) { self.fields = fields }

    public var names: [String] { fields.map(\.name) }

    public func index(of name: String) -> Int? { fields.firstIndex { $0.name == name } }
}
