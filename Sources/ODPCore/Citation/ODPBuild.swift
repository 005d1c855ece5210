/// This build of ODP, as `odp --version` prints it and provenance.json records it.
public enum ODPBuild {
    public static let version = "0.1.0"
}
