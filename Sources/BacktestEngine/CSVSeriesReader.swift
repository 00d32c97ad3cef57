/// Strict reader for `timestamp,open,high,low,close,volume` CSV (header required).
///
/// Timestamps are RFC 3339 (`2024-01-02T00:00:00Z`, optional fraction and offset) or epoch
/// milliseconds. Nothing is skipped silently: every bad row is reported by line number
/// (the first 20), and any problem fails the whole file.
public enum CSVSeriesReader {
    public static let header = "timestamp,open,high,low,close,volume"
    public static let maxReportedProblems = 20

    public static func read(_ bytes: [UInt8]) throws(EngineError) -> OHLCVSeries {
        var timestamps: [Int64] = []
        var columns = [[Double]](repeating: [], count: 5)
        var problems: [EngineError.Problem] = []
        var problemCount = 0
        func report(_ line: Int, _ message: String) {
            problemCount += 1
            if problems.count < maxReportedProblems { problems.append(.init(path: "line \(line)", message: message)) }
        }
        var lineNumber = 0
        var sawHeader = false
        var previous: Int64 = .min
        var start = 0
        let total = bytes.count
        while start < total {
            var end = start
            while end < total && bytes[end] != 10 { end += 1 }
            lineNumber += 1
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            let line = bytes[start..<lineEnd]
            start = end + 1
            if !sawHeader {
                sawHeader = true
                let text = String(decoding: line, as: UTF8.self).lowercased()
                let trimmed = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
                if trimmed.split(separator: ",").map({ $0.trimmingCharacters() })
                    != header.split(separator: ",").map(String.init)
                {
                    report(lineNumber, "header must be \(header)")
                    break
                }
                continue
            }
            if line.isEmpty {
                if start >= total { break }
                report(lineNumber, "empty line")
                continue
            }
            let fields = line.split(separator: 44, omittingEmptySubsequences: false)
            guard fields.count == 6 else {
                report(lineNumber, "expected 6 fields, found \(fields.count)")
                continue
            }
            guard let timestamp = TimestampParser.parseMilliseconds(fields[0]) else {
                report(lineNumber, "timestamp is neither RFC 3339 nor epoch milliseconds")
                continue
            }
            var values = [Double](repeating: 0, count: 5)
            var bad = false
            for index in 0..<5 {
                let text = String(decoding: fields[index + 1], as: UTF8.self)
                guard let value = Double(text.trimmingCharacters()), value.isFinite else {
                    report(lineNumber, "\(["open", "high", "low", "close", "volume"][index]) is not a finite number")
                    bad = true
                    break
                }
                values[index] = value
            }
            if bad { continue }
            if values[0] <= 0 || values[1] <= 0 || values[2] <= 0 || values[3] <= 0 {
                report(lineNumber, "prices must be positive")
                continue
            }
            if values[4] < 0 {
                report(lineNumber, "volume must not be negative")
                continue
            }
            if values[1] < values[2] {
                report(lineNumber, "high is below low")
                continue
            }
            if timestamp <= previous {
                report(lineNumber, "timestamp is not after the previous row's")
                continue
            }
            previous = timestamp
            timestamps.append(timestamp)
            for index in 0..<5 { columns[index].append(values[index]) }
        }
        if !sawHeader { report(1, "empty file: header \(header) required") }
        if problemCount == 0 && timestamps.isEmpty { report(max(lineNumber, 1), "no data rows") }
        if problemCount > 0 {
            let extra = problemCount > problems.count ? " (first \(problems.count) shown)" : ""
            throw EngineError(
                code: "engine.invalid_csv", message: "\(problemCount) bad CSV rows\(extra)", problems: problems)
        }
        return OHLCVSeries(
            timestamps: timestamps, open: columns[0], high: columns[1], low: columns[2], close: columns[3],
            volume: columns[4])
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
