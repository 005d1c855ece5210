/// The parts of a 统一社会信用代码 (GB 32100-2015 §4): character 1 the registration
/// authority (登记管理部门代码), character 2 the organisation type under that authority
/// (机构类别代码), characters 3–8 the GB/T 2260 code of the registering authority's region
/// (登记管理机关行政区划码), 9–17 the organisation code, 18 the check character.
public enum CreditCodeStructure {
    /// Organisation-type characters allowed under each registration-authority character:
    /// GB 32100-2015 Table 1, with the authorities assigned since (A 中央军委改革和编制办公室,
    /// N 农业农村部门). An authority outside this list, or a type outside its list, is not a code
    /// any authority issues.
    public static let types: [UInt8: [UInt8]] = {
        let table: [(Character, String)] = [
            ("1", "1239"),  // 机构编制: 机关, 事业单位, 中央编办直管群众团体, 其他
            ("2", "19"),    // 外交: 外国常驻新闻机构, 其他
            ("3", "123459"), // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
            ("4", "19"),    // 文化: 外国在华文化中心, 其他
            ("5", "1239"),  // 民政: 社会团体, 民办非企业单位, 基金会, 其他
            ("6", "129"),   // 旅游: 外国旅游部门常驻代表机构, 港澳台旅游部门常驻代表机构, 其他
            ("7", "129"),   // 宗教: 宗教活动场所, 宗教院校, 其他
            ("8", "19"),    // 工会: 基层工会, 其他
            ("9", "123"),   // 工商（市场监管）: 企业, 个体工商户, 农民专业合作社
            ("A", "19"),    // 中央军委改革和编制办公室: 军队事业单位, 其他
            ("N", "1239"),  // 农业农村: 组级, 村级, 乡镇级集体经济组织, 其他
            ("Y", "1"),     // 其他
        ]
        var out: [UInt8: [UInt8]] = [:]
        for (authority, kinds) in table { out[authority.asciiValue!] = Array(kinds.utf8) }
        return out
    }()

    /// Whether characters 1–2 are a registration authority and one of its organisation types.
    public static func hasKnownType(_ code: UnsafeBufferPointer<UInt8>) -> Bool {
        guard code.count == 18, let kinds = types[code[0]] else { return false }
        return kinds.contains(code[1])
    }

    /// Characters 3–8 (a view into `code`), nil when the code is not 18 long or they are not digits.
    @inline(__always)
    public static func region(_ code: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard code.count == 18 else { return nil }
        for i in 2..<8 where code[i] &- 0x30 > 9 { return nil }
        return UnsafeBufferPointer(rebasing: code[2..<8])
    }

    /// The region code of organisations registered by a national authority (GB 32100 uses
    /// 100000 for 中央), valid though GB/T 2260 lists no such code.
    public static let nationalRegion: [UInt8] = Array("100000".utf8)

    /// Whether a registration region fits the region of the record: the same code, or the
    /// prefecture (`xxxx00`) or province (`xx0000`) above it, since a county's businesses
    /// may be registered by the city or provincial authority.
    public static func region(_ registered: UnsafeBufferPointer<UInt8>, covers region: UnsafeBufferPointer<UInt8>) -> Bool {
        guard registered.count == 6, region.count == 6 else { return false }
        var i = 0
        while i < 6, registered[i] == region[i] { i += 1 }
        if i == 6 { return true }
        // Past the shared prefix, the registered code must be all zeros from a level boundary.
        guard i >= 2 else { return false }
        let boundary = i < 4 ? 2 : 4
        for j in boundary..<6 where registered[j] != 0x30 { return false }
        return true
    }
}
