import Foundation

/// The benchmark's pipeline over `MarketRegistrations`. Two jobs, shared by `odp-bench`, the
/// peer scripts' comparison (`bench/peers/`) and the test that each planted defect is found
/// by the rule its `PlantedDefect.rule` names:
/// - `.light`: the job of the issue's first reference figures (validate USCC and ID
///   checksums, mobile pattern, date, region code set, amount ≥ 0, required fields; drop the
///   ID, mask phone and name, cut the address to the district, redact identifiers in free text);
/// - `.real`: what real definitions do on top: the USCC a `unique` primary key, an HMAC
///   pseudonym instead of dropping the ID number, the registration date cut to the month, and
///   k-anonymity (k = 5) over district, year-month and industry.
public enum BenchmarkPipeline {
    public static let datasetID = "bench-market"
    /// The pseudonym key's id and the file (in the run folder) holding its secret; the peers
    /// read the same file, so their pseudonyms must equal ODP's.
    public static let pseudonymKeyID = "bench-key-1"
    public static let pseudonymKeyFile = "pseudonym.key"
    public static let pseudonymPrefix = "P"
    public static let pseudonymBytes = 16

    public enum Job: String, Sendable, CaseIterable {
        case light, real
    }

    /// Writes `odp.yml` (output `out/`) and `bench.yml` reading the CSV `table` into `dir`;
    /// `codes` is the folder with `gb2260-2024.txt`. Returns the path of `odp.yml`.
    /// - Parameter csvOnly: release the CSV without the JSON copy: the job of the issue's
    ///   reference figures (validate, desensitize, write the CSV, SHA-256, zip).
    public static func write(table: URL, codes: URL, into dir: URL, csvOnly: Bool = false, job: Job = .light) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let real = job == .real
        let keyFile = dir.appendingPathComponent(pseudonymKeyFile)
        if real {
            // A fixed benchmark key, not a secret: owner-only like a real key file.
            FileManager.default.createFile(atPath: keyFile.path, contents: Data("odp-benchmark-pseudonym-key\n".utf8),
                                           attributes: [.posixPermissions: 0o600])
        }
        try """
        output: out
        datasets: [bench.yml]
        code_tables:
          gb2260: {path: \(codes.path)/gb2260-2024.txt}
        \(real ? "keys: {pseudonym: {id: \(pseudonymKeyID), secret: \"file:\(keyFile.path)\"}}" : "")
        """.write(to: dir.appendingPathComponent("odp.yml"), atomically: true, encoding: .utf8)
        let id = real
            ? "{op: pseudonym, prefix: \(pseudonymPrefix), bytes: \(pseudonymBytes)}"
            : "{op: drop}"
        try """
        id: \(datasetID)
        catalog:
          title: 基准测试表
          code: BENCH-00001
          provider: 基准测试
          provider_code: 11350100MB1995472L
          summary: 基准测试用的个体工商户登记表
          domain: 市场监管
          open_type: 无条件开放
          update_cycle: 每日
          license: CC-BY-4.0
        # The generated table is shared by runs and lives outside the run folder.
        source: {type: csv, path: \(table.path), encoding: utf-8, allow_outside: true}
        \(real ? "primary_key: [uscc]" : "")
        fields:
          - {name: uscc, title: 统一社会信用代码, type: string, class: public, rules: [required, \(real ? "unique, " : "")gb32100]}
          - {name: shop_name, title: 字号名称, type: string, class: public, rules: [required]}
          - {name: operator_name, title: 经营者姓名, type: string, class: direct, desensitize: {op: mask, keep_first: 1, keep_last: 0}, rules: [required]}
          - {name: id_number, title: 身份证号, type: string, class: direct, desensitize: \(id), rules: [gb11643]}
          - {name: mobile, title: 联系电话, type: string, class: direct, desensitize: {op: mask, keep_first: 3, keep_last: 4}, rules: [{type: pattern, pattern: "^1[3-9][0-9]{9}$"}]}
          - {name: address, title: 经营场所, type: string, class: \(real ? "quasi" : "public"), desensitize: {op: generalize, to: district}}
          - {name: region_code, title: 行政区划代码, type: string, class: public, rules: [{type: code_table, table: gb2260}]}
          - {name: industry, title: 行业门类, type: string, class: \(real ? "quasi" : "public")}
          - {name: reg_date, title: 登记日期, type: date, class: \(real ? "quasi, desensitize: {op: generalize, to: year_month}" : "public"), rules: [{type: date_range, not_future: true}]}
          - {name: capital, title: 资金数额, type: number, scale: 2, class: public, rules: [{type: min, value: 0}]}
          - {name: employees, title: 从业人数, type: integer, class: public}
          - {name: scope, title: 经营范围, type: string, class: public, desensitize: {op: redact}}
          - {name: status, title: 登记状态, type: string, class: public}
          - {name: reg_authority, title: 登记机关, type: string, class: public}
          - {name: updated_at, title: 更新时间, type: datetime, format: "YYYY-MM-DD hh:mm:ss", class: public}
        \(real ? "privacy: {k_anonymity: {k: 5}}" : "")
        gate: {max_reject_share: 0.05}
        \(csvOnly ? "release: {formats: [csv]}" : "")
        """.write(to: dir.appendingPathComponent("bench.yml"), atomically: true, encoding: .utf8)
        return dir.appendingPathComponent("odp.yml").path
    }
}
