/// 交通运输局 公交站点: stops with WGS-84 coordinates, delivered as an Excel workbook.
public struct BusStops: DemoTable {
    public let name = "bus_stops"
    public let rowCount: Int
    public let columns = ["站点编号", "站点名称", "途经线路", "所属区县代码", "经度", "纬度", "是否有候车亭", "启用日期"]

    public init(rowCount: Int = 600) { self.rowCount = rowCount }

    public func row(_ index: Int) -> [String?] {
        var r = DemoRandom(table: 3, row: index)
        let district = r.pick(DemoVocabulary.districts)
        let road = r.pick(district.roads)
        let lines = (0..<(1 + r.int(4))).map { _ in "\(1 + r.int(180))路" }
        // Two stops carry coordinates outside the city: planted range defects.
        let lon = index == 77 ? 129.301234 : 119.05 + r.unit() * 0.55
        let lat = index == 311 ? 36.070001 : 25.85 + r.unit() * 0.35
        let serial = 36_526 + r.int(9_000)  // Excel day serial: 2000-01-01 … 2024-08
        return ["FZ\(DemoIdentifiers.pad(index + 1, 5))", "\(road)\(["口", "北", "南", "东"][r.int(4)])站",
                lines.joined(separator: "；"), district.code, formatCoordinate(lon), formatCoordinate(lat),
                r.chance(0.6) ? "是" : "否", String(serial)]
    }

    private func formatCoordinate(_ v: Double) -> String {
        let scaled = Int((v * 1_000_000).rounded())
        return "\(scaled / 1_000_000).\(DemoIdentifiers.pad(scaled % 1_000_000, 6))"
    }
}
