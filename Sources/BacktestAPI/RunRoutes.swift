import BacktestService
import HTTPServer

/// `/backtests` and `/runs/...`.
enum RunRoutes {
    static func register(
        on builder: inout RouterBuilder, service: BacktestService, access: Access, keepAliveSeconds: Double
    ) {
        builder.authenticated("POST", "/backtests", access: access) { request, principal in
            try SubmitRoute.answer(request, principal, service: service, access: access)
        }
        builder.authenticated("GET", "/runs", access: access) { request, principal in
            let order = request.query("order") ?? "desc"
            guard order == "desc" || order == "asc" else { throw HTTPError.badRequest("order must be asc or desc") }
            return .document(
                try service.listRuns(
                    status: request.query("status"), limit: try request.integerQuery("limit", default: 50, 1...500),
                    offset: try request.integerQuery("offset", default: 0, 0...Int(Int32.max)),
                    ascending: order == "asc", caller: principal.caller))
        }
        builder.authenticated("GET", "/runs/{id}", access: access) { request, principal in
            let document = try service.run(id: request.parameter("id"), caller: principal.caller)
            // A rendered (`.raw`) document comes from the cache of finished runs.
            var finished = false
            if case .raw = document {
                finished = true
            } else if let status = document["status"]?.string {
                finished = ["DONE", "ERROR", "CANCELLED"].contains(status)
            }
            return finished ? Caching.immutableDocument(document, for: request) : .document(document)
        }
        builder.authenticated("GET", "/runs/{id}/results", access: access) { request, principal in
            Caching.immutableDocument(
                try service.results(
                    id: request.parameter("id"), limit: try request.integerQuery("limit", default: 1000, 1...1000),
                    caller: principal.caller), for: request)
        }
        builder.authenticated("GET", "/runs/{id}/trades", access: access) { request, principal in
            Caching.immutableDocument(
                try service.trades(
                    id: request.parameter("id"), variant: request.query("variant"), dataset: request.query("dataset"),
                    limit: try request.integerQuery("limit", default: 100, 1...10_000),
                    offset: try request.integerQuery("offset", default: 0, 0...Int(Int32.max)),
                    from: try request.timeQuery("from"), to: try request.timeQuery("to"), caller: principal.caller),
                for: request)
        }
        builder.authenticated("GET", "/runs/{id}/equity", access: access) { request, principal in
            Caching.immutableDocument(
                try service.equity(
                    id: request.parameter("id"), variant: request.query("variant"), dataset: request.query("dataset"),
                    maxPoints: try request.integerQuery("max_points", default: 1000, 2...100_000),
                    caller: principal.caller), for: request)
        }
        builder.authenticated("POST", "/runs/{id}/cancel", access: access) { request, principal in
            let (document, accepted) = try service.cancel(id: request.parameter("id"), caller: principal.caller)
            return .document(document, status: accepted ? 202 : 200)
        }
        builder.authenticatedAsync("DELETE", "/runs/{id}", access: access) { request, principal in
            try await service.delete(id: request.parameter("id"), caller: principal.caller)
            return HTTPResponse(status: 204)
        }
        builder.authenticated("GET", "/runs/{id}/events", access: access) { request, principal in
            try EventStream.response(
                for: request, service: service, caller: principal.caller, keepAliveSeconds: keepAliveSeconds)
        }
        builder.webSocket("/runs/{id}/ws", RunProgressSocket.route(service: service, access: access))
    }
}
