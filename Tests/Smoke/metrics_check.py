"""Reads GET /metrics with prometheus_client's own parser and checks the families a run moves.

    python metrics_check.py BASE_URL RUN_ID
"""

import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    base, run_id = sys.argv[1], sys.argv[2]
    with urllib.request.urlopen(base + "/metrics") as response:
        text = response.read().decode()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    # prometheus_client names counters without their _total suffix.
    expected = {
        "http_requests": "counter",
        "http_request_duration_seconds": "histogram",
        "http_open_connections": "gauge",
        "backtest_event_followers": "gauge",
        "backtest_queue_depth": "gauge",
        "backtest_runs": "gauge",
        "backtest_runs_finished": "counter",
        "backtest_variants_evaluated": "counter",
        "backtest_bar_variants": "counter",
        "backtest_run_duration_seconds": "histogram",
        "backtest_catalog_errors": "counter",
        "backtest_rate_limited_requests": "counter",
        "process_resident_memory_bytes": "gauge",
        "process_open_fds": "gauge",
    }
    problems = []
    for name, kind in expected.items():
        if name not in families:
            problems.append(f"missing family {name}")
        elif families[name].type != kind:
            problems.append(f"{name} is a {families[name].type}, not a {kind}")

    def value(family, sample_name, **labels):
        for sample in families[family].samples if family in families else []:
            if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
        return None

    checks = [
        (value("backtest_runs_finished", "backtest_runs_finished_total", state="DONE") or 0) >= 1,
        (value("backtest_variants_evaluated", "backtest_variants_evaluated_total") or 0) >= 40,
        (value("backtest_bar_variants", "backtest_bar_variants_total") or 0) > 40,
        (value("backtest_run_duration_seconds", "backtest_run_duration_seconds_count", state="DONE") or 0) >= 1,
        (value("http_requests", "http_requests_total", route="/runs/{id}", status="200") or 0) >= 1,
        (value("process_resident_memory_bytes", "process_resident_memory_bytes") or 0) > 0,
    ]
    problems += [f"check {i} failed" for i, ok in enumerate(checks) if not ok]
    if run_id in text:
        problems.append("a run id appears in the exposition")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
