import Foundation

/// `state/datasets.json`: every dataset's `DatasetState` by dataset id, saved atomically
/// after each dataset.
///
/// ## Versions
/// - 0 (before versions): camelCase keys (`lastSuccess`, `lastVersion`, `lastOutcome`).
/// - 1: snake_case keys, like every other artifact.
public struct DatasetStates: Artifact, Equatable {
    public static let artifactName = "datasets.json"
    public static let schemaVersion = 1

    public var states: [String: DatasetState]

    public init(_ states: [String: DatasetState] = [:]) { self.states = states }

    public subscript(id: String) -> DatasetState? {
        get { states[id] }
        set { states[id] = newValue }
    }

    // The file is the map itself (dataset ids are its keys), beside `schema_version`.
    public init(from decoder: Decoder) throws {
        states = try decoder.singleValueContainer().decode([String: DatasetState].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(states)
    }

    public static func migrate(_ json: inout ArtifactJSON, from version: Int) throws {
        guard version == 0, case .object(var datasets) = json else { return }
        for (id, var state) in datasets {
            state.renameKey("lastSuccess", to: "last_success")
            state.renameKey("lastVersion", to: "last_version")
            state.renameKey("lastOutcome", to: "last_outcome")
            datasets[id] = state
        }
        json = .object(datasets)
    }

    /// The saved states, or none when no run has saved any yet.
    public static func load(_ url: URL) throws -> DatasetStates {
        try ArtifactCodec.read(DatasetStates.self, at: url) ?? DatasetStates()
    }

    public func save(to url: URL) throws { try ArtifactCodec.write(self, to: url) }
}
