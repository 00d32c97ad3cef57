import Catalog
import Foundation

/// Presets (named, immutable configurations) and saved mode (`POST /backtests {"preset_id", …overrides}`).
extension BacktestService {
    static func presetJSON(_ preset: PresetRecord) -> JSONValue {
        .object([
            ("preset_id", .string(preset.id)), ("name", .string(preset.name)), ("config", .raw(preset.config)),
            ("spec_hash", .string(preset.specHash)), ("created_at", .string(preset.createdAt)),
        ])
    }

    /// What `POST /presets` (and saving a result's variant) answers.
    public enum PresetSave: Sendable {
        case created(JSONValue, id: String)
        case existing(JSONValue, id: String)
    }

    /// `POST /presets {"name","config"}`: `config` is validated as a backtest body (data selection
    /// optional), problems named `config.…`, and stored normalized.
    public func createPreset(body: [UInt8], caller: Caller = .local) throws(ServiceError) -> PresetSave {
        let json = try parser.json(body)
        guard json.objectMembers != nil else { throw ServiceError.badRequest("the body must be a JSON object") }
        var problems: [ServiceError.Detail] = []
        var reader = ObjectReader(json, path: "", problems: &problems)
        let name = presetName(&reader)
        let config = reader.raw("config")
        if config == nil { reader.fail("config", "is required") }
        reader.finish(into: &problems)
        guard problems.isEmpty, let name, let config else { throw ServiceError.validation(problems) }
        let normalized: JSONValue
        do {
            normalized = try RequestParser(
                maxGridVariants: configuration.maxGridVariants, requiresData: false, jsonLimits: .unlimited,
                maxDatasets: configuration.maxDatasetsPerRun
            ).parse(config).normalized
        } catch {
            throw ServiceError(
                code: error.code, message: error.message,
                details: error.details.map {
                    .init(path: "config" + ($0.path == "$" ? "" : "." + $0.path), message: $0.message)
                })
        }
        return try savePreset(name: name, normalized: normalized, owner: caller.owner)
    }

    /// The `name` member of a preset body: 1 to 100 characters, none of them control characters.
    func presetName(_ reader: inout ObjectReader) -> String? {
        guard let name = reader.string("name") else {
            reader.fail("name", "is required")
            return nil
        }
        guard (1...100).contains(name.count),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            reader.fail("name", "must be 1 to 100 characters without control characters")
            return nil
        }
        return name
    }

    /// Stores a normalized config under `name`: 201 new, 200 the same again, 409 another config.
    func savePreset(name: String, normalized: JSONValue, owner: String) throws(ServiceError) -> PresetSave {
        let text = JSONWriter.canonical(normalized)
        let record = PresetRecord(
            id: Identifiers.make(prefix: "pre_"), owner: owner, name: name, config: text,
            specHash: InputHash.sha256Hex(Array(text.utf8)), createdAt: Identifiers.now())
        let outcome: PresetInsertOutcome
        do { outcome = try catalog.insertPreset(record) } catch {
            throw ServiceError.catalogRefused(error, "the preset")
        }
        switch outcome {
        case .created(let stored): return .created(Self.presetJSON(stored), id: stored.id)
        case .existing(let stored): return .existing(Self.presetJSON(stored), id: stored.id)
        case .conflict(let stored):
            throw ServiceError(
                code: "conflict",
                message:
                    "preset \(name) exists (\(stored.id)) with another config; presets never change: save under a new name or delete it first"
            )
        }
    }

    public func listPresets(limit: Int, offset: Int, caller: Caller = .local) throws(ServiceError) -> JSONValue {
        do {
            let (presets, total) = try catalog.presets(owner: caller.owner, limit: limit, offset: offset)
            return .object([
                ("presets", .array(presets.map(Self.presetJSON))), ("total", .integer(total)),
                ("limit", .integer(limit)), ("offset", .integer(offset)),
            ])
        } catch { throw ServiceError.internalError }
    }

    public func preset(id: String, caller: Caller = .local) throws(ServiceError) -> JSONValue {
        Self.presetJSON(try findPreset(id, owner: caller.owner))
    }

    public func deletePreset(id: String, caller: Caller = .local) throws(ServiceError) {
        let deleted: Bool
        do { deleted = try catalog.deletePreset(id: id, owner: caller.owner) } catch {
            throw ServiceError.catalogRefused(error, "the deletion")
        }
        guard deleted else { throw ServiceError.notFound("preset \(id)") }
    }

    func findPreset(_ id: String, owner: String) throws(ServiceError) -> PresetRecord {
        let found: PresetRecord?
        do { found = try catalog.preset(id: id, owner: owner) } catch { throw ServiceError.internalError }
        guard let found else { throw ServiceError.notFound("preset \(id)") }
        return found
    }

    /// Saved mode: the preset's config with the body's other members merged in, and the preset's
    /// hash; a body without `preset_id` as it is. An unknown preset, or another owner's, is a 422 on
    /// `preset_id` (the same for both).
    func resolveSavedMode(_ json: JSONValue, caller: Caller) throws(ServiceError) -> (JSONValue, specHash: String?) {
        guard let members = json.objectMembers, let reference = members.first(where: { $0.0 == "preset_id" })?.1
        else { return (json, nil) }
        guard let id = reference.string else {
            throw ServiceError.validation([.init(path: "preset_id", message: "must be a string")])
        }
        guard let preset = try? findPreset(id, owner: caller.owner),
            let config = try? JSONParser.parse(preset.config)
        else {
            throw ServiceError.validation([.init(path: "preset_id", message: "no preset \(id)")])
        }
        let overrides = JSONValue.object(members.filter { $0.0 != "preset_id" })
        return (ConfigMerge.merge(config, overrides), preset.specHash)
    }

    /// `POST /runs/{id}/results/{rank}/preset {"name"}`: that variant's `spec` as a preset.
    public func presetFromResult(runID: String, rank: Int, body: [UInt8], caller: Caller = .local)
        throws(ServiceError) -> PresetSave
    {
        let json = try parser.json(body)
        var problems: [ServiceError.Detail] = []
        var reader = ObjectReader(json, path: "", problems: &problems)
        let name = presetName(&reader)
        reader.finish(into: &problems)
        guard problems.isEmpty, let name else { throw ServiceError.validation(problems) }
        let (_, rows) = try keptResults(runID, caller: caller, what: "results")
        guard let row = rows.first(where: { $0.rank == rank }), let spec = Self.parseStored(row.body)["spec"] else {
            throw ServiceError.notFound("result \(rank) of run \(runID)")
        }
        return try savePreset(name: name, normalized: spec, owner: caller.owner)
    }
}
