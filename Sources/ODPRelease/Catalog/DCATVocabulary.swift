import ODPCore

/// Controlled vocabularies the DCAT-AP 3 recommended properties take, filled from what a
/// definition already says: EU data themes from the 数据领域, ADMS licence and publisher
/// types, and the provider's region from its 统一社会信用代码.
enum DCATVocabulary {
    static let dataTheme = "http://publications.europa.eu/resource/authority/data-theme"
    static let availability = "http://publications.europa.eu/resource/authority/planned-availability/"
    static let licenceType = "http://purl.org/adms/licencetype/"
    /// Municipal bureaus and their departments are local authorities in ADMS's terms.
    static let localAuthority = "http://purl.org/adms/publishertype/LocalAuthority"

    /// EU data themes by words a 数据领域 contains, most specific first; a domain none matches
    /// gets no theme (the recommended-shape warning then says so).
    /// A concept of a vocabulary, with the Chinese label the shapes ask every concept to carry.
    struct Concept { let iri: String, label: String }

    static let themeTaxonomyTitle = "欧盟数据主题词表（EU Data Theme）"
    static let stable = Concept(iri: availability + "STABLE", label: "长期稳定（版本文件发布后不再改变）")
    static let localAuthorityConcept = Concept(iri: localAuthority, label: "地方政府部门")

    static let themes: [(words: [String], theme: String, label: String)] = [
        (["交通", "出行", "运输", "公路", "铁路", "航空", "港口"], "TRAN", "交通"),
        (["生态", "环境", "气象", "水利", "自然资源"], "ENVI", "环境"),
        (["卫生", "健康", "医疗", "医保", "疾控", "药品"], "HEAL", "卫生健康"),
        (["教育", "文化", "旅游", "体育", "科普"], "EDUC", "教育、文化与体育"),
        (["农业", "农村", "林业", "渔业", "畜牧", "粮食"], "AGRI", "农业、渔业、林业与食品"),
        (["能源", "电力", "燃气"], "ENER", "能源"),
        (["科技", "科学", "技术"], "TECH", "科学与技术"),
        (["公安", "司法", "法律", "应急", "安全", "消防"], "JUST", "司法、法律与公共安全"),
        (["城乡", "住房", "建设", "规划", "区划", "地名"], "REGI", "地区与城市"),
        (["社会", "民政", "养老", "就业", "人力资源", "社保", "保障", "人口"], "SOCI", "人口与社会"),
        (["经济", "市场", "财政", "金融", "税务", "统计", "商务", "企业", "信用"], "ECON", "经济与金融"),
        (["政务", "政府", "机构", "公共服务"], "GOVE", "政府与公共部门"),
    ]

    static func theme(domain: String) -> Concept? {
        themes.first { $0.words.contains { domain.contains($0) } }.map { Concept(iri: "\(dataTheme)/\($0.theme)", label: $0.label) }
    }

    /// ADMS licence types of the licences ODP knows.
    static func licenceTypes(_ spdx: String) -> [Concept] {
        let names: [String] = switch spdx.uppercased() {
        case "CC0-1.0", "PDDL-1.0": ["PublicDomain"]
        case "CC-BY-4.0", "ODC-BY-1.0": ["Attribution"]
        case "CC-BY-SA-4.0", "ODBL-1.0": ["Attribution", "ShareAlike"]
        case "CC-BY-NC-4.0": ["Attribution", "NonCommercialUseOnly"]
        default: []
        }
        let labels = ["PublicDomain": "公有领域", "Attribution": "署名", "ShareAlike": "相同方式共享", "NonCommercialUseOnly": "仅限非商业用途"]
        return names.map { Concept(iri: licenceType + $0, label: labels[$0]!) }
    }

    /// The registration region (GB/T 2260) in a 统一社会信用代码: characters 3 to 8 (GB 32100-2015).
    static func region(ofCreditCode code: String) -> String? {
        let chars = Array(code)
        guard chars.count == 18 else { return nil }
        let region = String(chars[2..<8])
        return region.allSatisfy(\.isASCII) && region.allSatisfy(\.isNumber) ? region : nil
    }

    /// The city a set of regions share (`350100` for 350102 and 350103), if they share one.
    static func sharedCity(_ regions: [String]) -> String? {
        let cities = Set(regions.map { String($0.prefix(4)) + "00" })
        return cities.count == 1 ? cities.first : nil
    }
}
