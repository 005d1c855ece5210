import Foundation

/// The page shell: header bar, navigation, footer and the inline style sheet (no external
/// fonts, scripts or CDNs; the CSP allows inline styles only, and scripts only from the portal
/// itself: `PreviewScript`).
enum Layout {
    enum Section { case catalog, approvals, api }

    static func page(title: String, active: Section, body: String) -> String {
        func nav(_ s: Section, _ href: String, _ label: String) -> String {
            "<a href=\"\(href)\"\(s == active ? " class=\"on\"" : "")>\(label)</a>"
        }
        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) - 公共数据开放平台</title>
        <style>\(css)</style></head>
        <body><header class="top"><div class="wrap">
        <a class="brand" href="/"><span class="logo">数</span><span>公共数据开放平台<small>Open Data Portal · ODP</small></span></a>
        <nav>\(nav(.catalog, "/", "数据目录"))\(nav(.approvals, "/approvals", "审核队列"))\(nav(.api, "/api/datasets", "开放接口"))<a href="/catalog/dcat.jsonld">DCAT 目录</a></nav>
        </div></header>
        <main class="wrap">\(body)</main>
        <footer><div class="wrap">本平台数据均经脱敏处理与质量检查后发布 · 下载文件附 SHA-256 校验值 · 由 ODP 生成</div></footer>
        </body></html>
        """
    }

    static let css = """
    *{box-sizing:border-box}body{margin:0;font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB","Microsoft YaHei","WenQuanYi Micro Hei","SimHei",sans-serif;color:#1f2d3d;background:#f2f5f9}
    a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
    .wrap{max-width:1200px;margin:0 auto;padding:0 20px}
    header.top{background:linear-gradient(90deg,#0a3d7a,#1565c0);color:#fff;box-shadow:0 2px 6px rgba(0,0,0,.2)}
    header.top .wrap{display:flex;align-items:center;justify-content:space-between;height:64px}
    .brand{display:flex;align-items:center;gap:10px;color:#fff;font-size:20px;font-weight:600}.brand:hover{text-decoration:none}
    .brand small{display:block;font-size:11px;font-weight:400;opacity:.8;letter-spacing:.5px}
    .logo{display:inline-flex;width:36px;height:36px;border-radius:8px;background:#fff;color:#0a3d7a;align-items:center;justify-content:center;font-weight:700}
    nav a{color:#dce9f9;margin-left:22px;font-size:15px;padding:20px 0;border-bottom:3px solid transparent}
    nav a.on,nav a:hover{color:#fff;border-bottom-color:#ffb300;text-decoration:none}
    main.wrap{padding:24px 20px 40px;min-height:70vh}
    footer{background:#24303f;color:#aab4c0;font-size:12px;padding:18px 0;text-align:center}
    h1{font-size:24px;margin:4px 0 8px}h2{font-size:17px;margin:0 0 12px;padding-left:10px;border-left:4px solid #1565c0}
    .crumb{color:#56606d;font-size:13px;margin-bottom:8px}
    .card{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:18px 20px;margin-bottom:18px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
    .layout{display:grid;grid-template-columns:260px 1fr;gap:20px}
    .filters label{display:block;font-weight:600;margin:12px 0 4px;color:#3c4a5b}
    .filters select,.filters input[type=search]{width:100%;padding:7px 8px;border:1px solid #c5ced8;border-radius:4px;font:inherit;background:#fff}
    .btn{display:inline-block;background:#1565c0;color:#fff;border:0;border-radius:4px;padding:7px 16px;font:inherit;cursor:pointer}
    .btn:hover{background:#0d4f9c;text-decoration:none}.btn.light{background:#eef3f9;color:#1565c0;border:1px solid #c9d7e8}
    .btn.ok{background:#2e7d32}.btn.no{background:#c62828}
    .search{display:flex;gap:8px;margin-bottom:16px}.search input{flex:1;padding:10px 12px;font:inherit;border:1px solid #c5ced8;border-radius:4px}
    .ds h3{margin:0 0 6px;font-size:17px}.ds p{margin:6px 0;color:#4a5868}
    .tags span,.tag{display:inline-block;font-size:12px;padding:1px 8px;border-radius:10px;margin:0 6px 4px 0;background:#e8f0fb;color:#1565c0;border:1px solid #c9dbf3}
    .tag.green{background:#e8f5e9;color:#1b5e20;border-color:#c2e0c4}.tag.orange{background:#fff4e5;color:#7a4800;border-color:#f5d9a8}
    .tag.red{background:#fdecea;color:#c62828;border-color:#f3c2bd}.tag.grey{background:#f1f3f5;color:#556;border-color:#dde}
    .meta{display:flex;flex-wrap:wrap;gap:18px;color:#56606d;font-size:13px}
    .fmt{font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;background:#455a64;color:#fff;margin-right:4px}
    table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #e1e6ec;padding:7px 10px;text-align:left;vertical-align:top}
    th{background:#f5f8fb;color:#3c4a5b;font-weight:600;white-space:nowrap}tr:nth-child(even) td{background:#fafbfd}
    table.kv th{width:130px}.scroll{overflow-x:auto}
    #preview td{white-space:nowrap;max-width:28em;overflow:hidden;text-overflow:ellipsis}button.sort{background:none;border:0;padding:0;font:inherit;font-weight:600;color:#0b5cad;cursor:pointer}.preview-filter div{max-width:220px}.pager button:disabled{opacity:.5;cursor:default}
    .grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}
    .score{display:flex;align-items:center;gap:8px}.bar{flex:1;height:8px;background:#e6ebf1;border-radius:4px;overflow:hidden;min-width:80px}
    .bar i{display:block;height:100%;background:#2e7d32}.bar i.mid{background:#f9a825}.bar i.low{background:#c62828}
    .big{font-size:30px;font-weight:700;color:#0a3d7a}.muted{color:#56606d}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.mono{font-family:"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
    .empty{padding:40px;text-align:center;color:#56606d}.count{color:#56606d;margin:0 0 10px}
    .pager{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0}.facets{columns:3 220px;padding-left:18px}
    .notice{background:#fff8e1;border:1px solid #ffe0a3;padding:10px 14px;border-radius:4px;margin-bottom:14px}
    textarea,input.text{width:100%;padding:6px 8px;border:1px solid #c5ced8;border-radius:4px;font:inherit}
    .actions{display:flex;gap:8px;align-items:flex-end;flex-wrap:wrap}.actions div{flex:1;min-width:160px}
    @media(max-width:800px){.layout,.grid2{grid-template-columns:1fr}.layout>aside{order:2}}
    @media(max-width:640px){header.top .wrap{flex-direction:column;align-items:flex-start;height:auto;padding:10px 14px;gap:4px}
    nav{display:flex;flex-wrap:wrap;gap:2px 16px}nav a{margin-left:0;padding:4px 0}
    .wrap,main.wrap{padding-left:12px;padding-right:12px}.card{padding:14px 12px}
    table{display:block;overflow-x:auto;max-width:100%}table.kv{display:table}table.kv th{width:96px}table.kv td{overflow-wrap:anywhere}
    .mono{font-size:11px}h1{font-size:20px}}
    """
}
