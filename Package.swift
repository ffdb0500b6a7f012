// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "datamap",
    products: [
        .executable(name: "datamap", targets: ["datamap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // The C boundary: libxml2 as a system library. Only `LibXML` imports it.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Line editing and history for the interview, from the system's libedit.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // zlib as a system library, for the DEFLATE data inside a Word package. Only `Inflate` imports it.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The one system call Glibc's Swift module does not show: renameat2, to swap outbox/ whole.
        .target(name: "CPlatform"),
        // Owns every zlib call: raw inflate with an output ceiling, and CRC-32.
        .target(name: "Inflate", dependencies: ["CDeflate"]),
        // Owns every libxml2 pointer: safe parsing, XSD validation, a Swift-value tree out.
        .target(name: "LibXML", dependencies: ["CLibXML2"]),
        // The pure core: records, return format, anonymiser, pipeline, reporters. Prints nothing.
        .target(
            name: "DataMapCore",
            dependencies: [
                "LibXML",
                "Inflate",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            resources: [.copy("Resources/return-v1.xsd"), .copy("Resources/name-model.txt")]
        ),
        // The SQLite store behind the core's `Store` protocol.
        .target(
            name: "DataMapStore",
            dependencies: [
                "DataMapCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The web return form: pages rendered from the instrument, and the HTTP server that
        // serves them. Drafts, invitations and the inbox come in through `FormStore`.
        .target(
            name: "DataMapWeb",
            dependencies: [
                "DataMapCore",
                "LibXML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Templates"), .copy("Assets")]
        ),
        // The command line: the only place that prints or chooses an exit code.
        .executableTarget(
            name: "datamap",
            dependencies: [
                "DataMapCore",
                "DataMapStore",
                "DataMapWeb",
                "CEditLine",
                "CPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What each fuzzing run does with one input; shared by the fuzzer and the regression tests.
        .target(name: "FuzzHarness", dependencies: ["DataMapCore"]),
        // libFuzzer's entry point when built by scripts/fuzz; a crash replayer otherwise.
        .executableTarget(name: "datamap-fuzz", dependencies: ["FuzzHarness"]),
        .testTarget(
            name: "DataMapTests",
            dependencies: ["DataMapCore", "DataMapStore", "DataMapWeb", "LibXML", "datamap", "FuzzHarness",
                           .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
    ]
)

// Strict settings for every target in one place.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)))
    target.swiftSettings = settings
}
