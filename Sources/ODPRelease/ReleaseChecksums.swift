import Crypto
import Foundation
import ODPCore

/// SHA256SUMS in the GNU coreutils format (`<hex>  <path>`), sorted by path, so
/// `sha256sum -c SHA256SUMS` works in the release folder.
enum ReleaseChecksums {
    static let sumsName = "SHA256SUMS"
    static let signatureName = "SHA256SUMS.sig"

    static func sumsFile(_ files: [ReleaseFile]) -> Data {
        var text = ""
        for f in files.sorted(by: { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }) { text += "\(f.sha256)  \(f.path)\n" }
        return Data(text.utf8)
    }

    /// Parses SHA256SUMS into path → hex.
    static func parse(_ data: Data) throws -> [(path: String, sha256: String)] {
        guard let text = String(data: data, encoding: .utf8) else { throw ODPError.data(SourceLocation(file: sumsName), "not UTF-8") }
        var out: [(String, String)] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64, parts[1].hasPrefix(" ") || parts[1].hasPrefix("*") else {
                throw ODPError.data(SourceLocation(file: sumsName, line: n + 1), "malformed checksum line")
            }
            out.append((String(parts[1].dropFirst()), String(parts[0]).lowercased()))
        }
        return out
    }
}
