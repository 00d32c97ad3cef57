/// An error that renders itself as the API's JSON error envelope:
/// `{"error":{"code","message","details":[{"path","message"}],"retryable"}}`.
public struct HTTPError: Error, Sendable, Equatable {
    /// One field-level problem.
    public struct Detail: Sendable, Equatable, Comparable {
        public let path: String
        public let message: String
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
        public static func < (lhs: Detail, rhs: Detail) -> Bool {
            (lhs.path, lhs.message) < (rhs.path, rhs.message)
        }
    }

    public let status: Int
    public let code: String
    public let message: String
    /// Sorted by path, then message, so the same input always gives the same bytes.
    public let details: [Detail]
    public let retryable: Bool
    public let headers: [(String, String)]

    public init(
        status: Int, code: String, message: String, details: [Detail] = [], retryable: Bool = false,
        headers: [(String, String)] = []
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details.sorted()
        self.retryable = retryable
        self.headers = headers
    }

    public static func == (lhs: HTTPError, rhs: HTTPError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message && lhs.details == rhs.details
    }

    public static func notFound(_ message: String = "no such resource") -> HTTPError {
        HTTPError(status: 404, code: "not_found", message: message)
    }

    public static func badRequest(_ message: String) -> HTTPError {
        HTTPError(status: 400, code: "bad_request", message: message)
    }

    public static let internalError = HTTPError(
        status: 500, code: "internal", message: "internal error", retryable: true)

    /// The JSON envelope bytes.
    public var body: [UInt8] {
        var json = #"{"error":{"code":"#
        json += JSONString.quote(code)
        json += #","message":"# + JSONString.quote(message) + #","details":["#
        json += details.map {
            #"{"path":"# + JSONString.quote($0.path) + #","message":"# + JSONString.quote($0.message) + "}"
        }
        .joined(separator: ",")
        json += #"],"retryable":"# + (retryable ? "true" : "false") + "}}"
        return Array(json.utf8)
    }

    /// The error as a response.
    public var response: HTTPResponse {
        var extra = HTTPHeaders()
        for (name, value) in headers { extra.add(name: name, value: value) }
        return .json(body, status: status, headers: extra)
    }
}
