import Foundation
import ODPCore

/// What the catalog files depend on, as one digest, computed with `stat` and no file reads
/// beyond the notices already in memory: unchanged catalogs are recognised in about a second
/// at 21,000 datasets instead of being rendered again.
///
/// The digest covers:
/// - this odp executable (its size and times: a new build may render differently);
/// - `odp.yml` (its stat) and the publisher and public base URL read from it;
/// - the UTC and Beijing days of the run (更新状态 is judged per Beijing day, the gate's
///   birth-date plausibility per run day);
/// - the correction notices and withdrawals;
/// - whether `state/usage.json` exists (it adds the open list's two usage columns), but not
///   its counts: a busy portal rewrites it every 30 seconds, and re-rendering and uploading
///   the whole catalog for new counts cost two minutes of every run at 21,000 datasets. The
///   counts are refreshed whenever the catalog is rebuilt for another reason, and at least
///   with every new day;
/// - per defined dataset: its definition's hash, and the stat of `latest.json` and of every
///   version's `release.json` and `datapackage.json` (releases are written by rename, so a
///   new release, an approval or a restored version changes an inode or a time).
enum CatalogInputsDigest {
    static func compute(configFile: String?, publisher: String, base: String?, definitions: [DatasetDefinition], outputRoot: URL, generatedAt: Date,
                        errata: [Erratum], withdrawals: [CatalogWithdrawal]) throws -> String {
        var text = "catalog-inputs 1\n"
        text += "odp \(stamp("/proc/self/exe") ?? ODPBuild.version)\n"
        text += "config \(configFile.flatMap(stamp) ?? "-")\npublisher \(publisher)\nbase \(base ?? "-")\n"
        let iso = ReleaseTime.iso(generatedAt)
        text += "day \(ReleaseTime.isoDate(generatedAt)) \(BeijingTime.day(iso))\n"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text += "errata " + String(decoding: try encoder.encode(errata), as: UTF8.self) + "\n"
        text += "usage \(FileManager.default.fileExists(atPath: outputRoot.appendingPathComponent("state/\(UsageCounts.fileName)").path))\n"
        for w in withdrawals {
            let u = w.unlisted
            text += "withdrawal " + String(decoding: try encoder.encode(w.withdrawal), as: UTF8.self)
                + " \(u.id) \(u.code) \(u.title) \(u.provider ?? "-")\n"
        }
        for definition in definitions.sorted(by: { $0.id < $1.id }) {
            let dir = ReleaseReader.releasesDirectory(definition.id, outputRoot)
            text += "dataset \(definition.id) \(definition.definitionHash) \(stamp(dir.appendingPathComponent(LatestPointer.fileName).path) ?? "-")\n"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where ReleaseVersion(name) != nil {
                let version = dir.appendingPathComponent(name)
                text += " \(name) \(stamp(version.appendingPathComponent("release.json").path) ?? "-")"
                    + " \(stamp(version.appendingPathComponent("datapackage.json").path) ?? "-")\n"
            }
        }
        return SHA256Hex.of(Array(text.utf8))
    }

    /// Size, inode and change times of a file; nil when it does not exist.
    static func stamp(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return "\(st.st_size):\(st.st_ino):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):\(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }
}
