import Foundation
import ODPCore
import ODPRelease

/// A dataset with a public version whose definition is no longer in odp.yml. Its files stay
/// where they were published (output folder, portal, targets) while the open list leaves it
/// out, so `odp run` and `odp status` name it until its definition comes back.
public struct OrphanedDataset: Codable, Sendable, Equatable {
    public var dataset: String
    public var version: String

    public init(dataset: String, version: String) {
        self.dataset = dataset
        self.version = version
    }

    /// For data officers: what it is and what to do.
    public var message: String {
        "数据集 \(dataset) 已不在 odp.yml 中，但其版本 \(version) 仍可从输出目录、门户和上传目标下载，只是不再列入开放清单"
            + "（orphaned）：如仍应开放，请恢复其定义；如应停止开放，请用 odp withdraw \(dataset) --reason 原因 --by 操作人 撤回"
    }
}

public enum OrphanedDatasets {
    /// Every dataset folder under `releases/` with a `latest.json`, no definition and no
    /// whole-dataset withdrawal in force, by id.
    public static func find(layout: OutputLayout, definitions: [DatasetDefinition]) -> [OrphanedDataset] {
        let list = WithdrawalList(withdrawals: (try? WithdrawalBook(layout: layout).list()) ?? [])
        let defined = Set(definitions.map(\.id)).union(list.withdrawals.compactMap { list.activeDatasetWithdrawal($0.dataset)?.dataset })
        let names = (try? FileManager.default.contentsOfDirectory(atPath: layout.releases.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !defined.contains($0) }.sorted().compactMap { id in
            ((try? ReleaseReader.latest(datasetId: id, root: layout.root)) ?? nil).map { OrphanedDataset(dataset: id, version: $0.version) }
        }
    }
}
