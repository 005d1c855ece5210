import Foundation
import Testing
import Yams

/// Every manifest in deploy/kubernetes/ passes `kubernetes-validate --strict` against the
/// Kubernetes 1.32 schemas (offline: the package ships them), and the sharded run's manifests
/// say what the design needs.
@Suite("Kubernetes manifests")
struct KubernetesManifestTests {
    static let folder = DemoFixture.repository.appendingPathComponent("deploy/kubernetes")

    /// `kubernetes-validate` from the test venv (scripts/setup.sh --test).
    static var validator: URL? {
        let venv = ProcessInfo.processInfo.environment["ODP_TEST_VENV"] ?? DemoFixture.repository.appendingPathComponent(".venv-test").path
        let url = URL(fileURLWithPath: venv + "/bin/kubernetes-validate")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    static var manifests: [URL] {
        let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (walker?.allObjects as? [URL] ?? []).filter { ["yaml", "yml"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    static func validate(_ files: [URL]) throws -> (status: Int32, output: String) {
        let validator = try #require(validator, "kubernetes-validate is missing: run scripts/setup.sh --test (it installs it into .venv-test)")
        let process = Process()
        process.executableURL = validator
        process.arguments = ["--strict", "-k", "1.32.0"] + files.map(\.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("every manifest in deploy/kubernetes/ is valid Kubernetes 1.32")
    func allValid() throws {
        let files = Self.manifests
        #expect(files.count >= 6, "\(files.map(\.lastPathComponent))")
        for file in files {
            let (status, output) = try Self.validate([file])
            #expect(status == 0, "\(file.path): \(output)")
            #expect(!output.contains("ERROR") && output.contains("passed"), "\(file.path): \(output)")
        }
    }

    @Test("a broken manifest is rejected, so the check above can fail")
    func brokenRejected() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("odp-k8s-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = try String(contentsOf: Self.folder.appendingPathComponent("sharded/shards-cronjob.yaml"), encoding: .utf8)
        // A misspelt field, and a field of the wrong type.
        for (name, broken) in [("typo", good.replacingOccurrences(of: "backoffLimitPerIndex:", with: "backofLimitPerIndex:")),
                               ("type", good.replacingOccurrences(of: "completions: 4", with: "completions: four"))] {
            #expect(broken != good)
            let file = dir.appendingPathComponent("\(name).yaml")
            try broken.write(to: file, atomically: true, encoding: .utf8)
            let (status, output) = try Self.validate([file])
            #expect(status != 0, "\(name) passed: \(output)")
        }
    }

    @Test("the shards run as an Indexed Job with the plan id from the Job's name; the catalog waits for that Job")
    func shardedDesign() throws {
        let shards = try #require(try Yams.load(yaml: String(contentsOf: Self.folder.appendingPathComponent("sharded/shards-cronjob.yaml"), encoding: .utf8)) as? [String: Any])
        let job = try #require(((shards["spec"] as? [String: Any])?["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(job["completionMode"] as? String == "Indexed")
        let completions = try #require(job["completions"] as? Int)
        #expect(job["parallelism"] as? Int == completions)
        #expect(job["backoffLimitPerIndex"] != nil && job["podFailurePolicy"] != nil)
        let text = try String(contentsOf: Self.folder.appendingPathComponent("sharded/shards-cronjob.yaml"), encoding: .utf8)
        #expect(text.contains("\"--shard\", \"$(JOB_COMPLETION_INDEX)\""))
        #expect(text.contains("{name: JOB_COMPLETIONS, value: \"\(completions)\"}"))
        #expect(text.contains("batch.kubernetes.io/job-name"))
        let catalog = try String(contentsOf: Self.folder.appendingPathComponent("sharded/catalog-cronjob.yaml"), encoding: .utf8)
        #expect(catalog.contains("--shards \(completions)"))
        #expect(catalog.contains("odp catalog --wait-for \"odp-shards-${ODP_JOB_ID##*-}\""))
        // Same schedule and time zone: the two Jobs' names end in the same minute.
        let schedule = { (text: String) in text.split(separator: "\n").filter { $0.hasPrefix("  schedule:") || $0.hasPrefix("  timeZone:") } }
        #expect(schedule(text) == schedule(catalog) && schedule(text).count == 2)
        // No secret value in a ConfigMap.
        let configMap = try String(contentsOf: Self.folder.appendingPathComponent("layout/configmap.yaml"), encoding: .utf8)
        #expect(!configMap.lowercased().contains("password:") && !configMap.contains("replace-me"))
    }
}
