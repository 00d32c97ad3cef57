import CSQLite
import Foundation
import Testing

@testable import Catalog

/// SQLite catalogs keep a dataset's bars in `<catalog>-bars/<id>.bars`, the row an empty blob.
@Suite struct CatalogDatasetFileTests {
    static let id = "ds_0123456789abcdef0123456789abcdef"
    static let bars: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

    static func record(_ id: String = id, hash: String = "h", symbol: String = "GOOG") -> DatasetRecord {
        DatasetRecord(
            id: id, owner: "local", symbol: symbol, timeframe: "1d", rows: 1, firstMilliseconds: 0,
            lastMilliseconds: 0, sha256: hash, createdAt: "t")
    }

    static func inlineLength(_ catalog: Catalog, _ id: String) throws -> Int? {
        try catalog.read { database in
            let statement = try database.prepare("SELECT length(bars) FROM datasets WHERE id = ?").bind(.text(id))
            return try statement.step() ? statement.int(0) : nil
        }
    }

    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func barsGoToTheirFileAndReadBackWholeAndInSlices() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            #expect(try catalog.insertDataset(Self.record(), bars: Self.bars).created)
            #expect(try Self.inlineLength(catalog, Self.id) == 0)
            let file = path + "-bars/" + Self.id + ".bars"
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int
            #expect(size == DatasetBarFiles.headerSize + Self.bars.count)
            #expect(try catalog.datasetBars(id: Self.id) == Self.bars)
            let slices = try catalog.withDatasetBars(id: Self.id) { reader in
                (
                    reader.byteCount, try reader.bytes(from: 10, count: 30), try reader.word(3),
                    try reader.bytes(from: 990, count: 11)
                )
            }
            #expect(slices?.0 == Self.bars.count)
            #expect(slices?.1 == Array(Self.bars[10..<40]))
            let word = Self.bars[24..<32].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(slices?.2 == word)
            #expect(slices?.3 == nil)  // past the end: nil, as for an inline blob
            #expect(try catalog.datasetBars(id: "ds_absent") == nil)
            #expect(try catalog.withDatasetBars(id: "ds_absent") { $0.byteCount } == nil)
            // No bars at all is a file of just its header.
            #expect(try catalog.insertDataset(Self.record("ds_empty", hash: "e"), bars: []).created)
            #expect(try catalog.datasetBars(id: "ds_empty") == [])
        }
    }

    @Test func aRowWithItsBlobInlineStillReads() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            try catalog.write { database in
                try database.execute(
                    """
                    INSERT INTO datasets (id, owner, symbol, timeframe, rows, first_ms, last_ms, sha256, created_at, ord, bars)
                    VALUES ('ds_inline', 'local', 'GOOG', '1d', 1, 0, 0, 'h', 't', 0, x'0102030405060708090a')
                    """)
            }
            #expect(try catalog.datasetBars(id: "ds_inline") == Array(1...10))
            #expect(try catalog.withDatasetBars(id: "ds_inline") { try $0.bytes(from: 2, count: 3) } == [3, 4, 5])
            #expect(!FileManager.default.fileExists(atPath: path + "-bars/ds_inline.bars"))
        }
    }

    @Test func theSameDatasetAgainIsNotRewritten() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            #expect(try catalog.insertDataset(Self.record(), bars: Self.bars).created)
            let file = path + "-bars/" + Self.id + ".bars"
            let before = try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? Int
            let again = try catalog.insertDataset(Self.record("ds_other"), bars: [9, 9, 9])
            #expect(!again.created && again.0.id == Self.id)
            #expect(try FileManager.default.attributesOfItem(atPath: file)[.systemFileNumber] as? Int == before)
            #expect(try catalog.datasetBars(id: Self.id) == Self.bars)
            #expect(Self.names(path + "-bars") == [Self.id + ".bars"])
        }
    }

    @Test func anotherDatasetsIdIsRefusedWithoutTouchingItsFile() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            _ = try catalog.insertDataset(Self.record(), bars: Self.bars)
            #expect(throws: SQLiteError.self) {
                try catalog.insertDataset(Self.record(hash: "other"), bars: [1, 2, 3])
            }
            #expect(try catalog.datasetBars(id: Self.id) == Self.bars)
            #expect(Self.names(path + "-bars") == [Self.id + ".bars"])
        }
    }

    @Test(arguments: ["", "../escape", "ds.1", "ds/1", String(repeating: "a", count: 129)])
    func anIdThatIsNoSafeFileNameIsRefused(id: String) throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            let failure = #expect(throws: DatasetFileError.self) {
                try catalog.insertDataset(Self.record(id), bars: [1])
            }
            #expect(failure?.code == "catalog.invalid")
            #expect(try catalog.datasets(owner: "local").isEmpty)
            #expect(Self.names(path + "-bars").isEmpty)
        }
    }

    @Test func aFolderPathHoldingAFileFailsTheInsertAndStoresNothing() throws {
        // chmod does not stop root: a regular file where the folder goes does.
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            #expect(FileManager.default.createFile(atPath: path + "-bars", contents: Data([1])))
            let failure = #expect(throws: DatasetFileError.self) {
                try catalog.insertDataset(Self.record(), bars: Self.bars)
            }
            #expect(failure?.code == "catalog.io")
            #expect(failure?.isDiskFull == false)
            #expect(try catalog.dataset(id: Self.id, owner: "local") == nil)
        }
    }

    @Test func aFailedRenameLeavesNoTemporaryFileAndNoRow() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            _ = try catalog.insertDataset(Self.record("ds_first", hash: "f"), bars: [1])
            // A directory (not empty) where the file goes: the rename fails.
            let target = path + "-bars/" + Self.id + ".bars"
            try FileManager.default.createDirectory(atPath: target + "/x", withIntermediateDirectories: true)
            #expect(throws: DatasetFileError.self) { try catalog.insertDataset(Self.record(), bars: Self.bars) }
            #expect(try catalog.dataset(id: Self.id, owner: "local") == nil)
            #expect(Self.names(path + "-bars") == ["ds_first.bars", Self.id + ".bars"].sorted())
        }
    }

    @Test func aRowInsertThatFailsRemovesTheFileWrittenForIt() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            try catalog.write { database in
                try database.execute(
                    "CREATE TRIGGER refuse BEFORE INSERT ON datasets BEGIN SELECT RAISE(ABORT, 'no'); END")
            }
            #expect(throws: SQLiteError.self) { try catalog.insertDataset(Self.record(), bars: Self.bars) }
            #expect(try catalog.dataset(id: Self.id, owner: "local") == nil)
            #expect(Self.names(path + "-bars").isEmpty)
        }
    }

    @Test func anInjectedFaultStillFailsTheInsertBeforeAnyFile() throws {
        let faults = CatalogFaults()
        try withTemporaryCatalog(faults: faults) { (catalog: Catalog, path: String) throws in
            faults.failWrites(startingAt: 1, resultCode: SQLITE_FULL, matching: "insertDataset")
            let failure = #expect(throws: SQLiteError.self) {
                try catalog.insertDataset(Self.record(), bars: Self.bars)
            }
            #expect(failure?.isDiskFull == true)
            #expect(Self.names(path + "-bars").isEmpty)
        }
    }

    @Test func aFullDiskReadsAsTheCatalogsDiskFull() {
        #expect(DatasetFileError("write", path: "f", errorNumber: ENOSPC).isDiskFull)
        #expect(DatasetFileError("write", path: "f", errorNumber: EDQUOT).isDiskFull)
        #expect(!DatasetFileError("write", path: "f", errorNumber: EIO).isDiskFull)
        #expect(DatasetFileError("write", path: "f", errorNumber: ENOSPC).code == "catalog.io")
    }

    @Test func orphansAndTemporaryFilesGoWhenTheCatalogOpensAgain() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            _ = try catalog.insertDataset(Self.record(), bars: Self.bars)
            let folder = path + "-bars/"
            for name in ["ds_orphan.bars", "ds_half.tmp", "notes.txt"] {
                #expect(FileManager.default.createFile(atPath: folder + name, contents: Data([1, 2])))
            }
            let again = try Catalog(path: path)
            #expect(Self.names(folder) == [Self.id + ".bars", "notes.txt"])
            #expect(try again.datasetBars(id: Self.id) == Self.bars)
        }
    }

    @Test func aMissingOrResizedFileIsAnErrorNotACrash() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            _ = try catalog.insertDataset(Self.record(), bars: Self.bars)
            let file = path + "-bars/" + Self.id + ".bars"
            // One byte short: the header no longer matches the size.
            let handle = try #require(FileHandle(forWritingAtPath: file))
            try handle.truncate(atOffset: UInt64(DatasetBarFiles.headerSize + Self.bars.count - 1))
            try handle.close()
            var failure = #expect(throws: DatasetFileError.self) { try catalog.datasetBars(id: Self.id) }
            #expect(failure?.code == "catalog.corrupt")
            #expect(throws: DatasetFileError.self) { try catalog.withDatasetBars(id: Self.id) { $0.byteCount } }
            try FileManager.default.removeItem(atPath: file)
            failure = #expect(throws: DatasetFileError.self) { try catalog.datasetBars(id: Self.id) }
            #expect(failure?.code == "catalog.corrupt")
            #expect(throws: DatasetFileError.self) { try catalog.withDatasetBars(id: Self.id) { $0.byteCount } }
        }
    }

    /// The same catalog opened by a `file:` URI has no bars folder: its file-backed rows answer
    /// "the bars are elsewhere", never an empty blob taken for the bars.
    @Test func fileBackedRowsReadWithoutTheirFolderAreAnError() throws {
        try withTemporaryCatalog { (catalog: Catalog, path: String) throws in
            _ = try catalog.insertDataset(Self.record(), bars: Self.bars)
            let byURI = try Catalog(path: "file:" + path)
            let failure = #expect(throws: DatasetFileError.self) { try byURI.datasetBars(id: Self.id) }
            #expect(failure?.code == "catalog.corrupt")
            #expect(throws: DatasetFileError.self) { try byURI.withDatasetBars(id: Self.id) { $0.byteCount } }
            #expect(try catalog.datasetBars(id: Self.id) == Self.bars)
        }
    }

    @Test func onlyAFileNamedCatalogGetsABarsFolder() {
        #expect(DatasetBarFiles(catalogPath: ":memory:") == nil)
        #expect(DatasetBarFiles(catalogPath: "") == nil)
        #expect(DatasetBarFiles(catalogPath: "file:x.sqlite?mode=memory") == nil)
        #expect(DatasetBarFiles(catalogPath: "/var/catalog.sqlite")?.folder == "/var/catalog.sqlite-bars")
        #expect(DatasetBarFiles(catalogPath: "catalog.sqlite")?.parent == ".")
    }
}
