#!/usr/bin/env python3
"""A researcher's walk through a dataset page's preview in real headless Chromium.

Opens the page, waits for /static/preview.js to take the table over from the server-rendered
rows, then with the keyboard only: sorts by SORT_FIELD (Enter on its header button twice:
ascending, then descending), types each FIELD=TEXT into the filter box labelled with that
field and submits with Enter, and goes to the next page. Prints one JSON object with the
table after each step ({"status", "headers", "rows"}), the focused element after sorting,
the page's width at 390 px, and the browser console's errors (a CSP violation shows there).

Usage: preview-walk.py BASE_URL PAGE SORT_FIELD FIELD=TEXT...
  e.g. preview-walk.py http://127.0.0.1:8080 /datasets/stations aqi district=东城区 'aqi=>=100'
Needs what scripts/a11y-check.py needs (selenium, Debian's chromium and chromedriver).
"""
import importlib.util
import json
import sys
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

spec = importlib.util.spec_from_file_location("a11y_check", Path(__file__).with_name("a11y-check.py"))
a11y = importlib.util.module_from_spec(spec)
spec.loader.exec_module(a11y)

TABLE = """
const root = document.querySelector('[data-rows]');
const t = root.querySelector('table');
return {status: root.querySelector('[role="status"]').textContent,
        headers: [...t.querySelectorAll('thead th')].map(th => th.getAttribute('aria-sort') ? th.querySelector('button').getAttribute('data-field') + ':' + th.getAttribute('aria-sort') : ''),
        rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent))};
"""


def table(d):
    return d.execute_script(TABLE)


def after(d, action):
    """Runs `action`, then waits until the preview has loaded again."""
    before = d.execute_script("return document.querySelector('[data-rows] [role=\"status\"]').textContent")
    action()
    a11y.WebDriverWait(d, 20).until(lambda x: x.execute_script(
        "const s = document.querySelector('[data-rows] [role=\"status\"]').textContent;"
        "return !document.querySelector('[aria-busy]') && s !== arguments[0] && s !== '正在加载…'", before))
    return table(d)


def main():
    base, page, sort_field, filters = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], [a.split("=", 1) for a in sys.argv[4:]]
    d = a11y.driver()
    try:
        d.get(base + page)
        a11y.WebDriverWait(d, 20).until(lambda x: x.execute_script("return !!document.querySelector('[data-rows] button.sort')"))
        a11y.settle(d)
        steps = {"enhanced": table(d)}
        button = d.find_element(By.CSS_SELECTOR, f'button.sort[data-field="{sort_field}"]')
        steps["ascending"] = after(d, lambda: button.send_keys(Keys.ENTER))
        # The table is rebuilt; focus stays on the header just used, so Enter again reverses it.
        steps["focus"] = d.execute_script("return document.activeElement.getAttribute('data-field')")
        steps["descending"] = after(d, lambda: ActionChains(d).send_keys(Keys.ENTER).perform())
        for field, text in filters:
            box = d.find_element(By.CSS_SELECTOR, f'.preview-filter input[name="{field}"]')
            box.clear()
            box.send_keys(text)
        steps["labels"] = d.execute_script(
            "return [...document.querySelectorAll('.preview-filter input')].map(i => i.closest('label') ? i.closest('label').textContent : null)")
        steps["filtered"] = after(d, lambda: box.send_keys(Keys.ENTER))
        next_button = d.find_element(By.XPATH, "//div[@class='pager']/button[text()='下一页']")
        steps["next_enabled"] = next_button.is_enabled()
        if next_button.is_enabled():
            steps["next"] = after(d, lambda: next_button.send_keys(Keys.ENTER))
        steps["narrow"] = a11y.narrow(d, base + page)
        # The portal has no favicon: the browser's own request for it is not the page's error.
        steps["console"] = [e["message"] for e in d.get_log("browser") if e.get("level") == "SEVERE" and "/favicon.ico" not in e["message"]]
        print(json.dumps(steps, ensure_ascii=False))
    finally:
        d.quit()


if __name__ == "__main__":
    main()
