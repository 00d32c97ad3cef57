"""What the dashboard's browser test shares: the headless Chromium driver, checks that count
failures, full-page screenshots at a given width, canvas sampling and the console/origin audit."""
import base64
import json
import os
import shutil
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (": " + str(detail) if detail and not ok else ""))
    if not ok:
        failures.append(name)
    return ok


def chromium():
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,800", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options,
                            service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))


class Shots:
    """Full-page screenshots: the window grows to the page's height at the given width."""

    def __init__(self, driver, folder, prefix):
        self.driver, self.folder, self.prefix = driver, folder, prefix
        os.makedirs(folder, exist_ok=True)

    def viewport(self, width, height):
        # The CSS viewport itself (not the window around it); `mobile` honours the page's meta viewport.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def take(self, name, width=1280):
        driver = self.driver
        self.viewport(width, 800)
        time.sleep(0.3)  # the page redraws its canvases at the new width 100 ms after a resize
        driver.execute_script("window.scrollTo(0, 0)")
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        self.viewport(width, max(800, min(height, 8000)))
        path = os.path.join(self.folder, self.prefix + name + ".png")
        with open(path, "wb") as out:
            out.write(base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})["data"]))
        print("     screenshot " + path)
        self.viewport(1280, 800)
        return path

    def phone(self, name, whole=()):
        # About an iPhone's width: nothing may stick out sideways beyond the window.
        self.viewport(390, 844)
        overflow = self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(name + " fits a 390 px wide screen (no sideways scrolling)", overflow <= 1, overflow)
        for selector in whole:  # tables that must fit without scrolling inside their section
            extra = self.driver.execute_script(
                "const t = document.querySelector(arguments[0]); return t.scrollWidth - t.parentNode.clientWidth", selector)
            check(name + ": " + selector + " fits whole on the phone", extra <= 1, extra)
        return self.take(name + "-phone", 390)


def fill(driver, field, value):
    box = driver.find_element(By.ID, field)
    box.clear()
    if value != "":
        box.send_keys(value)


def set_value(driver, field, value):
    # Date inputs take their keys in the browser's locale order: set the ISO value directly instead.
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, field), value)


def fetch_json(driver, method, path, body=None):
    """The page's own same-origin fetch (the session cookie included)."""
    return driver.execute_script("""
        const [method, path, body] = arguments;
        const init = { method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } };
        if (body) init.body = JSON.stringify(body);
        const r = await fetch(path, init);
        return { status: r.status, data: await r.json().catch(() => null) };""", method, path, body)


# Non-transparent samples that differ from the page's background: > 0 means something was drawn.
DRAWN = """
const c = document.getElementById(arguments[0]);
if (!c) return -1;
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let n = 0;
for (let i = 3; i < d.length; i += 4 * 7) if (d[i] !== 0) n += 1;
return n;
"""

# Words that mean a value was lost on the way to the screen.
BAD_WORDS = ("NaN", "undefined", "null", "Infinity", "[object Object]")


def bad_words(driver):
    text = driver.execute_script("return document.body.innerText")
    return [word for word in BAD_WORDS if word in text.replace("nullable", "")]


def audit(driver, origin, expected_error):
    """Console errors nobody expected, and every request that left the page's origin."""
    severe = [entry for entry in driver.get_log("browser")
              if entry.get("level") == "SEVERE" and not expected_error(entry.get("message", ""))]
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
    return severe, foreign
