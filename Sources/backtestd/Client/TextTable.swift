import BacktestService
import Foundation

/// Aligned columns for people: numbers right, text left.
enum TextTable {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return Double(cell) != nil || cell.hasSuffix("%") ? pad + cell : cell + pad
            }.joined(separator: "  ")
        }
        return
            ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }

    /// A number for people: integers as they are, others to 2 decimals; null as "-".
    static func format(_ value: JSONValue?) -> String {
        guard let value else { return "-" }
        switch value {
        case .number(let number):
            if number == number.rounded() && abs(number) < 1e15 { return String(Int(number)) }
            return String(format: "%.2f", number)
        case .string(let text): return text
        case .bool(let flag): return flag ? "yes" : "no"
        case .null: return "-"
        default: return JSONWriter.compact(value)
        }
    }
}
