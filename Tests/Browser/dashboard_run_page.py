"""The run page in the browser test: progress to 100 %, canvases drawn, report, trades (paging and
a date filter), a heatmap click opening its variant, top-K sorted by mouse and by keyboard, the
equity chart zoomed (drag, wheel, keys, reset), the variant saved as a preset, dark mode."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_support import DRAWN, bad_words, check, fetch_json, set_value


def order(driver):
    return [tr.get_attribute("data-variant") for tr in driver.find_elements(By.CSS_SELECTOR, "#top-k tbody tr")]


def expected_order(results, metric, descending):
    # Ties keep the server's rank order in both directions.
    present = [r for r in results if r["metrics"].get(metric) is not None]
    sign = -1 if descending else 1
    return [r["variant_key"] for r in sorted(present, key=lambda r: (sign * r["metrics"][metric], r["rank"]))]


def view_span(driver):
    first, last = driver.find_element(By.ID, "equity-chart").get_attribute("data-view").split("-")
    return int(last) - int(first)


def trades_count(driver):
    return driver.find_element(By.ID, "trades-count").text


def check_run_page(driver, wait, shots, run_id):
    wait.until(lambda d: d.find_element(By.ID, "run-status").text in ("DONE", "ERROR", "CANCELLED"))
    check("the run reaches DONE on the page", driver.find_element(By.ID, "run-status").text == "DONE")
    progress = driver.find_element(By.ID, "run-progress").text
    check("the progress shows 100 % and every variant done", progress.startswith("100.00 %") and "15 / 15" in progress, progress)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#report .report-row"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trades tbody tr"))
    check("the selected variant's report rows appear", len(driver.find_elements(By.CSS_SELECTOR, "#report .report-row")) >= 20)
    check("the permutation test's results appear under the report",
          any("p value" in row.text for row in driver.find_elements(By.CSS_SELECTOR, "#report .validation-row")))
    check("the top-K table lists every kept variant", len(order(driver)) == 15, len(order(driver)))
    check("the three reproducibility hashes and the input hash are shown",
          len(driver.find_elements(By.CSS_SELECTOR, "#hashes tr")) == 4)
    check("artifact links are listed", len(driver.find_elements(By.CSS_SELECTOR, "#artifacts a")) >= 4)
    check("the heatmap canvas is drawn", driver.execute_script(DRAWN, "heatmap") > 100)
    check("the equity canvas is drawn", driver.execute_script(DRAWN, "equity-chart") > 100)
    check("the trades of the best variant appear", len(driver.find_elements(By.CSS_SELECTOR, "#trades tbody tr")) >= 1)
    total = int(trades_count(driver).split(" of ")[1].split(" ")[0].replace(",", ""))
    if total > 20:
        driver.find_element(By.ID, "trades-next").click()
        wait.until(lambda d: trades_count(d).startswith("21"))
        check("the trades table pages", trades_count(driver).startswith("21\u2013"), trades_count(driver))
    set_value(driver, "trades-from", "2010-01-01")
    set_value(driver, "trades-to", "2010-12-31")
    driver.find_element(By.CSS_SELECTOR, "#trades-filter button[type=submit]").click()
    wait.until(lambda d: trades_count(d).split(" of ")[1].split(" ")[0] != str(total))
    entries = [tr.find_elements(By.TAG_NAME, "td")[2].text for tr in driver.find_elements(By.CSS_SELECTOR, "#trades tbody tr")]
    check("the from/to filter keeps only trades entered in 2010", all(e.startswith("2010-") for e in entries), entries)

    results = fetch_json(driver, "GET", "/runs/%s/results" % run_id)["data"]
    ranked, heat = results["results"], results["grid"]["heatmap"]
    target = ranked[2]
    canvas = driver.find_element(By.ID, "heatmap")
    width, height = canvas.size["width"], canvas.size["height"]
    # The cell's centre in canvas pixels (the layout of drawHeatmap), then in CSS pixels.
    W, H = int(canvas.get_property("width")), int(canvas.get_property("height"))
    cw, ch = (W - 58) / len(heat["cols"]), (H - 50) / len(heat["rows"])
    i, j = heat["rows"].index(target["params"][heat["row_param"]]), heat["cols"].index(target["params"][heat["col_param"]])
    cx, cy = (48 + j * cw + cw / 2) * width / W, (10 + i * ch + ch / 2) * height / H
    ActionChains(driver).move_to_element_with_offset(canvas, int(cx - width / 2), int(cy - height / 2)).click().perform()
    wait.until(lambda d: d.find_element(By.ID, "selected-variant").text == target["variant_key"])
    wait.until(lambda d: target["variant_key"] in trades_count(d))
    check("a heatmap click opens that variant (top-K row, equity title and trades follow)",
          driver.find_element(By.CSS_SELECTOR, "#top-k tr.selected").get_attribute("data-variant") == target["variant_key"]
          and target["variant_key"] in driver.find_element(By.ID, "equity-legend").text)

    keys = {(-1, 0): Keys.ARROW_UP, (1, 0): Keys.ARROW_DOWN, (0, -1): Keys.ARROW_LEFT, (0, 1): Keys.ARROW_RIGHT}
    by_cell = {(heat["rows"].index(r["params"][heat["row_param"]]), heat["cols"].index(r["params"][heat["col_param"]])): r
               for r in ranked}
    move, neighbour = next((m, by_cell[(i + m[0], j + m[1])]) for m in keys if (i + m[0], j + m[1]) in by_cell)
    driver.execute_script("arguments[0].focus()", canvas)
    canvas.send_keys(keys[move])
    canvas.send_keys(Keys.ENTER)
    wait.until(lambda d: d.find_element(By.ID, "selected-variant").text == neighbour["variant_key"])
    check("arrow keys and Enter on the heatmap open the neighbouring cell's variant",
          driver.find_element(By.ID, "selected-variant").text == neighbour["variant_key"])

    driver.find_element(By.CSS_SELECTOR, "#top-k th[data-col='sharpe_ratio'] button").click()
    check("clicking a header sorts top-K by it (descending first)",
          order(driver) == expected_order(ranked, "sharpe_ratio", True)
          and driver.find_element(By.CSS_SELECTOR, "#top-k th[data-col='sharpe_ratio']").get_attribute("aria-sort") == "descending")
    driver.find_element(By.CSS_SELECTOR, "#top-k th[data-col='sharpe_ratio'] button").click()
    check("a second click reverses it", order(driver) == expected_order(ranked, "sharpe_ratio", False))
    button = driver.find_element(By.CSS_SELECTOR, "#top-k th[data-col='max_drawdown_pct'] button")
    driver.execute_script("arguments[0].focus()", button)
    button.send_keys(Keys.ENTER)
    check("Enter on a focused header sorts by keyboard (max drawdown, smallest first)",
          order(driver) == expected_order(ranked, "max_drawdown_pct", False), order(driver)[:3])
    first = driver.find_element(By.CSS_SELECTOR, "#top-k tbody tr")
    first.send_keys(Keys.SPACE)
    wait.until(lambda d: d.find_element(By.ID, "selected-variant").text == first.get_attribute("data-variant"))
    check("Space on a focused row selects its variant", first.get_attribute("aria-selected") == "true")
    first.send_keys(Keys.TAB)
    check("Tab moves on to the next row", driver.switch_to.active_element.get_attribute("data-variant") == order(driver)[1])
    outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    check("the row reached by keyboard shows its focus", outline == "solid", outline)

    wait.until(lambda d: d.find_element(By.ID, "equity-chart").get_attribute("data-view"))
    full = view_span(driver)
    chart = driver.find_element(By.ID, "equity-chart")
    cw = chart.size["width"]
    ActionChains(driver).move_to_element_with_offset(chart, int(-cw * 0.2), 0).click_and_hold() \
        .move_by_offset(int(cw * 0.3), 0).release().perform()
    dragged = view_span(driver)
    check("dragging across the equity chart zooms into that span", 0 < dragged < full * 0.5, (dragged, full))
    check("the zoomed chart is still drawn", driver.execute_script(DRAWN, "equity-chart") > 100)
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(chart), 0, -200).perform()
    wait.until(lambda d: view_span(d) < dragged)
    check("the wheel zooms further in", view_span(driver) < dragged)
    shots.take("3-run-zoomed")
    driver.find_element(By.ID, "zoom-reset").click()
    check("Reset zoom shows the whole curve again", view_span(driver) == full)
    chart.send_keys("+")
    check("+ on the focused chart zooms in by keyboard", view_span(driver) < full)
    chart.send_keys("0")
    check("0 resets it", view_span(driver) == full)
    check("the max drawdown span is named in the legend", "max drawdown span" in driver.find_element(By.ID, "equity-legend").text)

    driver.find_element(By.ID, "variant-preset-name").send_keys("best of form grid")
    driver.find_element(By.ID, "variant-preset-save").click()
    wait.until(lambda d: d.find_element(By.ID, "variant-preset-message").text)
    note = driver.find_element(By.ID, "variant-preset-message").text
    check("the selected variant is saved as a preset", note.startswith("Saved ") and "pre_" in note, note)
    presets = fetch_json(driver, "GET", "/presets")["data"]["presets"]
    saved = [p for p in presets if p["name"] == "best of form grid"]
    selected = driver.find_element(By.ID, "selected-variant").text
    params = saved[0]["config"]["strategy"]["params"] if len(saved) == 1 else {}
    check("the preset holds the selected variant's spec",
          selected == "fast=%s,slow=%s" % (params.get("fast"), params.get("slow")), (selected, params))
    check("no NaN, undefined or null on the run page", not bad_words(driver), bad_words(driver))
    shots.take("3-run")
    shots.phone("3-run", whole=("#top-k", "#trades"))

    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    # The same page, not reloaded: the canvases must follow the theme change by themselves.
    label = ("const c = document.getElementById('heatmap'); const d = c.getContext('2d')"
             ".getImageData(0, 0, 48, c.height).data; let m = 0;"
             "for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) m = Math.max(m, d[i]); return m;")
    wait.until(lambda d: d.execute_script(label) > 180)
    check("the heatmap's labels are redrawn light on dark", driver.execute_script(label) > 180)
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    check("dark mode follows prefers-color-scheme", background == "rgb(15, 18, 23)", background)
    shots.take("3-run-dark")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
