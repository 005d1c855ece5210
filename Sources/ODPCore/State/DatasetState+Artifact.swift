/// `state/datasets/<id>.json`: one dataset's state in a file of its own, so saving one
/// dataset never rewrites the others (`FileStateStore`).
extension DatasetState: Artifact {
    public static let artifactName = "dataset state"
    public static let schemaVersion = 1
}
