import BacktestService

/// One operation of the OpenAPI document, built in Swift so the parts every operation shares (the
/// error responses, the authentication) are written once.
struct APIOperation {
    let method: String
    let path: String
    let id: String
    let tag: String
    let summary: String
    var parameters: [JSONValue] = []
    /// Media type, schema, example.
    var body: (type: String, schema: JSONValue, example: JSONValue)?
    var responses: [(status: String, response: JSONValue)] = []
    /// Reachable without a key even when keys exist.
    var isPublic = false
    /// An upgrade to the WebSocket protocol (marked `x-websocket`: generic HTTP clients and
    /// fuzzers cannot exercise it).
    var isWebSocket = false
    var description: String?

    init(_ method: String, _ path: String, id: String, tag: String, summary: String) {
        self.method = method
        self.path = path
        self.id = id
        self.tag = tag
        self.summary = summary
    }

    static func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/components/schemas/" + name))]) }
    static func parameter(_ name: String) -> JSONValue {
        .object([("$ref", .string("#/components/parameters/" + name))])
    }

    /// A query parameter with an integer range.
    static func integerQuery(_ name: String, _ range: ClosedRange<Int>, default value: Int, _ text: String = "")
        -> JSONValue
    {
        .object([
            ("name", .string(name)), ("in", "query"), ("description", .string(text)),
            (
                "schema",
                .object([
                    ("type", "integer"), ("minimum", .integer(range.lowerBound)),
                    ("maximum", .integer(range.upperBound)), ("default", .integer(value)),
                ])
            ),
        ])
    }

    static func json(_ text: String) -> JSONValue { (try? JSONParser.parse(text)) ?? .null }

    /// A JSON success response with its schema and an example.
    func ok(_ status: String, _ schema: String, example: String, headers: [String] = []) -> Self {
        var copy = self
        var members: [(String, JSONValue)] = [
            ("description", .string(status == "201" ? "Created." : "OK.")),
            (
                "content",
                .object([
                    ("application/json", .object([("schema", Self.ref(schema)), ("example", Self.json(example))]))
                ])
            ),
        ]
        if !headers.isEmpty { members.insert(("headers", Self.headers(headers)), at: 1) }
        copy.responses.append((status, .object(members)))
        return copy
    }

    /// A response without a body.
    func empty(_ status: String, _ description: String, headers: [String] = []) -> Self {
        var copy = self
        var members: [(String, JSONValue)] = [("description", .string(description))]
        if !headers.isEmpty { members.append(("headers", Self.headers(headers))) }
        copy.responses.append((status, .object(members)))
        return copy
    }

    /// Another media type (SSE, CSV, HTML …) with a string body.
    func text(_ status: String, _ type: String, _ description: String, example: String) -> Self {
        var copy = self
        copy.responses.append(
            (
                status,
                .object([
                    ("description", .string(description)),
                    (
                        "content",
                        .object([
                            (type, .object([("schema", .object([("type", "string")])), ("example", .string(example))]))
                        ])
                    ),
                ])
            ))
        return copy
    }

    /// Error statuses, all with the envelope (401 with `WWW-Authenticate`, 429/503/507 with `Retry-After`).
    func errors(_ statuses: [Int]) -> Self {
        var copy = self
        for status in statuses {
            let name: String
            switch status {
            case 401: name = "Unauthorized"
            case 429, 503, 507: name = "Retry"
            default: name = "Error"
            }
            copy.responses.append((String(status), .object([("$ref", .string("#/components/responses/" + name))])))
        }
        return copy
    }

    /// A document that can no longer change once its run finished: `ETag` and `Cache-Control` on
    /// the 200, `If-None-Match` honoured with a bodiless 304.
    func cacheable() -> Self {
        var copy = self
        copy.parameters.append(
            .object([
                ("name", "If-None-Match"), ("in", "header"), ("schema", .object([("type", "string")])),
                ("description", "A tag from an earlier ETag: 304 when it still matches."),
            ]))
        copy.responses = copy.responses.map { status, response in
            guard status == "200", case .object(var members) = response else { return (status, response) }
            members.removeAll { $0.0 == "headers" }
            members.insert(("headers", Self.headers(["ETag", "Cache-Control"])), at: 1)
            return (status, .object(members))
        }
        return copy.empty("304", "Not Modified: the tag still matches (no body).", headers: ["ETag", "Cache-Control"])
    }

    func with(parameters: [JSONValue]) -> Self {
        var copy = self
        copy.parameters += parameters
        return copy
    }

    func with(body schema: String, example: String, type: String = "application/json") -> Self {
        var copy = self
        copy.body = (type, Self.ref(schema), Self.json(example))
        return copy
    }

    static func headers(_ names: [String]) -> JSONValue {
        .object(
            names.map { name in
                let component = name.replacingOccurrences(of: "-", with: "")
                return (name, .object([("$ref", .string("#/components/headers/" + component))]))
            })
    }

    /// The operation object; `secured` adds the bearer requirement (keys exist and it is not public).
    func document(secured: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("operationId", .string(id)), ("tags", .array([.string(tag)])), ("summary", .string(summary)),
        ]
        if let description { members.append(("description", .string(description))) }
        if !parameters.isEmpty { members.append(("parameters", .array(parameters))) }
        if let body {
            members.append(
                (
                    "requestBody",
                    .object([
                        ("required", true),
                        (
                            "content",
                            .object([(body.type, .object([("schema", body.schema), ("example", body.example)]))])
                        ),
                    ])
                ))
        }
        members.append(("responses", .object(responses.map { ($0.status, $0.response) })))
        if isWebSocket { members.append(("x-websocket", true)) }
        members.append(("security", secured && !isPublic ? .array([.object([("bearer", .array([]))])]) : .array([])))
        return .object(members)
    }
}
