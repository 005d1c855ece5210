import Foundation
import ODPCheck
import ODPCore
import ODPRelease

/// Supplies `reference` rules with the keys of the datasets they name, read from each
/// one's latest released CSV (`latest.json`). A run orders datasets by their references,
/// so a dataset released earlier in the same run is read as this run released it; one held
/// or failed in this run is read as last published. Datasets running in parallel share it;
/// one lock guards the cache (a dataset waits for those it references, so a key set read
/// here is never one a running dataset is still writing).
final class ReferenceKeySource: @unchecked Sendable {
    private let lock = NSLock()
    private let definitions: [String: DatasetDefinition]
    private let root: URL
    private var cache: [String: Result<ReferenceKeys, Unavailable>] = [:]
    /// What happened to each dataset earlier in this run.
    private(set) var statuses: [String: DatasetOutcome.Status] = [:]

    struct Unavailable: Error { let reason: String }

    init(definitions: [DatasetDefinition], root: URL) {
        self.definitions = Dictionary(definitions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.root = root
    }

    /// Records a dataset's outcome in this run; its keys are read afresh afterwards.
    func finished(_ dataset: String, status: DatasetOutcome.Status) {
        lock.lock()
        defer { lock.unlock() }
        statuses[dataset] = status
        cache = cache.filter { !$0.key.hasPrefix(dataset + "\u{0}") }
    }

    func supply(_ checker: Checker) {
        lock.lock()
        defer { lock.unlock() }
        for (dataset, field) in checker.referencedFields {
            switch keys(dataset: dataset, field: field) {
            case .success(let keys): checker.provideReference(dataset: dataset, field: field, keys: keys)
            case .failure(let missing): checker.referenceUnavailable(dataset: dataset, field: field, reason: missing.reason)
            }
        }
    }

    private func keys(dataset: String, field: String) -> Result<ReferenceKeys, Unavailable> {
        let key = dataset + "\u{0}" + field
        if let hit = cache[key] { return hit }
        let result = load(dataset: dataset, field: field)
        cache[key] = result
        return result
    }

    private func load(dataset: String, field: String) -> Result<ReferenceKeys, Unavailable> {
        let thisRun: String
        switch statuses[dataset] {
        case .failed?: thisRun = "本次运行失败"
        case .held?: thisRun = "本次运行暂缓发布"
        case .awaitingApproval?: thisRun = "本次版本待审核"
        default: thisRun = ""
        }
        guard let definition = definitions[dataset], let f = definition.schema.fields.first(where: { $0.name == field }) else {
            return .failure(Unavailable(reason: "数据集 \(dataset) 或其字段 \(field) 未定义"))
        }
        let latest: ReleaseInfo?
        do { latest = try ReleaseReader.latest(datasetId: dataset, root: root) } catch { return .failure(Unavailable(reason: "\(error)")) }
        guard let release = latest else {
            return .failure(Unavailable(reason: "数据集 \(dataset) 尚无已发布版本" + (thisRun.isEmpty ? "" : "（\(thisRun)）")))
        }
        let keys = ReferenceKeys(source: "数据集 \(dataset) 已发布版本 \(release.version) 的字段 \(field)"
                                 + (thisRun.isEmpty ? "" : "（\(thisRun)，沿用此版本）"))
        do {
            try ReleaseReader.readCSV(release: release.directory, datasetId: dataset, schema: Schema([f])) { batch in
                batch.withCells { cells in
                    for row in 0..<batch.rowCount {
                        if let cell = cells[row, 0], cell.count > 0 { keys.insert(cell) }
                    }
                }
            }
        } catch {
            return .failure(Unavailable(reason: "无法读取数据集 \(dataset) 版本 \(release.version) 的数据文件：\(error)"))
        }
        return .success(keys)
    }
}
