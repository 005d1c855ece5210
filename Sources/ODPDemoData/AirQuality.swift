/// 生态环境局 空气质量小时监测数据: hourly readings of the city's monitoring stations.
public struct AirQuality: DemoTable {
    public let name = "air_quality_hourly"
    public let days: Int
    public var rowCount: Int { Self.stations.count * 24 * days + 2 }
    public let columns = ["站点编码", "站点名称", "行政区划代码", "监测时间", "AQI", "PM2.5", "PM10", "SO2", "NO2", "O3", "CO", "首要污染物"]

    static let stations: [(String, String, String)] = [
        ("1001A", "鼓山", "350111"), ("1002A", "五四北路", "350102"), ("1003A", "紫阳", "350103"),
        ("1004A", "师大", "350104"), ("1005A", "杨桥西路", "350102"), ("1006A", "快安", "350105"),
        ("1007A", "晋安新店", "350111"), ("1008A", "长乐洋屿", "350112"), ("1009A", "福清", "350181"),
        ("1010A", "闽侯", "350121"),
    ]

    public init(days: Int = 14) { self.days = days }

    public func row(_ index: Int) -> [String?] {
        // The last two rows repeat earlier ones: planted exact duplicates.
        let base = rowCount - 2
        let i = index >= base ? index - base + 7 : index
        var r = DemoRandom(table: 2, row: i)
        let station = Self.stations[i % Self.stations.count]
        let hourIndex = i / Self.stations.count
        let day = 7 + hourIndex / 24, hour = hourIndex % 24
        let time = "2026/11/\(DemoIdentifiers.pad(day, 2)) \(DemoIdentifiers.pad(hour, 2)):00:00"
        let pm25 = i == 101 ? -12 : 10 + r.int(60)
        let pm10 = pm25 + 5 + r.int(40)
        let o3 = 20 + r.int(120)
        let aqi = max(pm25 * 10 / 7, o3 * 10 / 16)
        let primary = aqi <= 50 ? "—" : (pm25 * 10 / 7 >= o3 * 10 / 16 ? "PM2.5" : "O3")
        return [station.0, station.1, station.2, time, i == 205 ? nil : String(aqi), String(pm25), String(pm10),
                String(2 + r.int(10)), String(8 + r.int(50)), String(o3), "\(r.int(2)).\(r.int(10))", primary]
    }
}
