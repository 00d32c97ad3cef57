import HTTPServer

/// `GET /`: the dashboard, one page compiled into the binary; public, because its API calls carry the key.
enum DashboardRoute {
    static func register(on builder: inout RouterBuilder) {
        let page = Array(DashboardPage.html.utf8)
        builder.add(
            "GET", "/",
            .immediate { _ in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
                headers.add(name: "Cache-Control", value: "no-cache")
                // Only this origin: the page must work with no network beyond the server itself.
                headers.add(
                    name: "Content-Security-Policy",
                    value:
                        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:"
                )
                return HTTPResponse(status: 200, headers: headers, body: .bytes(page))
            })
    }
}
