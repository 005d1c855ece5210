import Foundation
import ODPCheck
import ODPCore
import ODPDesensitize
import ODPExtract
import ODPPipeline

/// The check and desensitize stages alone, over batches read into memory first: checking
/// on one thread, desensitizing as in a run (its "before" scan on a second thread). Inside a pipeline run the stages share two cores with reading, writing and the
/// idle-priority deflate, so their busy time there includes waiting for a core; this is what
/// the stage itself costs per row, the figure the per-stage speed targets are about.
enum StageAlone {
    static func measure(configPath: String) throws -> [String: Double] {
        let workspace = try Workspace.load(configPath: configPath)
        guard workspace.errors.isEmpty else { throw ODPError.definition(workspace.errors) }
        let definition = workspace.definitions[0]
        let context = try workspace.stageContext(runDate: RunOptions().runDate)
        let source = try Extractor.open(definition, since: nil, environment: [:])
        var batches: [RowBatch] = []
        while let batch = try source.next(maxRows: 8192) { batches.append(batch) }
        source.close()

        // One thread checks and desensitizes each batch in turn, as the pipeline's middle
        // thread does, and drops the output, so memory is reused as it is there.
        let checker = try Checker(definition: definition, context: context)
        let desensitizer = try Desensitizer(definition: definition, context: context)
        let released = ReleasedProfile(schema: desensitizer.outputSchema)
        var check = 0.0, desensitize = 0.0, bytes = 0
        for batch in batches {
            let watch = Stopwatch()
            let keep = checker.check(batch)
            let kept = keep.contains(false) ? batch.filtered(keep) : batch
            let checked = watch.elapsed
            let out = desensitizer.transform(kept)
            bytes += out.byteCount
            desensitize += watch.elapsed - checked
            // The released profile replaced the checker's own category count: it is check work.
            let profiled = watch.elapsed
            released.add(out)
            check += checked + watch.elapsed - profiled
        }
        var watch = Stopwatch()
        _ = checker.finish(released: released)
        check += watch.elapsed
        watch = Stopwatch()
        _ = desensitizer.finish()
        desensitize += watch.elapsed
        precondition(bytes > 0)
        return ["check": check, "desensitize": desensitize]
    }
}
