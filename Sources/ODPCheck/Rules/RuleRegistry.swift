import ODPCore

/// Every rule type ODPCheck knows, the single place they are listed. Order is README's.
enum RuleRegistry {
    static let all: [any CheckRule.Type] = [
        RequiredRule.self, UniqueRule.self, MinRule.self, MaxRule.self, LengthRule.self, PatternRule.self,
        EnumRule.self, CodeTableRule.self, GB11643Rule.self, GB32100Rule.self, GB11714Rule.self, LuhnRule.self,
        DateRangeRule.self, FieldReferenceRule.self,
        ExpressionRule.self, IDBirthMatchesRule.self, IDSexMatchesRule.self, RegionMatchesAddressRule.self,
        RowCountRule.self, DuplicateRowsRule.self, DuplicateKeysRule.self, CompletenessRule.self, SumEqualsRule.self,
        TableReferenceRule.self,
    ]

    /// The implicit check of a field's declared type; listed in `rules:` only to change its severity.
    static let typeSlug = "type"

    static func rules(_ scopes: Set<RuleScope>) -> [any CheckRule.Type] { all.filter { scopes.contains($0.scope) } }

    static func slugs(_ scopes: Set<RuleScope>) -> [String] {
        var seen = Set<String>()
        return rules(scopes).map { $0.slug }.filter { seen.insert($0).inserted }
    }

    static func rule(_ slug: String, in scopes: Set<RuleScope>) -> (any CheckRule.Type)? {
        rules(scopes).first { $0.slug == slug }
    }

    /// README's cell for one scope: each slug with its parameters, in registry order.
    static func readmeTypes(_ scope: RuleScope) -> String {
        rules([scope]).map { $0.readmeEntry }.joined(separator: ", ")
    }
}
