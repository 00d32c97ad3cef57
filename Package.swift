// swift-tools-version:6.0
import PackageDescription

// Swift 6 mode (complete concurrency checking) and zero warnings in our own targets.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6), .unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "backtestd",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "backtestd", targets: ["backtestd"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(name: "CSystemLinux", path: "Sources/CSystemLinux"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "Sockets", dependencies: ["CSystemLinux"], swiftSettings: strict),
        .target(
            name: "HTTPServer",
            dependencies: [
                "Sockets", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(name: "BacktestEngine", swiftSettings: strict),
        .target(name: "Catalog", dependencies: ["CSQLite", "CLibPQ"], swiftSettings: strict),
        .target(
            name: "BacktestService",
            dependencies: [
                "BacktestEngine", "Catalog", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "BacktestAPI",
            dependencies: [
                "HTTPServer", "BacktestService", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "backtestd",
            dependencies: [
                "BacktestAPI", "BacktestService", "BacktestEngine", "Catalog", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(name: "TestSupport", dependencies: ["HTTPServer"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "HTTPServerTests", dependencies: ["HTTPServer", "Sockets", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "BacktestEngineTests", dependencies: ["BacktestEngine"], swiftSettings: strict),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "BacktestServiceTests",
            dependencies: ["BacktestService", "BacktestEngine", "Catalog", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "BacktestAPITests",
            dependencies: [
                "BacktestAPI", "BacktestService", "BacktestEngine", "Catalog", "HTTPServer", "TestSupport", "backtestd",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict),
    ]
)
