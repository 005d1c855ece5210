import Foundation
import Testing
@testable import ODPCore

/// Every type in Sources that conforms to `Artifact` has a fixture of the oldest format it
/// was written in, which its reader still reads and whose values round-trip: the unversioned
/// format-v0 (from a signed demo run) for the artifacts that existed then, format-v1 for those
/// born with `schema_version`. The types are found by scanning Sources, so a new artifact type
/// fails here until it gets a fixture and an entry below.
@Suite struct ArtifactCoverageTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let sources = tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    static let coreV0 = tests.appendingPathComponent("Fixtures/format-v0")
    static let pipelineV0 = tests.deletingLastPathComponent().appendingPathComponent("ODPPipelineTests/Fixtures/format-v0")
    static let v1 = tests.appendingPathComponent("Fixtures/format-v1")

    /// Reads every value of `T` in a fixture (one document, or one per line of a journal)
    /// and round-trips each; answers how many it read.
    static func reads<T: Artifact & Equatable>(_ type: T.Type, _ file: URL, lines: Bool = false) -> @Sendable () throws -> Int {
        {
            let data = try Data(contentsOf: file)
            let values = try (lines ? data.split(separator: 0x0A).map { Data($0) } : [data]).map {
                try ArtifactCodec.decode(T.self, from: $0, file: file.path)
            }
            for value in values { try roundTrip(value) }
            return values.count
        }
    }

    /// The oldest format on disk of each artifact type, read through its type.
    static let oldest: [String: @Sendable () throws -> Int] = [
        "ReleaseMetadata": reads(ReleaseMetadata.self, coreV0.appendingPathComponent("release.json")),
        "LatestPointer": reads(LatestPointer.self, coreV0.appendingPathComponent("latest.json")),
        "QualityReport": reads(QualityReport.self, coreV0.appendingPathComponent("quality-report.json")),
        "PrivacyReport": reads(PrivacyReport.self, coreV0.appendingPathComponent("privacy-report.json")),
        "DataPackageDescriptor": reads(DataPackageDescriptor.self, coreV0.appendingPathComponent("datapackage.json")),
        "OpenListDocument": reads(OpenListDocument.self, coreV0.appendingPathComponent("open-list.json")),
        "DatasetStates": reads(DatasetStates.self, pipelineV0.appendingPathComponent("datasets.json")),
        "ApprovalDecisions": reads(ApprovalDecisions.self, pipelineV0.appendingPathComponent("approvals.json")),
        "RunReport": reads(RunReport.self, pipelineV0.appendingPathComponent("run-report-failed.json")),
        "FileDropManifest": reads(FileDropManifest.self, pipelineV0.appendingPathComponent("manifest.json")),
        "AuditEntry": reads(AuditEntry.self, pipelineV0.appendingPathComponent("audit.jsonl"), lines: true),
        "UploadIntent": reads(UploadIntent.self, pipelineV0.appendingPathComponent("upload-journal.jsonl"), lines: true),
        "Receipt": reads(Receipt.self, pipelineV0.appendingPathComponent("receipts.jsonl"), lines: true),
        "ErrataList": reads(ErrataList.self, v1.appendingPathComponent("errata.json")),
        "WithdrawalList": reads(WithdrawalList.self, v1.appendingPathComponent("withdrawals.json")),
        "WithdrawalMarker": reads(WithdrawalMarker.self, v1.appendingPathComponent("_ODP_WITHDRAWN")),
        "WithdrawnVersion": reads(WithdrawnVersion.self, v1.appendingPathComponent("WITHDRAWN.json")),
        "WebhookJournal": reads(WebhookJournal.self, v1.appendingPathComponent("webhooks.json")),
        "ShardPlan": reads(ShardPlan.self, v1.appendingPathComponent("shard-plan.json")),
        "ReleaseProvenance": reads(ReleaseProvenance.self, v1.appendingPathComponent("provenance.json")),
        "AccessApplications": reads(AccessApplications.self, v1.appendingPathComponent("applications.json")),
        "DatasetState": reads(DatasetState.self, v1.appendingPathComponent("dataset-state.json")),
        "RunNotification": reads(RunNotification.self, v1.appendingPathComponent("notification.json")),
        "CatalogInputs": reads(CatalogInputs.self, v1.appendingPathComponent("catalog-inputs.json")),
        "UsageCounts": reads(UsageCounts.self, v1.appendingPathComponent("usage.json")),
        "FeedbackEntries": reads(FeedbackEntries.self, v1.appendingPathComponent("feedback.public.json")),
    ]

    /// Names of the types declared (or extended) in Sources with `Artifact` among their conformances.
    static func conformers() throws -> Set<String> {
        let declaration = try Regex(#"(?m)^\s*(?:public |package |internal )?(?:struct|final class|class|enum|extension)\s+([A-Za-z_][A-Za-z0-9_.]*)\s*:([^{]*)\{"#)
        var names: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: declaration) {
                let conformances = match.output[2].substring.map(String.init) ?? ""
                if conformances.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "Artifact" }),
                   let name = match.output[1].substring {
                    names.insert(String(name))
                }
            }
        }
        return names
    }

    @Test func theScanFindsTheKnownArtifacts() throws {
        let found = try Self.conformers()
        #expect(found.isSuperset(of: ["ReleaseMetadata", "DatasetState", "AccessApplications", "WithdrawalMarker"]))
        #expect(found.count >= 23)
    }

    @Test func everyArtifactTypeReadsItsOldestFormatAndRoundTrips() throws {
        let names = try Self.conformers()
        #expect(Set(Self.oldest.keys) == names, "artifact types without an oldest-format fixture: \(names.subtracting(Self.oldest.keys).sorted())")
        for (name, read) in Self.oldest.sorted(by: { $0.key < $1.key }) {
            #expect(try read() > 0, "\(name)")
        }
    }

    /// Another stage's file, or a request body, is read through a type: untyped JSON in
    /// Sources is how key-name guessing came back before (issue 17). Comments may name them.
    @Test func noUntypedJSONInSources() throws {
        var found: [String] = []
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                if code.contains("[String: Any]") || code.contains("JSONSerialization") {
                    found.append("\(file.lastPathComponent):\(i + 1)")
                }
            }
        }
        #expect(found.isEmpty, "untyped JSON: \(found)")
    }
}
