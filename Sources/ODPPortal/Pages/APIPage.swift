import ODPCore

/// `/api`: the open-data interface explained in Chinese, with curl and Python examples.
/// Static text, no script (the portal's CSP allows none inline).
enum APIPage {
    static func render() -> String {
        let limits = RowsAPILimits()
        func code(_ text: String) -> String { "<pre><code>" + HTML.escape(text) + "</code></pre>" }
        var b = "<div class=\"card\"><h1>数据开放接口（API）</h1>"
        b += "<p>本平台的接口只读、无需登录，返回 JSON（或 CSV）。完整说明见 <a href=\"/api/openapi.json\">OpenAPI 3.1 文档</a>。"
        b += "行级接口只提供已发布版本中<strong>无条件开放</strong>数据集的数据；有条件开放的数据集返回 403。</p>"
        b += "<h2>接口一览</h2><table><thead><tr><th>地址</th><th>说明</th></tr></thead><tbody>"
        for (path, text) in [("/api/datasets", "数据集列表（q 检索，page、size 分页）"), ("/api/datasets/{id}", "数据集目录信息、字段（含中文名称）、下载文件与校验值"),
                             ("/api/datasets/{id}/versions", "已发布的版本"), ("/api/datasets/{id}/rows", "最新版本的行：筛选、排序、游标分页"),
                             ("/api/datasets/{id}/versions/{version}/rows", "指定版本的行"), ("/api/changes?since=2026-12-01", "某时刻之后的新版本与勘误"),
                             ("/api/datasets/{id}/feedback", "纠错与意见：GET 查看处理状态（page 分页，每页 500 条），POST 提交（见下）"),
                             ("/api/datasets/{id}/applications", "有条件开放数据的使用申请：POST 提交，返回申请编号和查询码"),
                             ("/api/applications/status", "申请进度查询：POST 申请编号和查询码（不在地址中出现）")] {
            b += "<tr><td><code>\(HTML.escape(path))</code></td><td>\(HTML.escape(text))</td></tr>"
        }
        b += "</tbody></table>"
        b += "<h2>行级接口的参数</h2><ul>"
        b += "<li><code>字段名=值</code>：等于；<code>字段名__gte</code>、<code>__gt</code>、<code>__lte</code>、<code>__lt</code>、<code>__ne</code>：比较；<code>字段名__in=a,b</code>：任一（最多 \(RowsQuery.maxInValues) 个）。只能用主键和数据集定义中标记为可筛选（filterable）的字段；值须符合字段类型。</li>"
        b += "<li><code>fields=a,b</code>：只返回这些字段；<code>sort=a,-b</code>：排序（最多 \(RowsQuery.maxSortKeys) 个，- 表示降序，同样限于主键和可筛选字段）。</li>"
        b += "<li><code>limit</code>：每页行数，默认 \(RowsQuery.defaultLimit)，最大 \(RowsQuery.maxLimit)；<code>cursor</code>：上一页返回的 <code>next_cursor</code>，翻页期间数据版本不变。</li>"
        b += "<li><code>format=csv</code>（或请求头 <code>Accept: text/csv</code>）返回 CSV，下一页游标在响应头 <code>X-Next-Cursor</code>。</li></ul>"
        b += "<h2>限制与错误</h2><p>每个客户端地址每秒 \(Int(limits.perSecond)) 次、瞬时最多 \(limits.burst) 次，超出返回 429 并带 <code>Retry-After</code>；"
        b += "单次查询最长 \(Int(limits.queryTimeout)) 秒，超时返回 503。参数错误返回 400，JSON 中 <code>code</code> 为稳定的错误代码（如 <code>unknown_field</code>、"
        b += "<code>field_not_filterable</code>、<code>bad_value</code>、<code>limit_too_large</code>、<code>invalid_cursor</code>），<code>error</code> 为中文说明。"
        b += "所有 /api/ 响应都带 <code>Access-Control-Allow-Origin: *</code>，网页脚本可直接调用。</p>"
        b += "<h2>curl 示例</h2>"
        b += code("curl 'http://127.0.0.1:8080/api/datasets/air-quality/rows?district=东城区&aqi__gte=100&fields=station_name,aqi&sort=-aqi&limit=50'\n"
                  + "# 下一页：把返回的 next_cursor 作为 cursor 参数\n"
                  + "curl 'http://127.0.0.1:8080/api/datasets/air-quality/rows?district=东城区&aqi__gte=100&fields=station_name,aqi&sort=-aqi&limit=50&cursor=…'\n"
                  + "curl -H 'Accept: text/csv' 'http://127.0.0.1:8080/api/datasets/air-quality/versions/2026.12.01.1/rows?limit=1000' -o page1.csv")
        b += "<h2>Python 示例</h2>"
        b += code("""
        import requests

        url = "http://127.0.0.1:8080/api/datasets/air-quality/rows"
        params = {"aqi__gte": 100, "sort": "-aqi", "limit": 1000}
        rows = []
        while True:
            page = requests.get(url, params=params, timeout=30).json()
            rows += page["rows"]
            if not page["next_cursor"]:
                break
            params["cursor"] = page["next_cursor"]
        titles = {f["name"]: f["title"] for f in page["fields"]}  # 字段中文名称
        print(len(rows), titles)
        """)
        b += "<h2>纠错与意见</h2><p>发现数据有误或有新的需求，可在数据集页面填写表单，也可向 <code>/api/datasets/{id}/feedback</code> 提交 JSON："
        b += "<code>kind</code> 为 <code>correction</code>（纠错）或 <code>request</code>（意见/需求），<code>text</code> 5–\(FeedbackForm.textLimit) 字，"
        b += "<code>contact</code> 可选（只给数据专员，不公开）。返回受理编号（如 <code>air-quality-F3</code>）和状态：已收到、已受理、已在 V 版本修正、不予采纳（附理由）。"
        b += "含个人信息的内容不公开显示。每个客户端 10 分钟内最多提交 \(FeedbackRoutes.perClient) 次（超出 429），请求体最大 \(PublicSubmission.bodyLimit / 1024) KiB（超出 413）。</p>"
        b += code("curl -X POST -H 'Content-Type: application/json' http://127.0.0.1:8080/api/datasets/air-quality/feedback \\\n"
                  + "  -d '{\"kind\":\"correction\",\"text\":\"朝阳奥体中心 11 月 23 日 PM2.5 数值有误\",\"version\":\"2026.11.23.1\"}'\n"
                  + "curl http://127.0.0.1:8080/api/datasets/air-quality/feedback   # 处理状态，不含联系方式")
        b += "<h2>使用情况</h2><p>门户按数据集和版本统计下载次数与行级接口调用次数（只计次数，不记录访问者），显示在数据集页面和开放清单中。</p>"
        b += "<h2>整库下载</h2><p>发布时生成 SQLite 文件的数据集，其版本目录中有 <code>data/{id}.sqlite</code>（与其他文件一样列在 SHA256SUMS 中），可直接用 sqlite3、Python 或 DuckDB 查询表 <code>rows</code>。</p>"
        b += "</div>"
        return Layout.page(title: "数据开放接口", active: .api, body: b)
    }
}
