import Foundation

/// Which `Host` names the portal answers. DNS rebinding points a hostile name at 127.0.0.1,
/// so a page on that name could read the portal and post to it with the browser's cookies;
/// answering only the bound address and the names configured with `--allow-host` stops it.
///
/// # Rules
/// - Loopback-bound: `localhost`, `127.0.0.1`, `::1` and the bound address.
/// - Bound to a wildcard (`0.0.0.0`, `::`): the loopback names and any IP address literal
///   (an address cannot be rebound), but no other name unless configured.
/// - Bound to one address: that address.
/// - Configured names, compared without the port and case-insensitively.
struct HostPolicy: Sendable {
    let names: Set<String>
    let anyAddress: Bool

    init(bound: String, allowed: [String]) {
        let host = Self.hostname(bound)
        let wildcard = host == "0.0.0.0" || host == "::"
        var names = Set(allowed.map(Self.hostname))
        names.insert(host)
        if wildcard || PortalServer.isLoopback(host) { names.formUnion(["localhost", "127.0.0.1", "::1"]) }
        self.names = names
        anyAddress = wildcard
    }

    /// Whether a request whose Host (or HTTP/2 `:authority`) is `authority` may be answered.
    func allows(_ authority: String?) -> Bool {
        guard let authority, !authority.isEmpty else { return false }
        let host = Self.hostname(authority)
        return names.contains(host) || (anyAddress && Self.isAddress(host))
    }

    /// The host of `host[:port]` or `[v6]:port`, lowercased, without a trailing dot.
    static func hostname(_ authority: String) -> String {
        var text = authority.lowercased()
        if text.hasPrefix("[") {
            text = String(text.dropFirst().prefix { $0 != "]" })
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = String(text[..<colon])
        }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
