/// Why a request could not be parsed; carries the status the server answers with.
public struct HTTPParseError: Error, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let message: String

    static func bad(_ message: String) -> HTTPParseError {
        HTTPParseError(status: 400, code: "bad_request", message: message)
    }
    static let uriTooLong = HTTPParseError(status: 414, code: "uri_too_long", message: "request line too long")
    static func headersTooLarge(_ message: String) -> HTTPParseError {
        HTTPParseError(status: 431, code: "headers_too_large", message: message)
    }
    static let payloadTooLarge = HTTPParseError(
        status: 413, code: "payload_too_large", message: "request body too large")
    static let versionNotSupported = HTTPParseError(
        status: 505, code: "http_version_not_supported", message: "only HTTP/1.0 and HTTP/1.1 are supported")
}
