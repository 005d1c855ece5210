import Foundation
import ODPCore
import Testing
@testable import ODPRelease

@Suite("Zip writer")
struct ZipWriterTests {
    /// Compressible but not trivial CSV-like text of about `bytes` bytes.
    static func sampleText(bytes: Int) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(bytes + 100)
        var x: UInt64 = 88172645463325252
        var row = 0
        while out.count < bytes {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            out += Array("\(row),企业\(x % 5000),\(x % 100000).\(x % 100),2024-\(x % 12 + 1)-\(x % 28 + 1),\(x % 2 == 0)\r\n".utf8)
            row += 1
        }
        return Data(out)
    }

    func makeArchive(chunkSize: Int = 1 << 20) throws -> (zip: URL, files: [String: Data]) {
        let dir = Fixture.temporaryDirectory()
        let files: [String: Data] = [
            "big.csv": Self.sampleText(bytes: 5 << 20 + 12_345),   // several chunks, last one partial
            "empty.txt": Data(),
            "small.json": Data("{\"a\":1}\n".utf8),
            "sub/one-chunk.txt": Self.sampleText(bytes: chunkSize),
        ]
        for (name, data) in files {
            let url = dir.appendingPathComponent("src/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let zip = dir.appendingPathComponent("out.zip")
        try ZipWriter.archive(directory: dir.appendingPathComponent("src"), prefix: "pkg-1", to: zip, writer: ZipWriter(threads: 2, chunkSize: chunkSize))
        return (zip, files)
    }

    @Test("a multi-chunk entry and a 0-byte entry pass unzip -t and Python's testzip, and read back exactly")
    func validArchive() throws {
        let (zip, files) = try makeArchive()
        let reader = try ZipReader(url: zip)
        #expect(reader.entries.map(\.name) == ["pkg-1/big.csv", "pkg-1/empty.txt", "pkg-1/small.json", "pkg-1/sub/one-chunk.txt"])
        for entry in reader.entries {
            var data = Data()
            try reader.read(entry) { data.append(contentsOf: $0) }
            #expect(data == files[String(entry.name.dropFirst(6))], "\(entry.name)")
        }
        if let unzip = try Fixture.run("unzip", ["-t", zip.path]) {
            #expect(unzip.status == 0, "\(unzip.output)")
            #expect(unzip.output.contains("No errors detected"))
        } else {
            Issue.record("unzip is not installed (apt-get install -y unzip)")
        }
        let script = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); bad = z.testzip(); print('BAD', bad) if bad else print('OK', len(z.namelist()))"
        if let python = try Fixture.run("python3", ["-c", script, zip.path]) {
            #expect(python.output.hasPrefix("OK 4"), "\(python.output)")
        } else {
            Issue.record("python3 is missing")
        }
    }

    @Test("the archive is deterministic and uses the 1980-01-01 timestamp")
    func deterministic() throws {
        let a = try makeArchive(), b = try makeArchive()
        let x = try Data(contentsOf: a.zip), y = try Data(contentsOf: b.zip)
        #expect(x == y)
        // Local header of the first entry: time 0x0000, date 0x0021 (1980-01-01).
        #expect(Array(x[10..<14]) == [0, 0, 0x21, 0])
    }

    @Test("chunked output stays within 1% of one-stream compression")
    func ratio() throws {
        let small = try makeArchive(chunkSize: 1 << 20)
        let large = try makeArchive(chunkSize: 64 << 20)
        let a = try Data(contentsOf: small.zip).count, b = try Data(contentsOf: large.zip).count
        #expect(Double(a) <= Double(b) * 1.01, "\(a) vs \(b)")
        #expect(a != b)
    }

    @Test("a non-final chunk joins for every bit alignment of its end")
    func joinAlignments() throws {
        // Different small inputs end their last block at different bit offsets.
        for length in 1...64 {
            let text = Array(Self.sampleText(bytes: length * 37).prefix(length * 37))
            let dir = Fixture.temporaryDirectory()
            let first = dir.appendingPathComponent("a.txt")
            try Data(text + text.reversed()).write(to: first)
            let zip = dir.appendingPathComponent("a.zip")
            try ZipWriter(threads: 2, chunkSize: max(1, length * 37 / 3)).write(entries: [.init(name: "x/a.txt", file: first)], to: zip)
            let reader = try ZipReader(url: zip)
            var data = Data()
            try reader.read(reader.entries[0]) { data.append(contentsOf: $0) }
            #expect(data == Data(text + text.reversed()), "length \(length)")
        }
    }
}
