#if canImport(BacktestEngine)
    @testable import BacktestEngine
#endif

/// The reader as it was before the chunked rewrite: one line at a time, a `String` per field,
/// `Double(String)` for numbers. Kept verbatim (bar the RFC 3339 offset bound) as the oracle
/// the fast reader must match on every input, in tests and in the CSV fuzz target (which
/// compiles this file into the engine's own module, hence the conditional import).
enum ReferenceCSVReader {
    static func read(_ bytes: [UInt8]) throws(EngineError) -> OHLCVSeries {
        let header = CSVSeriesReader.header
        var timestamps: [Int64] = []
        var columns = [[Double]](repeating: [], count: 5)
        var problems: [EngineError.Problem] = []
        var problemCount = 0
        func report(_ line: Int, _ message: String) {
            problemCount += 1
            if problems.count < 20 { problems.append(.init(path: "line \(line)", message: message)) }
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
                if trimmed.split(separator: ",").map({ referenceTrim($0) })
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
            guard let timestamp = referenceTimestamp(Array(fields[0])) else {
                report(lineNumber, "timestamp is neither RFC 3339 nor epoch milliseconds")
                continue
            }
            var values = [Double](repeating: 0, count: 5)
            var bad = false
            for index in 0..<5 {
                let text = String(decoding: fields[index + 1], as: UTF8.self)
                guard let value = Double(referenceTrim(text)), value.isFinite else {
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

    static func referenceTrim<S: StringProtocol>(_ text: S) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }

    static func referenceTimestamp(_ bytes: [UInt8]) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard bytes.count <= 15 else { return nil }
            return Int64(String(decoding: bytes, as: UTF8.self))
        }
        return referenceRFC3339(bytes)
    }

    static func referenceRFC3339(_ b: [UInt8]) -> Int64? {
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for index in from..<from + count {
                guard b[index] >= 48 && b[index] <= 57 else { return nil }
                value = value * 10 + Int(b[index] - 48)
            }
            return value
        }
        guard b.count >= 20, let year = number(0, 4), b[4] == 45, let month = number(5, 2), b[7] == 45,
            let day = number(8, 2), b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = number(11, 2), b[13] == 58,
            let minute = number(14, 2), b[16] == 58, let second = number(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= TimestampParser.daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if index < b.count && b[index] == 46 {
            index += 1
            var digits = 0
            while index < b.count && b[index] >= 48 && b[index] <= 57 {
                if digits < 3 { millis = millis * 10 + Int(b[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            // Scale 1–2 fraction digits to milliseconds (a `digits..<3` range would trap past 3).
            for _ in min(digits, 3)..<3 { millis *= 10 }
        }
        guard index < b.count else { return nil }
        var offsetMinutes = 0
        if b[index] == 90 || b[index] == 122 {
            index += 1
        } else if b[index] == 43 || b[index] == 45 {
            // The one change from the old reader: offsets past ±23:59 are rejected.
            guard let offsetHours = number(index + 1, 2), b.count > index + 3, b[index + 3] == 58,
                let offsetMins = number(index + 4, 2), offsetHours <= 23, offsetMins <= 59
            else { return nil }
            offsetMinutes = (offsetHours * 60 + offsetMins) * (b[index] == 45 ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == b.count else { return nil }
        let days = TimestampParser.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }
}
