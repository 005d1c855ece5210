import Crypto
import Foundation
import ODPCore

/// The row count and an order-free checksum of a release CSV's records, computed the way
/// `DatabaseTable.checksumQuery` computes it over a loaded table: the first 8 bytes of each
/// record's MD5 (its bytes without the line break, as the release wrote them), read as a
/// big-endian integer and summed modulo 2^64. Equal results mean the table holds exactly the
/// file's rows (as a multiset), each formatted back to the same bytes.
///
/// MD5 is used because PostgreSQL has it built in; it guards against a half-loaded or
/// altered table, not against an attacker who can write to the exchange database.
struct CSVRecordChecksum: Equatable {
    var rows = 0
    var sum: UInt64 = 0

    /// The text form stored in `odp_versions.checksum` and compared with the database's.
    var text: String { "\(rows):\(sum)" }

    /// Streams `url`: records end at a line feed outside quotes (a CR before it is dropped);
    /// the first record, the header, and a UTF-8 BOM are skipped.
    static func of(_ url: URL) throws -> CSVRecordChecksum {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ODPError.io(url.path, "无法读取（cannot read）") }
        defer { try? handle.close() }
        var out = CSVRecordChecksum()
        var carry: [UInt8] = []
        var header = true
        var first = true
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            carry.append(contentsOf: chunk)
            if first, carry.count >= 3 {
                if carry.starts(with: [0xEF, 0xBB, 0xBF]) { carry.removeFirst(3) }
                first = false
            }
            let consumed = carry.withUnsafeBufferPointer { buffer -> Int in
                // Each scan starts at a record boundary, outside quotes.
                var start = 0, quoted = false
                for i in 0..<buffer.count {
                    let c = buffer[i]
                    if c == 0x22 { quoted.toggle() } else if c == 0x0A, !quoted {
                        let end = i > start && buffer[i - 1] == 0x0D ? i - 1 : i
                        if header { header = false } else { out.add(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[start..<end]))) }
                        start = i + 1
                    }
                }
                return start
            }
            carry.removeFirst(consumed)
        }
        if !carry.isEmpty, !header { carry.withUnsafeBytes { out.add($0) } }
        return out
    }

    private mutating func add(_ record: UnsafeRawBufferPointer) {
        let digest = Insecure.MD5.hash(data: record)
        var head: UInt64 = 0
        for (i, byte) in digest.enumerated() where i < 8 { head = head << 8 | UInt64(byte) }
        sum = sum &+ head
        rows += 1
    }
}
