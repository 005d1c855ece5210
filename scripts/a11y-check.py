#!/usr/bin/env python3
"""Accessibility check of portal pages in real headless Chromium.

Runs axe-core (the copy the axe-core-python package ships) in each page through selenium and
Debian's chromedriver, then walks each page with the Tab key. Prints one JSON object:
{"pages": {path: {"status": ..., "violations": [{"id", "impact", "help", "nodes": [html…]}],
"tab_stops": [{"tag", "text", "href", "outline"}], "narrow": {"width", "scroll_width", "overlap"}}}}: at a
phone's 390 px, how wide the page is and whether the brand and the navigation overlap.

Usage: a11y-check.py [--token TOKEN] BASE_URL PATH... (e.g. http://127.0.0.1:8080 / /datasets/air-quality)
With --token, the first path under /approvals/ (an officer's queue) and every one after it is
checked signed in: the script signs in through /approvals/login with the approval token as a
data officer does. /approvals itself, checked before that, is the sign-in page.
Needs: apt-get install chromium chromium-driver; pip install selenium axe-core-python.
"""
import importlib.util
import json
import sys
from pathlib import Path

import axe_core_python
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

spec = importlib.util.spec_from_file_location("feedback_walk", Path(__file__).with_name("feedback-walk.py"))
feedback_walk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(feedback_walk)

AXE = (Path(axe_core_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
TAB_STOPS = 40

# What a keyboard user sees at each stop: the element, and whether focus is drawn around it
# (an outline or a box shadow), since a stop without a visible focus is lost to them.
FOCUSED = """
const e = document.activeElement;
if (!e || e === document.body) return null;
const s = getComputedStyle(e);
const drawn = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || (s.boxShadow && s.boxShadow !== 'none');
return {tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 60),
        href: e.getAttribute('href'), outline: drawn};
"""


NARROW = """
const b = document.querySelector('.brand'), n = document.querySelector('header nav');
let overlap = false;
if (b && n) { const r = b.getBoundingClientRect(); for (const a of n.querySelectorAll('a')) { const q = a.getBoundingClientRect();
  overlap = overlap || !(q.right <= r.left || q.left >= r.right || q.bottom <= r.top || q.top >= r.bottom); } }
return {width: window.innerWidth, scroll_width: document.documentElement.scrollWidth, overlap: overlap};
"""


def narrow(d, url):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        d.get(url)
        settle(d)
        return d.execute_script(NARROW)
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def driver():
    options = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(a)
    options.binary_location = next(p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists())
    # The console (CSP violations, script errors) for scripts/preview-walk.py.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def settle(d, seconds=20):
    """Waits until no script is loading into the page (the preview sets aria-busy meanwhile)."""
    WebDriverWait(d, seconds).until(lambda x: x.execute_script("return !document.querySelector('[aria-busy]')"))


def check(d, url):
    d.get(url)
    settle(d)
    d.execute_script(AXE)
    result = d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done({error: String(e)}));")
    if isinstance(result, dict):
        raise RuntimeError(f"axe failed on {url}: {result['error']}")
    violations = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                   "nodes": [n["html"][:200] for n in v["nodes"][:5]]} for v in result]
    stops = []
    for _ in range(TAB_STOPS):
        ActionChains(d).send_keys(Keys.TAB).perform()
        stop = d.execute_script(FOCUSED)
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return {"violations": violations, "tab_stops": stops, "narrow": narrow(d, url)}



def main():
    args = sys.argv[1:]
    token = None
    if args[:1] == ["--token"]:
        token, args = args[1], args[2:]
    base, paths = args[0].rstrip("/"), args[1:]
    d = driver()
    try:
        pages, signed_in = {}, False
        for p in paths:
            if token and not signed_in and p.startswith("/approvals/"):
                feedback_walk.sign_in(d, base, token)
                signed_in = True
            pages[p] = check(d, base + p)
        print(json.dumps({"pages": pages}, ensure_ascii=False))
    finally:
        d.quit()


if __name__ == "__main__":
    main()
