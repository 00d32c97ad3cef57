import BacktestService
import HTTPServer

/// The one place where domain errors become HTTP statuses (API.md, "Errors").
enum ErrorMapping {
    static let statuses: [String: Int] = [
        "bad_request": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "method_not_allowed": 405,
        "request_timeout": 408, "conflict": 409, "payload_too_large": 413, "unsupported_media_type": 415,
        "validation_error": 422, "idempotency_key_reused": 422, "rate_limited": 429, "headers_too_large": 431,
        "internal": 500, "queue_full": 503, "insufficient_storage": 507, "uri_too_long": 414, "upgrade_required": 426,
        "http_version_not_supported": 505,
    ]

    static func httpError(_ error: any Error) -> HTTPError {
        switch error {
        case let error as HTTPError:
            return error
        case let error as ServiceError:
            var headers: [(String, String)] = []
            if let seconds = error.retryAfterSeconds { headers.append(("Retry-After", String(seconds))) }
            let status = statuses[error.code] ?? 500
            return HTTPError(
                status: status, code: status == 500 ? "internal" : error.code,
                message: status == 500 ? "internal error" : error.message,
                details: error.details.map { HTTPError.Detail(path: $0.path, message: $0.message) },
                retryable: [429, 500, 503, 507].contains(status), headers: headers)
        default:
            return HTTPError.internalError
        }
    }
}
