import CCurl
import Foundation
import ODPCore
#if canImport(Glibc)
import Glibc
#endif

/// Typed entry points to libcurl's variadic `curl_easy_setopt` / `curl_easy_getinfo`.
///
/// Swift does not import C variadic functions. On the Linux ABIs we run on (x86-64 System V,
/// AArch64 AAPCS64) a variadic call whose one extra argument is an integer or a pointer is
/// passed exactly like a fixed-argument call, so the symbol is looked up with `dlsym` and
/// called through a non-variadic `@convention(c)` type. (On x86-64 the caller also sets %al
/// to the number of vector registers used; libcurl's prologue only tests it for zero before
/// spilling XMM registers, which is harmless either way.) `CurlSetoptTests` checks each
/// kind of argument against libcurl's own behaviour.
enum CurlABI {
    typealias SetoptLong = @convention(c) (UnsafeMutableRawPointer?, CURLoption, Int) -> CURLcode
    typealias SetoptPointer = @convention(c) (UnsafeMutableRawPointer?, CURLoption, UnsafeRawPointer?) -> CURLcode
    typealias Getinfo = @convention(c) (UnsafeMutableRawPointer?, CURLINFO, UnsafeMutableRawPointer?) -> CURLcode

    nonisolated(unsafe) static let setoptLong: SetoptLong = unsafeBitCast(symbol("curl_easy_setopt"), to: SetoptLong.self)
    nonisolated(unsafe) static let setoptPointer: SetoptPointer = unsafeBitCast(symbol("curl_easy_setopt"), to: SetoptPointer.self)
    nonisolated(unsafe) static let getinfo: Getinfo = unsafeBitCast(symbol("curl_easy_getinfo"), to: Getinfo.self)

    /// `curl_global_init` is not thread-safe; run it once before any handle is made.
    static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer {
        // Referencing curl_easy_init keeps libcurl linked even though the setters are looked up by name.
        _ = curl_version()
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, name) else {
            fatalError("libcurl symbol \(name) not found")
        }
        return sym
    }
}
