import BacktestService
import HTTPServer

/// `/presets/...` and saving a result's variant as a preset.
enum PresetRoutes {
    static func register(on builder: inout RouterBuilder, service: BacktestService, access: Access) {
        builder.authenticated("POST", "/presets", access: access) { request, principal in
            try answer(try service.createPreset(body: request.body, caller: principal.caller))
        }
        builder.authenticated("GET", "/presets", access: access) { request, principal in
            .document(
                try service.listPresets(
                    limit: try request.integerQuery("limit", default: 50, 1...500),
                    offset: try request.integerQuery("offset", default: 0, 0...Int(Int32.max)), caller: principal.caller
                ))
        }
        builder.authenticated("GET", "/presets/{id}", access: access) { request, principal in
            .document(try service.preset(id: request.parameter("id"), caller: principal.caller))
        }
        builder.authenticated("DELETE", "/presets/{id}", access: access) { request, principal in
            try service.deletePreset(id: request.parameter("id"), caller: principal.caller)
            return HTTPResponse(status: 204)
        }
        builder.authenticated("POST", "/runs/{id}/results/{rank}/preset", access: access) { request, principal in
            guard let rank = Int(request.parameter("rank")), (1...1000).contains(rank) else {
                throw HTTPError.notFound("result \(request.parameter("rank")) of run \(request.parameter("id"))")
            }
            return try answer(
                try service.presetFromResult(
                    runID: request.parameter("id"), rank: rank, body: request.body, caller: principal.caller))
        }
    }

    /// 201 with `Location` for a new preset, 200 for the same one again.
    static func answer(_ save: BacktestService.PresetSave) throws -> HTTPResponse {
        var headers = HTTPHeaders()
        switch save {
        case .created(let document, let id):
            headers.add(name: "Location", value: "/presets/\(id)")
            return .document(document, status: 201, headers: headers)
        case .existing(let document, let id):
            headers.add(name: "Location", value: "/presets/\(id)")
            return .document(document, status: 200, headers: headers)
        }
    }
}
