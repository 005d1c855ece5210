import CCurl
import Foundation
import ODPCore

/// Collects one response (headers, body or its hash) from libcurl's callbacks.
final class ResponseBox {
    let limit: Int
    var data = Data()
    var headers: [String: String] = [:]
    var hasher: StreamingSHA256?
    var bytes: Int64 = 0
    /// FTP: the server's last reply line (`451 Failure writing to local file.`); libcurl hands
    /// every control-connection reply to the header callback.
    var lastReply: String?

    init(sink: ResponseSink) {
        switch sink {
        case .memory(let limit): self.limit = limit
        case .sha256: limit = 0; hasher = StreamingSHA256()
        }
    }

    func install(on h: CurlHandle) throws {
        let me = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        try h.set(CURLOPT_WRITEFUNCTION, pointer: unsafeBitCast(responseWrite, to: UnsafeRawPointer.self))
        try h.set(CURLOPT_WRITEDATA, pointer: me)
        try h.set(CURLOPT_HEADERFUNCTION, pointer: unsafeBitCast(responseHeader, to: UnsafeRawPointer.self))
        try h.set(CURLOPT_HEADERDATA, pointer: me)
    }

    func body(_ chunk: UnsafeRawBufferPointer) {
        bytes += Int64(chunk.count)
        if hasher != nil { hasher!.update(chunk) }
        else if data.count < limit { data.append(contentsOf: chunk.prefix(limit - data.count)) }
    }

    func header(_ line: String) {
        let code = line.utf8.prefix(4)
        if code.count == 4, code.prefix(3).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), code.last == 0x20 {
            lastReply = line.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // A new status line (after a redirect or 100 Continue) starts a new header block.
        if line.hasPrefix("HTTP/") { headers = [:]; return }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

private let responseWrite: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { ptr, size, count, user in
    let total = size * count
    guard let ptr, let user else { return total }
    Unmanaged<ResponseBox>.fromOpaque(user).takeUnretainedValue().body(UnsafeRawBufferPointer(start: ptr, count: total))
    return total
}

private let responseHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { ptr, size, count, user in
    let total = size * count
    guard let ptr, let user else { return total }
    let line = String(decoding: UnsafeRawBufferPointer(start: ptr, count: total), as: UTF8.self)
    Unmanaged<ResponseBox>.fromOpaque(user).takeUnretainedValue().header(line)
    return total
}
