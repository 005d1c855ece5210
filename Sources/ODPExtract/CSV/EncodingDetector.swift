import Foundation
import ODPCore

/// Decides between UTF-8 and GB18030 for `encoding: auto` from the start of the file, and
/// refuses to guess when the sample cannot tell them apart.
enum EncodingDetector {
    static let sampleSize = 1 << 20
    /// Fewer multibyte characters than this and a sample valid in both encodings is a guess.
    static let minimumEvidence = 4

    static func detect(path: String, datasetID: String) throws -> SourceSpec.Encoding {
        let input = try FileInput(path: path, datasetID: datasetID)
        defer { input.close() }
        var sample = [UInt8](repeating: 0, count: sampleSize)
        var count = 0
        try sample.withUnsafeMutableBufferPointer { b in
            while count < sampleSize {
                let n = try input.read(into: b.baseAddress! + count, capacity: sampleSize - count)
                if n == 0 { break }
                count += n
            }
        }
        let truncated = count == sampleSize
        sample.removeSubrange(count...)
        return try decide(sample, truncated: truncated, file: path, datasetID: datasetID)
    }

    static func decide(_ sample: [UInt8], truncated: Bool, file: String, datasetID: String) throws -> SourceSpec.Encoding {
        if sample.starts(with: [0xEF, 0xBB, 0xBF]) { return .utf8 }
        if sample.starts(with: [0x84, 0x31, 0x95, 0x33]) { return .gb18030 }
        let utf8 = utf8Evidence(sample, truncated: truncated)
        let gb = gb18030Evidence(sample, truncated: truncated)
        if let utf8, utf8 == 0 { return .utf8 }  // pure ASCII reads the same either way
        switch (utf8, gb) {
        case (let u?, let g?):
            if u >= minimumEvidence { return .utf8 }
            throw ambiguous(file, datasetID, "文本按 UTF-8 和 GB18030 都能读通，且只有 \(max(u, g)) 个非 ASCII 字符")
        case (let u?, nil):
            _ = u
            return .utf8
        case (nil, let g?):
            if g >= minimumEvidence { return .gb18030 }
            throw ambiguous(file, datasetID, "文本不是 UTF-8，非 ASCII 字符太少（\(g) 个），无法确定是 GB18030")
        case (nil, nil):
            throw ODPError.source(datasetID, "\(file)：encoding: auto 无法识别文件编码（encoding），既不是 UTF-8 也不是 GB18030；请在 source 下声明 `encoding:`")
        }
    }

    private static func ambiguous(_ file: String, _ id: String, _ why: String) -> ODPError {
        .source(id, "\(file)：encoding: auto 无法判断文件编码（encoding）：\(why)；请在 source 下声明 `encoding: utf-8` 或 `encoding: gb18030`")
    }

    /// Multibyte characters when the sample is valid UTF-8, else nil.
    static func utf8Evidence(_ s: [UInt8], truncated: Bool) -> Int? {
        s.withUnsafeBufferPointer { b -> Int? in
            let p = b.baseAddress!
            var i = 0, chars = 0
            while i < b.count {
                if p[i] < 0x80 { i += 1; continue }
                guard let n = UTF8Check.sequenceLength(p + i, b.count - i) else {
                    return truncated && b.count - i < 4 ? chars : nil
                }
                chars += 1
                i += n
            }
            return chars
        }
    }

    /// Multibyte characters when the sample decodes as GB18030, else nil.
    static func gb18030Evidence(_ s: [UInt8], truncated: Bool) -> Int? {
        guard let cd = iconv_open("UTF-8", "GB18030"), cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = s
        var output = [UInt8](repeating: 0, count: s.count * 2 + 16)
        let (result, err, left, written) = input.withUnsafeMutableBytes { ib in
            output.withUnsafeMutableBytes { ob in
                var ip: UnsafeMutablePointer<CChar>? = ib.baseAddress?.assumingMemoryBound(to: CChar.self)
                var il = ib.count
                var op: UnsafeMutablePointer<CChar>? = ob.baseAddress?.assumingMemoryBound(to: CChar.self)
                var ol = ob.count
                let r = iconv(cd, &ip, &il, &op, &ol)
                return (r, errno, il, ob.count - ol)
            }
        }
        if result == -1, !(err == EINVAL && truncated && left < 4) { return nil }
        var chars = 0
        for b in output[0..<written] where b & 0xC0 == 0xC0 { chars += 1 }
        return chars
    }
}
