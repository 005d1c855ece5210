/// Word lists for realistic Chinese records. Surnames follow the frequency order of the
/// 2020 census list; places are real GB/T 2260 districts of 福州市 (the demo city).
enum DemoVocabulary {
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
                           "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "邓", "冯", "曹", "彭", "曾",
                           "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁",
                           "欧阳", "司马"]
    static let givenChars = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文辉鹏飞婷雪琳晨宇浩然子涵欣怡思远嘉俊")
        .map(String.init)

    struct District { let code: String; let name: String; let roads: [String] }
    static let districts: [District] = [
        District(code: "350102", name: "鼓楼区", roads: ["五四路", "东街", "杨桥中路", "铜盘路", "湖东路"]),
        District(code: "350103", name: "台江区", roads: ["八一七中路", "工业路", "江滨中大道", "上海路"]),
        District(code: "350104", name: "仓山区", roads: ["首山路", "建新大道", "则徐大道", "金山大道"]),
        District(code: "350105", name: "马尾区", roads: ["江滨东大道", "罗星路", "儒江西路"]),
        District(code: "350111", name: "晋安区", roads: ["福新中路", "长乐北路", "岳峰路", "连江北路"]),
        District(code: "350112", name: "长乐区", roads: ["吴航路", "郑和中路", "首占大道"]),
        District(code: "350121", name: "闽侯县", roads: ["甘蔗街道昙石山路", "上街镇乌龙江大道"]),
        District(code: "350181", name: "福清市", roads: ["清昌大道", "福唐路", "万达路"]),
    ]
    /// Regions of birth for ID numbers: Fujian mostly, some elsewhere.
    static let birthRegions = ["350102", "350103", "350104", "350111", "350121", "350181", "350203", "350583",
                               "110101", "310101", "320102", "330106", "420102", "440106", "510104", "610113"]
    static let shopWords = ["小吃店", "便利店", "理发店", "五金店", "服装店", "水果店", "早餐店", "茶叶店", "维修部", "杂货店", "面馆", "花店"]
    static let scopes = ["餐饮服务；食品销售", "日用百货零售", "理发及美容服务", "五金产品零售", "服装鞋帽零售",
                         "水果零售；预包装食品销售", "家用电器修理", "茶叶零售；茶具销售", "花卉零售", "烟草制品零售（凭许可证经营）"]
    static let industries = ["F", "H", "O", "E", "C", "G", "L", "M"]
    static let mobilePrefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                                 "155", "157", "158", "159", "166", "177", "180", "181", "186", "187", "188", "189",
                                 "191", "198", "199"]
}
