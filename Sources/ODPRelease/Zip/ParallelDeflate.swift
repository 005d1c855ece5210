import CDeflate
import CZlib
import Dispatch
import Foundation
import ODPCore

/// Compresses one zip entry as a single raw deflate stream on several threads.
///
/// The input is cut into independent chunks, each compressed by libdeflate (level 6 by
/// default, ~2.5x zlib's speed). libdeflate always ends its output with a final block and
/// pads to a byte, so a non-final chunk is patched the way zlib's `gzjoin` does it: a raw
/// inflate with `Z_BLOCK` walks the chunk's blocks to find the bit where the last block
/// starts (its BFINAL bit is cleared) and the bit where it ends, and an empty stored block
/// (`00 00 FF FF`, what `Z_SYNC_FLUSH` emits) brings the stream back to a byte boundary so the
/// next chunk can follow. The walk also proves each chunk decodes to its input length.
/// CRC-32 is computed per chunk in parallel and joined with zlib's `crc32_combine`.
struct ParallelDeflate {
    var threads: Int
    var chunkSize: Int
    var level: Int32

    /// An upper bound of `compress`'s output for `size` input bytes: libdeflate's bound per
    /// chunk plus the bytes a join may add (the empty stored block, and one for alignment).
    func maxOutput(size: Int) -> Int {
        guard size > 0, let compressor = libdeflate_alloc_compressor(level) else { return 0 }
        defer { libdeflate_free_compressor(compressor) }
        let full = size / chunkSize, rest = size % chunkSize
        return full * (libdeflate_deflate_compress_bound(compressor, chunkSize) + 5)
            + (rest > 0 ? libdeflate_deflate_compress_bound(compressor, rest) + 5 : 0)
    }

    /// Streams `fd`'s `size` bytes through `sink`; returns the CRC-32 and compressed size.
    func compress(fd: Int32, size: Int, path: String, sink: (UnsafeRawBufferPointer) throws -> Void) throws -> (crc: UInt32, compressed: Int) {
        let slots = max(1, threads) * 8
        let input = UnsafeMutableRawPointer.allocate(byteCount: slots * chunkSize, alignment: 64)
        defer { input.deallocate() }
        let compressors = (0..<max(1, threads)).map { _ in libdeflate_alloc_compressor(level)! }
        defer { compressors.forEach { libdeflate_free_compressor($0) } }
        let bound = DeflateChunk.bound(compressors[0], chunkSize: chunkSize)
        let output = UnsafeMutableRawPointer.allocate(byteCount: slots * bound, alignment: 64)
        defer { output.deallocate() }
        var lengths = [Int](repeating: 0, count: slots)
        var crcs = [UInt32](repeating: 0, count: slots)
        var failures = [Bool](repeating: false, count: slots)

        var crc: UInt32 = 0
        var compressed = 0
        var offset = 0
        while offset < size {
            let groupBytes = min(slots * chunkSize, size - offset)
            var got = 0
            while got < groupBytes {
                let n = pread(fd, input + got, groupBytes - got, off_t(offset + got))
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw ODPError.io(path, "read failed") }
                got += n
            }
            let count = (groupBytes + chunkSize - 1) / chunkSize
            let isLastGroup = offset + groupBytes == size
            let job = ChunkJob(input: input, output: output, bound: bound, chunkSize: chunkSize, total: groupBytes, count: count,
                               lastIsFinal: isLastGroup, compressors: compressors)
            lengths.withUnsafeMutableBufferPointer { l in
                crcs.withUnsafeMutableBufferPointer { c in
                    failures.withUnsafeMutableBufferPointer { f in
                        let shared = SharedBuffers(lengths: l.baseAddress!, crcs: c.baseAddress!, failures: f.baseAddress!)
                        let workers = min(job.compressors.count, count)
                        DispatchQueue.concurrentPerform(iterations: workers) { worker in
                            var k = worker
                            while k < count {
                                job.run(k, compressor: job.compressors[worker], into: shared)
                                k += workers
                            }
                        }
                    }
                }
            }
            for k in 0..<count {
                guard !failures[k] else { throw ODPError.io(path, "deflate failed on chunk \(k)") }
                try sink(UnsafeRawBufferPointer(start: output + k * bound, count: lengths[k]))
                let n = min(chunkSize, groupBytes - k * chunkSize)
                crc = offset == 0 && k == 0 ? crcs[k] : UInt32(crc32_combine(uLong(crc), uLong(crcs[k]), off_t(n)))
                compressed += lengths[k]
            }
            offset += groupBytes
        }
        return (crc, compressed)
    }
}

