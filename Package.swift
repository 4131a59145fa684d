// swift-tools-version: 6.1
// CareLoop: event-driven customer care for residential developers and property managers.
import PackageDescription

/// The five services. Each is a library target holding its logic plus a thin executable.
let services: [(name: String, executable: String)] = [
    ("Intake", "careloop-intake"),
    ("Routing", "careloop-routing"),
    ("RepairDispatch", "careloop-repair-dispatch"),
    ("Survey", "careloop-survey"),
    ("Notification", "careloop-notification"),
]

let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let postgres: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let configuration: Target.Dependency = .product(name: "Configuration", package: "swift-configuration")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")

var targets: [Target] = [
    .systemLibrary(
        name: "CRdKafka",
        path: "Shared/CRdKafka",
        pkgConfig: "rdkafka",
        providers: [.apt(["librdkafka-dev"])]
    ),
    .target(name: "CareLoopContracts", path: "Shared/CareLoopContracts"),
    .target(
        name: "CareLoopKafka",
        dependencies: ["CRdKafka", "CareLoopContracts", log, metrics, lifecycle],
        path: "Shared/CareLoopKafka"
    ),
    .target(
        name: "CareLoopStorage",
        dependencies: ["CareLoopContracts", postgres, log, metrics, lifecycle],
        path: "Shared/CareLoopStorage"
    ),
    .target(
        name: "CareLoopHTTP",
        dependencies: ["CareLoopContracts", "CareLoopStorage", hummingbird, crypto, postgres, log, metrics],
        path: "Shared/CareLoopHTTP"
    ),
    .target(
        name: "CareLoopRuntime",
        dependencies: [
            "CareLoopKafka", "CareLoopStorage", "CareLoopContracts", "CareLoopHTTP", log, metrics, lifecycle, hummingbird,
            configuration, postgres, unixSignals,
            .product(name: "Prometheus", package: "swift-prometheus"),
        ],
        path: "Shared/CareLoopRuntime"
    ),
    .target(
        name: "CareLoopDevBroker",
        dependencies: ["CareLoopKafka", "CareLoopContracts", "CareLoopRuntime", "CRdKafka", log, hummingbird, lifecycle, unixSignals],
        path: "Shared/DevBroker/CareLoopDevBroker"
    ),
    .executableTarget(
        name: "careloop-devbroker",
        dependencies: ["CareLoopDevBroker", "CareLoopRuntime", lifecycle, log],
        path: "Shared/DevBroker/careloop-devbroker",
        // The patched librdkafka that scripts/devbroker-librdkafka.sh builds into .build/devbroker-librdkafka (the
        // executable sits in .build/<triple>/<configuration>/); without it, the system's librdkafka is loaded.
        linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../../devbroker-librdkafka"])]
    ),
    .executableTarget(
        name: "careloop-kafka-bench",
        dependencies: ["CareLoopKafka", "CareLoopDevBroker", "CareLoopContracts", log],
        path: "Shared/Tools/careloop-kafka-bench"
    ),
    .executableTarget(
        name: "careloop-bench",
        dependencies: [
            "CareLoopTestSupport", "CareLoopKafka", "CareLoopStorage", "CareLoopRuntime", "CareLoopContracts", "CareLoopHTTP",
            "IntakeService", "RoutingService", "RepairDispatchService", postgres, log, hummingbird,
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ],
        path: "Shared/Tools/careloop-bench"
    ),
    .target(
        name: "CareLoopHarness",
        dependencies: [
            "CareLoopTestSupport", "CareLoopKafka", "CareLoopStorage", "CareLoopContracts", "CareLoopDevBroker", postgres, log, lifecycle,
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ],
        path: "Shared/Harness/CareLoopHarness"
    ),
    .executableTarget(
        name: "careloop-harness",
        dependencies: ["CareLoopHarness", "CareLoopContracts", log],
        path: "Shared/Harness/careloop-harness"
    ),
    .testTarget(
        name: "CareLoopHarnessTests",
        dependencies: ["CareLoopHarness", "CareLoopContracts", "CareLoopTestSupport", postgres, log],
        path: "Tests/CareLoopHarnessTests"
    ),
    .target(
        name: "CareLoopTestSupport",
        dependencies: ["CareLoopKafka", "CareLoopStorage", "CareLoopRuntime", "CareLoopContracts", "CareLoopDevBroker", postgres, log, lifecycle],
        path: "Tests/CareLoopTestSupport"
    ),
    .testTarget(
        name: "CareLoopContractsTests",
        dependencies: ["CareLoopContracts"],
        path: "Tests/CareLoopContractsTests",
        resources: [.copy("Fixtures")]
    ),
    .testTarget(
        name: "CareLoopKafkaTests",
        dependencies: ["CareLoopKafka", "CRdKafka", "CareLoopTestSupport", "CareLoopContracts", "CareLoopDevBroker"],
        path: "Tests/CareLoopKafkaTests"
    ),
    .testTarget(
        name: "CareLoopStorageTests",
        dependencies: ["CareLoopStorage", "CareLoopKafka", "CareLoopTestSupport", "CareLoopContracts", postgres, log, lifecycle],
        path: "Tests/CareLoopStorageTests"
    ),
    .testTarget(
        name: "CareLoopRuntimeTests",
        dependencies: [
            "CareLoopRuntime", "CareLoopKafka", "CareLoopStorage", configuration, hummingbird,
            .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Prometheus", package: "swift-prometheus"),
        ],
        path: "Tests/CareLoopRuntimeTests"
    ),
    .testTarget(
        name: "CareLoopHTTPTests",
        dependencies: ["CareLoopHTTP", "CareLoopContracts", "CareLoopStorage", "CareLoopTestSupport", hummingbird, hummingbirdTesting, postgres, log],
        path: "Tests/CareLoopHTTPTests"
    ),
    .testTarget(
        name: "PipelineIntegrationTests",
        dependencies: ["CareLoopTestSupport", "CareLoopKafka", "CareLoopContracts", postgres, log],
        path: "Tests/PipelineIntegrationTests"
    ),
]

for service in services {
    let library = "\(service.name)Service"
    targets.append(
        .target(
            name: library,
            dependencies: [
                "CareLoopContracts", "CareLoopKafka", "CareLoopStorage", "CareLoopRuntime", "CareLoopHTTP", postgres, log, metrics,
                lifecycle, hummingbird, crypto,
            ],
            path: "Services/\(service.name)/\(library)"
        )
    )
    targets.append(
        .executableTarget(
            name: service.executable,
            dependencies: [.target(name: library), "CareLoopRuntime"],
            path: "Services/\(service.name)/\(service.executable)"
        )
    )
    targets.append(
        .testTarget(
            name: "\(library)Tests",
            dependencies: [
                .target(name: library), "CareLoopContracts", "CareLoopTestSupport", "CareLoopHTTP", "CareLoopStorage", "CareLoopRuntime",
                hummingbird, hummingbirdTesting, postgres, log,
            ],
            path: "Tests/\(library)Tests",
            // Data read by path (#filePath), not bundled.
            exclude: service.name == "Routing" ? ["Fixtures"] : []
        )
    )
}

let settings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
for target in targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + settings
}

let package = Package(
    name: "CareLoop",
    platforms: [.macOS(.v15)],
    products: services.map { .executable(name: $0.executable, targets: [$0.executable]) }
        + [.executable(name: "careloop-devbroker", targets: ["careloop-devbroker"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: targets
)
