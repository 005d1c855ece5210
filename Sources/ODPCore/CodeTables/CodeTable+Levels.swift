import Foundation

extension CodeTable {
    /// The level names of a hierarchical table, shallowest first, as a `code_table` rule may
    /// name them (GB/T 4754: 门类 section, 大类 division, 中类 group, 小类 class).
    public static let levelNames = ["section", "division", "group", "class"]

    /// The table restricted to the codes of one level (1 = the top), for a `code_table` rule
    /// with `level:`. Empty when the file has no `level` (`层级`) column.
    public func atLevel(_ level: Int) -> CodeTable {
        CodeTable(name: "\(name)#\(level)", current: current.filter { levels[$0.key] == level },
                  history: history.filter { levels[$0.key] == level }, levels: levels.filter { $0.value == level })
    }

    /// `level` (`层级`) of each code of a CSV table that has such a column; empty otherwise.
    static func readLevels(_ url: URL) throws -> [String: Int] {
        guard url.pathExtension.lowercased() == "csv" else { return [:] }
        let lines = try readText(url).split(whereSeparator: \.isNewline)
        guard let header = lines.first else { return [:] }
        let cols = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let ci = cols.firstIndex(where: { ["code", "代码"].contains($0) }),
              let li = cols.firstIndex(where: { ["level", "层级"].contains($0) }) else { return [:] }
        var out: [String: Int] = [:]
        for (n, line) in lines.enumerated().dropFirst() {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count > max(ci, li) else { continue }
            guard let level = Int(parts[li].trimmingCharacters(in: .whitespaces)) else {
                throw ODPError.data(SourceLocation(file: url.path, line: n + 1), "`level`（层级）应为整数（1 表示最高一级）")
            }
            out[parts[ci].trimmingCharacters(in: .whitespaces)] = level
        }
        return out
    }
}
