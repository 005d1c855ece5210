import Foundation
import ODPCore
import ODPDemoData

/// Where a benchmark run's pipeline (`BenchmarkPipeline`) and outputs live.
enum BenchWorkspace {
    /// The repository's root (the peers' scripts live under it in `bench/peers`).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var codes: URL { repository.appendingPathComponent("pipelines/codes") }

    /// - Parameter truth: the truth-check variant (issue 22): the benchmark definition plus the
    ///   ID number's birth and region checks, the USCC's authority and region checks, and two
    ///   row expressions on the operator's age, so their cost can be set beside the plain job.
    /// - Parameter job: `.real` (k-anonymity, pseudonyms, a unique key) unless a run asks for the light job.
    static func write(table: URL, into dir: URL, csvOnly: Bool, truth: Bool = false, job: BenchmarkPipeline.Job = .real) throws -> String {
        let config = try BenchmarkPipeline.write(table: table, codes: codes, into: dir, csvOnly: csvOnly, job: job)
        if truth { try addTruthChecks(in: dir, codes: codes) }
        return config
    }

    /// Rewrites the written definition in place; fails loudly if the text it edits moved.
    static func addTruthChecks(in dir: URL, codes: URL) throws {
        func edit(_ name: String, _ replacements: [(String, String)]) throws {
            let url = dir.appendingPathComponent(name)
            var text = try String(contentsOf: url, encoding: .utf8)
            for (old, new) in replacements {
                guard text.contains(old) else { throw ODPError.usage("\(url.path) no longer holds \(old)") }
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try edit("odp.yml", [("gb2260-2024.txt}", "gb2260-2024.txt, history: \(codes.path)/gb2260-history.csv}")])
        try edit("bench.yml", [
            ("rules: [gb11643]", "rules: [{type: gb11643, check_birth: true, check_region: true}]"),
            ("rules: [required, gb32100]", "rules: [required, {type: gb32100, check_authority: true, check_region: true, region_field: region_code}]"),
            ("gate:", """
            rules:
              - {type: expression, expression: "years_between(id_birth(id_number), reg_date) >= 16"}
              - {type: expression, expression: "reg_date >= id_birth(id_number)"}
            gate:
            """),
        ])
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
