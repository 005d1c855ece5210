import Foundation
import ODPCore
import Synchronization
import Testing
@testable import ODPRelease

@Suite("Deflate while writing")
struct DeflateSpoolTests {
    /// Writes `data` through an `OutputFile` that spools, in pieces of `piece` bytes with a
    /// small buffer, so the spool sees many hand-offs that do not line up with its chunks.
    func spooled(_ data: Data, piece: Int, zip: ZipWriter, in dir: URL) throws -> (file: URL, stream: DeflateSpool.Stream) {
        let file = dir.appendingPathComponent("data.csv")
        let out = try OutputFile(path: file, capacity: 3000, deflate: (dir.appendingPathComponent("data.csv.deflate"), zip))
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var at = 0
            while at < bytes.count {
                let n = min(piece, bytes.count - at)
                try out.append(UnsafeBufferPointer(rebasing: bytes[at..<(at + n)]))
                at += n
            }
        }
        _ = try out.close()
        return (file, try #require(try out.deflated()))
    }

    @Test("the zip made from the spooled stream is byte for byte the zip of the finished file", arguments: [0, 1, 4096 * 7, 4096 * 7 + 1, 100_000])
    func sameBytes(size: Int) throws {
        let dir = Fixture.temporaryDirectory()
        let zip = ZipWriter(threads: 2, chunkSize: 4096)
        let data = ZipWriterTests.sampleText(bytes: size).prefix(size)
        let (file, stream) = try spooled(Data(data), piece: 1234, zip: zip, in: dir)
        #expect(stream.size == size)
        #expect(stream.chunks.count == (size + 4095) / 4096)
        let fromSpool = dir.appendingPathComponent("spooled.zip"), fromFile = dir.appendingPathComponent("plain.zip")
        try zip.write(entries: [.init(name: "p/data.csv", file: file, deflated: stream)], to: fromSpool)
        try zip.write(entries: [.init(name: "p/data.csv", file: file)], to: fromFile)
        #expect(try Data(contentsOf: fromSpool) == Data(contentsOf: fromFile))
        let reader = try ZipReader(url: fromSpool)
        var back = Data()
        try reader.read(reader.entries[0]) { back.append(contentsOf: $0) }
        #expect(back == data)
    }

    @Test("a file that changed after it was compressed is refused, not zipped with a stale stream")
    func changedFile() throws {
        let dir = Fixture.temporaryDirectory()
        let zip = ZipWriter(threads: 2, chunkSize: 4096)
        let (file, stream) = try spooled(ZipWriterTests.sampleText(bytes: 20_000), piece: 999, zip: zip, in: dir)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("extra\r\n".utf8))
        try handle.close()
        #expect(throws: ODPError.self) {
            try zip.write(entries: [.init(name: "p/data.csv", file: file, deflated: stream)], to: dir.appendingPathComponent("x.zip"))
        }
    }

    @Test("a discarded file stops its compression threads and the spool can be removed")
    func discard() throws {
        let dir = Fixture.temporaryDirectory()
        let file = dir.appendingPathComponent("data.csv")
        let out = try OutputFile(path: file, capacity: 3000, deflate: (dir.appendingPathComponent("data.csv.deflate"), ZipWriter(threads: 2, chunkSize: 4096)))
        try out.append(Array(ZipWriterTests.sampleText(bytes: 50_000)))
        try out.flush()
        out.discard()
        try FileManager.default.removeItem(at: dir)
        #expect(!FileManager.default.fileExists(atPath: dir.path))
    }

    @Test("finish does not wait for an idle thread stalled on a chunk: it compresses that chunk again, and the late copy changes nothing")
    func stalledIdleThread() throws {
        let dir = Fixture.temporaryDirectory()
        let zip = ZipWriter(threads: 2, chunkSize: 4096)
        let data = ZipWriterTests.sampleText(bytes: 40_000)
        let file = dir.appendingPathComponent("data.csv")
        try data.write(to: file)
        let stalled = DispatchSemaphore(value: 0), claimed = DispatchSemaphore(value: 0)
        // The first chunk an idle thread claims stays in its hands until the test lets go.
        let first = Mutex(true)
        let spool = try DeflateSpool(source: file, spool: dir.appendingPathComponent("data.csv.deflate"), zip: zip) { _ in
            if first.withLock({ let was = $0; $0 = false; return was }) { claimed.signal(); stalled.wait() }
        }
        spool.available(data.count)
        #expect(claimed.wait(timeout: .now() + 10) == .success)
        let stream = try spool.finish(size: data.count)
        stalled.signal()
        Thread.sleep(forTimeInterval: 0.2)  // the late copy lands (or is dropped) now
        let fromSpool = dir.appendingPathComponent("spooled.zip"), fromFile = dir.appendingPathComponent("plain.zip")
        try zip.write(entries: [.init(name: "p/data.csv", file: file, deflated: stream)], to: fromSpool)
        try zip.write(entries: [.init(name: "p/data.csv", file: file)], to: fromFile)
        #expect(try Data(contentsOf: fromSpool) == Data(contentsOf: fromFile))
    }

    @Test("a release's zip, compressed while its data files were written, equals the zip of its finished folder")
    func releaseZip() throws {
        let root = Fixture.temporaryDirectory()
        // About 3 MB of CSV and 6 MB of JSON: several 1 MiB chunks each, the last ones partial.
        let rows: [[String?]] = (1...60_000).map { i in
            ["\(i)", "企业\(i % 977)号有限公司", "\(i % 10_000).\(i % 100)", "2020\(String(format: "%02d", i % 12 + 1))15", i % 3 == 0 ? "是" : "否"]
        }
        let outcome = try Fixture.release(root: root, rows: rows)
        let zip = try #require(outcome.zip)
        let again = root.appendingPathComponent("again.zip")
        try ZipWriter.archive(directory: outcome.directory, prefix: "enterprises-\(outcome.version)", to: again)
        #expect(try Data(contentsOf: zip) == Data(contentsOf: again))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("releases/enterprises").path)
        #expect(leftovers.sorted() == [outcome.version, "latest.json"], "the spool folder is removed")
    }
}
