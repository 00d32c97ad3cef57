/// A service failure with a stable code; `BacktestAPI` maps codes to HTTP statuses in one place.
public struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One field-level problem.
    public struct Detail: Sendable, Equatable {
        public let path: String
        public let message: String
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
    }

    /// `validation_error`, `bad_request`, `not_found`, `idempotency_key_reused`, `queue_full`,
    /// `conflict`, `unsupported_media_type`, `payload_too_large`, `insufficient_storage`, `internal`.
    public let code: String
    public let message: String
    public let details: [Detail]
    /// Seconds a client should wait before retrying, when the condition is temporary.
    public let retryAfterSeconds: Int?

    public init(code: String, message: String, details: [Detail] = [], retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.details = details.sorted { ($0.path, $0.message) < ($1.path, $1.message) }
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func validation(_ details: [Detail]) -> ServiceError {
        let count = Set(details.map(\.path)).count
        return ServiceError(
            code: "validation_error", message: count == 1 ? "1 field is invalid" : "\(count) fields are invalid",
            details: details)
    }

    public static func notFound(_ what: String) -> ServiceError {
        ServiceError(code: "not_found", message: "\(what) not found")
    }
    public static func badRequest(_ message: String) -> ServiceError {
        ServiceError(code: "bad_request", message: message)
    }
    public static let internalError = ServiceError(code: "internal", message: "internal error")

    public var description: String { "\(code): \(message)" }
}
