import ODPCore

/// A `reference` rule as the definition writes it: the other dataset, its field, and where
/// both are named (for `odp validate` and for ordering a run).
public struct ReferenceRequirement: Sendable, Hashable {
    public let dataset: String
    public let field: String
    public let datasetLocation: SourceLocation
    public let fieldLocation: SourceLocation
}

/// The keys of another dataset's column, as 64-bit fingerprints (16 bytes a key), so a
/// million-row code list does not become a million `String`s.
public final class ReferenceKeys {
    let set = FingerprintSet(capacity: 4096)
    /// Where the keys came from ("数据集 codes 的已发布版本 2026.12.07.1"), shown in the report.
    public let source: String?

    public init(source: String? = nil) { self.source = source }

    public func insert(_ cell: UnsafeBufferPointer<UInt8>) { _ = set.insert(Fingerprint.hash(cell)) }
    public func insert(_ value: String) { _ = set.insert(Fingerprint.hash(value)) }
}

extension Checker {
    /// Every `reference` rule of a definition, field rules and dataset rules alike.
    public static func references(of definition: DatasetDefinition) -> [ReferenceRequirement] {
        let compiler = RuleCompiler(definition: definition, codeTables: nil, knownTables: nil,
                                    runDate: CivilDateTime(year: 2000, month: 1, day: 1))
        compiler.compile()
        return compiler.plan.references.map {
            ReferenceRequirement(dataset: $0.dataset, field: $0.field, datasetLocation: $0.datasetLocation, fieldLocation: $0.fieldLocation)
        }
    }

    /// The (dataset, field) pairs this checker's `reference` rules wait for, each once, in
    /// definition order.
    public var referencedFields: [(dataset: String, field: String)] {
        var seen = Set<String>()
        return plan.references.compactMap { slot in
            seen.insert(slot.dataset + "\u{0}" + slot.field).inserted ? (slot.dataset, slot.field) : nil
        }
    }

    /// Supplies the keys of another dataset's column for `reference` rules naming it.
    public func provideReference(dataset: String, field: String, keys: ReferenceKeys) {
        for slot in plan.references where slot.dataset == dataset && slot.field == field {
            slot.keys = keys.set
            if let source = keys.source { plan.tallies[slot.tally].metric["reference"] = .string(source) }
        }
    }

    /// Convenience for tests and small code lists.
    public func provideReference(dataset: String, field: String, values: Set<String>) {
        let keys = ReferenceKeys()
        for v in values.sorted() { keys.insert(v) }
        provideReference(dataset: dataset, field: field, keys: keys)
    }

    /// Records why the keys cannot be had (never released, failed in this run …).
    public func referenceUnavailable(dataset: String, field: String, reason: String) {
        for slot in plan.references where slot.dataset == dataset && slot.field == field { slot.unavailable = reason }
    }

    /// Marks rules whose keys never arrived as 未检查 and returns the hold reasons they
    /// cause. A reference that could not be checked must not pass silently: unless the rule
    /// is only a warning, the release waits until the other dataset can be read.
    func unresolvedReferences() -> [String] {
        var reasons: [String] = []
        for slot in plan.references where slot.keys == nil {
            let t = plan.tallies[slot.tally]
            let why = slot.unavailable ?? "未提供数据集 \(slot.dataset) 的字段 \(slot.field) 作为参照"
            t.note = "未检查：\(why)"
            if t.severity != .warn {
                reasons.append("「\(t.label)」未能检查：\(why)［字段 \(t.field ?? slot.field)］")
            }
        }
        return reasons
    }
}
