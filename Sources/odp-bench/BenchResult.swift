import Foundation

/// One benchmark child's measurements, printed by the child as JSON and read by the parent.
struct BenchResult: Codable {
    /// A floor measurement: seconds, and the output size where there is one.
    struct Timing: Codable {
        var seconds: Double
        var bytes: Int?
    }

    var rows: Int
    var inputBytes: Int
    var mode: String
    var seconds: Double?
    var cpuSeconds: Double?
    var rowsRead: Int?
    var status: String?
    /// Busy time per stage (`extract`, `check` … and `stream`, the wall time of all together).
    var stages: [String: Double]?
    var stageAlone: [String: Double]?
    var rowsReleased: Int?
    var rowsRejected: Int?
    var outputCSVBytes: Int?
    var floorRead: Double?
    var floorWrite: Timing?
    var floorSHA256: Timing?
    var floorZlib6: Timing?
    var floorLibdeflate6: Timing?
    var zipCSV: Timing?
    var infozip6: Timing?
    var zipBytes: Int?
    var peakRSSBytes: Int?
    /// A peer's run (`mode` "peer-polars", "peer-duckdb"): "same" when its released rows match ODP's.
    var peerAgreement: String?

    init(rows: Int, inputBytes: Int, mode: String) {
        self.rows = rows
        self.inputBytes = inputBytes
        self.mode = mode
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    static func decode(_ data: Data) throws -> BenchResult {
        try JSONDecoder().decode(BenchResult.self, from: data)
    }
}
