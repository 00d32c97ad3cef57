/// Header fields in arrival order; lookup is case-insensitive and duplicates are kept (RFC 9110 §5.2).
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    /// One field as received (`name` keeps its spelling).
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: String
        let lowercasedName: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
            self.lowercasedName = name.lowercased()
        }
    }

    public private(set) var fields: [Field] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        let key = name.lowercased()
        fields.removeAll { $0.lowercasedName == key }
        fields.append(Field(name: name, value: value))
    }

    /// The first value of `name`, any case.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.lowercasedName == key }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.lowercasedName == key }.map(\.value)
    }

    /// Whether a comma-separated header such as `Connection` holds `token` (case-insensitive).
    public func containsToken(_ token: String, in name: String) -> Bool {
        values(name).contains { value in
            value.split(separator: ",").contains { $0.trimmingASCIISpaces().lowercased() == token }
        }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
