/// `/presets/...` in the OpenAPI document.
enum PresetOperations {
    static let preset =
        #"{"preset_id":"pre_5f2c0e1b9a7d4c3e8f6a1b2c3d4e5f60","name":"goog base","config":{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"delay_bars":0,"fast":10,"long_only":true,"slow":50,"threshold_bp":0}}},"spec_hash":"5b1b3a0a5e2f4d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d","created_at":"2026-11-30T06:00:00.000Z"}"#

    static var all: [APIOperation] {
        [
            APIOperation(
                "POST", "/presets", id: "createPreset", tag: "presets", summary: "Save a configuration under a name"
            )
            .with(
                body: "PresetRequest",
                example:
                    #"{"name":"goog base","config":{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}}}}"#
            )
            .ok("201", "Preset", example: preset, headers: ["Location"])
            .ok("200", "Preset", example: preset, headers: ["Location"])
            .errors([400, 401, 403, 409, 413, 422, 507]),
            APIOperation("GET", "/presets", id: "listPresets", tag: "presets", summary: "Presets, newest first")
                .with(parameters: [
                    APIOperation.integerQuery("limit", 1...500, default: 50), APIOperation.parameter("Offset"),
                ])
                .ok("200", "PresetList", example: #"{"presets":[\#(preset)],"total":1,"limit":50,"offset":0}"#)
                .errors([400, 401]),
            APIOperation("GET", "/presets/{id}", id: "getPreset", tag: "presets", summary: "A preset")
                .with(parameters: [APIOperation.parameter("PresetID")])
                .ok("200", "Preset", example: preset).errors([401, 404]),
            APIOperation("DELETE", "/presets/{id}", id: "deletePreset", tag: "presets", summary: "Delete a preset")
                .with(parameters: [APIOperation.parameter("PresetID")])
                .empty("204", "Deleted.").errors([401, 403, 404, 507]),
        ]
    }
}
