import Foundation

/// The generated catalog of `odp-bench --catalog N`: N small CSV datasets of 6 fields, 50 to
/// 5,000 rows each (log-uniform, so most are small, as in a city's catalog), the same bytes
/// for the same N.
enum CatalogWorkspace {
    /// 40 提供方, as in the seeds' city.
    static let departments = ["市场监管局", "生态环境局", "民政局", "交通运输局", "教育局", "卫生健康委", "公安局", "财政局", "税务局",
                              "人社局", "自然资源局", "住建局", "水利局", "农业农村局", "商务局", "文旅局", "应急管理局", "统计局",
                              "医保局", "城管局", "司法局", "审计局", "国资委", "发改委", "工信局", "科技局", "民宗局", "退役军人局",
                              "林业局", "体育局", "信访局", "档案局", "气象局", "邮政管理局", "烟草专卖局", "供销社", "残联", "妇联",
                              "团市委", "总工会"]
    static let minRows = 50
    static let maxRows = 5_000

    /// Rows of dataset `i`: a fixed hash of the index spread log-uniformly over the range.
    static func rows(_ i: Int) -> Int {
        var x = UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 31)) &* 0xBF58_476D_1CE4_E5B9
        let unit = Double(x >> 11) / Double(1 << 53)
        return Int((Double(minRows) * pow(Double(maxRows) / Double(minRows), unit)).rounded())
    }

    static func id(_ i: Int) -> String { String(format: "bench-%05d", i + 1) }

    /// Writes `odp.yml`, `defs/*.yml` and `data/*.csv` under `dir` (kept when already there
    /// for this N) and returns the path of `odp.yml` and every source file. Without
    /// `withSources` the CSV sources are not written (`odp-bench --portal` writes releases
    /// directly).
    static func write(datasets n: Int, into dir: URL, withSources: Bool = true) throws -> (config: String, sources: [URL]) {
        let fm = FileManager.default
        let config = dir.appendingPathComponent("odp.yml")
        let sources = (0..<n).map { dir.appendingPathComponent("data/\(id($0)).csv") }
        if fm.fileExists(atPath: config.path) { return (config.path, sources) }
        try fm.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("defs"), withIntermediateDirectories: true)
        let domains = ["市场监管", "生态环境", "民生服务", "交通出行", "教育文化", "医疗卫生", "城建住房", "财税金融"]
        for i in 0..<n {
            if withSources { try csv(rows: rows(i), seed: i).write(to: sources[i]) }
            let department = departments[i % departments.count]
            let domain = domains[(i / departments.count) % domains.count]
            try """
            id: \(id(i))
            catalog:
              title: 基准目录第\(i + 1)项
              code: 350100-BENCH-\(String(format: "%05d", i + 1))
              provider: \(department)
              provider_code: 11350100MB1995472L
              summary: 基准测试生成的数据集
              domain: \(domain)
              open_type: 无条件开放
              update_cycle: 每日
              license: CC-BY-4.0
            source: {type: csv, path: ../data/\(id(i)).csv}
            primary_key: [id]
            fields:
              - {name: id, title: 编号, type: integer, class: public, rules: [required, unique]}
              - {name: name, title: 名称, type: string, class: public, rules: [required]}
              - {name: category, title: 类别, type: string, class: public}
              - {name: amount, title: 金额, type: number, scale: 2, class: public, rules: [{type: min, value: 0}]}
              - {name: day, title: 日期, type: date, class: public, rules: [{type: date_range, not_future: true}]}
              - {name: district, title: 区县, type: string, class: public}
            """.write(to: dir.appendingPathComponent("defs/\(id(i)).yml"), atomically: false, encoding: .utf8)
        }
        // A pattern, not N entries: odp.yml's YAML refuses more than 20,000 values (ODP-E0103).
        try "output: out\ndatasets:\n  - \"defs/*.yml\"\n".write(to: config, atomically: true, encoding: .utf8)
        return (config.path, sources)
    }

    /// One dataset's CSV: ascending ids, values cycling through small vocabularies.
    static func csv(rows: Int, seed: Int) -> Data {
        let categories = ["甲类", "乙类", "丙类", "丁类"]
        let districts = ["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区", "长乐区"]
        var out = "id,name,category,amount,day,district\n"
        out.reserveCapacity(rows * 48)
        for r in 0..<rows {
            let k = r &+ seed &* 7
            let month = 1 + k % 12, day = 1 + k % 28
            out += "\(r + 1),条目\(seed + 1)-\(r + 1),\(categories[k % 4]),\(k % 10_000).\(String(format: "%02d", k % 100)),"
            out += "2025-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day),\(districts[k % 6])\n"
        }
        return Data(out.utf8)
    }
}
