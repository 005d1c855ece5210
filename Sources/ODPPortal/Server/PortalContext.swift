import Hummingbird
import NIOCore

/// The request context of every portal route: Hummingbird's basic one plus the client's
/// address, which the rows API's rate limit is kept by.
public struct PortalContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
