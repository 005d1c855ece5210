/// 民政局 养老机构名录: a department file drop as a GB18030 CSV, with a free-text 备注
/// column in which one row leaks a personal mobile number (the privacy gate must hold it)
/// and one ragged line (the reader must reject it).
public struct ElderlyCare: DemoTable {
    public let name = "elderly_care"
    public let rowCount: Int
    public let columns = ["机构名称", "统一社会信用代码", "法定代表人", "机构地址", "所属区县代码", "床位数", "联系电话", "成立日期", "备注"]

    public init(rowCount: Int = 120) { self.rowCount = rowCount }

    /// The row whose 备注 leaks a personal phone number.
    public static let leakingRow = 42

    public func row(_ index: Int) -> [String?] {
        var r = DemoRandom(table: 4, row: index)
        let district = r.pick(DemoVocabulary.districts)
        let kind = ["颐养院", "敬老院", "老年公寓", "养老服务中心", "康养中心"][r.int(5)]
        let org = "福州市\(district.name)\(["福寿", "康乐", "夕阳红", "安泰", "松鹤", "温馨"][r.int(6)])\(kind)"
        let year = r.int(in: 1995...2024), month = r.int(in: 1...12), day = r.int(in: 1...28)
        let note = index == Self.leakingRow ? "床位紧张，咨询请联系王主任13905912345" : ["", "医养结合", "提供日间照料", "含失能照护床位", "公建民营"][r.int(5)]
        let uscc = DemoIdentifiers.usccWith(prefix: "52", &r, region: district.code)
        return [org, uscc, DemoIdentifiers.name(&r), DemoIdentifiers.address(&r, district: district), district.code,
                String(20 + r.int(480)), DemoIdentifiers.landline(&r),
                "\(year)\(DemoIdentifiers.pad(month, 2))\(DemoIdentifiers.pad(day, 2))", note.isEmpty ? nil : note]
    }
}
