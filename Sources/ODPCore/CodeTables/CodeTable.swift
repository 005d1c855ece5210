import Foundation

/// A code list (GB/T 2260 regions, GB/T 2261.1 sex, GB/T 4754 industries …) loaded from a
/// file that operators replace when the standard is revised.
///
/// Files: `代码 名称` per line (whitespace-separated, like the GB/T 2260 list), or CSV with a
/// header naming `code`/`代码` and `name`/`名称` columns. A history CSV may add first/last
/// years of use (`启用时间`, `变更/弃用时间`), so a record can be checked against the
/// list in force at its own date.
public struct CodeTable: Sendable {
    public struct Entry: Sendable, Hashable {
        public var name: String
        /// First year in use, and the year it stopped (exclusive), when known.
        public var from: Int?
        public var until: Int?

        public init(name: String, from: Int?, until: Int?) {
            self.name = name
            self.from = from
            self.until = until
        }
    }

    public let name: String
    public private(set) var current: [String: String] = [:]
    public private(set) var history: [String: [Entry]] = [:]
    /// Level of each code in a hierarchical table (1 = top), from a `level` column; empty without.
    public private(set) var levels: [String: Int] = [:]

    public init(name: String, current: [String: String], history: [String: [Entry]] = [:], levels: [String: Int] = [:]) {
        self.name = name
        self.current = current
        self.history = history
        self.levels = levels
    }

    public func contains(_ code: String) -> Bool { current[code] != nil }

    /// Every code, current or historical.
    public var allCodes: Set<String> { Set(current.keys).union(history.keys) }

    /// A fingerprint of the table's content (its version, since tables carry no number): the
    /// SHA-256 of `code TAB name TAB from TAB until LF` lines in code order, current names first.
    public var contentSHA256: String {
        var text = ""
        for code in allCodes.sorted() {
            if let name = current[code] { text += "\(code)\t\(name)\t\t\n" }
            for entry in history[code] ?? [] {
                text += "\(code)\t\(entry.name)\t\(entry.from.map(String.init) ?? "")\t\(entry.until.map(String.init) ?? "")\n"
            }
        }
        return SHA256Hex.of(Data(text.utf8))
    }

    /// Whether `code` was in force during `year` (falls back to the current list without history).
    public func contains(_ code: String, inYear year: Int) -> Bool {
        guard let entries = history[code] else { return history.isEmpty ? current[code] != nil : false }
        return entries.contains { ($0.from ?? Int.min) <= year && year < ($0.until ?? Int.max) }
    }

    public func name(of code: String) -> String? {
        current[code] ?? history[code]?.last?.name
    }

    public static func load(name: String, path: URL, history historyPath: URL? = nil) throws -> CodeTable {
        var table = CodeTable(name: name, current: try readPairs(path), levels: try readLevels(path))
        if let historyPath { table.history = try readHistory(historyPath) }
        return table
    }

    static func readText(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path), var text = String(data: data, encoding: .utf8) else {
            throw ODPError.io(url.path, "无法读取代码表（code table）：文件不存在、没有读权限或不是 UTF-8 文本")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    static func readPairs(_ url: URL) throws -> [String: String] {
        let text = try readText(url)
        var out: [String: String] = [:]
        let lines = text.split(whereSeparator: \.isNewline)
        if url.pathExtension.lowercased() == "csv" {
            guard let header = lines.first else { return [:] }
            let cols = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let ci = cols.firstIndex(where: { ["code", "代码"].contains($0) }),
                  let ni = cols.firstIndex(where: { ["name", "名称"].contains($0) }) else {
                throw ODPError.io(url.path, "代码表 CSV 需要 `code`（代码）和 `name`（名称）两列")
            }
            for line in lines.dropFirst() {
                let parts = line.split(separator: ",", omittingEmptySubsequences: false)
                guard parts.count > max(ci, ni) else { continue }
                out[String(parts[ci]).trimmingCharacters(in: .whitespaces)] = String(parts[ni]).trimmingCharacters(in: .whitespaces)
            }
        } else {
            for (n, line) in lines.enumerated() {
                let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count == 2 else { throw ODPError.data(SourceLocation(file: url.path, line: n + 1), "应为 `代码 名称` 两项，以空格分隔") }
                out[String(parts[0])] = String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        return out
    }

    static func readHistory(_ url: URL) throws -> [String: [Entry]] {
        let text = try readText(url)
        let lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first else { return [:] }
        let cols = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard let ci = cols.firstIndex(where: { ["code", "代码"].contains($0) }),
              let ni = cols.firstIndex(where: { ["name", "名称"].contains($0) }) else {
            throw ODPError.io(url.path, "代码表历史 CSV（history）需要 `代码` 和 `名称` 两列")
        }
        let fi = cols.firstIndex(where: { ["from", "启用时间"].contains($0) })
        let ui = cols.firstIndex(where: { ["until", "变更/弃用时间"].contains($0) })
        var out: [String: [Entry]] = [:]
        for line in lines.dropFirst() {
            let p = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard p.count > max(ci, ni) else { continue }
            let from = fi.flatMap { $0 < p.count ? Int(p[$0]) : nil }
            let until = ui.flatMap { $0 < p.count ? Int(p[$0]) : nil }
            out[p[ci], default: []].append(Entry(name: p[ni], from: from, until: until))
        }
        return out
    }
}
