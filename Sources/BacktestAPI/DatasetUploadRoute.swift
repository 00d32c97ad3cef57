import BacktestService
import HTTPServer

/// `POST /datasets`: the CSV (or gzip of it) is decompressed, hashed and parsed in chunks while it
/// arrives, then stored. Its own size limit, separate from the JSON body limit.
enum DatasetUploadRoute {
    static let mediaTypes = ["text/csv", "application/gzip", "application/x-gzip"]
    /// Body bytes handed to the blocking pool at once (one hop per MiB, not per socket read).
    static let batchBytes = 1 << 20

    static func register(on builder: inout RouterBuilder, service: BacktestService, access: Access, maxBytes: Int) {
        // Once per start: files an earlier version left mid-upload go.
        service.removeStaleUploads()
        builder.streaming(
            "POST", "/datasets", maxBodyBytes: maxBytes,
            Caching.noStore { request, body in
                let principal: Principal
                do {
                    principal = try access.authenticate(request)
                    try access.checkCSRF(principal, request, allowedTypes: ["text/csv"] + mediaTypes)
                } catch { return ErrorMapping.httpError(error).response }
                do {
                    let gzip = try gzipRequested(request)
                    let upload = try service.beginDatasetUpload(
                        symbol: request.query("symbol"), timeframe: request.query("timeframe"),
                        gzip: gzip, maxBytes: maxBytes, caller: principal.caller)
                    // Hashing, gunzip and cutting chunks are CPU work: done on the blocking pool a batch
                    // at a time, never on the cooperative threads that streams and SSE share (a
                    // batch may also wait there while too many chunks are still being parsed).
                    var batch: [[UInt8]] = []
                    var batched = 0
                    while let piece = try await body.next() {
                        batch.append(piece)
                        batched += piece.count
                        guard batched >= Self.batchBytes else { continue }
                        let full = batch
                        (batch, batched) = ([], 0)
                        try await BlockingWork.run { for piece in full { try upload.write(piece) } }
                    }
                    let last = batch
                    try await BlockingWork.run { for piece in last { try upload.write(piece) } }
                    let (document, created) = try await BlockingWork.run { try service.finishDatasetUpload(upload) }
                    var response = HTTPResponse.document(document, status: created ? 201 : 200)
                    response.logFields = principal.logFields
                    return response
                } catch {
                    var response = ErrorMapping.httpError(error).response
                    response.logFields = principal.logFields
                    return response
                }
            })
    }

    /// Whether the body is declared gzip; a `.csv.gz` sent without the header is recognised by its
    /// magic bytes later.
    static func gzipRequested(_ request: HTTPRequest) throws(ServiceError) -> Bool {
        if let type = request.headers["Content-Type"]?.lowercased(), !mediaTypes.contains(where: type.hasPrefix) {
            throw ServiceError(
                code: "unsupported_media_type", message: "Content-Type must be text/csv (or application/gzip)")
        }
        switch request.headers["Content-Encoding"]?.lowercased() {
        case nil, "identity": return false
        case "gzip", "x-gzip": return true
        case let other?:
            throw ServiceError(
                code: "unsupported_media_type", message: "Content-Encoding \(other) is not supported (gzip is)")
        }
    }
}
