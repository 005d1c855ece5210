#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Substring search on UTF-8 bytes, shared by the identifier scanners and the portal's
/// search index.
public enum ByteSearch {
    /// Where `needle` first occurs in `haystack[from..<to]`: `memchr` for its last byte, then
    /// `memcmp` (`memmem` is a GNU extension Swift does not import). The last byte of a
    /// Chinese character is one of 64 values, its first one of a handful, so fewer false starts.
    @inline(__always)
    public static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        let n = needle.count
        guard n > 0, end - from >= n, let h = haystack.baseAddress, let p = needle.baseAddress else { return nil }
        let last = Int32(p[n - 1])
        var i = from + n - 1
        while i < end {
            guard let hit = memchr(h + i, last, end - i) else { return nil }
            i = UnsafeRawPointer(h).distance(to: UnsafeRawPointer(hit))
            if memcmp(h + i - (n - 1), p, n - 1) == 0 { return i - (n - 1) }
            i += 1
        }
        return nil
    }
}
