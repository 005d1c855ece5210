import Foundation
import ODPCore

/// Fixed-size values sorted in bounded memory. Values collect in a buffer of `runLength`; a
/// full buffer is sorted and written to a run file, and `sorted()` merges the runs while they
/// are read. A 10M-row re-run holds 16 MB of fingerprint pairs per version here instead of
/// 160 MB and the copies sorting them made.
final class SortedRuns<Element: Comparable & BitwiseCopyable> {
    let directory: URL
    private let runLength: Int
    private let name = UUID().uuidString
    private var buffer: [Element] = []
    private var runs: [URL] = []

    /// - Parameters:
    ///   - directory: where run files go (the release's temporary folder); they are removed
    ///     when this object goes.
    ///   - runLength: values kept in memory, reserved at once so the buffer never holds an
    ///     old and a new copy while growing (1M pairs are 16 MB).
    init(directory: URL, runLength: Int = 1 << 20) {
        self.directory = directory
        self.runLength = max(1, runLength)
        buffer.reserveCapacity(self.runLength)
    }

    deinit { for run in runs { unlink(run.path) } }

    @inline(__always)
    func append(_ value: Element) throws {
        buffer.append(value)
        if buffer.count == runLength { try spill() }
    }

    private func spill() throws {
        buffer.sort()
        let url = directory.appendingPathComponent(".sorted-runs-\(name)-\(runs.count)")
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

    /// All values in ascending order. Call once, after the last `append`.
    func sorted() throws -> Merge {
        buffer.sort()
        var sources: [Source] = [Source(values: buffer)]
        buffer = []
        for run in runs { sources.append(try Source(file: run)) }
        return Merge(sources)
    }

    /// One sorted run: the last buffer in memory, or a file read 64K values at a time.
    final class Source {
        private var values: [Element]
        private var index = 0
        private let fd: Int32
        private let path: String

        init(values: [Element]) { self.values = values; fd = -1; path = "" }

        init(file: URL) throws {
            path = file.path
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ODPError.io(path, "cannot read a change-log run file: \(String(cString: strerror(errno)))") }
            values = []
            try refill()
        }

        deinit { if fd >= 0 { close(fd) } }

        var head: Element? { index < values.count ? values[index] : nil }

        func advance() throws {
            index += 1
            if index == values.count, fd >= 0 { try refill() }
        }

        private func refill() throws {
            let capacity = 1 << 16, size = MemoryLayout<Element>.stride
            var failure: Error?
            values = [Element](unsafeUninitializedCapacity: capacity) { buffer, count in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                var got = 0
                while got < raw.count {
                    let n = read(fd, raw.baseAddress! + got, raw.count - got)
                    if n < 0, errno == EINTR { continue }
                    guard n >= 0 else { failure = ODPError.io(path, "cannot read a change-log run file: \(String(cString: strerror(errno)))"); break }
                    if n == 0 { break }
                    got += n
                }
                if got % size != 0 { failure = ODPError.io(path, "a change-log run file was cut short") }
                count = got / size
            }
            if let failure { throw failure }
            index = 0
        }
    }

    /// The smallest head of all runs, one value at a time (few runs: a linear scan beats a heap).
    final class Merge {
        private let sources: [Source]
        init(_ sources: [Source]) { self.sources = sources }

        func next() throws -> Element? {
            var best: Source?
            for s in sources {
                guard let h = s.head else { continue }
                if let b = best?.head, !(h < b) { continue }
                best = s
            }
            guard let best, let value = best.head else { return nil }
            try best.advance()
            return value
        }
    }
}
