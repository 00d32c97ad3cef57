import BacktestService
import HTTPServer

/// `GET /healthz` (the process serves) and `GET /readyz` (it can do its work: the catalog takes a
/// write, every worker thread is alive, the queue is below its bound).
enum HealthRoutes {
    static let ok = Array(#"{"status":"ok"}"#.utf8)

    static func register(on builder: inout RouterBuilder, service: BacktestService) {
        builder.add(
            "GET", "/healthz",
            .immediate { _ in
                var response = HTTPResponse.json(ok)
                Caching.defaultToNoStore(&response)
                return response
            })
        builder.add(
            "GET", "/readyz",
            .blocking { _ in
                var response = readiness(service.readinessFailures())
                Caching.defaultToNoStore(&response)
                return response
            })
    }

    /// 200, or 503 naming each failing check in the envelope's `details` (path = the check).
    static func readiness(_ failures: [BacktestService.FailedCheck]) -> HTTPResponse {
        guard !failures.isEmpty else { return .json(ok) }
        return HTTPError(
            status: 503, code: "not_ready",
            message: "not ready: " + failures.map(\.check).joined(separator: ", "),
            details: failures.map { HTTPError.Detail(path: $0.check, message: $0.message) }, retryable: true
        ).response
    }
}
