import ODPCore

extension RuleCompiler {
    /// `level:` of a `code_table` rule: a level name (`section`, `division`, `group`,
    /// `class`) or its number 1–4; nil when absent or wrong (the error is recorded).
    func codeTableLevel(_ r: ConfigReader) -> Int? {
        guard let text = r.string("level") else { return nil }
        if let n = Int(text), (1...CodeTable.levelNames.count).contains(n) { return n }
        if let i = CodeTable.levelNames.firstIndex(of: text) { return i + 1 }
        r.error("\(r.context).level：`\(text)` 不是层级（not a level）", at: r.raw("level")?.location,
                hint: "可写 \(CodeTable.levelNames.joined(separator: ", ")) 或 1–\(CodeTable.levelNames.count)")
        return nil
    }

    /// The byte table of `name`, restricted to one level when `level` is given.
    func byteTable(_ name: String, level: Int?, at location: SourceLocation, context: String) -> ByteCodeTable? {
        guard let level else { return byteTable(name, at: location, context: context) }
        guard let whole = codeTables?[name] else { return byteTable(name, at: location, context: context) }
        if whole.levels.isEmpty {
            error("\(context).level：代码表（code table）`\(name)` 没有层级（levels）", at: location,
                  hint: "带 `level`（层级）列的 CSV 代码表才标明每个代码的层级，如 codes/gb4754-2017.csv")
            return nil
        }
        let key = "\(name)#\(level)"
        if let t = levelTables[key] { return t }
        let t = ByteCodeTable(whole.atLevel(level))
        levelTables[key] = t
        return t
    }
}
