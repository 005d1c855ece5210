import Foundation
import ODPCore

/// The published catalog held in memory for the list, search, department and topic pages.
/// Built once per change of the output tree (`PortalIndexCache`), never per request: a
/// request at 21,000 datasets walks arrays (a byte search per dataset for a text query)
/// instead of reading 21,000 release folders and the whole open list.
struct PortalIndex: Sendable {
    /// The orders the list offers; ties fall back to title, then id, so pages are stable.
    enum Sort: String, Sendable, CaseIterable {
        case title, updated, provider

        var label: String {
            switch self {
            case .title: return "名称"
            case .updated: return "最近更新"
            case .provider: return "提供方"
            }
        }
    }

    /// A 提供方 (department) or 数据领域 (topic) and how many datasets it has.
    struct Facet: Sendable, Equatable {
        var name: String
        var count: Int
    }

    /// Published datasets, by title then id.
    let records: [DatasetRecord]
    /// Per record, lowercased UTF-8: title, summary, provider, code, id, keywords and every
    /// field's name and title (the schema), one per line so no term spans two of them.
    let searchText: [[UInt8]]
    /// Positions in `records` for each order.
    let orders: [Sort: [Int]]
    let position: [String: Int]
    let providers: [Facet]
    let domains: [Facet]
    let openTypes: [String]
    let cycles: [String]
    /// The open list's entries by dataset id (the dataset page merges its record from it).
    let openList: [String: OpenListDocument.Entry]

    /// - Parameter fields: each dataset's published fields (name, title), searched too.
    init(records unsorted: [DatasetRecord], fields: [String: [(name: String, title: String)]] = [:],
         openList: [String: OpenListDocument.Entry] = [:]) {
        let records = unsorted.sorted { ($0.title, $0.id) < ($1.title, $1.id) }
        self.records = records
        self.openList = openList
        searchText = records.map { r in
            var parts = [r.title, r.summary ?? "", r.provider ?? "", r.code ?? "", r.id] + r.keywords
            for f in fields[r.id] ?? [] { parts += [f.name, f.title] }
            return Array(parts.joined(separator: "\n").lowercased().utf8)
        }
        let all = Array(records.indices)
        // Stable sorts over the title order: equal keys keep title, then id.
        let updated = all.map { records[$0].updated ?? "" }
        let provider = all.map { records[$0].provider ?? "" }
        orders = [
            .title: all,
            .updated: all.sorted { updated[$0] != updated[$1] ? updated[$0] > updated[$1] : $0 < $1 },
            .provider: all.sorted { provider[$0] != provider[$1] ? provider[$0] < provider[$1] : $0 < $1 },
        ]
        position = Dictionary(records.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        func facets(_ values: [String?]) -> [Facet] {
            var counts: [String: Int] = [:]
            for case let v? in values where !v.isEmpty { counts[v, default: 0] += 1 }
            return counts.map { Facet(name: $0.key, count: $0.value) }.sorted { $0.name < $1.name }
        }
        providers = facets(records.map(\.provider))
        domains = facets(records.map(\.domain))
        openTypes = facets(records.map(\.openType)).map(\.name)
        cycles = facets(records.map(\.updateCycle)).map(\.name)
        judged = records.compactMap { r in
            guard let cycle = r.updateCycle.flatMap(UpdateCycle.init(rawValue:)), cycle != .irregular,
                  let updated = r.updated.flatMap(BeijingTime.parse) else { return nil }
            return (cycle, updated)
        }
    }

    /// 更新周期 and last release of every dataset judged for 更新及时率 (不定期 is not).
    let judged: [(cycle: UpdateCycle, updated: Date)]

    /// "更新及时率 75.0%（3/4 项按时）" as of `now`; nil when no dataset is judged.
    func timelinessText(now: Date) -> String? {
        guard !judged.isEmpty else { return nil }
        let onTime = judged.filter { !$0.cycle.isOverdue(lastRelease: $0.updated, now: now) }.count
        return String(format: "更新及时率 %.1f%%", Double(onTime) * 100 / Double(judged.count)) + "（\(onTime)/\(judged.count) 项按时）"
    }

    /// Positions of the records the query selects, in its order.
    func select(_ query: CatalogQuery) -> [Int] {
        let terms = query.q.lowercased().split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).map { Array($0.utf8) }
        return (orders[query.sort] ?? []).filter { i in
            let r = records[i]
            guard (query.domain.isEmpty || r.domain == query.domain) && (query.provider.isEmpty || r.provider == query.provider)
                && (query.open.isEmpty || r.openType == query.open) && (query.cycle.isEmpty || r.updateCycle == query.cycle) else { return false }
            return terms.isEmpty || searchText[i].withUnsafeBufferPointer { text in
                terms.allSatisfy { term in
                    term.withUnsafeBufferPointer { ByteSearch.find($0, in: text, from: 0, to: text.count) != nil }
                }
            }
        }
    }
}
