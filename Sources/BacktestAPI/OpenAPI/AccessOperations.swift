/// Health, sessions, keys and the self-description routes in the OpenAPI document.
enum AccessOperations {
    static let key =
        #"{"id":"key_3f9a1c2b7d4e5f60","owner":"alice","tier":"free","prefix":"bt_4Hq9Zk","created_at":"2026-11-30T06:00:00.000Z","last_used_at":null,"revoked_at":null}"#

    static var all: [APIOperation] {
        var health = APIOperation("GET", "/healthz", id: "health", tag: "operations", summary: "The process serves")
            .ok("200", "Status", example: #"{"status":"ok"}"#)
        health.isPublic = true
        var ready = APIOperation(
            "GET", "/readyz", id: "ready", tag: "operations",
            summary: "The catalog takes writes, the workers live, the queue has room"
        )
        .ok("200", "Status", example: #"{"status":"ok"}"#).errors([503])
        ready.isPublic = true
        var document = APIOperation("GET", "/openapi.json", id: "openapi", tag: "operations", summary: "This document")
        document.responses = [
            (
                "200",
                .object([
                    ("description", "The OpenAPI 3.1 document."),
                    (
                        "content",
                        .object([
                            (
                                "application/json",
                                .object([
                                    (
                                        "schema",
                                        .object([("type", "object"), ("required", ["openapi", "info", "paths"])])
                                    ),
                                    (
                                        "example",
                                        APIOperation.json(
                                            #"{"openapi":"3.1.0","info":{"title":"backtestd","version":"backtestd-engine/1"},"paths":{}}"#
                                        )
                                    ),
                                ])
                            )
                        ])
                    ),
                ])
            )
        ]
        document.isPublic = true
        var docs = APIOperation("GET", "/docs", id: "docs", tag: "operations", summary: "The API reference page")
            .text(
                "200", "text/html", "The document rendered as a page (no external resources).",
                example: "<!doctype html>…")
        docs.isPublic = true
        var dashboard = APIOperation("GET", "/", id: "dashboard", tag: "operations", summary: "The dashboard page")
            .text(
                "200", "text/html", "One page that drives this API from a browser (no external resources).",
                example: "<!doctype html>…")
        dashboard.isPublic = true
        var login = APIOperation(
            "POST", "/session", id: "openSession", tag: "access", summary: "Exchange a key for a session cookie"
        )
        .with(body: "SessionRequest", example: #"{"key":"bt_4Hq9ZkVt2Ld8Xr3Pc6Ny1Mw5Qs7Bj9Ke2Uf4Gh6Ja8Tb"}"#)
        .empty("204", "Signed in.", headers: ["Set-Cookie"]).errors([401, 415, 507])
        login.isPublic = true
        var logout = APIOperation("DELETE", "/session", id: "closeSession", tag: "access", summary: "Sign out")
            .empty("204", "Signed out (the cookie is cleared).", headers: ["Set-Cookie"])
        logout.isPublic = true
        return [
            health, ready, document, docs, dashboard, login, logout,
            APIOperation("GET", "/session", id: "whoAmI", tag: "access", summary: "Who is asking")
                .ok(
                    "200", "Session",
                    example: #"{"mode":"keys","owner":"alice","tier":"free","key_prefix":"bt_4Hq9Zk","via":"session"}"#
                )
                .errors([401]),
            APIOperation("POST", "/keys", id: "createKey", tag: "access", summary: "Create an API key (admin)")
                .with(body: "KeyRequest", example: #"{"owner":"alice","tier":"free"}"#)
                .ok(
                    "201", "Key",
                    example: #"{"key":"bt_4Hq9ZkVt2Ld8Xr3Pc6Ny1Mw5Qs7Bj9Ke2Uf4Gh6Ja8Tb",\#(key.dropFirst())"#,
                    headers: ["Location"]
                )
                .errors([400, 401, 403, 413, 422, 507]),
            APIOperation(
                "GET", "/keys", id: "listKeys", tag: "access", summary: "Every key, never the key itself (admin)"
            )
            .ok("200", "KeyList", example: #"{"keys":[\#(key)]}"#).errors([401, 403]),
            APIOperation("DELETE", "/keys/{id}", id: "revokeKey", tag: "access", summary: "Revoke a key (admin)")
                .with(parameters: [
                    .object([
                        ("name", "id"), ("in", "path"), ("required", true),
                        ("schema", .object([("type", "string"), ("minLength", 1)])),
                    ])
                ])
                .empty("204", "Revoked.").errors([401, 403, 404, 409, 507]),
        ]
    }
}
