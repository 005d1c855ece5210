/// The stable identifiers of a dataset series and of each of its versions.
///
/// The series is named by its 资源代码 (catalog code), which outlives dataset ids, file
/// layouts and hosting; a version adds its version string. With `public_base_url` the
/// identifiers are URLs a researcher can open (`{base}/id/{code}` and
/// `{base}/id/{code}/{version}`; the portal answers them with a redirect); without one they
/// are URNs of the same shape (`urn:odp:{code}` and `urn:odp:{code}:{version}`), still unique
/// and stable, but not resolvable.
public enum DatasetURI {
    public static func series(code: String, baseURL: String?) -> String {
        guard let base = normalized(baseURL) else { return "urn:odp:\(code)" }
        return "\(base)/id/\(code)"
    }

    public static func version(code: String, version: String, baseURL: String?) -> String {
        guard let base = normalized(baseURL) else { return "urn:odp:\(code):\(version)" }
        return "\(base)/id/\(code)/\(version)"
    }

    /// True when the identifiers are URLs (a base URL is configured).
    public static func resolvable(baseURL: String?) -> Bool { normalized(baseURL) != nil }

    /// `public_base_url` without its trailing slashes; nil when there is none. Every address
    /// built under the base (identifiers, catalog IRIs, portal links) starts from this.
    public static func normalized(_ baseURL: String?) -> String? {
        guard var base = baseURL, !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base.isEmpty ? nil : base
    }
}
