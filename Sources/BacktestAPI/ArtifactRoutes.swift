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

    /// The file with its type and ETag, or 304 when the client holds these bytes already. The
    /// 304 carries the bytes only so its Content-Length is the file's; the server sends no body.
    static func response(_ artifact: BacktestService.Artifact, _ request: HTTPRequest) -> HTTPResponse {
        let tag = "\"\(artifact.sha256)\""
        var headers = HTTPHeaders([("ETag", tag), ("Content-Type", artifact.contentType)])
        headers.replaceOrAdd(name: "Cache-Control", value: "private, no-cache")
        let status = matches(request.headers.values("If-None-Match"), tag) ? 304 : 200
        return HTTPResponse(status: status, headers: headers, body: .bytes(artifact.bytes))
    }

    /// RFC 9110 §13.1.2: `*` or any listed tag (weak comparison) matches.
    static func matches(_ fields: [String], _ tag: String) -> Bool {
        for field in fields {
            for item in field.split(separator: ",") {
                var candidate = item.trimmingCharacters(in: .whitespaces)
                if candidate == "*" { return true }
                if candidate.hasPrefix("W/") { candidate.removeFirst(2) }
                if candidate == tag { return true }
            }
        }
        return false
    }
}
