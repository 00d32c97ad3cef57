#!/usr/bin/env python3
"""Drives the dashboard in headless Chromium against a live server that someone else started.

    python dashboard_test.py BASE_URL [SCREENSHOT_DIR]
    python dashboard_test.py --key KEY BASE_URL [SCREENSHOT_DIR]   (the server has keys: sign in)

Datasets (a bad upload's lines inline, a good upload with its progress bar, the preview chart), the
form (the server's 422 next to each field, save as preset, a double click making one run), the run
followed to 100 %, its page (heatmap, equity, report, trades with paging and a date filter, heatmap
click, top-K sorting by mouse and keyboard, zoom, save the variant as a preset), a second run
cancelled, two runs compared; without keys also a walk-forward run and a run over two datasets with
a stop-loss axis (dashboard_research.py). Fails on any console error nobody expected and on any request to
another origin. Screenshots of each screen (1280 wide, and 390 wide for a phone) go to
SCREENSHOT_DIR (default .build/screenshots).
"""
import gzip
import os
import random
import sys
import tempfile
from urllib.parse import urlparse

from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser_support import DRAWN, Shots, audit, bad_words, check, chromium, failures, fetch_json, fill, set_value
from dashboard_research import check_research
from dashboard_run_page import check_run_page

arguments = sys.argv[1:]
key = None
if arguments[:1] == ["--key"]:
    key, arguments = arguments[1], arguments[2:]
base = arguments[0].rstrip("/")
origin = "{0.scheme}://{0.netloc}".format(urlparse(base))


# Deliberate refusals the browser logs as errors: the invalid submission (422), the bad upload (422)
# and, with keys, the page's first `GET /session` and the wrong key (401).
def expected_error(message):
    if "Failed to load resource" in message and " 422 " in message and ("/backtests" in message or "/datasets" in message):
        return True
    return key is not None and "/session - Failed to load resource" in message and " 401 " in message


def sign_in(driver, wait, shots):
    driver.get(base + "/")
    wait.until(lambda d: d.find_elements(By.ID, "key"))
    check("with keys the page asks to sign in", not driver.find_elements(By.ID, "runs-section"))
    shots.take("0-sign-in")
    driver.find_element(By.ID, "key").send_keys("bt_not_a_real_key")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[role=alert]").text)
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    check("a wrong key shows the server's message", "key" in alert.lower(), alert)
    fill(driver, "key", key)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda d: d.find_elements(By.ID, "runs-section"))
    check("the right key signs in (the session cookie authenticates the page)",
          "alice" in driver.find_element(By.ID, "who").text)


def upload(driver, wait, path, symbol, timeframe):
    driver.find_element(By.ID, "upload-file").send_keys(path)
    fill(driver, "upload-symbol", symbol)
    Select(driver.find_element(By.ID, "upload-timeframe")).select_by_value(timeframe)
    driver.find_element(By.ID, "upload-send").click()
    wait.until(lambda d: d.find_element(By.ID, "upload-message").text)
    return driver.find_element(By.ID, "upload-message")


def datasets_screen(driver, wait, shots, folder):
    driver.get(base + "/#/datasets")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#datasets tbody tr"))
    wait.until(lambda d: d.execute_script(DRAWN, "candles") > 100)
    check("the datasets list shows the samples", len(driver.find_elements(By.CSS_SELECTOR, "#datasets tbody tr")) >= 3)
    check("the preview chart of the first dataset is drawn", driver.execute_script(DRAWN, "candles") > 100)
    bad = os.path.join(folder, "bad.csv")
    with open(bad, "w") as out:
        out.write("timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,100\n"
                  "2020-01-02T00:00:00Z,abc,2,0.5,1.5,100\n2020-01-03T00:00:00Z,1,2,0.5,1.5,-5\n")
    upload(driver, wait, bad, "BAD", "1d")
    lines = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#upload-errors li")]
    check("a bad upload's lines appear inline (422 details)",
          len(lines) == 2 and lines[0].startswith("line 3") and lines[1].startswith("line 4"), lines)
    shots.take("1-datasets-422")
    # About 2 MB of one-minute bars: large enough for the upload to report progress.
    good = os.path.join(folder, "TESTUP_1m.csv")
    walk = random.Random(7)
    with open(good, "w") as out:
        out.write("timestamp,open,high,low,close,volume\n")
        price = 100.0
        for i in range(40000):
            minute = 1577836800 + 60 * i
            o, c = price, max(1.0, price + walk.gauss(0, 0.08))
            out.write("%d,%.2f,%.2f,%.2f,%.2f,%d\n" % (minute * 1000, o, max(o, c) + 0.05, min(o, c) - 0.05, c, 1000 + i % 50))
            price = c
    message = upload(driver, wait, good, "TESTUP", "1m")
    check("a good upload is stored", message.get_attribute("class") == "ok" and "TESTUP" in message.text, message.text)
    bar = driver.find_element(By.ID, "upload-bar")
    check("the upload progress bar reached 100 % through upload progress events",
          bar.get_attribute("aria-valuenow") == "100" and int(bar.get_attribute("data-events")) >= 1,
          (bar.get_attribute("aria-valuenow"), bar.get_attribute("data-events")))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#datasets tr.selected") and
               "TESTUP" in d.find_element(By.CSS_SELECTOR, "#datasets tr.selected").text)
    wait.until(lambda d: d.execute_script(DRAWN, "candles") > 100)
    check("the new dataset is listed, selected and previewed whole",
          driver.execute_script(DRAWN, "candles") > 100
          and driver.find_element(By.ID, "preview-note").text.startswith("40,000 bars"),
          driver.find_element(By.ID, "preview-note").text)
    shots.take("1-datasets-uploaded")
    small = os.path.join(folder, "TESTGZ_1d.csv.gz")
    with gzip.open(small, "wt") as out:
        out.write("timestamp,open,high,low,close,volume\n")
        for i in range(120):
            out.write("%d,%.2f,%.2f,%.2f,%.2f,100\n" % ((1577836800 + 86400 * i) * 1000, 50 + i % 9, 52 + i % 9, 49 + i % 9, 51 + i % 7))
    message = upload(driver, wait, small, "TESTGZ", "1d")
    check("a .csv.gz upload is stored", message.get_attribute("class") == "ok" and "120 bars" in message.text, message.text)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#datasets tr.selected") and
               "TESTGZ" in d.find_element(By.CSS_SELECTOR, "#datasets tr.selected").text)
    wait.until(lambda d: d.execute_script(DRAWN, "candles") > 100)
    check("a short dataset previews as candles", "(candles)" in driver.find_element(By.ID, "preview-note").text)
    check("no NaN, undefined or null on the datasets screen", not bad_words(driver), bad_words(driver))
    shots.take("1-datasets")
    shots.phone("1-datasets", whole=("#datasets",))


