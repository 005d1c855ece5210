import Foundation
import ODPCheck
import ODPCore
import ODPDesensitize
import ODPExtract

/// Source values next to what desensitization makes of them, for a data officer checking
/// the rules on a few rows (`odp preview --before-after`). Read from the source on this
/// machine and returned to the caller only: never written, logged or served.
public struct BeforeAfter {
    /// Desensitized fields: name and Chinese title.
    public var fields: [(name: String, title: String)]
    /// Per sample row, per field: the source value and the released one (nil for null;
    /// `dropped` when the field does not leave at all).
    public var rows: [[(before: String?, after: String?)]]
    public var dropped: Set<String>

    /// The first `rows` source rows that pass the checks. Record suppression for
    /// k-anonymity and rare-value blanking need the whole table and are not applied here.
    public static func sample(workspace: Workspace, dataset: String, rows: Int, runDate: CivilDateTime) throws -> BeforeAfter {
        guard let definition = workspace.definitions.first(where: { $0.id == dataset }) else {
            throw ODPError.usage("\(workspace.config.file) 中没有数据集 `\(dataset)`（no dataset）")
        }
        let context = try workspace.stageContext(runDate: runDate)
        let checker = try Checker(definition: definition, context: context)
        let desensitizer = try Desensitizer(definition: definition, context: context)
        let source = try Extractor.open(definition, since: nil)
        defer { source.close() }
        let changed = definition.schema.fields.enumerated().filter { $0.element.desensitize != nil }
        let outputIndex = Dictionary(uniqueKeysWithValues: desensitizer.outputSchema.fields.enumerated().map { ($1.name, $0) })
        var sample = BeforeAfter(fields: changed.map { ($0.element.name, $0.element.title) }, rows: [],
                                 dropped: Set(changed.map(\.element.name).filter { outputIndex[$0] == nil }))
        while sample.rows.count < rows, let batch = try source.next(maxRows: 256) {
            let keep = checker.check(batch)
            let kept = keep.contains(false) ? batch.filtered(keep) : batch
            let out = desensitizer.transform(kept)
            for r in 0..<min(kept.rowCount, rows - sample.rows.count) {
                sample.rows.append(changed.map { c, field in
                    (kept.string(r, c), outputIndex[field.name].flatMap { out.string(r, $0) })
                })
            }
        }
        return sample
    }
}
