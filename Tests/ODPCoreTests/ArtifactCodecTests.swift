import Foundation
import Testing
@testable import ODPCore

struct ArtifactSample: Artifact, Equatable {
    static let artifactName = "sample.json"
    static let schemaVersion = 2
    var datasetID: String
    var rows: Int
    var when: Date

    enum CodingKeys: String, CodingKey {
        case datasetID = "dataset_id"
        case rows
        case when
    }

    static func migrate(_ json: inout ArtifactJSON, from version: Int) throws {
        if version < 2 { json.renameKey("id", to: "dataset_id") }
    }
}

@Suite struct ArtifactCodecTests {
    let sample = ArtifactSample(datasetID: "a/b", rows: 1_000_000, when: Date(timeIntervalSince1970: 1_800_000_000))

    @Test func aValueRoundTripsWithItsSchemaVersionAndStableBytes() throws {
        let data = try ArtifactCodec.encode(sample)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text == """
        {
          "dataset_id" : "a/b",
          "rows" : 1000000,
          "schema_version" : 2,
          "when" : "2027-01-15T08:00:00Z"
        }

        """)
        #expect(try ArtifactCodec.decode(ArtifactSample.self, from: data, file: "x") == sample)
    }

    @Test func aFileWrittenBeforeVersioningIsMigrated() throws {
        let old = Data(#"{"id":"a/b","rows":1000000,"when":"2027-01-15T08:00:00Z"}"#.utf8)
        #expect(try ArtifactCodec.decode(ArtifactSample.self, from: old, file: "x") == sample)
    }

    @Test func aNewerVersionIsAnErrorNamingTheFile() {
        let newer = Data(#"{"schema_version":3,"dataset_id":"a/b","rows":1,"when":"2027-01-15T08:00:00Z"}"#.utf8)
        #expect {
            try ArtifactCodec.decode(ArtifactSample.self, from: newer, file: "/out/sample.json")
        } throws: { "\($0)".contains("/out/sample.json") && "\($0)".contains("schema_version 3") }
    }

    @Test func aMissingKeyIsReportedWithItsPath() {
        let broken = Data(#"{"schema_version":2,"rows":1,"when":"2027-01-15T08:00:00Z"}"#.utf8)
        #expect {
            try ArtifactCodec.decode(ArtifactSample.self, from: broken, file: "s.json")
        } throws: { "\($0)".contains("s.json") && "\($0)".contains("dataset_id") }
    }
}
