import BacktestService
import HTTPServer

/// `/datasets/...` (the upload is `DatasetUploadRoute`).
enum DatasetRoutes {
    static func register(on builder: inout RouterBuilder, service: BacktestService, access: Access, maxBytes: Int) {
        DatasetUploadRoute.register(on: &builder, service: service, access: access, maxBytes: maxBytes)
        builder.authenticated("GET", "/datasets", access: access) { _, principal in
            .document(try service.listDatasets(caller: principal.caller))
        }
        builder.authenticated("GET", "/datasets/{id}", access: access) { request, principal in
            .document(try service.dataset(id: request.parameter("id"), caller: principal.caller))
        }
        builder.authenticated("GET", "/datasets/{id}/candles", access: access) { request, principal in
            .document(
                try service.candles(
                    id: request.parameter("id"), from: try request.timeQuery("from"), to: try request.timeQuery("to"),
                    limit: try request.integerQuery("limit", default: 1000, 1...100_000), caller: principal.caller))
        }
    }
}
