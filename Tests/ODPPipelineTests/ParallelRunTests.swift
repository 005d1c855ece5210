import Foundation
import ODPCore
import ODPPipeline
import Testing

/// `--jobs`: datasets run in parallel, and the output folder is the same, byte for byte,
/// whatever the number of jobs. The only bytes that may differ are wall-clock times and
/// durations, and this test names each file that holds them and compares everything else
/// in it.
@Suite("Parallel runs (--jobs)")
struct ParallelRunTests {
    static let runTime = ISO8601DateFormatter().date(from: "2026-12-07T02:00:00Z")!
    static let small = (0..<6).map { "par-\($0)" }

    /// The demo (four datasets, one held by the gate), six generated datasets (`par-1`
    /// references `par-0`; `par-5` has 30,000 rows, enough for the threaded pass), and
    /// `par-broken`, whose source file is missing.
    func fixture() throws -> DemoFixture {
        let fixture = try DemoFixture()
        let demo = fixture.root.appendingPathComponent("pipelines/demo")
        for (i, id) in (Self.small + ["par-broken"]).enumerated() {
            let rule = id == "par-1" ? ", {type: reference, dataset: par-0, field: code, severity: reject}" : ""
            let fields = """
              - {name: code, title: 编号, type: string, class: public, rules: [required\(rule)]}
              - {name: amount, title: 金额, type: number, scale: 2, class: public}
            """
            try ReferenceRunTests.Pipeline.dataset(id: id, title: "测试数据集\(i)", file: "data/\(id).csv", fields: fields)
                .write(to: demo.appendingPathComponent("\(id).yml"), atomically: true, encoding: .utf8)
            guard id != "par-broken" else { continue }
            let rows = (0..<(id == "par-5" ? 30_000 : 40 + i * 7)).map { "C\($0 % 40),\(Double($0 * 37 % 1000) / 100)" }
            try ("code,amount\n" + rows.joined(separator: "\n") + "\n")
                .write(to: demo.appendingPathComponent("data/\(id).csv"), atomically: true, encoding: .utf8)
        }
        return fixture
    }

    @Test("--jobs 1 and --jobs 4 write the same files, byte for byte apart from times; a failure stops no other dataset")
    func sameOutputs() throws {
        let one = try fixture(), four = try fixture()
        defer { one.remove(); four.remove() }
        let a = try one.run(RunOptions(runTime: Self.runTime, jobs: 1))
        let b = try four.run(RunOptions(runTime: Self.runTime, jobs: 4))

        #expect(a.outcomes.map(\.dataset) == b.outcomes.map(\.dataset))
        #expect(a.outcomes.map(\.status) == b.outcomes.map(\.status))
        #expect(a.outcomes.map(\.version) == b.outcomes.map(\.version))
        // The referenced dataset runs first; the broken one fails alone.
        let order = b.outcomes.map(\.dataset)
        #expect(try #require(order.firstIndex(of: "par-0")) < (try #require(order.firstIndex(of: "par-1"))))
        #expect(b.outcomes.first { $0.dataset == "par-broken" }?.status == .failed)
        // The failure is recorded in its state, and so in the metrics and `odp status`.
        let metrics = try String(contentsOf: four.output.appendingPathComponent("state/metrics/odp.prom"), encoding: .utf8)
        #expect(metrics.contains("odp_last_run_failed{dataset=\"par-broken\"} 1.0"), "\(metrics)")
        #expect(metrics.contains("odp_last_run_failed{dataset=\"par-0\"} 0.0"), "\(metrics)")
        #expect(b.outcomes.filter { Self.small.contains($0.dataset) }.allSatisfy { $0.status == .published }, "\(b.outcomes.map { ($0.dataset, $0.status) })")
        // More than three batches of 8,192 rows: that dataset reads and writes on threads of its own.
        #expect(b.outcomes.contains { $0.rowsRead > 3 * 8_192 }, "no dataset took the threaded pass")

        let left = Self.files(one.output), right = Self.files(four.output)
        #expect(left.keys.sorted() == right.keys.sorted())
        var compared = 0
        for (path, bytes) in left.sorted(by: { $0.key < $1.key }) {
            guard let other = right[path] else { continue }
            #expect(Self.comparable(path, bytes, root: one.root) == Self.comparable(path, other, root: four.root),
                    "\(path) differs between --jobs 1 and --jobs 4")
            compared += 1
        }
        #expect(compared > 100)

