"""The research features in the browser test (issue 12): the form's ranking, risk/execution axes,
heatmap axes and walk-forward fields (the server's 422 next to them, the live variant count over
every axis), then a walk-forward run (windows table, overall out-of-sample metrics, the stitched
out-of-sample curve drawn, trade lists from the results) and a run over two datasets with a
stop-loss axis (aggregate ranking, dataset selector, per-dataset top-K, heatmap, trades, equity)."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser_support import DRAWN, bad_words, check, fetch_json, fill


def near(driver, path):
    return driver.find_element(By.CSS_SELECTOR, "[data-path='%s']" % path).text


def wait_done(driver, wait):
    wait.until(lambda d: d.find_element(By.ID, "run-status").text in ("DONE", "ERROR", "CANCELLED"))
    check("the run reaches DONE on the page", driver.find_element(By.ID, "run-status").text == "DONE",
          driver.find_element(By.ID, "run-status").text)


def walk_forward_run(driver, wait, shots, base):
    driver.get(base + "/#/new")
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    Select(driver.find_element(By.ID, "symbol")).select_by_value("GOOG")
    Select(driver.find_element(By.ID, "timeframe")).select_by_value("1d")
    fill(driver, "fast", "5,10,20")
    fill(driver, "slow", "50,100")
    fill(driver, "axis-risk-stop_loss_pct", "off,5")
    count = driver.find_element(By.ID, "variant-count").text
    check("the live count multiplies in the stop-loss axis (off counts)", count.startswith("12 variants (0 skipped"), count)
    fill(driver, "axis-execution-fee_bps", "0,5,10")
    count = driver.find_element(By.ID, "variant-count").text
    check("a second extra axis multiplies again", count.startswith("36 variants"), count)
    heat_choices = [o.get_attribute("value") for o in Select(driver.find_element(By.ID, "heatmap-x")).options]
    check("the heatmap axes on offer follow the grid", "risk.stop_loss_pct" in heat_choices and "execution.fee_bps" in heat_choices,
          heat_choices)
    fill(driver, "axis-execution-fee_bps", "")
    Select(driver.find_element(By.ID, "rank_by")).select_by_value("sharpe_ratio")
    fill(driver, "min_trades", "-1")
    fill(driver, "top_trades_n", "5000")
    fill(driver, "wf-train", "500")
    fill(driver, "wf-test", "0")
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: near(d, "top_trades_n"))
    check("the server's 422 lands next to the new fields (min_trades, top_trades_n, walk_forward.test_bars)",
          near(driver, "min_trades") and near(driver, "top_trades_n") and near(driver, "walk_forward.test_bars"),
          (near(driver, "min_trades"), near(driver, "top_trades_n"), near(driver, "walk_forward.test_bars")))
    shots.take("7-new-research-422")
    fill(driver, "min_trades", "20")
    fill(driver, "top_trades_n", "2")
    fill(driver, "wf-test", "250")
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: "#/runs/" in d.current_url)
    run_id = driver.current_url.split("#/runs/")[1]
    wait_done(driver, wait)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#wf-windows tbody tr"))
    wait.until(lambda d: d.execute_script(DRAWN, "oos-chart") > 100)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trades tbody tr"))
    wf = fetch_json(driver, "GET", "/runs/%s/results" % run_id)["data"]["walk_forward"]
    rows = driver.find_elements(By.CSS_SELECTOR, "#wf-windows tbody tr")
    check("the windows table has a row per window", len(rows) == len(wf["windows"]) >= 2, (len(rows), len(wf["windows"])))
    check("a window row names its chosen parameters, a disabled stop as off",
          any("risk.stop_loss_pct=" in r.text for r in rows) and "=null" not in driver.find_element(By.ID, "wf-windows").text)
    check("the stitched out-of-sample curve (variant=oos) is drawn", driver.execute_script(DRAWN, "oos-chart") > 100)
    check("its legend names it", driver.find_element(By.ID, "oos-legend").text.startswith("oos:"),
          driver.find_element(By.ID, "oos-legend").text)
    overall = driver.find_element(By.ID, "wf-overall").text
    check("overall out-of-sample metrics, efficiency and parameter changes are shown",
          "Walk-forward efficiency" in overall and "Parameter changes %d of" % wf["overall"]["parameter_changes"] in overall, overall)
    check("the ranking objective is named", "sharpe ratio" in driver.find_element(By.ID, "rank-note").text.lower(),
          driver.find_element(By.ID, "rank-note").text)
    check("the heatmap is titled with its axes and the max over the other axes",
          "fast \u00d7 slow, max over the other axes" in driver.find_element(By.ID, "heat-title").text,
          driver.find_element(By.ID, "heat-title").text)
    marked = driver.find_elements(By.CSS_SELECTOR, "#top-k tr.below-min .badge")
    check("top-K rows under min_trades are marked", len(marked) >= 1)
    source = driver.find_element(By.ID, "trades-count").get_attribute("data-source")
    check("the best row's trades come from the results (top_trades_n)", source == "results", source)
    check("no NaN, undefined or null on the walk-forward run page", not bad_words(driver), bad_words(driver))
    shots.take("7-walk-forward")
    shots.phone("7-walk-forward")
    return run_id


def multi_dataset_run(driver, wait, shots, base):
    driver.get(base + "/#/new")
    wait.until(lambda d: d.find_elements(By.ID, "new-backtest"))
    picks = Select(driver.find_element(By.ID, "datasets"))
    names = [o.text for o in picks.options]
    for i, name in enumerate(names):
        if name.startswith("GOOG 1d") or name.startswith("BTCUSD 1mo"):
            picks.select_by_index(i)
    fill(driver, "fast", "5,10")
    fill(driver, "slow", "20,50")
    fill(driver, "axis-risk-stop_loss_pct", "off,2,5")
    Select(driver.find_element(By.ID, "heatmap-x")).select_by_value("fast")
    Select(driver.find_element(By.ID, "heatmap-y")).select_by_value("risk.stop_loss_pct")
    count = driver.find_element(By.ID, "variant-count").text
    check("the count covers the stop-loss axis", count.startswith("12 variants"), count)
    driver.find_element(By.ID, "submit").click()
    wait.until(lambda d: "#/runs/" in d.current_url)
    run_id = driver.current_url.split("#/runs/")[1]
    wait_done(driver, wait)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#aggregate tbody tr"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#trades tbody tr"))
    results = fetch_json(driver, "GET", "/runs/%s/results" % run_id)["data"]
    sets = results["grid"]["datasets"]
    check("the run covers both datasets", len(sets) == 2, len(sets))
    check("the aggregate ranking lists every row with mean, median and min",
          len(driver.find_elements(By.CSS_SELECTOR, "#aggregate tbody tr")) == len(results["results"])
          and [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#aggregate thead th")][2:5] == ["Mean", "Median", "Min"])
    options = Select(driver.find_element(By.ID, "dataset-pick")).options
    check("the dataset selector offers each dataset", len(options) == 2, len(options))
    check("the heatmap crosses fast and the stop-loss axis", "fast \u00d7 risk.stop_loss_pct" in driver.find_element(By.ID, "heat-title").text,
          driver.find_element(By.ID, "heat-title").text)
    check("the heatmap is drawn", driver.execute_script(DRAWN, "heatmap") > 100)
    wait.until(lambda d: d.execute_script(DRAWN, "equity-chart") > 100)
    first_top = [tr.get_attribute("data-variant") for tr in driver.find_elements(By.CSS_SELECTOR, "#top-k tbody tr")]
    check("the top-K is the first dataset's", first_top == [r["variant_key"] for r in sets[0]["top"]], first_top)
    Select(driver.find_element(By.ID, "dataset-pick")).select_by_value("1")
    second = [r["variant_key"] for r in sets[1]["top"]]
    wait.until(lambda d: [tr.get_attribute("data-variant") for tr in d.find_elements(By.CSS_SELECTOR, "#top-k tbody tr")] == second)
    wait.until(lambda d: "trades of" in d.find_element(By.ID, "trades-count").text)
    expected = fetch_json(driver, "GET", "/runs/%s/trades?dataset=1&variant=%s&limit=1" % (run_id, second[0].replace("=", "%3D").replace(",", "%2C")))
    shown = driver.find_element(By.ID, "trades-count").text
    check("switching dataset shows its top-K and its trades (dataset=1)",
          shown.endswith("of %d trades of %s" % (expected["data"]["total"], second[0].replace("=null", "=off"))), (shown, expected["data"]["total"]))
    driver.find_elements(By.CSS_SELECTOR, "#aggregate tbody tr")[0].click()
    wait.until(lambda d: "trades of" in d.find_element(By.ID, "trades-count").text)
    check("an aggregate row opens on the dataset on show", driver.find_element(By.ID, "selected-variant").text
          == results["results"][0]["variant_key"].replace("=null", "=off"))
    wait.until(lambda d: d.execute_script(DRAWN, "equity-chart") > 100)
    check("no NaN, undefined or null on the multi-dataset run page", not bad_words(driver), bad_words(driver))
    shots.take("8-multi-dataset")
    shots.phone("8-multi-dataset")
    return run_id


def check_research(driver, wait, shots, base):
    walk_forward_run(driver, wait, shots, base)
    multi_dataset_run(driver, wait, shots, base)
