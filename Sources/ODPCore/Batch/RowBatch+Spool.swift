import Foundation

extension RowBatch {
    /// Appends this batch to a spool file in a private binary layout (native endianness: the
    /// spool never leaves the process that wrote it). Used when a stage needs a second pass.
    public func spool(to handle: FileHandle) throws {
        var header = [Int64(columnCount), Int64(rowCount), Int64(byteCount)]
        try handle.write(contentsOf: Data(bytes: &header, count: 24))
        try sourceRows.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        try starts.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        try lengths.withUnsafeBytes { try handle.write(contentsOf: Data($0)) }
        try _bytes.withUnsafeBytes { try handle.write(contentsOf: Data(UnsafeRawBufferPointer(rebasing: $0[0..<_byteCount]))) }
    }

    /// Reads the next spooled batch, or nil at the end.
    public static func unspool(from handle: FileHandle) throws -> RowBatch? {
        guard let head = try handle.read(upToCount: 24), head.count == 24 else { return nil }
        let values = head.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        let columns = Int(values[0]), rows = Int(values[1]), byteCount = Int(values[2])
        func read(_ n: Int) throws -> Data {
            guard n > 0 else { return Data() }
            guard let d = try handle.read(upToCount: n), d.count == n else { throw ODPError.io("spool", "truncated spool file") }
            return d
        }
        let rowData = try read(rows * 8), startData = try read(rows * columns * 4), lengthData = try read(rows * columns * 4)
        let byteData = try read(byteCount)
        var batch = RowBatch(columnCount: columns)
        batch._sourceRows = rowData.withUnsafeBytes { Array($0.bindMemory(to: Int.self)) }
        batch._starts = startData.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        batch._lengths = lengthData.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        batch._bytes = Array(byteData)
        batch._byteCount = byteCount
        return batch
    }
}
