import Foundation
import ODPCore

/// URL path handling that cannot leave the output tree: segments are percent-decoded one
/// by one (so `%2f` never becomes a separator), dot segments and hidden names are refused,
/// and a file is served only when its real path (symlinks resolved) stays inside the real
/// path of its release folder.
enum SafePath {
    static func isDatasetId(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 128 && !s.hasPrefix("-") && !s.hasPrefix(".")
            && s.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }
    }

    /// `YYYY.MM.DD.N` or any dot-separated numbers.
    static func isVersion(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return s.utf8.count <= 40 && parts.count >= 1 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    static func versionPrecedes(_ a: String, _ b: String) -> Bool {
        VersionOrder.precedes(a, b)
    }

    /// The decoded segments of a raw (still percent-encoded) URL path, or nil when any
    /// segment is unsafe.
    static func segments(rawPath: String) -> [String]? {
        let path = rawPath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var out: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard let s = raw.utf8.contains(0x25) ? String(raw).removingPercentEncoding : String(raw) else { return nil }
            if s.isEmpty || s == "." || s == ".." || s.hasPrefix(".") { return nil }
            if s.utf8.contains(where: { $0 == 0x2F || $0 == 0x5C || $0 == 0 }) { return nil }
            out.append(s)
        }
        return out
    }

    /// `file` if its resolved path lies inside the resolved `folder`, else nil.
    static func contained(_ file: URL, in folder: URL) -> URL? {
        guard let base = realPath(folder), let target = realPath(file) else { return nil }
        return target.hasPrefix(base + "/") ? URL(fileURLWithPath: target) : nil
    }

    static func realPath(_ url: URL) -> String? {
        guard let resolved = realpath(url.path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
