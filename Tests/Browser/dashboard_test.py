#!/usr/bin/env python3
"""Drives the dashboard in headless Chromium against a live server that someone else started.

    python dashboard_test.py BASE_URL [SCREENSHOT_DIR]
    python dashboard_test.py --key KEY BASE_URL [SCREENSHOT_DIR]   (the server has keys: sign in)

Submits a small GOOG 1d grid through the form (with a double click: one run must come of it), waits for
DONE on the page, opens the run and checks that the heatmap and equity canvases were drawn and the report
rows shown, then cancels a large second run from its page. Fails on any console error and on any request
to another origin. Screenshots of each screen go to SCREENSHOT_DIR (default .build/screenshots).
"""
import json
import os
import shutil
import sys
import time
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

arguments = sys.argv[1:]
key = None
if arguments[:1] == ["--key"]:
    key, arguments = arguments[1], arguments[2:]
base = arguments[0].rstrip("/")
shots = arguments[1] if len(arguments) > 1 else ".build/screenshots"
os.makedirs(shots, exist_ok=True)
origin = "{0.scheme}://{0.netloc}".format(urlparse(base))
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (": " + str(detail) if detail and not ok else ""))
    if not ok:
        failures.append(name)


def screenshot(driver, name):
    # The whole page, not only the first screen.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 4000)))
    path = os.path.join(shots, ("keys-" if key else "") + name + ".png")
    driver.save_screenshot(path)
    print("     screenshot " + path)


# Non-transparent samples on a canvas the page cleared: > 0 means something was drawn on it.
DRAWN = """
const c = document.getElementById(arguments[0]);
if (!c) return -1;
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let n = 0;
for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) n += 1;
return n;
"""

# With keys, the page's first `GET /session` and a wrong key are answered 401 on purpose; Chromium logs
# each 401 as a console error, so exactly those are expected, and nothing else.
# The deliberately invalid submission's 422 is expected the same way.
def expected_console_error(entry):
    message = entry.get("message", "")
    if "/backtests - Failed to load resource" in message and " 422 " in message:
        return True
    return key is not None and "/session - Failed to load resource" in message and " 401 " in message


def sign_in(driver, wait):
    driver.get(base + "/")
    wait.until(lambda d: d.find_elements(By.ID, "key"))
    check("with keys the page asks to sign in", not driver.find_elements(By.ID, "new-backtest"))
    screenshot(driver, "0-sign-in")
    driver.find_element(By.ID, "key").send_keys("bt_not_a_real_key")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role=alert]").text)
    check("a wrong key shows the server's message", "key" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text.lower(),
          driver.find_element(By.CSS_SELECTOR, "[role=alert]").text)
    box = driver.find_element(By.ID, "key")
    box.clear()
    box.send_keys(key)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    check("the right key signs in (the session cookie authenticates the page)",
          "alice" in driver.find_element(By.ID, "who").text)


options = Options()
options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,800", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
driver = webdriver.Chrome(options=options,
                          service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))