        // The audit trail interleaves datasets, but each dataset's own events are the same, and the chain holds.
        let trails = [one, four].map { AuditTrail.entries(url: $0.output.appendingPathComponent("state/audit.jsonl")) }
        let perDataset = trails.map { Dictionary(grouping: $0.filter { $0.dataset != nil }, by: { $0.dataset! }).mapValues { $0.map(\.event) } }
        #expect(perDataset[0] == perDataset[1])
        #expect(try AuditTrail.verify(url: four.output.appendingPathComponent("state/audit.jsonl")).firstBrokenLine == nil)
    }

    /// Every regular file under `root` by its relative path.
    static func files(_ root: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = root.standardizedFileURL.path + "/"
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) ?? .init() {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            out[String(url.standardizedFileURL.path.dropFirst(base.count))] = try? Data(contentsOf: url)
        }
        return out
    }

    /// A file's bytes with the wall-clock parts taken out, for exactly the files that have them:
    /// - `state/audit.jsonl`, `state/logs/`: a time on every line, datasets interleaved (the
    ///   audit trail is compared per dataset above);
    /// - `state/runs/*.json`: the run's start time and durations: compared as its datasets'
    ///   id, status, version and row counts;
    /// - `state/metrics/odp.prom`: `odp_duration_seconds`;
    /// - `state/leases/*.lease`: the owner (host, pid, a random part) and expiry of a released
    ///   lease: compared by its fencing token;
    /// - `state/journal/*/receipts.jsonl`: the `time` a target confirmed a file; its
    ///   `remote` is a path under the fixture's own folder, which differs by construction;
    /// - `state/datasets/*.json`: the source fingerprints' paths (the fixture's folder), file
    ///   times (the two fixtures' files were written at different moments) and the settings
    ///   digest (it covers the targets, whose `path:` is the fixture's folder).
    /// - `state/catalog-inputs.json`: the digest covers file stamps (inodes, times) of the
    ///   fixture's own releases; compared by what was listed and withheld.
    /// Everything else — releases, packages, the catalog, the published copies, dataset
    /// state, intents, feedback lists — must be identical as it is.
    static func comparable(_ path: String, _ data: Data, root: URL) -> String {
        var text = String(decoding: data, as: UTF8.self)
        if path == "state/audit.jsonl" || path.hasPrefix("state/logs/") || path == "state/run.lock" { return "" }
        if path.hasPrefix("state/runs/"), let report = try? ArtifactCodec.decode(RunReport.self, from: data, file: path) {
            return report.datasets.map { "\($0.dataset) \($0.status) \($0.version ?? "-") \($0.rowsRead) \($0.rowsRejected)" }.joined(separator: "\n")
        }
        if path.hasPrefix("state/leases/") { return String(text.prefix { $0 != "\n" }) }
        if path == "state/" + CatalogInputs.artifactName, let inputs = try? ArtifactCodec.decode(CatalogInputs.self, from: data, file: path) {
            return "\(inputs.listed) \(inputs.withheld)"
        }
        if path == "state/metrics/odp.prom" {
            return text.split(separator: "\n").filter { !$0.hasPrefix("odp_duration_seconds") }.joined(separator: "\n")
        }
        if path.hasPrefix("state/datasets/") {
            text = text.replacingOccurrences(of: root.path, with: "<fixture>")
            // `last_seconds` is the dataset's wall time (a shard plan's cost).
            return text.replacing(/"(mtime|ctime)_ns" : [0-9]+/, with: "").replacing(/"settings" : "[0-9a-f]+"/, with: "")
                .replacing(/"last_seconds" : [0-9.e+-]+/, with: "")
        }
        if path.hasSuffix("receipts.jsonl") {
            text = text.replacingOccurrences(of: root.path, with: "<fixture>")
            return text.split(separator: "\n").map { $0.replacing(/"time":"[^"]*"/, with: "") }.joined(separator: "\n")
        }
        return text
    }
}
