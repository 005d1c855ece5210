import Foundation
import ODPCore
import Testing

/// Encodes `value` with the codec and reads it back, as a file and as a JSON line: the same
/// value, its schema version written, one line for a journal, and a version from a newer odp
/// refused with the file named. `ArtifactCoverageTests` passes every `Artifact` type in Sources
/// through it, read from its oldest fixture.
func roundTrip<T: Artifact & Equatable>(_ value: T) throws {
    let data = try ArtifactCodec.encode(value)
    #expect(try ArtifactCodec.decode(T.self, from: data, file: "x.json") == value)
    #expect(try ArtifactCodec.encode(try ArtifactCodec.decode(T.self, from: data, file: "x.json")) == data, "stable bytes")
    let tree = try JSONDecoder().decode(ArtifactJSON.self, from: data)
    #expect(tree[ArtifactCodec.versionKey] == .int(Int64(T.schemaVersion)))
    let line = try ArtifactCodec.encodeLine(value)
    #expect(!line.contains(0x0A), "a JSON-lines artifact is one line")
    #expect(try ArtifactCodec.decode(T.self, from: line, file: "x.jsonl") == value)
    var newer = tree
    newer[ArtifactCodec.versionKey] = .int(Int64(T.schemaVersion + 1))
    #expect { try ArtifactCodec.decode(T.self, from: try newer.encoded(pretty: false), file: "/state/x.json") }
        throws: { "\($0)".contains("/state/x.json") && "\($0)".contains("schema_version \(T.schemaVersion + 1)") }
}
