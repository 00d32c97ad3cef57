import BacktestService
import HTTPServer

/// `/keys`: key management over HTTP, for `admin` keys only (others get 403).
enum KeyRoutes {
    static func register(on builder: inout RouterBuilder, service: BacktestService, access: Access) {
        builder.authenticated("POST", "/keys", access: access) { request, principal in
            try requireAdmin(principal)
            let (document, id) = try service.createKey(body: request.body)
            var headers = HTTPHeaders()
            headers.add(name: "Location", value: "/keys/\(id)")
            headers.add(name: "Cache-Control", value: "no-store")
            return .document(document, status: 201, headers: headers)
        }
        builder.authenticated("GET", "/keys", access: access) { _, principal in
            try requireAdmin(principal)
            return .document(try service.listKeys())
        }
        builder.authenticated("DELETE", "/keys/{id}", access: access) { request, principal in
            try requireAdmin(principal)
            try service.revokeKey(request.parameter("id"))
            return HTTPResponse(status: 204)
        }
    }

    /// An admin key (or its session). In single-user mode there is none: the first key is made
    /// with `backtestd keys create` on the server's machine, so no request — not a local process,
    /// not a page a browser was sent to — can turn the server into one that locks its user out.
    static func requireAdmin(_ principal: Principal) throws(HTTPError) {
        guard principal.identity != nil, principal.tier == .admin else {
            throw HTTPError(
                status: 403, code: "forbidden",
                message: principal.identity == nil
                    ? "no keys are configured: create the first one with `backtestd keys create`"
                    : "managing keys needs an admin key")
        }
    }
}
