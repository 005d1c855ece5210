import CDeflate
import CZlib
import Foundation
import ODPCore
import Synchronization

/// Deflates a data file while it is being written, into a spool file the release's zip then
/// copies. Compressing only after the data pass keeps both cores busy for as long again,
/// while during the pass the stages leave part of them idle; this fills that idle time.
///
/// The compressing threads run in the `SCHED_IDLE` class: they take only CPU time nothing
/// else wants, so the stages never wait for them (at normal priority they slowed the data
/// pass by more than they saved). They follow the file as it grows, reading back what the
/// writer has flushed. `finish` compresses what is left on all cores at normal priority,
/// including chunks an idle thread still holds (it may not run again soon on a busy machine).
/// The writer's side never takes a lock the idle threads may hold (it publishes the file's
/// length in an atomic the threads poll), so a starved idle thread cannot stall it.
///
/// The file is cut at the offsets `ParallelDeflate` cuts a finished file at (every
/// `chunkSize` bytes) and each chunk is compressed the same way, the last one ending the
/// stream, so the stream, and the zip, are byte for byte what compressing the finished
/// file gives. Chunks land in the spool in the order they finish; `Stream.chunks` says where.
final class DeflateSpool: @unchecked Sendable {
    /// A finished stream: its chunks, in stream order, are the spool's byte ranges `chunks`;
    /// together `compressed` bytes of raw deflate for the `size` input bytes with CRC-32 `crc`.
    struct Stream: Sendable {
        let url: URL
        let size: Int
        let compressed: Int
        let crc: UInt32
        let chunks: [Range<Int>]
    }

    private struct Chunk { var spoolOffset: Int; var length: Int; var crc: UInt32 }

    let url: URL
    private let source: URL
    private let sourceFD: Int32
    private let spoolFD: Int32
    private let zip: ZipWriter
    private let bound: Int
    /// Called by an idle thread with each chunk it claims, before compressing it (tests stall it here).
    private let idleClaimed: (@Sendable (Int) -> Void)?

    /// The source file's length so far, published by the writer.
    private let written = Atomic<Int>(0)
    /// Guarded by `condition`.
    private let condition = NSCondition()
    private var total: Int?
    private var nextChunk = 0
    /// Chunks claimed by an idle thread that a `finish` worker compresses again.
    private var retaken: Set<Int> = []
    private var spoolEnd = 0
    private var chunks: [Int: Chunk] = [:]
    private var failure: ODPError?
    private var cancelled = false
    /// Touched only by the writer's side (`available`).
    private var idleThreadsStarted = false

