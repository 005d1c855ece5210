import Foundation
import ODPDemoData

/// Where a benchmark run's pipeline (`BenchmarkPipeline`) and outputs live.
enum BenchWorkspace {
    static func write(table: URL, into dir: URL, csvOnly: Bool) throws -> String {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try BenchmarkPipeline.write(table: table, codes: repo.appendingPathComponent("pipelines/codes"), into: dir, csvOnly: csvOnly)
    }

    static func releasedCSV(in dir: URL) -> URL? {
        find(in: dir.appendingPathComponent("out/releases/\(BenchmarkPipeline.datasetID)")) { $0.hasSuffix(".csv") }
    }

    static func zip(in dir: URL) -> URL? {
        find(in: dir.appendingPathComponent("out/packages")) { $0.hasSuffix(".zip") }
    }

    static func find(in dir: URL, _ match: (String) -> Bool) -> URL? {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return nil }
        for case let url as URL in e where match(url.lastPathComponent) { return url }
        return nil
    }
}
