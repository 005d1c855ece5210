import ODPCore

/// GB/T 36344 dimension scores.
///
/// A dimension's score is the share of rows that pass every row-level rule of that
/// dimension, times the share of its table-level checks (table rules, screens, comparisons,
/// timeliness) that pass; a dimension with neither is 未评估. Counting rows rather than
/// cell checks keeps the defects the department delivered visible: 32 bad rows of 3,000
/// score 0.9893, where 32 failed cells among 30,000 cell checks would round to 1. Rows the
/// reader could not read count as rows failing 规范性.
extension Checker {
    static func rowDimensionBits(_ plan: RulePlan) -> [UInt8] {
        var bits = [UInt8](repeating: 0, count: plan.tallies.count)
        let rowLevel = plan.nullChecks.map(\.tally) + plan.cellChecks.map(\.tally)
            + plan.duplicateChecks.map(\.tally) + plan.rowChecks.map(\.tally)
        for t in rowLevel { bits[t] = Self.bit(plan.tallies[t].dimension) }
        return bits
    }

    static func bit(_ d: QualityDimension) -> UInt8 { 1 << UInt8(QualityDimension.allCases.firstIndex(of: d)!) }

    func countRowFailures(_ failedDimensions: [UInt8]) {
        for mask in failedDimensions where mask != 0 {
            for i in rowFailures.indices where mask & (1 << UInt8(i)) != 0 { rowFailures[i] += 1 }
        }
    }

    /// Fills the gate's per-check counts and the row and table parts of each score.
    func tallyScores(into gate: inout GateDecision) {
        for (i, t) in plan.tallies.enumerated() where t.checked > 0 {
            let v = gate.dimensions[t.dimension] ?? (0, 0)
            gate.dimensions[t.dimension] = (v.passed + t.passed, v.checks + t.checked)
            if i < rowDimensionBits.count, rowDimensionBits[i] != 0 {
                let d = QualityDimension.allCases.firstIndex(of: t.dimension)!
                gate.rows[t.dimension] = (rowsChecked - rowFailures[d], rowsChecked)
            } else {
                let v = gate.tables[t.dimension] ?? (0, 0)
                gate.tables[t.dimension] = (v.passed + t.passed, v.checks + t.checked)
            }
        }
        // A row the reader could not read was delivered too, and conforms to nothing.
        if unreadableRows > 0 {
            let c = gate.rows[.conformity] ?? (rowsChecked, rowsChecked)
            gate.rows[.conformity] = (c.passed, c.rows + unreadableRows)
        }
    }
}
