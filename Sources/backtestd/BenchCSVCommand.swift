import ArgumentParser
import BacktestEngine
import Foundation

/// Times the CSV reader the way `csv_peer.py` times pandas: the file read from the page cache
/// and parsed into columns, median of `runs`.
struct BenchCSVCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-csv", abstract: "CSV reader throughput: seconds, MB/s and rows for one file (median of N).")

    @Argument(help: "An OHLCV CSV file.") var file: String
    @Option(help: "Timed runs (the median is printed).") var runs = 3

    func run() throws {
        var total: [Double] = []
        var parse: [Double] = []
        var rows = 0
        var size = 0
        for _ in 0..<max(1, runs) {
            let started = Date()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            let read = Date()
            let series = try bytes.withUnsafeBytes { raw in try CSVSeriesReader.read(raw) }
            let finished = Date()
            total.append(finished.timeIntervalSince(started))
            parse.append(finished.timeIntervalSince(read))
            rows = series.count
            size = bytes.count
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(
            "ours: \(String(format: "%.3f", median(total))) s for \(rows) rows, "
                + "\(String(format: "%.0f", Double(size) / 1e6 / median(total))) MB/s "
                + "(parse alone \(String(format: "%.3f", median(parse))) s, "
                + "\(String(format: "%.0f", Double(size) / 1e6 / median(parse))) MB/s; peak_rss_mb=\(usage.ru_maxrss / 1024))"
        )
    }
}
