import Catalog
import Foundation
import Testing

@testable import BacktestEngine
@testable import BacktestService

/// Windows read from the blob equal the same windows of the decoded series.
@Suite struct StoredBarsWindowTests {
    func withStored(_ blob: [UInt8], _ body: (Catalog) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bars-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try Catalog(path: directory.appendingPathComponent("catalog.sqlite").path)
        let record = DatasetRecord(
            id: "ds_w", owner: "local", symbol: "W", timeframe: "1h", rows: 0, firstMilliseconds: 0,
            lastMilliseconds: 0, sha256: "w", createdAt: "t")
        _ = try catalog.insertDataset(record, bars: blob)
        try body(catalog)
    }

    /// In the compact layout (blocks of the default size and of 64 bars) and in the first one.
    @Test(arguments: ["compact", "small blocks", "raw"])
    func randomWindowsMatchTheDecodedSeries(layout: String) throws {
        let series = SyntheticSeries.randomWalk(bars: 5000, seed: 3)
        let blob =
            switch layout {
            case "compact": BarsCodec.encode(series)
            case "small blocks": BarBlocks.encode(series, blockBars: 64)
            default: BarsCodec.encodeRaw(series)
            }
        try withStored(blob) { catalog in
            var random = SeededGenerator(seed: 9)
            let first = series.timestamps[0]
            let span = series.timestamps[series.count - 1] - first
            for _ in 0..<200 {
                let from: Int64? =
                    random.nextUnit() < 0.2 ? nil : first - 1000 + Int64(random.nextUnit() * Double(span + 2000))
                let to: Int64? =
                    random.nextUnit() < 0.2 ? nil : first - 1000 + Int64(random.nextUnit() * Double(span + 2000))
                let limit = 1 + random.nextIndex(below: 300)
                let expected = series.slice(fromMilliseconds: from, toMilliseconds: to)
                let read = try catalog.withDatasetBars(id: "ds_w") { reader -> (Int, OHLCVSeries)? in
                    guard let stored = try StoredBarsWindow(reader) else { return nil }
                    let range = try stored.indices(from: from, to: to)
                    return (range.count, try stored.bars(range.lowerBound..<range.lowerBound + min(limit, range.count)))
                }
                let window = try #require(read ?? nil)
                #expect(window.0 == expected.count)
                let shown = min(limit, expected.count)
                #expect(window.1.timestamps == Array(expected.timestamps.prefix(shown)))
                #expect(window.1.open == Array(expected.open.prefix(shown)))
                #expect(window.1.high == Array(expected.high.prefix(shown)))
                #expect(window.1.low == Array(expected.low.prefix(shown)))
                #expect(window.1.close == Array(expected.close.prefix(shown)))
                #expect(window.1.volume == Array(expected.volume.prefix(shown)))
            }
        }
    }

    @Test func aCompactBlobWithADamagedIndexOrBlockIsRefused() throws {
        let series = SyntheticSeries.randomWalk(bars: 500, seed: 4)
        var blob = BarBlocks.encode(series, blockBars: 100)
        // The third block's offset before the second's.
        let third = BarBlocks.headerBytes + 2 * BarBlocks.indexEntryBytes
        blob.replaceSubrange(third..<third + 8, with: [UInt8](repeating: 0, count: 8))
        try withStored(blob) { catalog in
            let refused = try catalog.withDatasetBars(id: "ds_w") { try StoredBarsWindow($0) == nil }
            #expect(refused == true)
        }
        // A block cut short: the window over it throws instead of inventing bars.
        var short = BarBlocks.encode(series, blockBars: 100)
        short.removeLast(3)
        try withStored(short) { catalog in
            let outcome = try catalog.withDatasetBars(id: "ds_w") { reader -> Bool in
                guard let stored = try StoredBarsWindow(reader) else { return false }
                #expect(try stored.bars(0..<10).count == 10)
                #expect(throws: DamagedBlob.self) { try stored.bars(450..<500) }
                return true
            }
            #expect(outcome == true)
        }
    }

    @Test func aBlobShorterThanItsCountIsRefusedNotTrusted() throws {
        var blob = BarsCodec.encodeRaw(SyntheticSeries.randomWalk(bars: 10, seed: 1))
        blob.removeLast(8)
        try withStored(blob) { catalog in
            let refused = try catalog.withDatasetBars(id: "ds_w") { try StoredBarsWindow($0) == nil }
            #expect(refused == true)
        }
        #expect(BarsCodec.decode(blob) == nil)
        // A count near UInt64.max must not overflow the length check.
        var huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        huge += [UInt8](repeating: 0, count: 48)
        #expect(BarsCodec.decode(huge) == nil)
        #expect(try catalog_missing())
    }

    private func catalog_missing() throws -> Bool {
        var missing = false
        try withStored([0, 0, 0, 0, 0, 0, 0, 0]) { catalog in
            missing = try catalog.withDatasetBars(id: "ds_none") { _ in true } == nil
        }
        return missing
    }
}
