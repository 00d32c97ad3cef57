import BacktestService
import HTTPServer

/// Routes behind authentication: each handler receives who is asking, errors become the envelope,
/// every answer that does not say otherwise is `Cache-Control: no-store`,
/// and the access log learns the owner and key prefix.
extension RouterBuilder {
    /// A synchronous handler on the blocking pool: service calls may wait on SQLite (a commit's
    /// fsync), and must never hold the cooperative threads that streams need.
    mutating func authenticated(
        _ method: String, _ pattern: String, access: Access,
        _ handler: @escaping @Sendable (HTTPRequest, Principal) throws -> HTTPResponse
    ) {
        add(method, pattern, .blocking { request in access.answer(request) { try handler(request, $0) } })
    }

    /// An awaiting handler (a delete that waits for the engine to let go).
    mutating func authenticatedAsync(
        _ method: String, _ pattern: String, access: Access,
        _ handler: @escaping @Sendable (HTTPRequest, Principal) async throws -> HTTPResponse
    ) {
        add(
            method, pattern,
            .async { request in
                let principal: Principal
                do {
                    principal = try access.authenticate(request)
                    try access.checkCSRF(principal, request)
                } catch {
                    var response = ErrorMapping.httpError(error).response
                    Caching.defaultToNoStore(&response)
                    return response
                }
                var response: HTTPResponse
                do { response = try await handler(request, principal) } catch {
                    response = ErrorMapping.httpError(error).response
                }
                response.logFields = principal.logFields
                Caching.defaultToNoStore(&response)
                return response
            })
    }
}

extension Access {
    /// Authenticates, applies the CSRF rule, runs `handler` and renders any error.
    func answer(_ request: HTTPRequest, _ handler: (Principal) throws -> HTTPResponse) -> HTTPResponse {
        let principal: Principal
        do {
            principal = try authenticate(request)
            try checkCSRF(principal, request)
        } catch {
            var response = ErrorMapping.httpError(error).response
            Caching.defaultToNoStore(&response)
            return response
        }
        var response: HTTPResponse
        do { response = try handler(principal) } catch { response = ErrorMapping.httpError(error).response }
        response.logFields = principal.logFields
        Caching.defaultToNoStore(&response)
        return response
    }
}