    /// - Parameters:
    ///   - source: the file being written; read back as it grows.
    ///   - spool: where the compressed chunks go.
    ///   - zip: the writer that will copy the stream (its chunk size, level and thread count).
    init(source: URL, spool: URL, zip: ZipWriter, idleClaimed: (@Sendable (Int) -> Void)? = nil) throws {
        url = spool
        self.idleClaimed = idleClaimed
        self.source = source
        self.zip = zip
        sourceFD = open(source.path, O_RDONLY | O_CLOEXEC)
        guard sourceFD >= 0 else { throw ODPError.io(source.path, "cannot read back for compression") }
        spoolFD = open(spool.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard spoolFD >= 0 else {
            Foundation.close(sourceFD)
            throw ODPError.io(spool.path, "cannot create the compression spool: \(String(cString: strerror(errno)))")
        }
        guard let probe = libdeflate_alloc_compressor(Int32(zip.level)) else {
            Foundation.close(sourceFD); Foundation.close(spoolFD)
            throw ODPError.usage("deflate level \(zip.level) is not supported")
        }
        bound = DeflateChunk.bound(probe, chunkSize: zip.chunkSize)
        libdeflate_free_compressor(probe)
    }

    /// Starts the idle threads once the file holds a complete chunk: before that they could
    /// claim nothing, and most files of a large catalog never get there, so their whole
    /// compression is `finish`'s (on the shared dispatch pool) and they cost no thread.
    private func startIdleThreads() {
        idleThreadsStarted = true
        for _ in 0..<max(1, zip.threads) {
            let thread = Thread { [self] in
                Self.yieldToEverythingElse()
                work(finishing: false)
            }
            thread.name = "odp-deflate"
            thread.start()
        }
    }

    deinit {
        Foundation.close(sourceFD)
        Foundation.close(spoolFD)
    }

    /// The source file now holds at least `bytes` bytes.
    /// Called by the file's one writer (a serial queue), never concurrently.
    func available(_ bytes: Int) {
        written.store(bytes, ordering: .releasing)
        if !idleThreadsStarted, bytes > zip.chunkSize { startIdleThreads() }
    }

    /// Compresses the rest on all cores and returns the stream once every chunk is in the spool.
    func finish(size: Int) throws -> Stream {
        condition.withLock {
            total = size
            condition.broadcast()
        }
        DispatchQueue.concurrentPerform(iterations: max(1, zip.threads)) { _ in work(finishing: true) }
        return try condition.withLock {
            if let failure { throw failure }
            var crc: UInt32 = 0
            var ranges: [Range<Int>] = []
            for k in 0..<nextChunk {
                guard let c = chunks[k] else { throw ODPError.io(url.path, "chunk \(k) of the compression spool is missing") }
                let n = min(zip.chunkSize, size - k * zip.chunkSize)
                crc = k == 0 ? c.crc : UInt32(crc32_combine(uLong(crc), uLong(c.crc), off_t(n)))
                ranges.append(c.spoolOffset..<(c.spoolOffset + c.length))
            }
            return Stream(url: url, size: size, compressed: ranges.reduce(0) { $0 + $1.count }, crc: crc, chunks: ranges)
        }
    }

    /// Stops compressing (the release is abandoned or unchanged). Idle threads end after the
    /// chunk in hand; they hold this object (and its files) until then.
    func cancel() {
        condition.withLock {
            cancelled = true
            condition.broadcast()
        }
    }

    /// Claims chunks that are complete in the source and compresses them, until there are no
    /// more (after `finish`) or the spool is cancelled. A `finishing` worker also compresses
    /// again the chunks idle threads hold: on a busy machine an idle thread may not get the
    /// CPU for a long time, and the release must not wait for it. Whichever copy ends first
    /// is kept; both are the same bytes.
    private func work(finishing: Bool) {
        guard let compressor = libdeflate_alloc_compressor(Int32(zip.level)) else {
            condition.withLock { failure = failure ?? ODPError.usage("deflate level \(zip.level) is not supported") }
            return
        }
        defer { libdeflate_free_compressor(compressor) }
        let chunkSize = zip.chunkSize
        let input = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { input.deallocate() }
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: bound)
        defer { output.deallocate() }
        while true {
            // A chunk is ready once bytes past it exist (until then it may be the last) or the size is known.
            let claim: (index: Int, count: Int, final: Bool)? = condition.withLock {
                while true {
                    if cancelled || failure != nil { return nil }
                    let start = nextChunk * chunkSize
                    if let total {
                        var k = nextChunk
                        if k * chunkSize < total {
                            nextChunk += 1
                        } else {
                            guard finishing, let held = (0..<nextChunk).first(where: { chunks[$0] == nil && !retaken.contains($0) }) else { return nil }
                            retaken.insert(held)
                            k = held
                        }
                        let n = min(chunkSize, total - k * chunkSize)
                        return (k, n, k * chunkSize + n == total)
                    }
                    if written.load(ordering: .acquiring) > start + chunkSize {
                        nextChunk += 1
                        return (nextChunk - 1, chunkSize, false)
                    }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: 0.005))
                }
            }
            guard let claim else { return }
            if !finishing { idleClaimed?(claim.index) }
            let result = compress(claim.index, claim.count, final: claim.final, compressor: compressor, input: input, output: output)
            condition.withLock {
                switch result {
                case .success(let chunk?): if chunks[claim.index] == nil { chunks[claim.index] = chunk }
                case .success(nil): break
                case .failure(let error): failure = failure ?? error
                }
            }
        }
    }

    private func compress(_ index: Int, _ count: Int, final: Bool, compressor: OpaquePointer, input: UnsafeMutableRawPointer,
                          output: UnsafeMutablePointer<UInt8>) -> Result<Chunk?, ODPError> {
        let start = index * zip.chunkSize
        var got = 0
        while got < count {
            let n = pread(sourceFD, input + got, count - got, off_t(start + got))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return .failure(ODPError.io(source.path, "cannot read back for compression")) }
            got += n
        }
        guard let done = DeflateChunk.compress(input, count, final: final, compressor: compressor, into: output, bound: bound) else {
            return .failure(ODPError.io(source.path, "deflate failed on chunk \(index)"))
        }
        // The other copy of a retaken chunk may have landed meanwhile: then this one is not written.
        let reserved: Int? = condition.withLock {
            guard chunks[index] == nil else { return nil }
            defer { spoolEnd += done.length }
            return spoolEnd
        }
        guard let offset = reserved else { return .success(nil) }
        var written = 0
        while written < done.length {
            let n = pwrite(spoolFD, output + written, done.length - written, off_t(offset + written))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                return .failure(ODPError.io(url.path, "cannot write the compression spool: \(String(cString: strerror(errno)))"))
            }
            written += n
        }
        return .success(Chunk(spoolOffset: offset, length: done.length, crc: done.crc))
    }

    /// Moves the calling thread to `SCHED_IDLE` (allowed without privileges); if the system
    /// refuses, it stays at normal priority, which is slower but correct.
    private static func yieldToEverythingElse() {
        // SCHED_IDLE (Linux 2.6.23+); glibc declares it only under _GNU_SOURCE.
        let schedIdle: Int32 = 5
        var param = sched_param()
        _ = pthread_setschedparam(pthread_self(), schedIdle, &param)
    }
}
