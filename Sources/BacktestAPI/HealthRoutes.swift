import BacktestService
import HTTPServer

/// `GET /healthz` (the process serves) and `GET /readyz` (the catalog takes writes).
enum HealthRoutes {
    static let ok = Array(#"{"status":"ok"}"#.utf8)

    static func register(on builder: inout RouterBuilder, service: BacktestService) {
        builder.add("GET", "/healthz", .immediate { _ in .json(ok) })
        builder.add(
            "GET", "/readyz",
            .blocking { _ in
                service.isReady ? .json(ok) : .json(#"{"status":"unavailable"}"#, status: 503)
            })
    }
}
