/// `/datasets/...` in the OpenAPI document.
enum DatasetOperations {
    static let dataset =
        #"{"dataset_id":"ds_447b0f5e5430f1b4abf97a0e57b93be3","symbol":"GOOG","timeframe":"1d","rows":2148,"first":"2004-08-19T00:00:00Z","last":"2013-03-01T00:00:00Z","sha256":"3fb1a2f7933a22d708678fb5c133f9bb513b8a2ec685e96f3c0986ebb0edc8c1","created_at":"2026-11-30T05:55:07.591Z"}"#

    static var all: [APIOperation] {
        var upload = APIOperation(
            "POST", "/datasets", id: "uploadDataset", tag: "datasets", summary: "Upload OHLCV CSV (or gzip of it)"
        )
        .with(parameters: [
            .object([
                ("name", "symbol"), ("in", "query"), ("required", true),
                ("schema", .object([("type", "string"), ("minLength", 1), ("maxLength", 32)])),
            ]),
            .object([
                ("name", "timeframe"), ("in", "query"),
                (
                    "schema",
                    .object([("type", "string"), ("enum", ["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1mo"])])
                ),
            ]),
            .object([
                ("name", "Content-Encoding"), ("in", "header"),
                ("schema", .object([("type", "string"), ("enum", ["gzip", "identity"])])),
            ]),
        ])
        .ok("201", "Dataset", example: dataset)
        .ok("200", "Dataset", example: dataset)
        .errors([400, 401, 403, 408, 413, 415, 422, 503, 507])
        upload.body = (
            "text/csv", .object([("type", "string")]),
            .string(
                "timestamp,open,high,low,close,volume\n2024-01-02T00:00:00Z,100,101,99,100.5,1200\n2024-01-03T00:00:00Z,100.5,102,100,101.5,900\n"
            )
        )
        upload.description =
            "Header timestamp,open,high,low,close,volume; RFC 3339 or epoch-millisecond timestamps, strictly increasing. Bad rows → 422 naming lines (first 20); nothing stored."
        return [
            upload,
            APIOperation(
                "GET", "/datasets", id: "listDatasets", tag: "datasets",
                summary: "Datasets, newest first (yours and the public samples)"
            )
            .with(parameters: [APIOperation.parameter("Owner")])
            .ok("200", "DatasetList", example: #"{"datasets":[\#(dataset)]}"#).errors([401]),
            APIOperation("GET", "/datasets/{id}", id: "getDataset", tag: "datasets", summary: "A dataset's metadata")
                .with(parameters: [APIOperation.parameter("DatasetID"), APIOperation.parameter("Owner")])
                .ok("200", "Dataset", example: dataset).errors([401, 404]),
            APIOperation(
                "GET", "/datasets/{id}/candles", id: "getCandles", tag: "datasets", summary: "Bars of a time window"
            )
            .with(parameters: [
                APIOperation.parameter("DatasetID"), APIOperation.parameter("From"), APIOperation.parameter("To"),
                APIOperation.integerQuery("limit", 1...100_000, default: 1000), APIOperation.parameter("Owner"),
            ])
            .ok(
                "200", "Candles",
                example:
                    #"{"dataset_id":"ds_447b0f5e5430f1b4abf97a0e57b93be3","total":2148,"limit":1,"candles":[{"t":"2004-08-19T00:00:00Z","open":100.01,"high":104.06,"low":95.96,"close":100.335,"volume":44659000}]}"#
            )
            .errors([400, 401, 404]),
        ]
    }
}
