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

@Suite("Zip64")
struct Zip64Tests {
    static let slowTests = ProcessInfo.processInfo.environment["ODP_SLOW_TESTS"] == "1"

    /// Python's zipfile reading every entry (it checks each CRC-32 at the end of the entry),
    /// printing the entry count and, per named entry, its size, stored CRC and bytes read.
    static let pythonCheck = """
    import sys, zipfile
    z = zipfile.ZipFile(sys.argv[1])
    print("entries", len(z.infolist()))
    for i in z.infolist():
        n = 0
        with z.open(i) as f:
            while True:
                b = f.read(1 << 24)
                if not b: break
                n += len(b)
        if i.filename in sys.argv[2:]: print(i.filename, i.file_size, i.CRC, n)
    """

    /// Runs `unzip -t` and the Python check off the cooperative pool, then judges both here
    /// (expectations belong to the test's task). Returns Python's output.
    static func check(_ zip: URL, entries: Int, show names: [String] = []) async throws -> String? {
        let (unzip, python) = try await Fixture.offPool {
            (try Fixture.run("unzip", ["-tq", zip.path]), try Fixture.run("python3", ["-c", pythonCheck, zip.path] + names))
        }
        if let unzip {
            #expect(unzip.status == 0, "\(unzip.output.suffix(2000))")
            #expect(unzip.output.contains("No errors detected"), "\(unzip.output.suffix(2000))")
        } else {
            Issue.record("unzip is not installed (apt-get install -y unzip)")
        }
        guard let python else {
            Issue.record("python3 is missing")
            return nil
        }
        #expect(python.status == 0, "\(python.output.suffix(2000))")
        #expect(python.output.hasPrefix("entries \(entries)\n"), "\(python.output.prefix(500))")
        return python.output
    }

    @Test("sizes use Zip64 whenever deflate's worst case could reach 4 GiB, also for input just below it")
    func zip64Decision() {
        let writer = ZipWriter()
        #expect(!writer.sizesNeedZip64(1 << 31))
        #expect(!writer.sizesNeedZip64(0xFFFF_FFFF - 8 << 20), "1 MiB chunks add well under 8 MiB")
        #expect(writer.sizesNeedZip64(0xFFFF_FFFF - 1 << 20), "incompressible input this size deflates to over 4 GiB")
        #expect(writer.sizesNeedZip64(1 << 32))
        #expect(ZipWriter(chunkSize: 4096).sizesNeedZip64(0xFFFF_FFFF - 8 << 20), "small chunks cost more per byte")
    }

    @Test("70,000 entries get the Zip64 end records and read back in unzip, Python and ZipReader")
    func manyEntries() async throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = try (0..<3).map { k -> URL in
            let url = dir.appendingPathComponent("src-\(k).txt")
            try ZipWriterTests.sampleText(bytes: 100 * k).write(to: url)  // 0, 100 and 200 bytes
            return url
        }
        let count = 70_000
        let entries = (0..<count).map { ZipWriter.Entry(name: String(format: "many/%05d.txt", $0), file: sources[$0 % 3]) }
        let zip = dir.appendingPathComponent("many.zip")
        try await Fixture.offPool { try ZipWriter(threads: 1, chunkSize: 4096).write(entries: entries, to: zip) }

