import Foundation
import ODPCheck
import ODPCore
import ODPDemoData
import ODPDesensitize
import ODPExtract
import ODPPipeline
import ODPRelease

/// `odp-bench --formats ROWS`: the release's data file writers alone, over the benchmark
/// table's released values (read, checked and desensitized into memory first): the CSV
/// writer (`release: {formats: [csv]}`'s data pass) against the Parquet writer, each over the
/// same batches, with the files' sizes. The figures of docs/performance.md's "Parquet".
enum FormatsBench {
    static func run(rows: Int, dataDir: URL) throws {
        let table = try DemoGenerator.benchmarkTable(rows: rows, in: dataDir)
        let work = dataDir.appendingPathComponent("formats-\(rows)")
        try? FileManager.default.removeItem(at: work)
        let workspace = try Workspace.load(configPath: try BenchWorkspace.write(table: table, into: work, csvOnly: true, truth: false))
        guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
        let definition = workspace.definitions[0]
        let context = try workspace.stageContext(runDate: RunOptions().runDate)
        let source = try Extractor.open(definition, since: nil, environment: [:])
        let checker = try Checker(definition: definition, context: context)
        let desensitizer = try Desensitizer(definition: definition, context: context)
        var batches: [RowBatch] = []
        while let batch = try source.next(maxRows: 8192) {
            let keep = checker.check(batch)
            batches.append(desensitizer.transform(keep.contains(false) ? batch.filtered(keep) : batch))
        }
        source.close()
        let schema = desensitizer.outputSchema

        for round in 1...3 {
            let dir = work.appendingPathComponent("round-\(round)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var watch = Stopwatch()
            let csv = try ReleaseWriter(definition: withFormats(definition, [.csv]), schema: schema, outputRoot: dir.appendingPathComponent("csv"),
                                        runTime: Date())
            for batch in batches { try csv.write(batch) }
            let csvSeconds = watch.elapsed
            let csvOutcome = try csv.finish(reports: [], status: .released, gate: nil)
            let csvBytes = csvOutcome.files.first { $0.path.hasSuffix(".csv") }?.bytes ?? 0

            let url = dir.appendingPathComponent("table.parquet")
            watch = Stopwatch()
            let parquet = try ParquetWriter(schema: schema, url: url)
            for batch in batches { try parquet.write(batch) }
            let parquetBytes = try parquet.finish().bytes
            let parquetSeconds = watch.elapsed
            print(String(format: "round %d: CSV writer %.2f s, %d bytes; Parquet writer %.2f s, %d bytes (%.1f %% of the CSV)",
                         round, csvSeconds, csvBytes, parquetSeconds, parquetBytes, 100 * Double(parquetBytes) / Double(max(1, csvBytes))))
            try? FileManager.default.removeItem(at: dir)
        }
    }

    private static func withFormats(_ d: DatasetDefinition, _ formats: [DatasetDefinition.DataFormat]) -> DatasetDefinition {
        var copy = d
        copy.formats = formats
        return copy
    }
}