def new_backtest(driver, wait, shots):
    driver.get(base + "/#/new")
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    Select(driver.find_element(By.ID, "symbol")).select_by_value("GOOG")
    Select(driver.find_element(By.ID, "timeframe")).select_by_value("1d")
    fill(driver, "fast", "5-30:5")
    fill(driver, "slow", "20,50,100")
    count = driver.find_element(By.ID, "variant-count").text
    check("the form counts the variants live (fast < slow)", count.startswith("15 variants (3 skipped"), count)
    fill(driver, "fee_bps", "5000")
    fill(driver, "top_k", "5000")
    fill(driver, "stop_loss_pct", "-2")
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-path='top_k']").text)
    near = lambda path: driver.find_element(By.CSS_SELECTOR, "[data-path='%s']" % path).text
    check("the server's 422 details appear next to their fields",
          "1000" in near("top_k") and "1000" in near("execution.fee_bps") and "100" in near("risk.stop_loss_pct"),
          (near("top_k"), near("execution.fee_bps"), near("risk.stop_loss_pct")))
    shots.take("2-new-422")
    fill(driver, "fee_bps", "10")
    fill(driver, "top_k", "20")
    fill(driver, "stop_loss_pct", "15")
    fill(driver, "seed", "7")
    fill(driver, "permutation_n", "10")
    set_value(driver, "from", "2005-01-01")
    set_value(driver, "to", "2012-12-31")
    fill(driver, "preset-name", "form grid")
    driver.find_element(By.ID, "preset-save").click()
    wait.until(lambda d: d.find_element(By.ID, "preset-message").text)
    check("the form is saved as a preset", "Saved as preset form grid" in driver.find_element(By.ID, "preset-message").text,
          driver.find_element(By.ID, "preset-message").text)
    fill(driver, "fee_bps", "99")
    Select(driver.find_element(By.ID, "preset")).select_by_visible_text(
        [o.text for o in Select(driver.find_element(By.ID, "preset")).options if o.text.startswith("form grid")][0])
    driver.find_element(By.ID, "preset-load").click()
    check("loading the preset puts its values back in the form",
          driver.find_element(By.ID, "fee_bps").get_attribute("value") == "10"
          and driver.find_element(By.ID, "from").get_attribute("value") == "2005-01-01"
          and driver.find_element(By.ID, "fast").get_attribute("value") == "5-30:5",
          driver.find_element(By.ID, "fee_bps").get_attribute("value"))
    check("no NaN, undefined or null on the form", not bad_words(driver), bad_words(driver))
    shots.take("2-new")
    shots.phone("2-new")
    ActionChains(driver).double_click(driver.find_element(By.ID, "submit")).perform()
    wait.until(lambda d: "#/runs/" in d.current_url)
    return driver.current_url.split("#/runs/")[1]


def submit_by_api(driver, wait, body):
    answer = fetch_json(driver, "POST", "/backtests", body)
    check("a run submitted through the API is accepted", answer["status"] in (200, 202), answer)
    return answer["data"]["run_id"]


