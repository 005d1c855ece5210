import ODPCore

enum MaskOperator: OperatorUnit {
    static let slug = "mask"
    static let parameters: String? = "`keep_first`, `keep_last` (characters; Chinese-aware: 张*明), `char` (default `*`)"
    static let summary = UnitSummary(chinese: "保留首尾若干字符，其余以掩码字符代替",
                                     english: "Keeps the first and last characters and masks the rest")
    static let findings = ["已掩码：保留前 {keep_first} 个、后 {keep_last} 个字符，其余以“{char}”代替"]

    static func parse(_ op: OperatorParse) -> Operator? {
        let r = op.r
        let first = r.int("keep_first", range: 0...64) ?? 0
        let last = r.int("keep_last", range: 0...64) ?? 0
        let char = r.string("char") ?? "*"
        if char.isEmpty { r.error("\(op.label).char 不能为空", at: r.raw("char")?.location) }
        return .mask(keepFirst: first, keepLast: last, char: Array(char.utf8))
    }
}
