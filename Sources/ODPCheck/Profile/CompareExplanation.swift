import ODPCore

/// One entry of `compare.explain`: why a flagged change is expected, scoped so that it
/// cannot silence the jumps of later releases.
///
/// ```yaml
/// compare:
///   explain:
///     - {version: 2026.12.07.1, text: 2026年起合并两区数据}          # the flagged version
///     - {metric: row_count, until: 2026-12-31, text: 年底集中补录}    # a metric, up to a day
/// ```
///
/// ## Edge behaviour
/// A version-scoped entry applies to the release it names and, when that one was held, to
/// the re-run that follows; once a version at or after it is released it is stale. A
/// dated entry is stale after `until`. The old single-string form is read but stale from
/// the start: it named no version, so it would have silenced every future change.
struct CompareExplanation {
    enum Status: String { case applies, pending, stale }

    let text: String
    /// `row_count`, `null_rate`, `mean`, `sum` or `schema`; nil = every compared metric.
    let metric: String?
    let version: [Int]?
    let versionText: String?
    let until: CivilDateTime?
    let legacy: Bool

    static let metrics = ["row_count", "null_rate", "mean", "sum", "schema"]
    static let example = "explain: [{version: 2026.12.07.1, text: 说明}] 或 [{metric: row_count, until: 2026-12-31, text: 说明}]"

    /// Reads `compare.explain`: a list of entries, or the old single string (with a warning).
    static func parse(_ r: ConfigReader) -> [CompareExplanation] {
        guard let value = r.raw("explain") else { return [] }
        if let text = value.scalar {
            r.warning("compare.explain 是不限版本的单条说明，会掩盖以后每一次被标记的变化，现已视为过期、不再生效",
                      at: value.location, hint: "请写明适用范围：\(example)")
            return [CompareExplanation(text: text, metric: nil, version: nil, versionText: nil, until: nil, legacy: true)]
        }
        return r.list("explain").compactMap { item in
            let e = ConfigReader(item, context: "compare.explain")
            defer { r.absorb(e.finish()) }
            guard let text = e.string("text", required: true) else { return nil }
            let metric = e.choice("metric", of: metrics)
            let versionText = e.string("version")
            let version = versionText.flatMap(parseVersion)
            if let versionText, version == nil {
                e.error("compare.explain.version：`\(versionText)` 不是版本号（格式 YYYY.MM.DD.N，如 2026.12.07.1）", at: e.raw("version")?.location)
            }
            var until: CivilDateTime?
            if let s = e.string("until") {
                until = DateFormat.isoDate.parse(s)
                if until == nil { e.error("compare.explain.until：`\(s)` 不是日期（YYYY-MM-DD）", at: e.raw("until")?.location) }
            }
            if (versionText == nil) == (e.string("until") == nil) {
                e.error("compare.explain：每条说明须写明 `version`（所说明的版本）或 `until`（截止日期，需同时写 `metric`）二者之一",
                        at: item.location, hint: example)
            } else if until != nil, metric == nil {
                e.error("compare.explain：按日期生效的说明须写明 `metric`（\(metrics.joined(separator: "、"))）", at: item.location)
            }
            return CompareExplanation(text: text, metric: metric, version: version, versionText: versionText, until: until, legacy: false)
        }
    }

    /// `YYYY.MM.DD.N` as numbers, compared part by part (as release versions sort).
    static func parseVersion(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        return parts.map { $0! }
    }

    /// - Parameters:
    ///   - released: the newest released version (the previous release), if any.
    ///   - candidate: the version this run will create, when the caller knows it.
    func status(released: String?, candidate: String?, runDate: CivilDateTime) -> Status {
        if legacy { return .stale }
        if let until { return CivilDateTime(year: runDate.year, month: runDate.month, day: runDate.day) > until ? .stale : .applies }
        guard let version else { return .stale }
        if let released = released.flatMap(Self.parseVersion), released.lexicographicallyPrecedes(version) == false { return .stale }
        if let candidate = candidate.flatMap(Self.parseVersion), candidate.lexicographicallyPrecedes(version) { return .pending }
        return .applies
    }

    func covers(_ metric: String) -> Bool { self.metric == nil || self.metric == metric }

    var json: ArtifactJSON {
        var o: ArtifactJSON = ["text": .string(text)]
        if let metric { o["metric"] = .string(metric) }
        if let versionText { o["version"] = .string(versionText) }
        if let until { o["until"] = .string(until.isoDate) }
        return o
    }
}
