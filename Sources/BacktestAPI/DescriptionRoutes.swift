import BacktestService
import HTTPServer

/// `GET /openapi.json` and `GET /docs`: public, rendered from the same operations.
enum DescriptionRoutes {
    static func register(on builder: inout RouterBuilder, document: OpenAPIDocument, access: Access) {
        builder.add(
            "GET", "/openapi.json",
            .blocking { _ in
                var response = HTTPResponse.json(access.directory.hasKeys ? document.securedBytes : document.openBytes)
                response.headers.add(name: "Cache-Control", value: "no-cache")
                return response
            })
        let page = Array(DocsPage.render(document).utf8)
        builder.add(
            "GET", "/docs",
            .immediate { _ in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
                headers.add(
                    name: "Content-Security-Policy",
                    value:
                        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'"
                )
                return HTTPResponse(status: 200, headers: headers, body: .bytes(page))
            })
    }
}
