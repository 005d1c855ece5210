#!/usr/bin/env python3
"""The 纠错与意见 walk of issue 20 in a real headless browser (selenium, Debian's chromedriver).

    feedback-walk.py submit BASE DATASET TEXT CONTACT
        opens the dataset page, fills in its feedback form (no script involved) and submits it;
        prints {"number": ..., "page": <the answer page's text>}
    feedback-walk.py fix BASE NUMBER VERSION TOKEN
        signs in to /approvals with the officer token, marks NUMBER fixed in VERSION in the
        /approvals/feedback queue, then reads /feedback as the public sees it; prints
        {"status": <status cell text>, "links": [hrefs in it], "page": <the /feedback text>}

Needs: apt-get install chromium chromium-driver; pip install selenium (scripts/setup.sh --test).
"""
import json
import sys
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait


def driver():
    options = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(a)
    options.binary_location = next(p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists())
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # A form's answer page may still be loading when the next lookup runs.
    d.implicitly_wait(10)
    return d


# The test's portal runs inside the test process, whose threads the rest of a full test run
# keeps busy: an answer can take well over a minute there (CI saw a 60 s wait run out).
WAIT = 180


def press(d, button):
    """Clicks a form's submit button and waits until the answer page has replaced this one:
    on a loaded machine the next d.get() could otherwise race the form's own navigation (and
    lose to its redirect), or the next lookup could still read the old page. A timeout says
    whether the browser held the form back (its own validation) or the server did not answer."""
    old = d.find_element(By.TAG_NAME, "html")
    button.click()
    try:
        WebDriverWait(d, WAIT).until(expected_conditions.staleness_of(old))
    except TimeoutException:
        valid = d.execute_script("const f = arguments[0].form; return f ? [f.checkValidity(), "
                                 "[...f.elements].map(e => e.validationMessage).filter(Boolean).join('; ')] : null", button)
        raise TimeoutException(f"no answer page within {WAIT} s; the form passed the browser's validation: {valid}")
    WebDriverWait(d, WAIT).until(lambda drv: drv.execute_script("return document.readyState") == "complete")


def sign_in(d, base, token):
    """The review cookie, as an officer gets it: the token typed into the sign-in form."""
    d.get(f"{base}/approvals")
    login = d.find_element(By.CSS_SELECTOR, 'form[action="/approvals/login"]')
    login.find_element(By.NAME, "token").send_keys(token)
    press(d, login.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))
    if d.find_elements(By.CSS_SELECTOR, 'form[action="/approvals/login"]'):
        raise RuntimeError("signing in to /approvals with the token failed")


def submit(d, base, dataset, text, contact):
    d.get(f"{base}/datasets/{dataset}")
    form = d.find_element(By.CSS_SELECTOR, f'form[action="/datasets/{dataset}/feedback"]')
    form.find_element(By.CSS_SELECTOR, 'input[name="kind"][value="correction"]').click()
    form.find_element(By.NAME, "text").send_keys(text)
    form.find_element(By.NAME, "contact").send_keys(contact)
    press(d, form.find_element(By.CSS_SELECTOR, 'button[type="submit"]'))
    number = d.find_element(By.ID, "feedback-number").text
    return {"number": number, "page": d.find_element(By.TAG_NAME, "body").text}


def fix(d, base, number, version, token):
    sign_in(d, base, token)
    d.get(f"{base}/approvals/feedback")
    form = d.find_element(By.XPATH, f'//form[input[@name="number" and @value="{number}"]]')
    form.find_element(By.NAME, "by").send_keys("数据专员")
    form.find_element(By.NAME, "version").send_keys(version)
    form.find_element(By.NAME, "token").send_keys(token)
    press(d, form.find_element(By.CSS_SELECTOR, 'button[value="fix"]'))
    d.get(f"{base}/feedback")
    cell = d.find_element(By.CSS_SELECTOR, f'tr[id="{number}"] td.feedback-status')
    links = [a.get_attribute("href") for a in cell.find_elements(By.TAG_NAME, "a")]
    return {"status": cell.text, "links": links, "page": d.find_element(By.TAG_NAME, "body").text}


def run(step, arguments):
    """Runs step(driver, *arguments) in a fresh browser and prints its answer as JSON; on a
    failure, prints where the browser was and what it showed, and exits 1."""
    d = driver()
    try:
        try:
            result = step(d, *arguments)
        except Exception as e:
            print(f"{type(e).__name__} ({str(e).strip()[:400]}) at {d.current_url}:\n{d.find_element(By.TAG_NAME, 'body').text[:1500]}",
                  file=sys.stderr)
            sys.exit(1)
    finally:
        d.quit()
    json.dump(result, sys.stdout, ensure_ascii=False)


def main():
    run(submit if sys.argv[1] == "submit" else fix, sys.argv[2:6])


if __name__ == "__main__":
    main()
