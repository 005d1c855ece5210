import Foundation
import Testing
@testable import ODPCore

/// The artifacts of the format before `schema_version` (Fixtures/format-v0, copied from a
/// signed demo run: `sthj-air-quality-hourly` 2026.12.07.2 after a first version, the held
/// `mzj-elderly-care` and the open list) read through the typed artifacts, and every
/// artifact type round-trips with stable bytes.
@Suite struct ArtifactFormatTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/format-v0")

    static func bytes(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    static func read<T: Artifact>(_ type: T.Type, _ name: String) throws -> T {
        try ArtifactCodec.decode(type, from: bytes(name), file: name)
    }

    @Test func releaseMetadataOfTheOldFormatIsRead() throws {
        let release = try Self.read(ReleaseMetadata.self, "release.json")
        #expect(release.datasetId == "sthj-air-quality-hourly" && release.version == "2026.12.07.2")
        #expect(release.status == .released && release.holdReasons.isEmpty && release.rowCount == 3355)
        #expect(release.previousVersion == "2026.12.07.1" && release.publishedFileGate == 1)
        #expect(release.changes == ChangeSummary(previousVersion: "2026.12.07.1", comparedBy: "primary_key", added: 0, removed: 3,
                                                 changed: 0, schemaChanges: []))
        #expect(release.dataFiles.map(\.path) == ["data/sthj-air-quality-hourly.csv", "data/sthj-air-quality-hourly.json"])
        let key = String(decoding: try Self.bytes("signing.pub"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(release.isSigned && release.signature?.publicKey == key)

        let first = try Self.read(ReleaseMetadata.self, "release-first.json")
        #expect(first.previousVersion == nil && first.changes == nil && first.version == "2026.12.07.1")
        let held = try Self.read(ReleaseMetadata.self, "release-held.json")
        #expect(held.status == .held && held.holdReasons.count == 3 && held.holdReasons.contains { $0.contains("quality-report.json") })
    }

    @Test func aReleaseFromBeforeThePublishedFileGateReadsAsUngated() throws {
        var json = try JSONDecoder().decode(ArtifactJSON.self, from: Self.bytes("release.json"))
        json["published_file_gate"] = nil
        let release = try ArtifactCodec.decode(ReleaseMetadata.self, from: json.encoded(pretty: false), file: "release.json")
        #expect(release.publishedFileGate == 0)
    }

    @Test func latestPointerOfTheOldFormatIsRead() throws {
        let latest = try Self.read(LatestPointer.self, "latest.json")
        #expect(latest == LatestPointer(datasetId: "sthj-air-quality-hourly", version: "2026.12.07.2",
                                        contentHash: try Self.read(ReleaseMetadata.self, "release.json").contentHash))
    }

    @Test func checksumsListTheReleaseFilesByTheirBytes() throws {
        let sums = try SHA256Sums.parse(Self.bytes("SHA256SUMS"), file: "SHA256SUMS")
        #expect(sums.render() == (try Self.bytes("SHA256SUMS")))
        for name in ["release.json", "datapackage.json", "quality-report.json", "privacy-report.json"] {
            #expect(sums[name] == SHA256Hex.of(try Self.bytes(name)), "\(name)")
        }
        let release = try Self.read(ReleaseMetadata.self, "release.json")
        for file in release.dataFiles { #expect(sums[file.path] == file.sha256) }
        #expect(sums[SHA256Sums.signatureName] == nil && sums.entries.count == 8)
        #expect(Data(base64Encoded: String(decoding: try Self.bytes("SHA256SUMS.sig"), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines))?.count == 64)
    }

    @Test func reportsOfTheOldFormatAreRead() throws {
        let quality = try Self.read(QualityReport.self, "quality-report.json")
        #expect(quality.dataset == "sthj-air-quality-hourly" && quality.gate.decision == .publish)
        #expect(quality.rowsRead == 3359 && quality.rejectedRows == 4 && quality.problems.count == 6)
        #expect(quality.profile?.rowCount == 3355 && quality.profile?.basis == "released")
        #expect(quality.rules.contains { $0.type == "screen_heaping" && $0.metric?["n"] == .int(3359) })
        #expect(quality.dimensionNames.first == "规范性" && quality.overallScore != nil)
        let heldQuality = try Self.read(QualityReport.self, "quality-report-held.json")
        #expect(heldQuality.gate.decision == .hold && !heldQuality.gate.reasons.isEmpty)
        #expect(try Self.read(QualityReport.self, "quality-report-scjg.json").rules.count > 10)

        let privacy = try Self.read(PrivacyReport.self, "privacy-report-scjg.json")
        #expect(privacy.fields.first { $0.name == "id_number" }?.isPublished == false)
        #expect(privacy.fields.first { $0.name == "mobile" }?.parameters == ["keep_first": "3", "keep_last": "4"])
        let held = try Self.read(PrivacyReport.self, "privacy-report-held.json")
        #expect(held.identifierHits.after.contains { $0.field == "note" && $0.kind == "mobile" && $0.allowed == false && $0.firstRow == 44 })
        #expect(held.kAnonymity.kAchieved == nil && held.pseudonymKeyId == nil && held.holdReasons.count == 1)
        #expect(try Self.read(PrivacyReport.self, "privacy-report.json").recordsOut == 3355)
    }

    @Test func descriptorAndOpenListOfTheOldFormatAreRead() throws {
        let package = try Self.read(DataPackageDescriptor.self, "datapackage.json")
        #expect(package.name == "sthj-air-quality-hourly" && package.resources.count == 2)
        #expect(package.fields.first?.constraints?.required == true && package.resources[0].dialect?.lineTerminator == "\r\n")
        let signer = try Self.read(ReleaseMetadata.self, "release.json").signature
        #expect(package.resources[1].bytes == nil && package.signature == signer)
        let list = try Self.read(OpenListDocument.self, "open-list.json")
        #expect(list.count == 3 && list.datasets.map(\.datasetId) == ["jtys-bus-stops", "scjg-individual-business", "sthj-air-quality-hourly"])
        #expect(list.datasets[0].openCondition == nil && list.datasets[0].fields.count == 8)
        #expect(list.datasets.allSatisfy { $0.signature != nil && $0.distributions.first?.format == "CSV" })
    }

    /// Decoded, encoded, decoded again: equal values; encoding twice: equal bytes; every
    /// key of the old file is still written (the new files add `schema_version` only).
    func roundTrip<T: Artifact & Equatable>(_ type: T.Type, _ name: String) throws {
        let value = try Self.read(type, name)
        let encoded = try ArtifactCodec.encode(value)
        #expect(try ArtifactCodec.decode(type, from: encoded, file: name) == value, "\(name)")
        #expect(try ArtifactCodec.encode(value) == encoded, "\(name)")
        var old = try JSONDecoder().decode(ArtifactJSON.self, from: Self.bytes(name))
        var new = try JSONDecoder().decode(ArtifactJSON.self, from: encoded)
        #expect(new[ArtifactCodec.versionKey] == .int(Int64(T.schemaVersion)))
        new[ArtifactCodec.versionKey] = nil
        old[ArtifactCodec.versionKey] = nil
        #expect(new == old, "\(name) keeps its content")
    }

    @Test func everyArtifactTypeRoundTrips() throws {
        try roundTrip(ReleaseMetadata.self, "release.json")
        try roundTrip(ReleaseMetadata.self, "release-first.json")
        try roundTrip(ReleaseMetadata.self, "release-held.json")
        try roundTrip(LatestPointer.self, "latest.json")
        try roundTrip(QualityReport.self, "quality-report.json")
        try roundTrip(QualityReport.self, "quality-report-held.json")
        try roundTrip(QualityReport.self, "quality-report-scjg.json")
        try roundTrip(PrivacyReport.self, "privacy-report.json")
        try roundTrip(PrivacyReport.self, "privacy-report-held.json")
        try roundTrip(PrivacyReport.self, "privacy-report-scjg.json")
        try roundTrip(DataPackageDescriptor.self, "datapackage.json")
        try roundTrip(OpenListDocument.self, "open-list.json")
    }

    @Test func aNewerReleaseMetadataIsAnErrorNamingTheFile() throws {
        var json = try JSONDecoder().decode(ArtifactJSON.self, from: Self.bytes("release.json"))
        json[ArtifactCodec.versionKey] = .int(Int64(ReleaseMetadata.schemaVersion + 1))
        #expect {
            try ArtifactCodec.decode(ReleaseMetadata.self, from: json.encoded(pretty: true), file: "/out/releases/x/2026.12.07.1/release.json")
        } throws: { "\($0)".contains("/out/releases/x/2026.12.07.1/release.json") && "\($0)".contains("schema_version 2") }
    }
}

