/// How a route produces its response.
public enum RouteHandler: Sendable {
    /// Cheap, non-blocking work run on the event loop itself (e.g. a health check).
    case immediate(@Sendable (HTTPRequest) throws -> HTTPResponse)
    /// Work that awaits (streams, sleeps) but never blocks a thread: runs as a Swift task.
    case async(@Sendable (HTTPRequest) async throws -> HTTPResponse)
    /// Synchronous work that may block on I/O (a database commit and its fsync) or take CPU: runs
    /// on the server's blocking pool, never on the event loops nor on Swift's cooperative pool,
    /// whose few threads (one per core) every task of the process shares.
    case blocking(@Sendable (HTTPRequest) throws -> HTTPResponse)
    /// Large uploads: runs off the event loops as soon as the head arrives and reads the body as it
    /// streams in (`HTTPRequest.body` is empty). `maxBodyBytes` replaces the server's body limit
    /// for this route; bodies past it get 413.
    case streaming(maxBodyBytes: Int, @Sendable (HTTPRequest, RequestBodyStream) async throws -> HTTPResponse)
    /// A WebSocket endpoint (RFC 6455): the handshake is checked, then the route accepts or refuses.
    case webSocket(WebSocketRoute)
}

/// An immutable table of method + path-pattern routes; patterns use `{name}` segments.
public struct Router: Sendable {
    struct Route: Sendable {
        let method: String
        /// As registered (`/runs/{id}`): what metrics label a request with, never the raw path.
        let pattern: String
        let segments: [Segment]
        let handler: RouteHandler
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// What a lookup found.
    public enum Match: Sendable {
        /// `route` is the index of the route in the table (see `pattern(ofRoute:)`).
        case found(RouteHandler, parameters: [String: String], route: Int)
        case methodNotAllowed(allow: [String])
        case notFound
    }

    let routes: [Route]
    /// Methods that have a streaming route: every other request skips the lookup for one.
    private let streamingMethods: Set<String>
    private let hasWebSocketRoutes: Bool

    init(routes: [Route]) {
        self.routes = routes
        streamingMethods = Set(
            routes.compactMap { route in
                if case .streaming = route.handler { return route.method }
                return nil
            })
        hasWebSocketRoutes = routes.contains { route in
            if case .webSocket = route.handler { return true }
            return false
        }
    }

    /// Finds the handler for `method` and decoded path `segments`. `GET` routes also answer `HEAD`.
    public func match(method: String, segments: [String]) -> Match {
        var allowed: [String] = []
        for (index, route) in routes.enumerated() {
            guard let parameters = Self.bind(route.segments, to: segments) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.handler, parameters: parameters, route: index)
            }
            allowed.append(route.method)
            if route.method == "GET" { allowed.append("HEAD") }
        }
        if allowed.isEmpty { return .notFound }
        return .methodNotAllowed(allow: Array(Set(allowed)).sorted())
    }

    /// Every route as method and pattern (`/runs/{id}`), in registration order: what a description
    /// of the server (an OpenAPI document) must cover.
    public var table: [(method: String, pattern: String)] {
        routes.map { route in
            let path = route.segments.map { segment -> String in
                switch segment {
                case .literal(let text): return text
                case .parameter(let name): return "{" + name + "}"
                }
            }
            return (route.method, "/" + path.joined(separator: "/"))
        }
    }

    /// Whether `head` is a WebSocket upgrade request to a WebSocket route: the parser stops after it.
    public func isWebSocketUpgrade(_ head: HTTPRequestHead) -> Bool {
        guard hasWebSocketRoutes, WebSocketHandshake.isUpgradeRequest(head) else { return false }
        guard case .found(.webSocket, _, _) = match(method: "GET", segments: head.pathSegments) else { return false }
        return true
    }

    /// The body limit of the streaming route `method` and `segments` lead to, nil for any other.
    public func streamingBodyLimit(method: String, segments: [String]) -> Int? {
        guard streamingMethods.contains(method) else { return nil }
        guard case .found(.streaming(let limit, _), _, _) = match(method: method, segments: segments) else {
            return nil
        }
        return limit
    }

    /// The pattern of route number `index` (from `Match.found`).
    public func pattern(ofRoute index: Int) -> String {
        routes.indices.contains(index) ? routes[index].pattern : "unmatched"
    }

    /// How many routes the table holds.
    public var routeCount: Int { routes.count }

    private static func bind(_ pattern: [Segment], to segments: [String]) -> [String: String]? {
        guard pattern.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, segment) in zip(pattern, segments) {
            switch part {
            case .literal(let text): if text != segment { return nil }
            case .parameter(let name): parameters[name] = segment
            }
        }
        return parameters
    }
}

/// Collects routes, then freezes them into a `Router`.
public struct RouterBuilder {
    private var routes: [Router.Route] = []

    public init() {}

    /// Adds `handler` for `method` on `pattern` (e.g. `/runs/{id}/events`).
    public mutating func add(_ method: String, _ pattern: String, _ handler: RouteHandler) {
        let segments = pattern.split(separator: "/").map { piece -> Router.Segment in
            if piece.hasPrefix("{") && piece.hasSuffix("}") { return .parameter(String(piece.dropFirst().dropLast())) }
            return .literal(String(piece))
        }
        routes.append(Router.Route(method: method, pattern: pattern, segments: segments, handler: handler))
    }

    public mutating func get(
        _ pattern: String, _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) {
        add("GET", pattern, .async(handler))
    }

    public mutating func post(
        _ pattern: String, _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) {
        add("POST", pattern, .async(handler))
    }

    public mutating func delete(
        _ pattern: String, _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) {
        add("DELETE", pattern, .async(handler))
    }

    /// Adds a route whose body streams to `handler` as it arrives, up to `maxBodyBytes`.
    public mutating func streaming(
        _ method: String, _ pattern: String, maxBodyBytes: Int,
        _ handler: @escaping @Sendable (HTTPRequest, RequestBodyStream) async throws -> HTTPResponse
    ) {
        add(method, pattern, .streaming(maxBodyBytes: maxBodyBytes, handler))
    }

    /// Adds a WebSocket endpoint on `GET pattern`.
    public mutating func webSocket(_ pattern: String, _ route: WebSocketRoute) {
        add("GET", pattern, .webSocket(route))
    }

    /// The immutable router.
    public func build() -> Router { Router(routes: routes) }
}