        let bytes = try Data(contentsOf: zip)
        let eocd = bytes.count - 22
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        #expect(u32(eocd) == 0x0605_4B50 && u16(eocd + 10) == 0xFFFF, "the 16-bit count says: see Zip64")
        #expect(u32(eocd - 20) == 0x0706_4B50, "Zip64 end locator")
        #expect(u32(eocd - 20 - 56) == 0x0606_4B50, "Zip64 end record")
        let reader = try ZipReader(url: zip)
        #expect(reader.entries.count == count)
        #expect(reader.entries.last?.name == "many/69999.txt")
        var data = Data()
        try reader.read(reader.entries[count - 1]) { data.append(contentsOf: $0) }  // 69999 % 3 == 0: the empty file
        try reader.read(reader.entries[count - 2]) { data.append(contentsOf: $0) }
        #expect(data == ZipWriterTests.sampleText(bytes: 200))
        _ = try await Self.check(zip, entries: count)
    }

    /// About 2½ minutes here (three full passes over 4.3 GiB on a shared 2-core machine).
    @Test("an entry over 4 GiB streams through with Zip64 sizes; unzip, Python and ZipReader check its CRC and size",
          .enabled(if: slowTests, "streams 4.3 GiB (~2.5 min); set ODP_SLOW_TESTS=1"))
    func entryOver4GiB() async throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A sparse file: ~4.3 GiB of zeros that take no disk or memory, with text marks at the
        // start, across the 4 GiB boundary and at the end so the CRC covers real content.
        let size = (1 << 32) + (300 << 20)
        let source = dir.appendingPathComponent("big.bin")
        #expect(FileManager.default.createFile(atPath: source.path, contents: nil))
        let handle = try FileHandle(forWritingTo: source)
        for (offset, mark) in [(0, "开始"), ((1 << 32) - 7, "4 GiB 边界"), (size - 9, "结束 end")] {
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: Data(mark.utf8))
        }
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
        let zip = dir.appendingPathComponent("big.zip")
        try await Fixture.offPool { try ZipWriter(threads: 2).write(entries: [.init(name: "big/big.bin", file: source)], to: zip) }

        let head = try FileHandle(forReadingFrom: zip).read(upToCount: 30) ?? Data()
        #expect(head[4] == 45 && head[28] == 20, "version 4.5 and a 20-byte Zip64 extra field in the local header")
        let reader = try ZipReader(url: zip)
        #expect(reader.entries.map(\.size) == [size])
        let readBack = try await Fixture.offPool { () -> Int in
            var n = 0
            try reader.read(reader.entries[0]) { n += $0.count }  // throws on a CRC or size mismatch
            return n
        }
        #expect(readBack == size)
        let output = try #require(try await Self.check(zip, entries: 1, show: ["big/big.bin"]))
        let line = output.split(separator: "\n").last.map { $0.split(separator: " ").map(String.init) } ?? []
        #expect(line == ["big/big.bin", String(size), String(reader.entries[0].crc), String(size)])
    }

    @Test("an archive over 4 GiB puts the next entry's offset and the central directory in Zip64 fields",
          .enabled(if: slowTests, "writes ~9 GB of incompressible data (several minutes); set ODP_SLOW_TESTS=1"))
    func archiveOver4GiB() async throws {
        let dir = Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let size = (1 << 32) + (64 << 20)
        let random = dir.appendingPathComponent("random.bin"), small = dir.appendingPathComponent("after.txt")
        let dd = try await Fixture.offPool {
            try Fixture.run("dd", ["if=/dev/urandom", "of=\(random.path)", "bs=16M", "count=\(size >> 24)", "iflag=fullblock", "status=none"])
        }
        #expect(dd?.status == 0, "\(dd?.output ?? "dd missing")")
        try Data("在 4 GiB 之后\n".utf8).write(to: small)
        let zip = dir.appendingPathComponent("huge.zip")
        try await Fixture.offPool {
            try ZipWriter(threads: 2, level: 1).write(entries: [.init(name: "h/random.bin", file: random), .init(name: "h/after.txt", file: small)], to: zip)
        }
        try? FileManager.default.removeItem(at: random)
        let reader = try ZipReader(url: zip)
        #expect(reader.entries.map(\.size) == [size, 17])
        #expect(reader.entries[0].compressed > 0xFFFF_FFFF, "stored blocks: zlib must be fed in windows")
        let readBack = try await Fixture.offPool { () -> Int in
            var n = 0
            try reader.read(reader.entries[0]) { n += $0.count }  // throws on a CRC or size mismatch
            return n
        }
        #expect(readBack == size)
        #expect(reader.entries[1].localOffset > 0xFFFF_FFFF)
        var text = Data()
        try reader.read(reader.entries[1]) { text.append(contentsOf: $0) }
        #expect(String(decoding: text, as: UTF8.self) == "在 4 GiB 之后\n")
        let output = try #require(try await Self.check(zip, entries: 2, show: ["h/random.bin", "h/after.txt"]))
        #expect(output.contains("h/random.bin \(size) \(reader.entries[0].crc) \(size)\n"))
        #expect(output.contains("h/after.txt 17 \(reader.entries[1].crc) 17"))
    }
}