driver = chromium()
# A list re-rendered under a wait's feet is asked again, not a failure.
wait = WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,))
shots = Shots(driver, arguments[1] if len(arguments) > 1 else ".build/screenshots", "keys-" if key else "")
folder = tempfile.mkdtemp()
try:
    if key:
        sign_in(driver, wait, shots)
    datasets_screen(driver, wait, shots, folder)
    run_id = new_backtest(driver, wait, shots)
    check_run_page(driver, wait, shots, run_id)
    total = fetch_json(driver, "GET", "/runs?limit=5")["data"]["total"]
    check("a double click made exactly one run", total == 1, total)
    # Once is enough: the keyed pass covers the same pages signed in.
    if not key:
        check_research(driver, wait, shots, base)

    # A second, large run (about 500,000 variants over 5,000 bars) cancelled from its page.
    driver.get(base + "/#/new")
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    Select(driver.find_element(By.ID, "symbol")).select_by_value("EURUSD")
    Select(driver.find_element(By.ID, "timeframe")).select_by_value("1h")
    fill(driver, "fast", "2-1000")
    fill(driver, "slow", "3-1002")
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: "#/runs/" in d.current_url and run_id not in d.current_url)
    cancelled_id = driver.current_url.split("#/runs/")[1]
    wait.until(lambda d: d.find_elements(By.ID, "cancel"))
    wait.until(lambda d: d.find_element(By.ID, "run-status").text == "RUNNING")
    # The rate needs two progress events some time apart: wait for it rather than for the first one.
    wait.until(lambda d: "bar-variants/s" in d.find_element(By.ID, "run-progress").text)
    live = driver.find_element(By.ID, "run-progress").text
    check("live progress arrives over SSE (percent, ETA, bar-variants/s)", "ETA" in live and "bar-variants/s" in live, live)
    shots.take("4-running")
    driver.find_element(By.ID, "cancel").click()
    wait.until(lambda d: d.find_element(By.ID, "run-status").text in ("DONE", "ERROR", "CANCELLED"))
    check("a running run is cancelled from its page", driver.find_element(By.ID, "run-status").text == "CANCELLED",
          driver.find_element(By.ID, "run-status").text)
    check("a finished run offers no cancel", not driver.find_elements(By.ID, "cancel"))

    # A third run to compare with the first.
    third = submit_by_api(driver, wait, {"symbol": "GOOG", "timeframe": "1d", "strategy": {"name": "dual_sma"},
                                         "grid": {"fast": {"values": [5, 10]}, "slow": {"values": [30, 60]}},
                                         "execution": {"fee_bps": 0}, "top_k": 4})
    driver.get(base + "/#/")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#runs tr[data-run='%s']" % third)
               and "DONE" in d.find_element(By.CSS_SELECTOR, "#runs tr[data-run='%s']" % third).text)
    row = lambda rid: driver.find_element(By.CSS_SELECTOR, "#runs tbody tr[data-run='%s']" % rid)
    check("the runs list shows the run as DONE", "DONE" in row(run_id).text)
    check("the runs list shows the second run as CANCELLED", "CANCELLED" in row(cancelled_id).text)
    best = row(run_id).find_element(By.CSS_SELECTOR, "td.best").text
    check("the runs list shows the best return of a DONE run", best.endswith("%") and any(ch.isdigit() for ch in best), best)
    check("a cancelled run has no best return", row(cancelled_id).find_element(By.CSS_SELECTOR, "td.best").text == "\u2013")
    check("no NaN, undefined or null on the runs list", not bad_words(driver), bad_words(driver))
    shots.take("5-runs")
    shots.phone("5-runs", whole=("#runs",))
    for rid in (run_id, third):
        row(rid).find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    driver.find_element(By.ID, "compare-picked").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#compare .compare-row"))
    wait.until(lambda d: d.execute_script(DRAWN, "compare-chart") > 100)
    heads = driver.find_elements(By.CSS_SELECTOR, "#compare thead th")
    check("compare shows both runs side by side", len(heads) == 3, len(heads))
    check("compare lists the key metrics", len(driver.find_elements(By.CSS_SELECTOR, "#compare .compare-row")) >= 10)
    check("the overlaid equity curves are drawn", driver.execute_script(DRAWN, "compare-chart") > 100)
    check("the compare legend names both runs", all(r in driver.find_element(By.ID, "compare-legend").text for r in (run_id, third)))
    check("no NaN, undefined or null on compare", not bad_words(driver), bad_words(driver))
    shots.take("6-compare")
    shots.phone("6-compare", whole=("#compare",))

    driver.get(base + "/#/compare")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#compare-pick tbody tr"))
    picks = [tr.get_attribute("data-run") for tr in driver.find_elements(By.CSS_SELECTOR, "#compare-pick tbody tr")]
    check("Compare alone offers the finished runs to pick", run_id in picks and third in picks and cancelled_id not in picks, picks)
    shots.take("6-compare-pick")

    severe, foreign = audit(driver, origin, expected_error)
    check("no console errors", not severe, severe)
    check("no request to another origin", not foreign, sorted(foreign))
except Exception as error:  # a timeout or a missing element is a failure with a screenshot, not a trace only
    failures.append(repr(error))
    print("FAIL " + repr(error))
    try:
        shots.take("failure")
        for entry in driver.get_log("browser"):
            print("     console " + str(entry))
    except Exception:
        pass
finally:
    driver.quit()

print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
