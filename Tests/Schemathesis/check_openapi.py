#!/usr/bin/env python3
"""The OpenAPI document of a live server: valid under openapi-spec-validator; every request and
response example valid against its schema; and responses of the real handlers — a real run, its
results, trades, equity, events, the datasets, presets — valid against the schemas documented for
them.  check_openapi.py BASE_URL"""
import json
import sys
import time
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource

base = sys.argv[1]
failures = 0


def report(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += 0 if ok else 1


def request(method, path, body=None, content_type="application/json"):
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": content_type} if data is not None else {})
    try:
        with urllib.request.urlopen(req) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


status, _, raw = request("GET", "/openapi.json")
document = json.loads(raw)
try:
    validate(document)
    report(True, "openapi-spec-validator accepts the document")
except Exception as error:  # noqa: BLE001 - any validation error is the finding
    report(False, f"openapi-spec-validator: {error}")

registry = Registry().with_resource("urn:doc", Resource.from_contents(document, default_specification=
                                                                        __import__("referencing.jsonschema").jsonschema.DRAFT202012))


def validator(schema):
    return Draft202012Validator({"$ref": "urn:doc#" + schema["$ref"][1:]} if "$ref" in schema else schema,
                                registry=registry)


def resolve(response):
    if "$ref" in response:
        name = response["$ref"].split("/")[-1]
        return document["components"]["responses"][name]
    return response


# Every example against its schema.
examples = 0
for path, item in document["paths"].items():
    for method, operation in item.items():
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body and "example" in body:
            errors = list(validator(body["schema"]).iter_errors(body["example"]))
            report(not errors, f"{method.upper()} {path} request example" + (f": {errors[0].message}" if errors else ""))
            examples += 1
        for status, response in operation["responses"].items():
            content = resolve(response).get("content", {}).get("application/json")
            if content and "example" in content and "schema" in content:
                errors = list(validator(content["schema"]).iter_errors(content["example"]))
                report(not errors, f"{method.upper()} {path} {status} example" + (f": {errors[0].message}" if errors else ""))
                examples += 1
            if status.startswith("2") and content is not None and "example" not in content:
                report(False, f"{method.upper()} {path} {status} has no example")
print(f"{examples} examples checked")


def conforms(method, pattern, path, body=None, content_type="application/json"):
    status, headers, raw = request(method, path, body, content_type)
    operation = document["paths"][pattern][method.lower()]
    response = operation["responses"].get(str(status))
    if response is None:
        report(False, f"{method} {path}: status {status} is not documented")
        return status, None
    response = resolve(response)
    content = response.get("content", {})
    type_ = (headers.get("Content-Type") or "").split(";")[0]
    if not content:
        report(not raw, f"{method} {path} {status}: no body, as documented")
        return status, None
    if type_ != "application/json":
        report(type_ in content, f"{method} {path} {status}: {type_}")
        return status, raw
    value = json.loads(raw)
    errors = list(validator(content["application/json"]["schema"]).iter_errors(value))
    report(not errors, f"{method} {path} {status} conforms" + (f": {errors[0].message} at {list(errors[0].path)}" if errors else ""))
    return status, value


# The real handlers, on a real run.
grid = {"symbol": "GOOG", "timeframe": "1d", "strategy": {"name": "dual_sma"},
        "grid": {"fast": {"values": [5, 10]}, "slow": {"values": [50, 100]}},
        "validation": {"permutation": {"n": 5}}, "top_k": 3, "seed": int(time.time())}
_, submitted = conforms("POST", "/backtests", "/backtests", json.dumps(grid))
run = submitted["run_id"]
for _ in range(300):
    _, current = conforms("GET", "/runs/{id}", f"/runs/{run}")
    if current["status"] in ("DONE", "ERROR", "CANCELLED"):
        break
    time.sleep(0.1)
conforms("POST", "/backtests", "/backtests", json.dumps(grid))  # the replay: 200 EXISTS
conforms("GET", "/runs", "/runs?limit=2")
conforms("GET", "/runs/{id}/results", f"/runs/{run}/results")
conforms("GET", "/runs/{id}/trades", f"/runs/{run}/trades?limit=3")
conforms("GET", "/runs/{id}/equity", f"/runs/{run}/equity?max_points=5")
conforms("GET", "/runs/{id}/events", f"/runs/{run}/events")
conforms("GET", "/runs/{id}", "/runs/run_missing")
conforms("GET", "/runs/{id}/artifacts", f"/runs/{run}/artifacts")
conforms("GET", "/runs/{id}/artifacts/{name}", f"/runs/{run}/artifacts/results.csv")
conforms("GET", "/runs/{id}/artifacts/{name}", f"/runs/{run}/artifacts/summary.json")
conforms("GET", "/runs/{id}/artifacts/{name}", f"/runs/{run}/artifacts/nope.csv")
conforms("POST", "/backtests", "/backtests", '{"strategy":{"name":"dual_sma","params":{"fast":0}}}')
_, datasets = conforms("GET", "/datasets", "/datasets")
dataset = datasets["datasets"][0]["dataset_id"]
conforms("GET", "/datasets/{id}", f"/datasets/{dataset}")
conforms("GET", "/datasets/{id}/candles", f"/datasets/{dataset}/candles?limit=2")
conforms("POST", "/datasets", "/datasets?symbol=CHECK&timeframe=1d",
         "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n", "text/csv")
conforms("POST", "/datasets", "/datasets?symbol=CHECK&timeframe=1d", "timestamp,open\nx,y\n", "text/csv")
_, preset = conforms("POST", "/presets", "/presets", json.dumps({"name": f"check {run}", "config": grid}))
conforms("GET", "/presets", "/presets")
conforms("GET", "/presets/{id}", f"/presets/{preset['preset_id']}")
conforms("POST", "/runs/{id}/results/{rank}/preset", f"/runs/{run}/results/1/preset", json.dumps({"name": f"best {run}"}))
conforms("DELETE", "/presets/{id}", f"/presets/{preset['preset_id']}")
conforms("GET", "/session", "/session")
conforms("GET", "/healthz", "/healthz")
conforms("GET", "/readyz", "/readyz")
conforms("POST", "/runs/{id}/cancel", f"/runs/{run}/cancel", b"")
conforms("DELETE", "/runs/{id}", f"/runs/{run}")
print(f"check_openapi: {failures} failures")
sys.exit(1 if failures else 0)
