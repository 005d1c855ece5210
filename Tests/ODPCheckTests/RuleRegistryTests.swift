import Foundation
import ODPCore
import Testing
@testable import ODPCheck

/// The registry is the one list of rule types: validation, compilation and README's table
/// come from it. These tests hold README and each rule's declared findings to it.
@Suite("The rule registry")
struct RuleRegistryTests {
    static let fields = """
      - {name: text, title: 文本, type: string, class: public}
      - {name: amount, title: 金额, type: number, class: public}
      - {name: total, title: 合计, type: number, class: public}
      - {name: birth, title: 出生日期, type: date, class: public}
      - {name: id_no, title: 身份证号, type: string, class: public}
      - {name: sex, title: 性别, type: string, class: public}
      - {name: region, title: 区划代码, type: string, class: public}
      - {name: address, title: 地址, type: string, class: public}
    """
    static let gb2260 = CodeTable(name: "gb2260", current: ["370921": "宁阳县"])

    /// The definition with `rule`'s example in place: on its field, or under `rules:`.
    static func definition(_ rule: any CheckRule.Type) -> DatasetDefinition {
        guard rule.scope == .field else { return Fixture.definition(fields: fields, extra: "rules: [\(rule.example)]") }
        let withRule = fields.split(separator: "\n").map { line in
            line.contains("name: \(rule.exampleField),") ? line.dropLast() + ", rules: [\(rule.example)]}" : line
        }.joined(separator: "\n")
        return Fixture.definition(fields: withRule)
    }

    /// The rule's example compiled as a run compiles it (code tables loaded).
    static func compiled(_ rule: any CheckRule.Type) -> RuleCompiler {
        let compiler = RuleCompiler(definition: definition(rule), codeTables: ["gb2260": gb2260], knownTables: nil, runDate: Fixture.runDate)
        compiler.compile()
        return compiler
    }

    @Test("README's table of rule types is the registry's, scope by scope")
    func readmeAgrees() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for scope in RuleScope.allCases {
            let prefix = "| \(scope.rawValue) (default "
            let rows = readme.split(separator: "\n").filter { $0.hasPrefix(prefix) }
            #expect(rows.count == 1, "README has one row for \(scope.rawValue) rules")
            let cells = rows.first.map { $0.split(separator: "|", omittingEmptySubsequences: false) } ?? []
            let types = cells.count > 2 ? cells[2].trimmingCharacters(in: .whitespaces) : ""
            #expect(types == RuleRegistry.readmeTypes(scope), "README row for \(scope.rawValue) rules")
        }
    }

    @Test("slugs are unique within a scope and every rule is described")
    func described() {
        for scope in RuleScope.allCases {
            let slugs = RuleRegistry.rules([scope]).map { $0.slug }
            #expect(Set(slugs).count == slugs.count, "\(scope)")
        }
        #expect(Set(RuleRegistry.slugs([.row])).isDisjoint(with: RuleRegistry.slugs([.table])))
        for rule in RuleRegistry.all {
            #expect(!rule.summary.chinese.isEmpty && !rule.summary.english.isEmpty, "\(rule.slug)")
            #expect(!rule.findings.isEmpty, "\(rule.slug)")
        }
    }

    @Test("each rule's example compiles without diagnostics into report lines its findings describe")
    func examplesMatchFindings() throws {
        for rule in RuleRegistry.all {
            let compiler = Self.compiled(rule)
            #expect(compiler.diagnostics.isEmpty, "\(rule.slug): \(compiler.diagnostics)")
            let lines = compiler.plan.tallies.filter { $0.type == rule.slug }
            #expect(!lines.isEmpty, "\(rule.slug) made no report line")
            for line in lines {
                #expect(rule.findings.contains { Self.matches(line.label, template: $0) },
                        "\(rule.slug): `\(line.label)` is not one of \(rule.findings)")
            }
        }
    }

    @Test("the defaults each rule declares are what a line without severity or dimension gets")
    func defaults() throws {
        for rule in RuleRegistry.all {
            let compiler = Self.compiled(rule)
            for line in compiler.plan.tallies where line.type == rule.slug {
                #expect(line.severity == rule.defaultSeverity, "\(rule.slug)")
                #expect(line.dimension == rule.defaultDimension, "\(rule.slug)")
            }
        }
    }

    /// Whether `label` is `template` with each `{…}` standing for any text; optional clauses
    /// of a template (after `，`) may be absent.
    static func matches(_ label: String, template: String) -> Bool {
        let parts = template.components(separatedBy: "，")
        // Every non-empty prefix of the clauses, so a template lists all optional ones once.
        return (1...parts.count).contains { n in
            let pattern = "^" + parts[0..<n].joined(separator: "，").components(separatedBy: "{").enumerated().map { i, piece in
                if i == 0 { return NSRegularExpression.escapedPattern(for: piece) }
                let rest = piece.split(separator: "}", maxSplits: 1, omittingEmptySubsequences: false)
                return ".+" + NSRegularExpression.escapedPattern(for: rest.count > 1 ? String(rest[1]) : "")
            }.joined() + "$"
            return label.range(of: pattern, options: .regularExpression) != nil
        }
    }
}
