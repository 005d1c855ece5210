#!/usr/bin/env python3
"""The 有条件开放 walk of issue 20 in a real headless browser (selenium, Debian's chromedriver).

    access-walk.py BASE DATASET CSV_PATH OFFICER_TOKEN

Every step is the browser's: the anonymous download is refused; the researcher fills in the
dataset page's application form (no script involved) and reads the application number; the
officer signs in, approves it in /approvals/access and reads the access token it shows once;
the researcher's page downloads the file with the token (fetch from the portal's origin); the
officer revokes it; the same link is refused again (403). Prints a JSON object of what was seen.

Needs: apt-get install chromium chromium-driver; pip install selenium (scripts/setup.sh --test).
"""
import importlib.util
import re
import sys
from pathlib import Path

from selenium.webdriver.common.by import By

spec = importlib.util.spec_from_file_location("feedback_walk", Path(__file__).with_name("feedback-walk.py"))
feedback_walk = importlib.util.module_from_spec(spec)
spec.loader.exec_module(feedback_walk)

APPLICANT = {"name": "李研究", "organisation": "某大学城市研究院", "purpose": "研究城市空气质量与出行的关系，仅用于学术论文", "contact": "li@example.edu.cn"}

FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.text().then(t => done({status: r.status, text: t}))).catch(e => done({status: 0, text: String(e)}));
"""


def body(d):
    return d.find_element(By.TAG_NAME, "body").text


def decide(d, base, number, decision, officer):
    d.get(f"{base}/approvals/access")
    form = d.find_element(By.XPATH, f'//form[input[@name="number" and @value="{number}"]]')
    form.find_element(By.NAME, "by").send_keys("数据专员")
    form.find_element(By.NAME, "token").send_keys(officer)
    feedback_walk.press(d, form.find_element(By.CSS_SELECTOR, f'button[value="{decision}"]'))
    return body(d)


def walk(d, base, dataset, csv, officer):
    seen = {}
    d.get(base + csv)
    seen["anonymous"] = body(d)
    d.get(f"{base}/datasets/{dataset}")
    form = d.find_element(By.CSS_SELECTOR, f'form[action="/datasets/{dataset}/applications"]')
    for name, value in APPLICANT.items():
        form.find_element(By.NAME, name).send_keys(value)
    form.find_element(By.NAME, "accept_conditions").click()
    feedback_walk.press(d, form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))
    number = d.find_element(By.ID, "application-number").text
    seen["number"] = number
    feedback_walk.sign_in(d, base, officer)
    approved = decide(d, base, number, "approve", officer)
    token = re.search(r"odpat_[0-9a-f]{64}", approved)
    seen["token_shown"] = bool(token)
    d.get(f"{base}/datasets/{dataset}")
    seen["with_token"] = d.execute_async_script(FETCH, f"{csv}?token={token.group(0)}") if token else None
    seen["revoked_page"] = decide(d, base, number, "revoke", officer)
    d.get(f"{base}/datasets/{dataset}")
    seen["after_revoke"] = d.execute_async_script(FETCH, f"{csv}?token={token.group(0)}") if token else None
    return seen


def main():
    feedback_walk.run(walk, sys.argv[1:5])


if __name__ == "__main__":
    main()
