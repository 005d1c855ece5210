import ODPCore

/// Equivalence classes over the quasi-identifiers, counted in one streaming pass.
///
/// Memory grows with the number of classes, not rows: each class is a 64-bit hash of its
/// quasi-identifier tuple with a count, and per sensitive field a set of value hashes that
/// stops growing at `l` (distinct l-diversity only needs to know whether `l` is reached).
struct EquivalenceClasses {
    struct Stats {
        var count: Int = 0
        /// Per sensitive field, up to `l` distinct value hashes.
        var sensitive: [[UInt64]]
    }

    let quasi: [Int]
    let sensitive: [Int]
    let lCap: Int
    private(set) var classes: [UInt64: Stats] = [:]
    private(set) var records = 0

    init(quasi: [Int], sensitive: [Int], l: Int?) {
        self.quasi = quasi
        self.sensitive = sensitive
        // Without an l target the distinct count is still reported, capped at 16.
        self.lCap = l ?? 16
    }

    /// FNV-1a over the cells with a separator, null distinct from empty.
    @inline(__always)
    static func hash(_ cells: RowBatch.Cells, row: Int, columns: [Int]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in columns {
            if let cell = cells[row, c] {
                for b in cell { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
                h = (h ^ 0x1F) &* 0x0000_0100_0000_01b3
            } else {
                h = (h ^ 0x1E) &* 0x0000_0100_0000_01b3
                h = (h ^ 0x1E) &* 0x0000_0100_0000_01b3
            }
        }
        return h
    }

    @inline(__always)
    static func hash(_ cells: RowBatch.Cells, row: Int, column: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        guard let cell = cells[row, column] else { return 0 }
        for b in cell { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }

    mutating func add(_ batch: RowBatch) {
        guard !quasi.isEmpty else { return }
        batch.withCells { cells in
            for r in 0..<batch.rowCount {
                let key = Self.hash(cells, row: r, columns: quasi)
                classes[key, default: Stats(sensitive: Array(repeating: [], count: sensitive.count))].count += 1
                for (i, c) in sensitive.enumerated() where classes[key]!.sensitive[i].count < lCap {
                    let v = Self.hash(cells, row: r, column: c)
                    if !classes[key]!.sensitive[i].contains(v) { classes[key]!.sensitive[i].append(v) }
                }
            }
        }
        records += batch.rowCount
    }

    /// The distinct sensitive values of a class (the smallest over sensitive fields).
    func diversity(_ s: Stats) -> Int { s.sensitive.map(\.count).min() ?? Int.max }
}

/// The figures reported for k-anonymity and re-identification risk (ARX's definitions).
struct AnonymityResult {
    var records = 0
    var classes = 0
    var recordsSuppressed = 0
    var classesSuppressed = 0
    /// Share of records in classes smaller than the k target, before suppression.
    var shareBelowK = 0.0
    var kAchieved: Int?
    var lAchieved: Int?
    /// After suppression: highest and average prosecutor risk, marketer risk.
    var prosecutorMax = 0.0
    var prosecutorAverage = 0.0
    var marketer = 0.0
    /// Keys of classes to leave out.
    var suppressedKeys: Set<UInt64> = []

    /// - Journalist risk needs the population's class sizes, which ODP does not have: the
    ///   dataset is taken as its own population (sample = population), where ARX's
    ///   journalist risk equals the prosecutor risk. Reported as such and labelled.
    init() {}

    init(_ ec: EquivalenceClasses, k: Int?, l: Int?) {
        records = ec.records
        classes = ec.classes.count
        var below = 0
        for (key, s) in ec.classes {
            let small = k.map { s.count < $0 } ?? false
            if small { below += s.count }
            let notDiverse = l.map { ec.diversity(s) < $0 } ?? false
            if small || notDiverse {
                suppressedKeys.insert(key)
                recordsSuppressed += s.count
                classesSuppressed += 1
            }
        }
        shareBelowK = records == 0 ? 0 : Double(below) / Double(records)
        let kept = ec.classes.filter { !suppressedKeys.contains($0.key) }
        let keptRecords = records - recordsSuppressed
        kAchieved = kept.values.map(\.count).min()
        if !ec.sensitive.isEmpty { lAchieved = kept.values.map { ec.diversity($0) }.min() }
        if let kAchieved, keptRecords > 0 {
            prosecutorMax = 1.0 / Double(kAchieved)
            // Average prosecutor risk: Σ over records of 1/|class| / n = #classes / n.
            prosecutorAverage = Double(kept.count) / Double(keptRecords)
            // Marketer risk (sample = population): expected share re-identified = #classes / n.
            marketer = Double(kept.count) / Double(keptRecords)
        }
    }
}