@Suite struct SHA256SumsTests {
    let a = String(repeating: "a", count: 64), b = String(repeating: "B", count: 64)

    @Test func whatSha256sumWritesIsAccepted() throws {
        let text = "\(b) *./data/x.csv\r\n\n\(a)  README.md\n"
        let sums = try SHA256Sums.parse(Data(text.utf8), file: "S")
        #expect(sums.entries == [.init(path: "README.md", sha256: a), .init(path: "data/x.csv", sha256: b.lowercased())])
        #expect(String(decoding: sums.render(), as: UTF8.self) == "\(a)  README.md\n\(b.lowercased())  data/x.csv\n")
    }

    @Test(arguments: [
        ("zz" + String(repeating: "a", count: 62) + "  x\n", "S:1"),
        (String(repeating: "a", count: 64) + " x\n", "S:1"),
        ("\n" + String(repeating: "a", count: 64) + "  ../x\n", "S:2"),
        (String(repeating: "a", count: 64) + "  /etc/x\n", "S:1"),
        (String(repeating: "a", count: 64) + "  x\n" + String(repeating: "b", count: 64) + "  x\n", "S:2"),
    ])
    func aBadLineIsAnErrorWithFileAndLine(text: String, place: String) {
        #expect { try SHA256Sums.parse(Data(text.utf8), file: "S") } throws: { "\($0)".contains(place) }
    }
}