wait = WebDriverWait(driver, 60)
try:
    if key:
        sign_in(driver, wait)
    driver.get(base + "/")
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    Select(driver.find_element(By.ID, "symbol")).select_by_value("GOOG")
    Select(driver.find_element(By.ID, "timeframe")).select_by_value("1d")
    for field, value in (("fast", "5-30:5"), ("slow", "20,50,100")):
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    count = driver.find_element(By.ID, "variant-count").text
    check("the form counts the variants live (fast < slow)", count.startswith("15 variants"), count)

    def fill(field, value):
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)

    fill("fee_bps", "5000")
    fill("top_k", "5000")
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-path='top_k']").text)
    check("the server's 422 details appear next to their fields",
          "1000" in driver.find_element(By.CSS_SELECTOR, "[data-path='top_k']").text
          and "1000" in driver.find_element(By.CSS_SELECTOR, "[data-path='execution']").text)
    screenshot(driver, "1-home-422")
    fill("fee_bps", "10")
    fill("top_k", "10")
    screenshot(driver, "1-home")

    ActionChains(driver).double_click(driver.find_element(By.ID, "submit")).perform()
    wait.until(lambda d: "#/runs/" in d.current_url)
    run_id = driver.current_url.split("#/runs/")[1]
    wait.until(lambda d: d.find_element(By.ID, "run-status").text in ("DONE", "ERROR", "CANCELLED"))
    check("the run reaches DONE on the page", driver.find_element(By.ID, "run-status").text == "DONE")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report .report-row"))
    rows = driver.find_elements(By.CSS_SELECTOR, "#report .report-row")
    check("the best variant's report rows appear", len(rows) >= 20, len(rows))
    check("the top-K table lists ranked variants",
          len(driver.find_elements(By.CSS_SELECTOR, "#top-k tbody tr")) >= 5)
    check("the three reproducibility hashes and the input hash are shown",
          len(driver.find_elements(By.CSS_SELECTOR, "#hashes tr")) == 4)
    check("artifact links are listed", len(driver.find_elements(By.CSS_SELECTOR, "#artifacts a")) >= 4)
    check("the heatmap canvas is drawn", driver.execute_script(DRAWN, "heatmap") > 100)
    check("the equity canvas is drawn", driver.execute_script(DRAWN, "equity-chart") > 100)
    second = driver.find_elements(By.CSS_SELECTOR, "#top-k tbody tr")[1]
    variant = second.get_attribute("data-variant")
    second.click()
    wait.until(lambda d: d.find_element(By.ID, "equity-legend").text.startswith(variant + ":"))
    check("selecting a top-K row draws that variant's equity",
          "selected" in second.get_attribute("class") and driver.execute_script(DRAWN, "equity-chart") > 100)
    text = driver.execute_script("return document.body.innerText")
    check("no NaN or undefined on screen", "NaN" not in text and "undefined" not in text)
    screenshot(driver, "2-run")

    total = driver.execute_script(
        "const r = await fetch('/runs?limit=5', {credentials: 'same-origin'}); return (await r.json()).total;")
    check("a double click made exactly one run", total == 1, total)

    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    # The same page, not reloaded: the canvases must follow the theme change by themselves.
    HEAT_LABEL = ("const c = document.getElementById('heatmap'); const d = c.getContext('2d')"
                  ".getImageData(0, 0, 48, c.height).data; let m = 0;"
                  "for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) m = Math.max(m, d[i]); return m;")
    wait.until(lambda d: d.execute_script(HEAT_LABEL) > 180)
    check("the heatmap's labels are redrawn light on dark", driver.execute_script(HEAT_LABEL) > 180)
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    check("dark mode follows prefers-color-scheme", background == "rgb(15, 18, 23)", background)
    screenshot(driver, "3-run-dark")

    # A second, large run (about 500,000 variants over 5,000 bars) cancelled from its page.
    driver.get(base + "/#/")
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    Select(driver.find_element(By.ID, "symbol")).select_by_value("EURUSD")
    Select(driver.find_element(By.ID, "timeframe")).select_by_value("1h")
    fill("fast", "2-1000")
    fill("slow", "3-1002")
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: "#/runs/" in d.current_url and run_id not in d.current_url)
    cancelled_id = driver.current_url.split("#/runs/")[1]
    wait.until(lambda d: d.find_elements(By.ID, "cancel"))
    driver.find_element(By.ID, "cancel").click()
    wait.until(lambda d: d.find_element(By.ID, "run-status").text in ("DONE", "ERROR", "CANCELLED"))
    check("a running run is cancelled from its page", driver.find_element(By.ID, "run-status").text == "CANCELLED",
          driver.find_element(By.ID, "run-status").text)
    check("a finished run offers no cancel", not driver.find_elements(By.ID, "cancel"))
    screenshot(driver, "3-cancelled-dark")

    driver.get(base + "/#/")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#runs tbody tr"))
    check("the runs list shows the run as DONE",
          "DONE" in driver.find_element(By.CSS_SELECTOR, "#runs tbody tr[data-run='%s']" % run_id).text)
    check("the runs list shows the second run as CANCELLED",
          "CANCELLED" in driver.find_element(By.CSS_SELECTOR, "#runs tbody tr[data-run='%s']" % cancelled_id).text)
    screenshot(driver, "4-runs-dark")

    severe = [entry for entry in driver.get_log("browser")
              if entry.get("level") == "SEVERE" and not expected_console_error(entry)]
    check("no console errors", not severe, severe)
    foreign = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"]).get("message", {})
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(origin + "/") and not url.startswith("data:"):
                foreign.add(url)
    for url in driver.execute_script("return performance.getEntriesByType('resource').map((e) => e.name)"):
        if not url.startswith(origin + "/"):
            foreign.add(url)
    check("no request to another origin", not foreign, sorted(foreign))
except Exception as error:  # a timeout or a missing element is a failure with a screenshot, not a trace only
    failures.append(repr(error))
    print("FAIL " + repr(error))
    try:
        screenshot(driver, "failure")
        for entry in driver.get_log("browser"):
            print("     console " + str(entry))
    except Exception:
        pass
finally:
    driver.quit()

print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
