/// Person names and plate provinces: the two detectors that need Chinese characters.
///
/// Names are only looked for in fields whose name or title says they hold names, because
/// 2–4 characters starting with a common surname are everywhere in free text (王府井, 高新区).
/// Precision and recall on a labelled set are measured in `NameDetectorQualityTests`.
enum ChineseNames {
    /// 287 frequent surnames (公安部 户籍人口统计) plus the common compound ones.
    /// The second line holds surnames ranked about 200–300 whose character rarely starts an
    /// ordinary word: they raise recall and cost precision little.
    static let single: Set<UInt32> = Set(
        ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
         + "鞠晁禹冼荀蔺郁揭綦阚郜粟芮訾逯栗蹇谌郇亢雍茅储奚扈邸冀檀竺仝厉贲")
            .unicodeScalars.map(\.value))

    static let compound: Set<UInt64> = Set(
        ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
         "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "太史", "申屠", "钟离", "闻人", "赫连"]
            .map(pair))

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

    /// Last characters of places, organisations and undertakings (县, 店, 司 …): a given name
    /// practically never ends in one, while short names of such things often start with a
    /// surname character (宁阳县, 王记粥铺, 苏州). Characters common in given names (山, 林, 华,
    /// 峰, 园) are left out on purpose: recall matters more than precision here.
    static let thingSuffixes: Set<UInt32> = Set(
        "省市县区镇乡村庄街路巷港湾岛州局厅处委办院所站馆店铺厂司部社队校楼室库网线段期届组目款费证表率额量"
            .unicodeScalars.map(\.value))

    /// Two-character endings of places, organisations and undertakings, for runs of 3–4
    /// (黄河大桥, 安居工程, 农业银行).
    static let thingWords: Set<UInt64> = Set(
        ["工程", "项目", "计划", "中心", "公司", "集团", "大桥", "广场", "小区", "花园", "大厦", "医院", "学校", "银行",
         "超市", "饭店", "宾馆", "酒店", "建设", "改造", "治理", "工作", "管理", "服务", "系统", "平台", "基地", "园区",
         "景区", "公园", "水库", "大道", "大街", "机场", "车站", "码头", "市场", "商场", "商城", "门诊", "药房", "书店",
         "餐厅", "公寓", "街道", "社区", "开发", "示范", "试点", "专项", "行动", "工厂"]
            .map(pair))

    static func pair(_ s: String) -> UInt64 {
        let v = s.unicodeScalars.map(\.value)
        return UInt64(v[0]) << 32 | UInt64(v[1])
    }

    /// Reports runs of 2–4 Han characters that begin with a surname and read as a name.
    ///
    /// ## Not a name
    /// - A run touching a digit or Latin letter (项目0, A区, 3号楼): numbered things, not
    ///   people; a name followed by a phone number has a space or punctuation between.
    /// - A run ending in a place, organisation or undertaking character or word (`thingSuffixes`,
    ///   `thingWords`).
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
            var first: UInt32 = 0, second: UInt32 = 0, previous: UInt32 = 0, last: UInt32 = 0
            while i < n, let w = scalar3(p, i), isHan(w) {
                if count == 0 { first = w } else if count == 1 { second = w }
                previous = last
                last = w
                count += 1
                i += 3
            }
            guard (2...4).contains(count) else { continue }
            guard (count >= 3 && compound.contains(UInt64(first) << 32 | UInt64(second))) || single.contains(first) else { continue }
            if touchesAlphanumeric(p, start, i) || thingSuffixes.contains(last)
                || (count >= 3 && thingWords.contains(UInt64(previous) << 32 | UInt64(last))) {
                continue
            }
            found(.personName, start..<i)
        }
    }

    /// The bytes of the surname a name mask keeps: a compound surname (6), else one Chinese
    /// character (3); 0 for a value that does not start with Chinese or is no longer than its surname.
    static func surnameLength(_ value: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = scalar3(value, 0), isHan(first) else { return 0 }
        if let second = scalar3(value, 3), compound.contains(UInt64(first) << 32 | UInt64(second)) {
            return value.count > 6 ? 6 : 0
        }
        return value.count > 3 ? 3 : 0
    }

    /// Whether an ASCII or full-width digit or letter sits right before `start` or at `end`.
    @inline(__always)
    static func touchesAlphanumeric(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        @inline(__always) func ascii(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) }
        // Full-width ０-９ Ａ-Ｚ ａ-ｚ: EF BC 90–99, EF BC A1–BA, EF BD 81–9A.
        @inline(__always) func wide(_ i: Int) -> Bool {
            guard i >= 0, i + 2 < p.count, p[i] == 0xEF else { return false }
            let b = p[i + 2]
            return p[i + 1] == 0xBC ? (b >= 0x90 && b <= 0x99) || (b >= 0xA1 && b <= 0xBA) : p[i + 1] == 0xBD && b >= 0x81 && b <= 0x9A
        }
        if start > 0, ascii(p[start - 1]) || wide(start - 3) { return true }
        return end < p.count && (ascii(p[end]) || wide(end))
    }

    /// Whether a field's name or title says it holds people's names.
    static func isNameLike(name: String, title: String) -> Bool {
        let n = name.lowercased()
        let asciiHints = ["name", "contact", "person", "owner", "legal_rep", "representative", "applicant", "patient"]
        let hanHints = ["姓名", "名字", "联系人", "法定代表人", "法人代表", "负责人", "经营者", "申请人", "户主", "业主", "患者",
                        "当事人", "代理人", "监护人", "投资人", "股东", "经办人", "签收人", "收件人", "举报人"]
        // `name` alone is too broad (企业名称 `company_name` holds no person), so English
        // names need a person word unless the field is exactly `name`.
        // 名称 is the name of a thing (项目名称, 企业名称): a field titled so holds no person,
        // even when it is called `name`, unless the title also says whose name it is.
        if title.contains("名称"), !hanHints.contains(where: { title.contains($0) }) { return false }
        if n == "name" || n.hasSuffix("_person") || asciiHints.dropFirst().contains(where: { n.contains($0) }) { return true }
        if n.contains("name"), !(n.contains("company") || n.contains("org") || n.contains("enterprise") || n.contains("shop")
                                  || n.contains("dataset") || n.contains("file") || n.contains("product") || n.contains("place")) {
            if n.contains("person") || n.contains("full") || n.contains("real") || n == "xm" { return true }
        }
        return hanHints.contains { title.contains($0) || name.contains($0) }
    }
}
