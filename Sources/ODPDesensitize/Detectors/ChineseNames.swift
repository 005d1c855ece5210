/// Person names and plate provinces: the two detectors that need Chinese characters.
///
/// Names are only looked for in fields whose name or title says they hold names, because
/// 2–4 characters starting with a common surname are everywhere in free text (王府井, 高新区).
enum ChineseNames {
    /// About the 100 most frequent surnames (公安部 户籍人口统计) plus the common compound ones.
    static let single: Set<UInt32> = Set(
        ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
            .unicodeScalars.map(\.value))

    static let compound: Set<UInt64> = Set(
        ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
         "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "太史", "申屠", "钟离", "闻人", "赫连"]
            .map { s in
                let v = s.unicodeScalars.map(\.value)
                return UInt64(v[0]) << 32 | UInt64(v[1])
            })

    static let provinces: Set<UInt32> = Set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼".unicodeScalars.map(\.value))

    /// Decodes a 3-byte UTF-8 sequence at `i` (the whole BMP range Chinese lives in), or nil.
    @inline(__always)
    static func scalar3(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32? {
        guard i + 2 < p.count, p[i] & 0xF0 == 0xE0, p[i + 1] & 0xC0 == 0x80, p[i + 2] & 0xC0 == 0x80 else { return nil }
        return UInt32(p[i] & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F)
    }

    @inline(__always)
    static func isHan(_ v: UInt32) -> Bool { v >= 0x4E00 && v <= 0x9FFF }

    /// The start of the province character right before `ws`, if there is one.
    static func provinceAbbreviation(endingAt ws: Int, in p: UnsafeBufferPointer<UInt8>) -> Int? {
        guard ws >= 3, let v = scalar3(p, ws - 3), provinces.contains(v) else { return nil }
        return ws - 3
    }

    /// Reports runs of 2–4 Han characters that begin with a surname.
    static func scan(_ p: UnsafeBufferPointer<UInt8>, _ found: (IdentifierKind, Range<Int>) -> Void) {
        var i = 0
        let n = p.count
        while i < n {
            guard let v = scalar3(p, i), isHan(v) else {
                i += p[i] < 0x80 ? 1 : p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2
                continue
            }
            let start = i
            var count = 0
            var first: UInt32 = 0, second: UInt32 = 0
            while i < n, let w = scalar3(p, i), isHan(w) {
                if count == 0 { first = w } else if count == 1 { second = w }
                count += 1
                i += 3
            }
            guard (2...4).contains(count) else { continue }
            if (count >= 3 && compound.contains(UInt64(first) << 32 | UInt64(second))) || single.contains(first) {
                found(.personName, start..<i)
            }
        }
    }

    /// Whether a field's name or title says it holds people's names.
    static func isNameLike(name: String, title: String) -> Bool {
        let n = name.lowercased()
        let asciiHints = ["name", "contact", "person", "owner", "legal_rep", "representative", "applicant", "patient"]
        let hanHints = ["姓名", "名字", "联系人", "法定代表人", "法人代表", "负责人", "经营者", "申请人", "户主", "业主", "患者",
                        "当事人", "代理人", "监护人", "投资人", "股东", "经办人", "签收人", "收件人", "举报人"]
        // `name` alone is too broad (企业名称 `company_name` holds no person), so English
        // names need a person word unless the field is exactly `name`.
        if n == "name" || n.hasSuffix("_person") || asciiHints.dropFirst().contains(where: { n.contains($0) }) { return true }
        if n.contains("name"), !(n.contains("company") || n.contains("org") || n.contains("enterprise") || n.contains("shop")
                                  || n.contains("dataset") || n.contains("file") || n.contains("product") || n.contains("place")) {
            if n.contains("person") || n.contains("full") || n.contains("real") || n == "xm" { return true }
        }
        return hanHints.contains { title.contains($0) || name.contains($0) }
    }
}
