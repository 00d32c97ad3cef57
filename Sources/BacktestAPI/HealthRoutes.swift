import HTTPServer

/// `GET /healthz`: the process is up and serving.
enum HealthRoutes {
    static let ok = Array(#"{"status":"ok"}"#.utf8)

    static func register(on builder: inout RouterBuilder) {
        builder.add("GET", "/healthz", .immediate { _ in .json(ok) })
    }
}