/// Pointers shared by the workers; each worker writes only its own slots.
private struct SharedBuffers: @unchecked Sendable {
    let lengths: UnsafeMutablePointer<Int>
    let crcs: UnsafeMutablePointer<UInt32>
    let failures: UnsafeMutablePointer<Bool>
}

private struct ChunkJob: @unchecked Sendable {
    let input: UnsafeMutableRawPointer
    let output: UnsafeMutableRawPointer
    let bound: Int
    let chunkSize: Int
    let total: Int
    let count: Int
    let lastIsFinal: Bool
    let compressors: [OpaquePointer]

    func run(_ k: Int, compressor: OpaquePointer, into shared: SharedBuffers) {
        let n = min(chunkSize, total - k * chunkSize)
        let dst = (output + k * bound).assumingMemoryBound(to: UInt8.self)
        guard let done = DeflateChunk.compress(input + k * chunkSize, n, final: lastIsFinal && k == count - 1, compressor: compressor,
                                               into: dst, bound: bound) else { shared.failures[k] = true; return }
        shared.crcs[k] = done.crc
        shared.lengths[k] = done.length
    }
}

/// One chunk of a deflate stream cut into independently compressed chunks.
enum DeflateChunk {
    /// Output room per chunk: libdeflate's bound plus the bytes a join may add.
    static func bound(_ compressor: OpaquePointer, chunkSize: Int) -> Int {
        libdeflate_deflate_compress_bound(compressor, chunkSize) + 16
    }

    /// Compresses `n` bytes into `dst` (`bound` bytes of room); a chunk that does not end the
    /// stream is made non-final so the next one can follow. Returns the compressed length and
    /// the CRC-32 of the input, or nil when libdeflate or the join fails.
    static func compress(_ src: UnsafeRawPointer, _ n: Int, final: Bool, compressor: OpaquePointer,
                         into dst: UnsafeMutablePointer<UInt8>, bound: Int) -> (length: Int, crc: UInt32)? {
        let crc = UInt32(libdeflate_crc32(0, src, n))
        let length = libdeflate_deflate_compress(compressor, src, n, dst, bound - 8)
        guard length > 0 else { return nil }
        if final { return (length, crc) }
        guard let joined = DeflateJoin.makeNonFinal(dst, length: length, expectedOutput: n) else { return nil }
        return (joined, crc)
    }
}

enum DeflateJoin {
    /// Clears the BFINAL bit of the stream's last block and appends an empty stored block,
    /// leaving a byte-aligned, non-final stream. `stream` needs 6 spare bytes. Returns the
    /// new length, or nil when the stream does not decode to `expectedOutput` bytes.
    static func makeNonFinal(_ stream: UnsafeMutablePointer<UInt8>, length: Int, expectedOutput: Int) -> Int? {
        var z = z_stream()
        guard inflateInit2_(&z, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&z) }
        let scratchSize = 1 << 16
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchSize)
        defer { scratch.deallocate() }
        z.next_in = stream
        z.avail_in = uInt(length)
        var lastHeaderBit = 0
        var endBit = -1
        var produced = 0
        while true {
            z.next_out = scratch
            z.avail_out = uInt(scratchSize)
            let ret = inflate(&z, Z_BLOCK)
            produced += scratchSize - Int(z.avail_out)
            if ret == Z_STREAM_END { break }
            guard ret == Z_OK || ret == Z_BUF_ERROR else { return nil }
            if z.data_type & 128 != 0 {
                let bit = (length - Int(z.avail_in)) * 8 - Int(z.data_type & 7)
                if z.data_type & 64 != 0 { endBit = bit } else { lastHeaderBit = bit }
            }
            if ret == Z_BUF_ERROR, z.avail_in == 0 { return nil }
        }
        guard endBit >= 0, produced == expectedOutput else { return nil }
        stream[lastHeaderBit >> 3] &= ~(UInt8(1) << UInt8(lastHeaderBit & 7))
        var n = (endBit + 7) >> 3
        let used = endBit & 7
        if used != 0 { stream[n - 1] &= UInt8((1 << used) - 1) }
        // A stored block header is 3 bits; if they do not fit in the last byte, they take a new one.
        if used == 0 || used > 5 { stream[n] = 0; n += 1 }
        stream[n] = 0; stream[n + 1] = 0; stream[n + 2] = 0xFF; stream[n + 3] = 0xFF
        return n + 4
    }
}

