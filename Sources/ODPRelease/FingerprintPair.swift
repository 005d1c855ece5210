/// The (key, row) fingerprints of every row of a version, for the change log.
struct FingerprintPair: Comparable, BitwiseCopyable {
    var key: UInt64
    var row: UInt64
    static func < (a: FingerprintPair, b: FingerprintPair) -> Bool { a.key < b.key || (a.key == b.key && a.row < b.row) }
}

typealias FingerprintRuns = SortedRuns<FingerprintPair>

extension SortedRuns where Element == FingerprintPair {
    typealias Pair = FingerprintPair

    @inline(__always)
    func append(key: UInt64, row: UInt64) throws { try append(FingerprintPair(key: key, row: row)) }
}
