import ODPCheck
import ODPCore

/// The cross-dataset `reference` rules of a workspace: which dataset waits for which, the
/// definition errors they can have, and the order a run takes so that a dataset is released
/// before the datasets that check their keys against it.
struct ReferenceGraph {
    /// Per definition: the indices of the datasets its rules reference.
    let edges: [[Int]]
    let diagnostics: [Diagnostic]

    /// - Parameter known: every dataset a reference may name (the workspace's, or all of
    ///   `odp.yml`'s when only some files were loaded).
    init(_ definitions: [DatasetDefinition], known: [DatasetDefinition]) {
        var diagnostics: [Diagnostic] = []
        let index = Dictionary(definitions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let byId = Dictionary(known.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var edges = [[Int]](repeating: [], count: definitions.count)
        var firstLocation: [Int: [Int: SourceLocation]] = [:]
        for (i, d) in definitions.enumerated() {
            for r in Checker.references(of: d) {
                guard let other = byId[r.dataset] else {
                    let hint = Self.suggest(r.dataset, in: Array(byId.keys))
                    diagnostics.append(Diagnostic(r.datasetLocation, "reference：没有 id 为 `\(r.dataset)` 的数据集",
                                                  hint: hint ?? "已定义的数据集：\(byId.keys.sorted().joined(separator: "、"))"))
                    continue
                }
                guard let field = other.schema.fields.first(where: { $0.name == r.field }) else {
                    let hint = Self.suggest(r.field, in: other.schema.names)
                    diagnostics.append(Diagnostic(r.fieldLocation, "reference：数据集 \(r.dataset) 没有字段 `\(r.field)`",
                                                  hint: hint ?? "该数据集的字段：\(other.schema.names.joined(separator: "、"))"))
                    continue
                }
                if field.desensitize != nil {
                    diagnostics.append(Diagnostic(r.fieldLocation,
                        "reference：数据集 \(r.dataset) 的字段 `\(r.field)` 经过脱敏或不发布（desensitize），发布的值与源值不同，无法用来比对",
                        hint: "参照的字段须原样发布；或改为参照另一个原样发布的字段"))
                    continue
                }
                guard let j = index[r.dataset] else { continue }
                if !edges[i].contains(j) { edges[i].append(j) }
                if firstLocation[i]?[j] == nil { firstLocation[i, default: [:]][j] = r.datasetLocation }
            }
        }
        self.edges = edges
        for cycle in Self.cycles(edges) {
            let names = (cycle + [cycle[0]]).map { definitions[$0].id }.joined(separator: " → ")
            let at = firstLocation[cycle[0]]?[cycle.count > 1 ? cycle[1] : cycle[0]] ?? SourceLocation(file: definitions[cycle[0]].file)
            diagnostics.append(Diagnostic(at, "reference：数据集之间的参照形成循环：\(names)",
                                          hint: "被参照的数据集须先于参照它的数据集发布；请去掉循环中的一条 reference 规则"))
        }
        self.diagnostics = diagnostics
    }

    /// A did-you-mean only for names long enough that two edits are a typo, not another name.
    static func suggest(_ word: String, in names: [String]) -> String? {
        guard word.count >= 4 else { return nil }
        return Suggest.closest(to: word, in: names).map { "是否应为 `\($0)`？" }
    }

    /// Each cycle once, as definition indices starting at its smallest, in definition order.
    static func cycles(_ edges: [[Int]]) -> [[Int]] {
        var state = [UInt8](repeating: 0, count: edges.count)  // 0 new, 1 on the path, 2 done
        var path: [Int] = []
        var found: [[Int]] = []
        var seen = Set<[Int]>()
        func visit(_ i: Int) {
            state[i] = 1
            path.append(i)
            for j in edges[i] {
                if state[j] == 1 {
                    var cycle = Array(path[path.lastIndex(of: j)!...])
                    let start = cycle.firstIndex(of: cycle.min()!)!
                    cycle = Array(cycle[start...] + cycle[..<start])
                    if seen.insert(cycle).inserted { found.append(cycle) }
                } else if state[j] == 0 {
                    visit(j)
                }
            }
            path.removeLast()
            state[i] = 2
        }
        for i in edges.indices where state[i] == 0 { visit(i) }
        return found
    }

    /// Definition indices with every referenced dataset before the datasets referencing it;
    /// otherwise the definition order, unchanged. (Cycles are definition errors; their
    /// members keep definition order here.)
    func order() -> [Int] {
        // Most catalogs have no references: no need for the quadratic placement below.
        guard edges.contains(where: { !$0.isEmpty }) else { return Array(edges.indices) }
        var placed = [Bool](repeating: false, count: edges.count)
        var out: [Int] = []
        while out.count < edges.count {
            // The first dataset in definition order whose references are all placed.
            let next = edges.indices.first { i in !placed[i] && edges[i].allSatisfy { placed[$0] || $0 == i } }
                ?? edges.indices.first { !placed[$0] }!
            placed[next] = true
            out.append(next)
        }
        return out
    }
}
