import Foundation
import ODPCore

/// The (key, row) fingerprints of every row of a version, sorted in bounded memory for the
/// change log. Pairs collect in a buffer of `runLength`; a full buffer is sorted and written to
/// a run file, and `sorted()` merges the runs while they are read. A 10M-row re-run holds
/// 16 MB per version here instead of 160 MB of pairs and the copies sorting them made.
final class FingerprintRuns {
    struct Pair: Comparable {
        var key: UInt64
        var row: UInt64
        static func < (a: Pair, b: Pair) -> Bool { a.key < b.key || (a.key == b.key && a.row < b.row) }
    }

    let directory: URL
    private let runLength: Int
    private let name = UUID().uuidString
    private var buffer: [Pair] = []
    private var runs: [URL] = []

    /// - Parameters:
    ///   - directory: where run files go (the release's temporary folder); they are removed
    ///     when this object goes.
    ///   - runLength: pairs kept in memory; 1M pairs are 16 MB, reserved at once so the
    ///     buffer never holds an old and a new copy while growing.
    init(directory: URL, runLength: Int = 1 << 20) {
        self.directory = directory
        self.runLength = max(1, runLength)
        buffer.reserveCapacity(self.runLength)
    }

    deinit { for run in runs { unlink(run.path) } }

    @inline(__always)
    func append(key: UInt64, row: UInt64) throws {
        buffer.append(Pair(key: key, row: row))
        if buffer.count == runLength { try spill() }
    }

    private func spill() throws {
        buffer.sort()
        let url = directory.appendingPathComponent(".fingerprints-\(name)-\(runs.count)")
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ODPError.io(url.path, "cannot create a change-log run file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        runs.append(url)
        try buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw ODPError.io(url.path, "cannot write a change-log run file: \(String(cString: strerror(errno)))") }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// All pairs in ascending order. Call once, after the last `append`.
    func sorted() throws -> Merge {
        buffer.sort()
        var sources: [Source] = [Source(pairs: buffer)]
        buffer = []
        for run in runs { sources.append(try Source(file: run)) }
        return Merge(sources)
    }

    /// One sorted run: the last buffer in memory, or a file read 64K pairs at a time.
    final class Source {
        private var pairs: [Pair]
        private var index = 0
        private let fd: Int32
        private let path: String

        init(pairs: [Pair]) { self.pairs = pairs; fd = -1; path = "" }

        init(file: URL) throws {
            path = file.path
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ODPError.io(path, "cannot read a change-log run file: \(String(cString: strerror(errno)))") }
            pairs = []
            try refill()
        }

        deinit { if fd >= 0 { close(fd) } }

        var head: Pair? { index < pairs.count ? pairs[index] : nil }

        func advance() throws {
            index += 1
            if index == pairs.count, fd >= 0 { try refill() }
        }

        private func refill() throws {
            let capacity = 1 << 16, size = MemoryLayout<Pair>.stride
            pairs = [Pair](repeating: Pair(key: 0, row: 0), count: capacity)
            var got = 0
            try pairs.withUnsafeMutableBytes { raw in
                while got < raw.count {
                    let n = read(fd, raw.baseAddress! + got, raw.count - got)
                    if n < 0, errno == EINTR { continue }
                    guard n >= 0 else { throw ODPError.io(path, "cannot read a change-log run file: \(String(cString: strerror(errno)))") }
                    if n == 0 { break }
                    got += n
                }
            }
            guard got % size == 0 else { throw ODPError.io(path, "a change-log run file was cut short") }
            pairs.removeLast(capacity - got / size)
            index = 0
        }
    }

    /// The smallest head of all runs, one pair at a time (few runs: a linear scan beats a heap).
    final class Merge {
        private let sources: [Source]
        init(_ sources: [Source]) { self.sources = sources }

        func next() throws -> Pair? {
            var best: Source?
            for s in sources {
                guard let h = s.head else { continue }
                if let b = best?.head, !(h < b) { continue }
                best = s
            }
            guard let best, let pair = best.head else { return nil }
            try best.advance()
            return pair
        }
    }
}
