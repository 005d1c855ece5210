import Foundation

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
public func percentEncodedComponent(_ s: String) -> String {
    let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
}
