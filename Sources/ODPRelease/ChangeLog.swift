import Foundation
import ODPCore

/// Counts rows added, removed and changed against the previous version by comparing 64-bit
/// fingerprints (primary key → row), and lists schema changes. The previous version's CSV
/// is streamed; only two integers per row are kept.
enum ChangeLog {
    static func header(ofRelease release: URL, datasetId: String) throws -> [String] {
        let reader = try CSVRecordReader(url: release.appendingPathComponent("data/\(datasetId).csv"))
        var names: [String]?
        struct Stop: Error {}
        do {
            try reader.forEachRecord { base, fields in
                names = fields.map { String(decoding: CSVRecordReader.unquoted(base, $0), as: UTF8.self) }
                throw Stop()
            }
        } catch is Stop {}
        return names ?? []
    }

    static func compare(current: DataFileWriter, previous: ReleaseInfo, datasetId: String, schema: Schema,
                        keyColumns: [Int], sharedColumns: [Int], previousFields: [String]) throws -> ChangeSummary {
        // Columns of the previous file in the order the current writer hashed them.
        let sharedSource = sharedColumns.map { previousFields.firstIndex(of: schema.fields[$0].name)! }
        let keySource = keyColumns.map { previousFields.firstIndex(of: schema.fields[$0].name)! }
        var oldKeys: [UInt64] = []
        var oldRows: [UInt64] = []
        let reader = try CSVRecordReader(url: previous.directory.appendingPathComponent("data/\(datasetId).csv"))
        var isHeader = true
        try reader.forEachRecord { base, fields in
            if isHeader { isHeader = false; return }
            var rowHash = Fingerprint.seed
            var keyHash = Fingerprint.seed
            // Fields are visited in current-schema order, as the writer hashed them.
            for source in sharedSource where source < fields.count {
                let r = fields[source]
                let h = Fingerprint.hash(base + r.lowerBound, r.count)
                rowHash = Fingerprint.combine(rowHash, h)
            }
            for source in keySource where source < fields.count {
                let r = fields[source]
                keyHash = Fingerprint.combine(keyHash, Fingerprint.hash(base + r.lowerBound, r.count))
            }
            oldRows.append(rowHash)
            oldKeys.append(keyHash)
        }
        var summary = ChangeSummary(previousVersion: previous.version, comparedBy: keyColumns.isEmpty ? "row" : "primary_key",
                                    added: 0, removed: 0, changed: 0,
                                    schemaChanges: schemaChanges(previous: previous.directory, current: schema))
        if keyColumns.isEmpty {
            let (added, removed) = multisetDifference(new: current.rowFingerprints, old: oldRows)
            summary.added = added
            summary.removed = removed
        } else {
            let new = zip(current.keyFingerprints, current.rowFingerprints).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            let old = zip(oldKeys, oldRows).sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            var i = 0, j = 0
            while i < new.count || j < old.count {
                if j == old.count || (i < new.count && new[i].0 < old[j].0) { summary.added += 1; i += 1 }
                else if i == new.count || old[j].0 < new[i].0 { summary.removed += 1; j += 1 }
                else {
                    if new[i].1 != old[j].1 { summary.changed += 1 }
                    i += 1; j += 1
                }
            }
        }
        return summary
    }

    static func multisetDifference(new: [UInt64], old: [UInt64]) -> (added: Int, removed: Int) {
        let a = new.sorted(), b = old.sorted()
        var i = 0, j = 0, added = 0, removed = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { added += 1; i += 1 }
            else if i == a.count || b[j] < a[i] { removed += 1; j += 1 }
            else { i += 1; j += 1 }
        }
        return (added, removed)
    }

    static func schemaChanges(previous: URL, current: Schema) -> [SchemaChange] {
        guard let data = FileManager.default.contents(atPath: previous.appendingPathComponent("datapackage.json").path),
              let package = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let resource = (package["resources"] as? [[String: Any]])?.first,
              let fields = (resource["schema"] as? [String: Any])?["fields"] as? [[String: Any]] else { return [] }
        let old = fields.compactMap { f -> (String, String)? in
            guard let n = f["name"] as? String else { return nil }
            return (n, f["type"] as? String ?? "string")
        }
        let oldTypes = Dictionary(old, uniquingKeysWith: { a, _ in a })
        var changes: [SchemaChange] = []
        for f in current.fields {
            let type = DataPackage.frictionlessType(f.type)
            if let t = oldTypes[f.name] {
                if t != type { changes.append(SchemaChange(kind: .retyped, field: f.name, from: t, to: type)) }
            } else {
                changes.append(SchemaChange(kind: .added, field: f.name, from: nil, to: type))
            }
        }
        for (name, type) in old where current.index(of: name) == nil {
            changes.append(SchemaChange(kind: .removed, field: name, from: type, to: nil))
        }
        return changes
    }
}
