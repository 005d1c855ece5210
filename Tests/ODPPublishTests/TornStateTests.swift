import Foundation
import ODPCore
import Testing
@testable import ODPPublish

/// Issue 19, item 7: a researcher who reads the public dataset at any moment sees one
/// version whole — its `version` and exactly its files, each with the hash that version's
/// SHA256SUMS gives it — never a mix, however publishing is interrupted.
@Suite("no torn public state", .serialized, .enabled(if: Services.shouldRun(Services.ckanKeys), "CKAN not started: run scripts/services-start.sh DIR"))
struct TornStateTests {
    /// Each version's files as its SHA256SUMS lists them, plus SHA256SUMS itself.
    struct Versions {
        var files: [String: [String: String]] = [:]

        mutating func add(_ version: String, _ release: URL) throws {
            files[version] = Dictionary(uniqueKeysWithValues: try UploadFile.release(release).map { ($0.path, $0.sha256) })
        }

        /// What the dataset shows a researcher: nil when it is one version whole (or still
        /// private), else what is wrong. Resources marked as uploading are not part of it.
        /// `lagging` accepts a read whose files are one version's complete set but whose
        /// `version` still names another: CKAN's `package_show` reads the dataset row and its
        /// resources in separate queries, not in one snapshot, so a read that straddles the
        /// switch's commit can pair them (the files still agree with their own SHA256SUMS).
        func problem(_ package: CKANPackage?, lagging: Bool = false) -> String? {
            guard let package, package.isPrivate == false else { return nil }
            let shown = (package.resources ?? []).filter { !($0.name ?? "").hasPrefix(CKANResourceLabel.stagingPrefix) }
            let have = shown.map { "\($0.name ?? "") \($0.hash ?? "")" }.sorted()
            let whole = files.filter { $0.value.map { "\($0.key) \($0.value)" }.sorted() == have }.map(\.key)
            guard let version = package.version, files[version] != nil else {
                return "version \(package.version ?? "nil") is none of \(files.keys.sorted())"
            }
            if whole == [version] || (lagging && whole.count == 1) { return nil }
            return "version \(version) shows \(have), which is \(whole.isEmpty ? "no version's set" : "the set of \(whole)")"
        }

        /// A read that pairs one version's complete set with another `version` (see `problem`).
        func lags(_ package: CKANPackage?) -> Bool { problem(package) != nil && problem(package, lagging: true) == nil }
    }

    var ckanPort: Int { URLComponents(string: Services.values["CKAN_URL"] ?? "")?.port ?? 80 }

    @Test("interrupted after each request, the dataset shows the old version or the new one whole; resuming switches exactly once")
    func interruptEverywhere() throws {
        guard let s = try CKANTargetTests().setup("torn-k") else { return }
        let definition = Fixtures.definition(id: "stops-k", code: CKANTargetTests().code())
        var versions = Versions()
        let v1 = Fixtures.release(in: s.dir, id: "stops-k", seed: 1)
        let v2 = Fixtures.release(in: s.dir, id: "stops-k", seed: 2)
        try versions.add("v1", v1)
        try versions.add("v2", v2)
        _ = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env).publish(release: v1, definition: definition, version: "v1")
        let name = CKANNames.dataset(code: definition.catalog.code)

        var seen: [String] = []
        var errors: [String] = []
        var interruptions = 0
        var done = false
        for k in 1...80 where !done {
            // Every request after the k-th fails: cut before it reaches CKAN, or after CKAN did
            // the work but before the client hears the answer. The proxy's start-up probe is one more connection.
            let proxy = try FileDropFailureTests.FaultProxy(target: ckanPort, modes: "drop-before,drop-after", seed: k, extra: ["--fail-after", "\(k + 1)"])
            let yaml = """
              - type: ckan
                name: portal
                url: http://127.0.0.1:\(proxy.port)
                token: env:ODP_TEST_CKAN_TOKEN
                organization: \(Services.values["CKAN_ORG"]!)
                retries: 0
                connect_timeout: 3
            """
            let config = try #require(Fixtures.config(yaml, in: s.dir.appendingPathComponent("k\(k)")).0)
            do {
                _ = try withExtendedLifetime(proxy) {
                    try Publisher(config: config, stateDirectory: s.state, environment: s.env).publish(release: v2, definition: definition, version: "v2")
                }
                done = true
            } catch {
                interruptions += 1
                errors.append("\(error)")
            }
            let package = try s.client.package(name)
            #expect(versions.problem(package) == nil, "after \(k) requests: \(versions.problem(package) ?? "")")
            seen.append(package?.version ?? "nil")
        }
        #expect(done, "the last errors: \(errors.suffix(3))")
        #expect(interruptions >= 8, "publishing v2 took only \(interruptions + 1) requests")
        #expect(seen.contains("v1") && seen.contains("v2"), "\(seen)")
        // Once switched it stays switched.
        #expect(!seen.drop(while: { $0 != "v2" }).contains("v1"), "\(seen)")
        try CKANTargetTests().checkPublished(s, definition, v2, version: "v2")
        let receipts = Fixtures.receiptLines(s.state)
        #expect(receipts.count == 2 * Fixtures.releaseFileCount, "\(receipts)")
    }

    @Test("while three versions go up through the 30% fault proxy, a reader polling the dataset never sees a mix")
    func readerDuringFaults() throws {
        guard let s = try CKANTargetTests().setup("torn-reader", url: Services.values["CKAN_PROXY_URL"], extra: "    retries: 10") else { return }
        let definition = Fixtures.definition(id: "stops-w", code: CKANTargetTests().code())
        var versions = Versions()
        let releases = try (1...3).map { n in
            let release = Fixtures.release(in: s.dir, id: "stops-w", seed: n)
            try versions.add("v\(n)", release)
            return release
        }
        let name = CKANNames.dataset(code: definition.catalog.code)
        let problems = LogLines(), seen = LogLines(), straddles = LogLines()
        let stop = LockedFlag()
        let client = s.client, known = versions
        let reader = Thread {
            while !stop.isSet {
                if let package = try? client.package(name) {
                    if let problem = known.problem(package, lagging: true) { problems.sink(problem) }
                    if known.lags(package) { straddles.sink(package.version ?? "") }
                    seen.sink(package.version ?? "nil")
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        reader.start()
        let publisher = try Publisher(config: s.config, stateDirectory: s.state, environment: s.env)
        for (n, release) in releases.enumerated() {
            _ = try publisher.publish(release: release, definition: definition, version: "v\(n + 1)")
        }
        stop.set()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.02) }
        #expect(problems.all.isEmpty, "\(problems.all.prefix(3))")
        // A read straddling a switch's commit is rare: at most a couple for three switches.
        #expect(straddles.all.count <= 3, "\(straddles.all)")
        #expect(Set(seen.all).isSuperset(of: ["v1", "v2", "v3"]), "\(Set(seen.all))")
        try CKANTargetTests().checkPublished(s, definition, releases[2], version: "v3")
    }
}

final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
