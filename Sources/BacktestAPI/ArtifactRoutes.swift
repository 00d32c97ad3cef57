import BacktestService
import Foundation
import HTTPServer

/// `/runs/{id}/artifacts[/{name}]`: a DONE run's manifest and files, with ETags.
enum ArtifactRoutes {
    static func register(on builder: inout RouterBuilder, service: BacktestService, access: Access) {
        builder.authenticated("GET", "/runs/{id}/artifacts", access: access) { request, principal in
            response(try service.artifactManifest(id: request.parameter("id"), caller: principal.caller), request)
        }
        builder.authenticated("GET", "/runs/{id}/artifacts/{name}", access: access) { request, principal in
            response(
                try service.artifact(
                    id: request.parameter("id"), name: request.parameter("name"), caller: principal.caller),
                request)
        }
    }

    /// The file with its type and ETag (`Caching`'s rules for immutable documents: a DONE run's
    /// files never change), or 304 without a body when the client holds these bytes already.
    static func response(_ artifact: BacktestService.Artifact, _ request: HTTPRequest) -> HTTPResponse {
        let tag = "\"\(artifact.sha256)\""
        var headers = HTTPHeaders([("ETag", tag), ("Content-Type", artifact.contentType)])
        headers.replaceOrAdd(name: "Cache-Control", value: Caching.immutable)
        guard !Caching.matches(request.headers.values("If-None-Match"), tag) else {
            return HTTPResponse(status: 304, headers: headers)
        }
        return HTTPResponse(status: 200, headers: headers, body: .bytes(artifact.bytes))
    }
}
