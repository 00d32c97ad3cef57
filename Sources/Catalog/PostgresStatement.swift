import CLibPQ
import Foundation

/// A server-side prepared statement on one `PostgresConnection`. Parameters go in text format
/// (their types inferred by the server from the SQL) except byte arrays, which go in binary
/// format as `bytea`; results come back in binary format and are decoded by column type.
final class PostgresStatement: CatalogStatement {
    /// Unowned: the connection caches its statements, and a statement is used only on it.
    private unowned let connection: PostgresConnection
    private let name: String
    let sql: String
    private var values: [SQLValue] = []
    private var result: OpaquePointer?
    private var executed = false
    private var row = -1
    private var rowCount = 0

    init(connection: PostgresConnection, name: String, sql: String) {
        self.connection = connection
        self.name = name
        self.sql = sql
    }

    deinit { PQclear(result) }

    /// Drops the last result and the bindings.
    func clear() {
        PQclear(result)
        result = nil
        executed = false
        values = []
        row = -1
        rowCount = 0
    }

    @discardableResult
    func bind(_ values: [SQLValue]) throws(PostgresError) -> any CatalogStatement {
        clear()
        self.values = values
        return self
    }

    func step() throws(PostgresError) -> Bool {
        if !executed {
            try execute()
            executed = true
        }
        row += 1
        return row < rowCount
    }

    private func execute() throws(PostgresError) {
        var buffers: [UnsafeMutableRawBufferPointer?] = []
        defer { for buffer in buffers { buffer?.deallocate() } }
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for value in values {
            let bytes: [UInt8]?
            var format: Int32 = 0
            switch value {
            case .null: bytes = nil
            case .integer(let number): bytes = Array(String(number).utf8) + [0]
            case .real(let number): bytes = Array(Self.text(number).utf8) + [0]
            case .text(let text):
                // PostgreSQL text cannot hold NUL: refuse it rather than store a truncated value.
                guard !text.utf8.contains(0) else {
                    throw PostgresError(sqlState: "22021", message: "a text value contains NUL", sql: sql)
                }
                bytes = Array(text.utf8) + [0]
            case .blob(let blob):
                bytes = blob
                format = 1
            }
            if let bytes {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                buffer.copyBytes(from: bytes)
                buffers.append(buffer)
            } else {
                buffers.append(nil)
            }
            guard bytes?.count ?? 0 <= Int(Int32.max) else {
                throw PostgresError(sqlState: "54000", message: "a parameter is larger than 2 GiB", sql: sql)
            }
            lengths.append(Int32(bytes?.count ?? 0))
            formats.append(format)
        }
        let pointers = buffers.map { $0?.baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) } }
        result = try connection.run(name: name, sql: sql, values: pointers, lengths: lengths, formats: formats)
        rowCount = Int(PQntuples(result))
    }

    /// A double as PostgreSQL's `float8` input reads it back exactly.
    private static func text(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return "\(number)"
    }

    private func bytes(_ column: Int32) -> UnsafeRawBufferPointer? {
        guard let result, row < rowCount, PQgetisnull(result, Int32(row), column) == 0,
            let pointer = PQgetvalue(result, Int32(row), column)
        else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: Int(PQgetlength(result, Int32(row), column)))
    }

    /// A big-endian integer of the buffer's width.
    private static func integer(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value: Int64 = bytes.first.map { $0 & 0x80 != 0 ? -1 : 0 } ?? 0
        for byte in bytes { value = (value << 8) | Int64(byte) }
        return Int(value)
    }

    func isNull(_ column: Int32) -> Bool {
        guard let result, row < rowCount else { return true }
        return PQgetisnull(result, Int32(row), column) != 0
    }

    /// `int2`, `int4`, `int8` and `bool` decode from binary; anything else is parsed from text.
    func int(_ column: Int32) -> Int {
        guard let bytes = bytes(column), let result else { return 0 }
        switch PQftype(result, column) {
        case 16, 20, 21, 23: return bytes.count <= 8 ? Self.integer(bytes) : 0
        default: return Int(String(decoding: bytes, as: UTF8.self)) ?? 0
        }
    }

    func double(_ column: Int32) -> Double {
        guard let bytes = bytes(column), let result else { return 0 }
        switch PQftype(result, column) {
        case 701 where bytes.count == 8: return Double(bitPattern: UInt64(truncatingIfNeeded: Self.integer(bytes)))
        case 700 where bytes.count == 4:
            return Double(Float(bitPattern: UInt32(truncatingIfNeeded: Self.integer(bytes))))
        case 16, 20, 21, 23: return Double(Self.integer(bytes))
        default: return Double(String(decoding: bytes, as: UTF8.self)) ?? 0
        }
    }

    /// `text` and `varchar` in binary format are their UTF-8 bytes.
    func text(_ column: Int32) -> String? {
        guard let bytes = bytes(column), let result else { return nil }
        switch PQftype(result, column) {
        case 20, 21, 23: return String(Self.integer(bytes))
        default: return String(decoding: bytes, as: UTF8.self)
        }
    }

    func blob(_ column: Int32) -> [UInt8] {
        guard let bytes = bytes(column) else { return [] }
        return [UInt8](bytes)
    }
}
