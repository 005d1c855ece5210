import Foundation
import Hummingbird
import ODPCore

/// `/static/preview.js`: the dataset page's preview table made sortable, filterable and
/// pageable through the rows API. The portal's CSP allows scripts from its own origin only
/// (`script-src 'self'`), so this is a separate file and the page holds no inline script.
///
/// Progressive enhancement: the page renders the first 20 rows on the server; the script
/// touches only a preview whose container carries `data-rows` (the version's rows API path,
/// set only when that API serves the version to anyone), and leaves the table as it is when
/// the API answers with an error. Cells are set with `textContent`, never as HTML.
///
/// The page asks for `src` (the path with the script's hash as `v`): that URL is cached for a
/// year, since a changed script has another hash; any other is revalidated through the ETag.
enum PreviewScript {
    static let path = "/static/preview.js"
    static let hash = String(SHA256Hex.of(Array(source.utf8)).prefix(16))
    static var src: String { path + "?v=" + hash }

    static func response(_ request: Request) -> Response {
        let etag = "\"\(hash)\""
        var headers: HTTPFields = [.contentType: "text/javascript; charset=utf-8", .eTag: etag]
        headers[.cacheControl] = CatalogQuery.parameters(request.uri.query)["v"] == hash ? "public, max-age=31536000, immutable" : "no-cache"
        if let inm = request.headers[.ifNoneMatch], inm.split(separator: ",").contains(where: { FileResponder.matches($0, etag) }) {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: source)))
    }

    static let source = #"""
    // ODP dataset preview: sort, filter and page the preview table through the rows API
    // (/api/datasets/{id}/versions/{version}/rows). Served as /static/preview.js.
    (() => {
      'use strict';
      const root = document.querySelector('[data-rows]');
      if (!root || !window.fetch) return;
      const api = root.getAttribute('data-rows');
      const columns = (root.getAttribute('data-fields') || '').split(',').filter(Boolean);
      const table = root.querySelector('table');
      const status = root.querySelector('[role="status"]');
      const pageSize = 20;
      const state = { sort: null, descending: false, filters: {}, cursors: [null], page: 0, next: null, fields: null };
      const operators = [['>=', '__gte'], ['<=', '__lte'], ['!=', '__ne'], ['>', '__gt'], ['<', '__lt']];

      function el(tag, attributes, text) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attributes || {})) e.setAttribute(k, v);
        if (text !== undefined) e.textContent = text;
        return e;
      }

      // "东城区" equals; ">=100", "<=", ">", "<", "!=" compare; "a,b" is any of.
      function condition(name, text) {
        const t = text.trim();
        if (!t) return null;
        for (const [op, suffix] of operators) {
          if (t.startsWith(op)) return [name + suffix, t.slice(op.length).trim()];
        }
        if (t.includes(',')) return [name + '__in', t.split(',').map((s) => s.trim()).join(',')];
        return [name, t];
      }

      function url(cursor) {
        const q = [['limit', String(pageSize)]];
        if (columns.length) q.push(['fields', columns.join(',')]);
        if (state.sort) q.push(['sort', (state.descending ? '-' : '') + state.sort]);
        for (const [name, text] of Object.entries(state.filters)) {
          const c = condition(name, text);
          if (c) q.push(c);
        }
        if (cursor) q.push(['cursor', cursor]);
        return api + '?' + q.map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
      }

      function title(f) { return f.title && f.title !== f.name ? f.title : f.name; }

      function show(message) { status.textContent = message; }

      function describe(count) {
        const parts = ['第 ' + (state.page + 1) + ' 页，本页 ' + count + ' 行'];
        if (state.sort) {
          const f = state.fields.find((x) => x.name === state.sort);
          parts.push('按「' + title(f) + '」' + (state.descending ? '降序' : '升序'));
        }
        const active = Object.entries(state.filters).filter(([, t]) => t.trim());
        if (active.length) {
          parts.push('筛选：' + active.map(([n, t]) => title(state.fields.find((x) => x.name === n)) + ' ' + t.trim()).join('；'));
        }
        parts.push(state.next ? '还有下一页' : '已是最后一页');
        return parts.join('，') + '。';
      }

      function header() {
        const head = el('thead');
        const tr = el('tr');
        for (const f of state.fields) {
          const th = el('th', { scope: 'col' });
          if (f.filterable) {
            const on = state.sort === f.name;
            th.setAttribute('aria-sort', on ? (state.descending ? 'descending' : 'ascending') : 'none');
            const b = el('button', { type: 'button', class: 'sort', 'data-field': f.name }, title(f));
            b.appendChild(el('span', { 'aria-hidden': 'true' }, on ? (state.descending ? ' ▼' : ' ▲') : ' ⇅'));
            b.addEventListener('click', () => toggle(f.name));
            th.appendChild(b);
          } else {
            th.appendChild(document.createTextNode(title(f)));
          }
          if (title(f) !== f.name) {
            th.appendChild(el('br'));
            th.appendChild(el('span', { class: 'muted mono' }, f.name));
          }
          tr.appendChild(th);
        }
        head.appendChild(tr);
        return head;
      }

      function cell(v) {
        if (v === null || v === undefined) return '';
        if (typeof v === 'boolean') return v ? 'true' : 'false';
        return String(v);
      }

      function render(answer) {
        state.fields = answer.fields;
        state.next = answer.next_cursor;
        table.textContent = '';
        table.appendChild(header());
        const body = el('tbody');
        for (const row of answer.rows) {
          const tr = el('tr');
          for (const f of state.fields) tr.appendChild(el('td', {}, cell(row[f.name])));
          body.appendChild(tr);
        }
        if (!answer.rows.length) {
          const tr = el('tr');
          tr.appendChild(el('td', { colspan: String(state.fields.length), class: 'muted' }, '没有符合条件的数据'));
          body.appendChild(tr);
        }
        table.appendChild(body);
        prev.disabled = state.page === 0;
        next.disabled = !state.next;
        show(describe(answer.rows.length));
      }

      async function load(page, focus) {
        show('正在加载…');
        root.setAttribute('aria-busy', 'true');
        try {
          const r = await fetch(url(state.cursors[page]), { headers: { Accept: 'application/json' } });
          const answer = await r.json();
          if (!r.ok) { show('无法加载：' + (answer.error || r.status)); return false; }
          state.page = page;
          state.cursors.length = page + 1;
          if (answer.next_cursor) state.cursors.push(answer.next_cursor);
          render(answer);
          if (focus) {
            const again = table.querySelector('button.sort[data-field="' + CSS.escape(focus) + '"]');
            if (again) again.focus();
          }
          return true;
        } catch (e) {
          show('无法加载数据接口，显示的是服务器提供的前 ' + pageSize + ' 行。');
          return false;
        } finally {
          root.removeAttribute('aria-busy');
        }
      }

      // None → ascending → descending → none.
      function toggle(name) {
        if (state.sort !== name) { state.sort = name; state.descending = false; }
        else if (!state.descending) state.descending = true;
        else state.sort = null;
        state.cursors = [null];
        load(0, name);
      }

      const form = el('form', { class: 'actions preview-filter', role: 'search', 'aria-label': '筛选预览数据' });
      const pager = el('div', { class: 'pager' });
      const prev = el('button', { type: 'button', class: 'btn light' }, '上一页');
      const next = el('button', { type: 'button', class: 'btn light' }, '下一页');
      prev.addEventListener('click', () => load(state.page - 1));
      next.addEventListener('click', () => load(state.page + 1));
      pager.append(prev, next);

      function controls() {
        const filterable = state.fields.filter((f) => f.filterable);
        if (filterable.length) {
          for (const f of filterable) {
            const box = el('div');
            const label = el('label', {}, title(f) + '（' + f.name + '）');
            const input = el('input', { class: 'text', type: 'search', name: f.name, autocomplete: 'off' });
            label.appendChild(input);
            box.appendChild(label);
            form.appendChild(box);
          }
          const go = el('button', { type: 'submit', class: 'btn' }, '筛选');
          const clear = el('button', { type: 'button', class: 'btn light' }, '清除条件');
          clear.addEventListener('click', () => {
            for (const input of form.querySelectorAll('input')) input.value = '';
            state.filters = {};
            state.cursors = [null];
            load(0);
          });
          form.append(go, clear);
          form.addEventListener('submit', (e) => {
            e.preventDefault();
            state.filters = {};
            for (const input of form.querySelectorAll('input')) state.filters[input.name] = input.value;
            state.cursors = [null];
            load(0);
          });
          const hint = el('p', { class: 'muted' }, '按值精确匹配；数值和日期可写 >=、<=、>、<、!= 加值，多个值用逗号分隔。点击带 ⇅ 的列标题排序。');
          root.insertBefore(hint, root.firstChild);
          root.insertBefore(form, root.firstChild);
        }
        root.appendChild(pager);
      }

      load(0).then((ok) => { if (ok) controls(); });
    })();
    """#
}
