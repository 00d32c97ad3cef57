import BacktestService
import HTTPServer

/// `/session`: browser sign-in. A browser's `EventSource` and page loads cannot send an
/// `Authorization` header, so a key is exchanged once for an `HttpOnly` cookie that
/// authenticates like it (bound to the key, 12 h sliding, gone with the key).
enum SessionRoutes {
    static func register(on builder: inout RouterBuilder, access: Access) {
        builder.add(
            "POST", "/session",
            .blocking(
                Caching.noStore { request in
                    guard request.headers["Content-Type"]?.lowercased().hasPrefix("application/json") == true else {
                        return HTTPError(
                            status: 415, code: "unsupported_media_type",
                            message: "Content-Type must be application/json"
                        ).response
                    }
                    guard let identity = access.directory.identity(forKey: keyField(request.body)) else {
                        return Access.unauthorized.response
                    }
                    do {
                        let session = try access.directory.openSession(for: identity)
                        var response = HTTPResponse(status: 204)
                        response.headers.add(name: "Set-Cookie", value: access.sessionCookie(session))
                        response.headers.add(name: "Cache-Control", value: "no-store")
                        response.logFields = [("owner", identity.owner), ("key", identity.prefix)]
                        return response
                    } catch {
                        return ErrorMapping.httpError(error).response
                    }
                }))
        builder.add(
            "DELETE", "/session",
            .blocking(
                Caching.noStore { request in
                    if let session = Access.cookie(Access.cookieName, in: request) {
                        access.directory.closeSession(session)
                    }
                    var response = HTTPResponse(status: 204)
                    response.headers.add(name: "Set-Cookie", value: access.sessionCookie(""))
                    return response
                }))
        builder.authenticated("GET", "/session", access: access) { _, principal in
            .document(
                .object([
                    ("mode", .string(principal.identity == nil ? "single_user" : "keys")),
                    ("owner", .string(principal.caller.owner)), ("tier", .string(principal.tier.rawValue)),
                    ("key_prefix", .string(principal.identity?.prefix)),
                    ("via", .string(principal.identity == nil ? "local" : principal.viaSession ? "session" : "key")),
                ]))
        }
    }

    /// The `key` member of a small JSON object ("" when there is none: answered like a wrong key).
    static func keyField(_ body: [UInt8]) -> String {
        guard body.count <= 4096,
            let value = try? JSONParser.parse(body, limits: JSONParser.Limits(maxElements: 16, maxStringBytes: 1024)),
            let key = value["key"]?.string
        else { return "" }
        return key
    }
}
