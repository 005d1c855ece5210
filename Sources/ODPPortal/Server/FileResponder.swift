import Foundation
import Hummingbird

/// Serves one release file with a strong ETag (its SHA-256 from SHA256SUMS, else
/// size + modification time), conditional GET and single byte ranges (RFC 9110 §14).
enum FileResponder {
    static func contentType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "csv": return "text/csv; charset=utf-8"
        case "json": return "application/json"
        case "jsonld": return "application/ld+json"
        case "zip": return "application/zip"
        case "html": return "text/html; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "md": return "text/markdown; charset=utf-8"
        case "sig": return "application/octet-stream"
        case "sqlite": return "application/vnd.sqlite3"
        default: return name == "SHA256SUMS" ? "text/plain; charset=utf-8" : "application/octet-stream"
        }
    }

    static func respond(file: URL, sha256: String?, request: Request, downloadName: String?) throws -> Response {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else { throw HTTPError(.notFound) }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let etag = sha256.map { "\"sha256-\($0)\"" } ?? "\"\(String(size, radix: 16))-\(String(Int64(mtime * 1000), radix: 16))\""

        var headers = HTTPFields()
        headers[.contentType] = contentType(file.lastPathComponent)
        headers[.eTag] = etag
        headers[.acceptRanges] = "bytes"
        headers[.cacheControl] = "public, max-age=300"
        if let downloadName, !file.lastPathComponent.hasSuffix(".html") {
            let ascii = downloadName.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" }
            headers[.contentDisposition] = ascii ? "attachment; filename=\"\(downloadName)\"" : "attachment"
        }

        if let inm = request.headers[.ifNoneMatch], inm.split(separator: ",").contains(where: { matches($0, etag) }) {
            return Response(status: .notModified, headers: headers)
        }
        var range: ClosedRange<Int>?
        if let value = request.headers[.range] {
            // If-Range with a different validator means "send the whole file".
            let ifRangeOK = request.headers[.ifRange].map { matches(Substring($0), etag) } ?? true
            if ifRangeOK {
                switch parseRange(value, size: size) {
                case .none: break
                case .unsatisfiable:
                    headers[.contentRange] = "bytes */\(size)"
                    return Response(status: .rangeNotSatisfiable, headers: headers)
                case .range(let r): range = r
                }
            }
        }
        let r = range ?? 0...(size - 1)
        let length = size == 0 ? 0 : r.count
        headers[.contentLength] = String(length)
        var status = HTTPResponse.Status.ok
        if let range {
            status = .partialContent
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        }
        if request.method == .head || length == 0 {
            return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer()))
        }
        let path = file.path
        let body = ResponseBody(contentLength: length) { writer in
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(r.lowerBound))
            var remaining = length
            while remaining > 0 {
                let chunk = try handle.read(upToCount: min(remaining, 256 * 1024)) ?? Data()
                if chunk.isEmpty { break }
                try await writer.write(ByteBuffer(bytes: chunk))
                remaining -= chunk.count
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    static func matches(_ candidate: Substring, _ etag: String) -> Bool {
        var c = candidate.trimmingCharacters(in: .whitespaces)
        if c == "*" { return true }
        if c.hasPrefix("W/") { c.removeFirst(2) }
        return c == etag
    }

    enum RangeResult: Equatable { case none, unsatisfiable, range(ClosedRange<Int>) }

    /// `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges or a malformed header are
    /// ignored (the whole file is sent), as RFC 9110 allows.
    static func parseRange(_ header: String, size: Int) -> RangeResult {
        let h = header.trimmingCharacters(in: .whitespaces)
        guard h.lowercased().hasPrefix("bytes=") else { return .none }
        let spec = h.dropFirst(6)
        guard !spec.contains(",") else { return .none }
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .none }
        let a = parts[0].trimmingCharacters(in: .whitespaces), b = parts[1].trimmingCharacters(in: .whitespaces)
        if a.isEmpty {
            guard let n = Int(b), n >= 0 else { return .none }
            guard n > 0, size > 0 else { return .unsatisfiable }
            return .range(max(0, size - n)...(size - 1))
        }
        guard let start = Int(a), start >= 0 else { return .none }
        var end = size - 1
        if !b.isEmpty {
            guard let e = Int(b), e >= start else { return .none }
            end = min(e, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .range(start...end)
    }
}
