/// Saved mode's deep merge of overrides into a preset's config: objects merge key by key, arrays
/// and scalars replace, `null` removes a field. Members that are alternatives to each other replace
/// each other — `dataset_id` and `symbol`/`timeframe` at the top, `values` and `range` in a grid
/// axis — so an override that names one drops the other the preset had, rather than leaving a
/// request that names both.
enum ConfigMerge {
    /// Alternatives at the top level (a data selection).
    static let dataSelections: [Set<String>] = [["dataset_id"], ["symbol", "timeframe"]]
    /// Alternatives inside a grid axis.
    static let axisForms: [Set<String>] = [["values"], ["range"]]

    static func merge(_ base: JSONValue, _ overrides: JSONValue) -> JSONValue {
        merge(base, overrides, alternatives: dataSelections, path: [])
    }

    private static func merge(_ base: JSONValue, _ overrides: JSONValue, alternatives: [Set<String>], path: [String])
        -> JSONValue
    {
        guard case .object(var members) = base, case .object(let changes) = overrides else { return overrides }
        for group in alternatives {
            let named = Set(changes.filter { !$0.1.isNull }.map(\.0))
            guard group.isDisjoint(with: named) == false else { continue }
            let others = alternatives.filter { $0 != group }.reduce(into: Set<String>()) { $0.formUnion($1) }
            members.removeAll { others.contains($0.0) && !named.contains($0.0) }
        }
        for (key, value) in changes {
            let index = members.firstIndex { $0.0 == key }
            if value.isNull {
                if let index { members.remove(at: index) }
                continue
            }
            guard let index else {
                members.append((key, value))
                continue
            }
            let childPath = path + [key]
            let childAlternatives = childPath.count == 2 && childPath[0] == "grid" ? axisForms : []
            members[index].1 = merge(members[index].1, value, alternatives: childAlternatives, path: childPath)
        }
        return .object(members)
    }
}
