import ODPCore

struct MaskEmbeddedOperator: OperatorUnit {
    static let slug = "mask_embedded"
    static let parameters: String? = "`fields` (direct fields of the same row), `char` (default `*`): masks their values where they occur inside this field (宁阳县付强理发及美容服务部 → 宁阳县付*理发及美容服务部)"
    static let summary = UnitSummary(chinese: "将同一行直接标识符字段的取值在本字段中掩码（中文姓名保留姓氏）",
                                     english: "Masks the values of direct fields of the same row where they occur inside this one")
    static let findings = ["其中含有的同一行{字段}的取值已掩码：中文姓名保留姓氏，其余字符以“{char}”代替"]

    /// The direct fields whose values are masked here.
    let fields: [String]
    let char: [UInt8]

    /// `{op: mask_embedded, fields: [operator_name], char: "*"}` on a published field: the
    /// values of the named direct fields of the same row are masked where they occur in it.
    ///
    /// ## Definition errors
    /// - `fields` missing or empty, naming a field that does not exist, or one that is not
    ///   `class: direct` (only direct values are looked for by the same-row check).
    /// - On a direct field itself: the rest of a direct value would be published as it is.
    static func parse(_ op: OperatorParse) -> MaskEmbeddedOperator? {
        let r = op.r, label = op.label, field = op.field, schema = op.schema
        let char = r.string("char") ?? "*"
        if char.isEmpty { r.error("\(label).char 不能为空", at: r.raw("char")?.location) }
        if field.privacyClass == .direct {
            r.error("\(label)：`mask_embedded` 只遮盖其他字段的值；`\(field.name)` 本身就是直接标识符（direct identifier）",
                    at: r.raw("op")?.location ?? r.location, hint: "直接标识符字段请用 mask、pseudonym 或 drop")
        }
        let items: [ConfigValue]
        switch r.raw("fields") {
        case nil:
            r.error("\(label)：缺少必填键（missing required key）`fields`", hint: "例如 `fields: [operator_name]`：要在本字段中遮盖其值的直接标识符字段")
            return nil
        case .list(let list, _)?: items = list
        case let value?: items = [value]
        }
        if items.isEmpty { r.error("\(label).fields 至少要列出一个字段", at: r.raw("fields")?.location) }
        var names: [String] = []
        for item in items {
            guard let name = item.scalar else {
                r.error("\(label).fields 应为字段名列表", at: item.location)
                continue
            }
            guard let other = schema.fields.first(where: { $0.name == name }) else {
                r.absorb([DatasetDefinition.undefinedField(name, at: item.location, names: schema.names, context: "\(label).fields")])
                continue
            }
            guard other.privacyClass == .direct else {
                r.error("\(label).fields：`\(name)` 不是直接标识符（not a direct identifier，class: \(other.privacyClass.rawValue)）", at: item.location,
                        hint: "只在其他字段中查找 `class: direct` 字段的值")
                continue
            }
            names.append(name)
        }
        return MaskEmbeddedOperator(fields: names, char: Array(char.utf8))
    }

    func compile(_ c: OperatorCompile) throws -> any CellOperator {
        Cell(columns: fields.compactMap(c.sourceSchema.index(of:)), char: char)
    }

    func note(_ c: OperatorNote) -> String {
        let named = fields.compactMap { name in c.schema.fields.first { $0.name == name }?.title }.joined(separator: "、")
        return "其中含有的同一行\(named)的取值已掩码：中文姓名保留姓氏，其余字符以“\(String(decoding: char, as: UTF8.self))”代替"
    }

    struct Cell: CellOperator {
        /// Source columns whose values are masked in this one.
        let columns: [Int]
        let char: [UInt8]

        /// Masks each occurrence of a `mask_embedded` field's value (same row) in `cell`, like a
        /// name mask: a Chinese value keeps its surname (宁阳县付*理发及美容服务部, 欧阳**), any other
        /// value is masked whole, one mask character per character. The cell is copied when
        /// nothing was found.
        ///
        /// Looks for the same values as the same-row check (`EmbeddedIdentifiers.needle`), so a
        /// cell this leaves unchanged has no such hit and a changed one has none left.
        func apply(_ cell: UnsafeBufferPointer<UInt8>, _ cells: RowBatch.Cells, row: Int, out: inout [UInt8],
                   found: (IdentifierKind) -> Void) -> CellResult {
            // Allocated only when a value is found: most cells hold none.
            var spans: [(range: Range<Int>, keep: Int)] = []
            for d in columns {
                guard let value = cells[row, d], let needle = EmbeddedIdentifiers.needle(value) else { continue }
                var from = 0
                while let at = EmbeddedIdentifiers.find(needle, in: cell, from: from, to: cell.count) {
                    spans.append((at..<(at + needle.count), ChineseNames.surnameLength(needle)))
                    from = at + needle.count
                }
            }
            guard !spans.isEmpty else { return .copy }
            spans.sort { $0.range.lowerBound < $1.range.lowerBound }
            var at = 0
            for span in spans where span.range.upperBound > at {
                // An occurrence overlapping one already masked is masked from there on, surname included.
                let start = max(at, span.range.lowerBound)
                let kept = start == span.range.lowerBound ? span.keep : 0
                out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at..<(start + kept)]))
                for i in (start + kept)..<span.range.upperBound where cell[i] & 0xC0 != 0x80 { out.append(contentsOf: char) }
                at = span.range.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: cell[at...]))
            return .scratch
        }
    }
}
