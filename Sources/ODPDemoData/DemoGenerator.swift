import Foundation
import ODPCore

/// Makes the bundled demo's department data and the benchmark tables. Deterministic: the
/// same call gives byte-identical files on any machine (`odp demo generate`).
public enum DemoGenerator {
    /// The demo sources under `directory` (normally `pipelines/demo/data`).
    public static func generateDemo(into directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try DemoWriters.sqlite(MarketRegistrations(rowCount: 3000), to: directory.appendingPathComponent("market.sqlite"),
                               integerColumns: ["employees"])
        try DemoWriters.csv(AirQuality(), to: directory.appendingPathComponent("air_quality.csv"), encoding: "utf-8-bom")
        try DemoXLSX.write(BusStops(), to: directory.appendingPathComponent("bus_stops.xlsx"), sheetName: "公交站点",
                           numericColumns: ["经度", "纬度"], dateColumns: ["启用日期"])
        try DemoWriters.csv(ElderlyCare(), to: directory.appendingPathComponent("elderly_care.csv"), encoding: "gb18030",
                            raggedRow: 17)
    }

    /// The benchmark table (the market registrations, CSV, UTF-8) with `rows` rows, made once
    /// and cached in `directory`.
    public static func benchmarkTable(rows: Int, in directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("market-\(rows).csv")
        if FileManager.default.fileExists(atPath: url.path) { return url }
        try DemoWriters.csv(MarketRegistrations(rowCount: rows), to: url)
        return url
    }
}
