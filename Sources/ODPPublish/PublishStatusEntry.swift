import ODPCore

/// One line of `Publisher.status`: a file of a release on a target, published or not yet.
public struct PublishStatusEntry: Sendable, Hashable {
    public enum State: String, Sendable, Hashable { case published, pending }
    public var target: String
    public var dataset: String
    public var version: String
    public var file: String
    public var sha256: String
    public var state: State
    /// The receipt when published.
    public var receipt: Receipt?
}
