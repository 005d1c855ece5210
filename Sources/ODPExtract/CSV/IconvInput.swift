import Foundation
import ODPCore

/// Decodes GB18030 (and GBK, its subset) to UTF-8 while streaming, via glibc iconv. A
/// multibyte sequence cut by a chunk boundary is carried over to the next read. A byte that
/// is not valid GB18030 comes out as 0xFF, which is never valid UTF-8, so the CSV reader's
/// UTF-8 check reports it at the right line.
final class IconvInput: ByteInput {
    static let invalidMarker: UInt8 = 0xFF

    private let inner: ByteInput
    private let converter: iconv_t
    private var raw: UnsafeMutablePointer<UInt8>
    private let rawCapacity = 1 << 18
    private var rawStart = 0
    private var rawEnd = 0
    private var innerEOF = false

    init(_ inner: ByteInput, from encoding: String, datasetID: String) throws {
        self.inner = inner
        let cd = iconv_open("UTF-8", encoding)
        guard let cd, cd != iconv_t(bitPattern: -1) else {
            throw ODPError.source(datasetID, "系统无法解码 \(encoding) 编码（encoding；iconv_open failed）")
        }
        converter = cd
        raw = .allocate(capacity: rawCapacity)
    }

    deinit {
        iconv_close(converter)
        raw.deallocate()
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        guard capacity >= 8 else { return 0 }
        var produced = 0
        while produced < capacity - 4 {
            if rawStart == rawEnd || (rawEnd - rawStart < 4 && !innerEOF) {
                if !innerEOF { try fillRaw() }
                if rawStart == rawEnd { break }
            }
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(raw + rawStart).assumingMemoryBound(to: CChar.self)
            var inLeft = rawEnd - rawStart
            var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(buffer + produced).assumingMemoryBound(to: CChar.self)
            var outLeft = capacity - produced
            let result = iconv(converter, &inPtr, &inLeft, &outPtr, &outLeft)
            let failure = result == -1 ? errno : 0
            rawStart = rawEnd - inLeft
            produced = capacity - outLeft
            if result != -1 { continue }
            switch failure {
            case E2BIG:
                return produced
            case EINVAL:
                // An incomplete sequence at the end of what we have: read more, or at the
                // real end of the file it is invalid.
                if innerEOF {
                    for _ in rawStart..<rawEnd where produced < capacity { buffer[produced] = Self.invalidMarker; produced += 1 }
                    rawStart = rawEnd
                } else {
                    try fillRaw()
                }
            default:
                buffer[produced] = Self.invalidMarker
                produced += 1
                rawStart += 1
            }
        }
        return produced
    }

    private func fillRaw() throws {
        let live = rawEnd - rawStart
        if rawStart > 0 {
            if live > 0 { raw.update(from: raw + rawStart, count: live) }
            rawStart = 0
            rawEnd = live
        }
        let n = try inner.read(into: raw + rawEnd, capacity: rawCapacity - rawEnd)
        if n == 0 { innerEOF = true } else { rawEnd += n }
    }

    func close() { inner.close() }
}
