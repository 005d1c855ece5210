import CCurl
import Foundation
import ODPCore
#if canImport(Glibc)
import Glibc
#endif

/// One libcurl easy handle with typed setters. Not shared between threads.
final class CurlHandle {
    let raw: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var mime: OpaquePointer?
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    init() throws {
        _ = CurlABI.globalInit
        guard let h = curl_easy_init() else { throw ODPError.publish("curl", "cannot create a libcurl handle") }
        raw = h
        errorBuffer.withUnsafeMutableBufferPointer { buf in
            _ = CurlABI.setoptPointer(raw, CURLOPT_ERRORBUFFER, UnsafeRawPointer(buf.baseAddress))
        }
    }

    deinit {
        curl_easy_cleanup(raw)
        for l in lists { curl_slist_free_all(l) }
        if let mime { curl_mime_free(mime) }
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(CurlABI.setoptLong(raw, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws { try set(option, value ? 1 : 0) }

    /// Strings are copied by libcurl (CURLOPT_* STRINGPOINT options, curl ≥ 7.17).
    func set(_ option: CURLoption, _ value: String) throws {
        let code = value.withCString { CurlABI.setoptPointer(raw, option, UnsafeRawPointer($0)) }
        try check(code, option)
    }

    func set(_ option: CURLoption, pointer: UnsafeRawPointer?) throws {
        try check(CurlABI.setoptPointer(raw, option, pointer), option)
    }

    /// A string list (headers, quote commands); freed with the handle.
    func set(_ option: CURLoption, list: [String]) throws {
        guard !list.isEmpty else { return }
        var head: UnsafeMutablePointer<curl_slist>?
        for item in list { head = curl_slist_append(head, item) }
        guard let head else { throw ODPError.publish("curl", "cannot build a libcurl list") }
        lists.append(head)
        try set(option, pointer: UnsafeRawPointer(head))
    }

    func attach(mime: OpaquePointer) throws {
        self.mime = mime
        try set(CURLOPT_MIMEPOST, pointer: UnsafeRawPointer(mime))
    }

    func perform() -> CURLcode {
        errorBuffer[0] = 0
        return curl_easy_perform(raw)
    }

    var errorText: String {
        let text = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        _ = withUnsafeMutablePointer(to: &value) { CurlABI.getinfo(raw, info, UnsafeMutableRawPointer($0)) }
        return value
    }

    func infoOffset(_ info: CURLINFO) -> Int64 {
        var value: curl_off_t = -1
        _ = withUnsafeMutablePointer(to: &value) { CurlABI.getinfo(raw, info, UnsafeMutableRawPointer($0)) }
        return Int64(value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code == CURLE_OK else {
            throw ODPError.publish("curl", "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}
