import BacktestService
import HTTPServer

/// `GET /metrics`: the Prometheus text exposition. On the API port it needs an `admin` key once
/// keys exist (single-user mode is loopback-only, so no key there); on `metrics_listen` it is the
/// only route and needs none — that address is for the scraper and should not be public.
enum MetricsRoutes {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func register(
        on builder: inout RouterBuilder, service: BacktestService, access: Access, observability: Observability
    ) {
        builder.authenticated("GET", "/metrics", access: access) { _, principal in
            if principal.identity != nil && principal.tier != .admin {
                throw HTTPError(status: 403, code: "forbidden", message: "GET /metrics needs an admin key")
            }
            return exposition(service: service, observability: observability)
        }
    }

    /// The router of the `metrics_listen` address: `/metrics` alone, unauthenticated.
    static func standaloneRouter(service: BacktestService, observability: Observability) -> Router {
        var builder = RouterBuilder()
        builder.add("GET", "/metrics", .blocking { _ in exposition(service: service, observability: observability) })
        return builder.build()
    }

    static func exposition(service: BacktestService, observability: Observability) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Cache-Control", value: Caching.noStore)
        return HTTPResponse(status: 200, headers: headers, body: .bytes(observability.scrape(service: service)))
    }
}
