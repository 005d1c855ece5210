import Foundation
import ODPCore

/// Counts rows added, removed and changed against the previous version by comparing 64-bit
/// fingerprints (primary key → row), and lists schema changes. The previous version's CSV
/// is streamed; both versions' fingerprints are sorted in bounded memory (`FingerprintRuns`)
/// and compared as they are merged.
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
        guard let new = current.fingerprints else { throw ODPError.io(previous.directory.path, "the new version was written without fingerprints") }
        let old = FingerprintRuns(directory: new.directory)
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
            try old.append(key: keyHash, row: rowHash)
        }
        var summary = ChangeSummary(previousVersion: previous.version, comparedBy: keyColumns.isEmpty ? "row" : "primary_key",
                                    added: 0, removed: 0, changed: 0,
                                    schemaChanges: try schemaChanges(previous: previous.directory, current: schema))
        // Without a key every key fingerprint is the same, so the pairs are in row order and
        // the versions are compared as multisets of rows.
        let a = try new.sorted(), b = try old.sorted()
        var x = try a.next(), y = try b.next()
        while x != nil || y != nil {
            guard let n = x else { summary.removed += 1; y = try b.next(); continue }
            guard let o = y else { summary.added += 1; x = try a.next(); continue }
            let sameKey = !keyColumns.isEmpty && n.key == o.key
            if sameKey || n == o {
                if sameKey, n.row != o.row { summary.changed += 1 }
                x = try a.next(); y = try b.next()
            } else if n < o {
                summary.added += 1; x = try a.next()
            } else {
                summary.removed += 1; y = try b.next()
            }
        }
        return summary
    }

    static func schemaChanges(previous: URL, current: Schema) throws -> [SchemaChange] {
        guard let package = try DataPackageDescriptor.read(release: previous) else { return [] }
        let old = package.fields.map { ($0.name, $0.type) }
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
