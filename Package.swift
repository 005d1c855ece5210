// swift-tools-version:6.0
import PackageDescription

// Heavy or C dependencies live only in the stage target that needs them, so ODPCore
// and its tests build fast (see ../shared/DESIGN.md and STYLE.md).
let package = Package(
    name: "ODP",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "odp", targets: ["odp"]),
        .executable(name: "odp-bench", targets: ["odp-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // System libraries (Debian -dev packages, installed by scripts/setup.sh).
        .systemLibrary(name: "CSQLite", path: "Sources/CSystem/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CSystem/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CSystem/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Sources/CSystem/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CSystem/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CSystem/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),

        // No swift-crypto here: ODPCore's own hashing is small inputs (PortableSHA256); large
        // files are hashed with swift-crypto in the stages that write or upload them.
        .target(name: "ODPCore", dependencies: [
            .product(name: "Yams", package: "Yams"),
        ]),
        // libpq, shared by the PostgreSQL source and the PostgreSQL state store.
        .target(name: "ODPPostgres", dependencies: ["ODPCore", "CLibPQ"]),
        .target(name: "ODPExtract", dependencies: ["ODPCore", "ODPPostgres", "CSQLite", "CLibPQ", "CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ODPDesensitize", dependencies: ["ODPCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ODPCheck", dependencies: ["ODPCore"]),
        .target(name: "ODPRelease", dependencies: [
            "ODPCore", "CZlib", "CDeflate", "CZstd", "CSQLite", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "ODPPublish", dependencies: ["ODPCore", "ODPPostgres", "CCurl", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ODPPortal", dependencies: ["ODPCore", "CSQLite", .product(name: "Hummingbird", package: "hummingbird")]),
        .target(name: "ODPDemoData", dependencies: ["ODPCore", "CSQLite", "CZlib"]),
        .target(name: "ODPPipeline", dependencies: [
            "ODPCore", "ODPExtract", "ODPDesensitize", "ODPCheck", "ODPRelease", "ODPPublish", "ODPPostgres",
        ]),
        .executableTarget(name: "odp", dependencies: [
            "ODPCore", "ODPPipeline", "ODPRelease", "ODPPublish", "ODPDemoData", "ODPPortal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "odp-bench", dependencies: [
            "ODPCore", "ODPExtract", "ODPCheck", "ODPDesensitize", "ODPPipeline", "ODPDemoData", "ODPRelease", "ODPPortal", "CZlib", "CDeflate",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // libFuzzer harness for the readers (docs/fuzzing.md); a corpus replayer otherwise.
        .executableTarget(name: "odp-fuzz", dependencies: ["ODPCore", "ODPExtract"]),

        .testTarget(name: "ODPCoreTests", dependencies: ["ODPCore"], exclude: ["Fixtures"]),
        .testTarget(name: "ODPExtractTests", dependencies: ["ODPExtract", "ODPDemoData"]),
        .testTarget(name: "ODPDesensitizeTests", dependencies: ["ODPDesensitize"], exclude: ["Fixtures"]),
        .testTarget(name: "ODPCheckTests", dependencies: ["ODPCheck"]),
        .testTarget(name: "ODPReleaseTests", dependencies: ["ODPRelease"]),
        .testTarget(name: "ODPPublishTests", dependencies: ["ODPPublish", "ODPPostgres"]),
        .testTarget(name: "ODPPortalTests", dependencies: ["ODPPortal", "ODPRelease", "ODPDesensitize", .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "ODPPipelineTests", dependencies: [
            "ODPPipeline", "ODPDemoData", "ODPRelease", "ODPPublish", "ODPPortal", "ODPPostgres", "CSQLite", "CLibPQ", .product(name: "Yams", package: "Yams"),
        ], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
