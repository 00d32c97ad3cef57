import BacktestService

/// `/runs/{id}/artifacts[/{name}]` in the OpenAPI document. Schemas are inline: only these two
/// operations use them.
enum ArtifactOperations {
    static let manifest =
        #"{"chain_prev":null,"created_at":"2026-11-30T05:55:09.458Z","files":[{"name":"summary.json","sha256":"0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8","size":2210},{"name":"results.csv","sha256":"5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9","size":1017}],"input_hash":"1407bac0ae44d721f44134f796d78b8bd46a16a0ff3da14426018441cf54f2da","manifest_hash":"6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b","run_id":"run_a84b23ad235add483589e8002c97eab6"}"#

    static let hash: JSONValue = .object([("type", "string"), ("pattern", "^[0-9a-f]{64}$")])

    static var manifestSchema: JSONValue {
        .object([
            ("type", "object"),
            ("required", ["run_id", "input_hash", "created_at", "files", "chain_prev", "manifest_hash"]),
            (
                "properties",
                .object([
                    ("run_id", .object([("type", "string")])), ("input_hash", hash),
                    ("created_at", .object([("type", "string")])),
                    (
                        "files",
                        .object([
                            ("type", "array"),
                            (
                                "items",
                                .object([
                                    ("type", "object"), ("required", ["name", "size", "sha256"]),
                                    (
                                        "properties",
                                        .object([
                                            ("name", .object([("type", "string")])),
                                            ("size", .object([("type", "integer"), ("minimum", 0)])), ("sha256", hash),
                                        ])
                                    ),
                                ])
                            ),
                        ])
                    ),
                    ("chain_prev", .object([("type", ["string", "null"]), ("pattern", "^[0-9a-f]{64}$")])),
                    ("manifest_hash", hash),
                ])
            ),
        ])
    }

    static let etag: JSONValue = .object([
        (
            "ETag",
            .object([("schema", .object([("type", "string")])), ("description", "\"<sha256 of the bytes>\"")])
        )
    ])

    static let ifNoneMatch: JSONValue = .object([
        ("name", "If-None-Match"), ("in", "header"), ("schema", .object([("type", "string")])),
        ("description", "The ETag held: 304 when it still names the file."),
    ])

    static var all: [APIOperation] {
        var manifestOperation = APIOperation(
            "GET", "/runs/{id}/artifacts", id: "getArtifactManifest", tag: "results",
            summary: "The manifest of a DONE run's artifact files"
        )
        .with(parameters: [APIOperation.parameter("RunID"), ifNoneMatch])
        manifestOperation.responses.append(
            (
                "200",
                .object([
                    ("description", "OK."), ("headers", etag),
                    (
                        "content",
                        .object([
                            (
                                "application/json",
                                .object([("schema", manifestSchema), ("example", APIOperation.json(manifest))])
                            )
                        ])
                    ),
                ])
            ))
        manifestOperation = manifestOperation.empty("304", "Not modified.").errors(RunOperations.readErrors + [409])

        var fileOperation = APIOperation(
            "GET", "/runs/{id}/artifacts/{name}", id: "getArtifactFile", tag: "results",
            summary: "One artifact file, by the name its manifest lists"
        )
        .with(parameters: [
            APIOperation.parameter("RunID"),
            .object([
                ("name", "name"), ("in", "path"), ("required", true),
                (
                    "schema",
                    .object([
                        ("type", "string"),
                        ("enum", ["summary.json", "results.csv", "equity.csv", "trades.csv", "manifest.json"]),
                    ])
                ),
            ]),
            ifNoneMatch,
        ])
        fileOperation.responses.append(
            (
                "200",
                .object([
                    ("description", "The file's bytes."), ("headers", etag),
                    (
                        "content",
                        .object([
                            ("text/csv", .object([("schema", .object([("type", "string")]))])),
                            (
                                "application/json",
                                .object([
                                    ("schema", .object([("type", "object")])),
                                    (
                                        "example",
                                        APIOperation.json(
                                            #"{"run":\#(RunOperations.run),"metrics":\#(RunOperations.metrics)}"#)
                                    ),
                                ])
                            ),
                        ])
                    ),
                ])
            ))
        fileOperation = fileOperation.empty("304", "Not modified.").errors(RunOperations.readErrors + [409])
        return [manifestOperation, fileOperation]
    }
}
