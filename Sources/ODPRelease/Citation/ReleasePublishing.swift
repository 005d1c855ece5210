import ODPCore

/// Site-wide facts a release names about where it is published: who publishes it and at
/// which address (odp.yml's `publisher` and `public_base_url`), for its identifiers and
/// citation.
public struct ReleasePublishing: Sendable, Hashable {
    public var publisher: String
    public var baseURL: String?

    public init(publisher: String = PipelineConfig.defaultPublisher, baseURL: String? = nil) {
        self.publisher = publisher
        self.baseURL = baseURL
    }

    public init(config: PipelineConfig?) {
        self.init(publisher: config?.publisher ?? PipelineConfig.defaultPublisher, baseURL: config?.publicBaseURL)
    }
}
