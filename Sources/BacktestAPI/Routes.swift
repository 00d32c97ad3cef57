import BacktestService
import HTTPServer

/// Every route of the API, each a thin translation to a service call.
enum Routes {
    static func register(
        on builder: inout RouterBuilder, service: BacktestService, keepAliveSeconds: Double, maxDatasetBytes: Int,
        webSocketEchoPath: String
    ) {
        HealthRoutes.register(on: &builder, service: service)
        // Service calls are synchronous and may wait on SQLite (a commit's fsync): they run on the
        // server's blocking pool, so they never hold the cooperative threads that streams need.
        func route(
            _ method: String, _ pattern: String, _ handler: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse
        ) {
            builder.add(
                method, pattern,
                .blocking { request in
                    do { return try handler(request) } catch { throw ErrorMapping.httpError(error) }
                })
        }
        func asyncRoute(
            _ method: String, _ pattern: String,
            _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
        ) {
            builder.add(
                method, pattern,
                .async { request in
                    do { return try await handler(request) } catch { throw ErrorMapping.httpError(error) }
                })
        }
        route("POST", "/backtests") { request in
            if let type = request.headers["Content-Type"], !type.lowercased().hasPrefix("application/json") {
                throw ServiceError(code: "unsupported_media_type", message: "Content-Type must be application/json")
            }
            switch try service.submit(body: request.body, idempotencyKey: request.headers["Idempotency-Key"]) {
            case .created(let document, let runID):
                var headers = HTTPHeaders()
                headers.add(name: "Location", value: "/runs/\(runID)")
                return .document(document, status: 202, headers: headers)
            case .existing(let document, let runID):
                var headers = HTTPHeaders()
                headers.add(name: "Location", value: "/runs/\(runID)")
                return .document(document, status: 200, headers: headers)
            }
        }
        route("GET", "/runs") { request in
            let order = request.query("order") ?? "desc"
            guard order == "desc" || order == "asc" else { throw HTTPError.badRequest("order must be asc or desc") }
            return .document(
                try service.listRuns(
                    status: request.query("status"), limit: try request.integerQuery("limit", default: 50, 1...500),
                    offset: try request.integerQuery("offset", default: 0, 0...Int(Int32.max)),
                    ascending: order == "asc"))
        }
        route("GET", "/runs/{id}") { request in .document(try service.run(id: request.parameter("id"))) }
        route("GET", "/runs/{id}/results") { request in
            .document(
                try service.results(
                    id: request.parameter("id"), limit: try request.integerQuery("limit", default: 1000, 1...1000)))
        }
        route("GET", "/runs/{id}/trades") { request in
            .document(
                try service.trades(
                    id: request.parameter("id"), variant: request.query("variant"),
                    limit: try request.integerQuery("limit", default: 100, 1...10_000),
                    offset: try request.integerQuery("offset", default: 0, 0...Int(Int32.max)),
                    from: try request.timeQuery("from"),
                    to: try request.timeQuery("to")))
        }
        route("GET", "/runs/{id}/equity") { request in
            .document(
                try service.equity(
                    id: request.parameter("id"), variant: request.query("variant"),
                    maxPoints: try request.integerQuery("max_points", default: 1000, 2...100_000)))
        }
        route("POST", "/runs/{id}/cancel") { request in
            let (document, accepted) = try service.cancel(id: request.parameter("id"))
            return .document(document, status: accepted ? 202 : 200)
        }
        asyncRoute("DELETE", "/runs/{id}") { request in
            try await service.delete(id: request.parameter("id"))
            return HTTPResponse(status: 204)
        }
        route("GET", "/runs/{id}/events") { request in
            try EventStream.response(for: request, service: service, keepAliveSeconds: keepAliveSeconds)
        }
        builder.webSocket("/runs/{id}/ws", RunProgressSocket.route(service: service))
        if !webSocketEchoPath.isEmpty { builder.webSocket(webSocketEchoPath, WebSocketEcho.route()) }
        DatasetUploadRoute.register(on: &builder, service: service, maxBytes: maxDatasetBytes)
        route("GET", "/datasets") { _ in .document(try service.listDatasets()) }
        route("GET", "/datasets/{id}") { request in .document(try service.dataset(id: request.parameter("id"))) }
        route("GET", "/datasets/{id}/candles") { request in
            .document(
                try service.candles(
                    id: request.parameter("id"), from: try request.timeQuery("from"), to: try request.timeQuery("to"),
                    limit: try request.integerQuery("limit", default: 1000, 1...100_000)))
        }
    }
}
