// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The fast kernels run 2-3.7x faster with AVX2 (measured with kernel-bench), so release builds
/// on x86-64 hosts target x86-64-v3 (Haswell, Zen and later); TINYSSD_PORTABLE=1 builds for any
/// x86-64 instead. Detection (target matching) and Training use the same setting for their float loops.
let vectorSettings: [SwiftSetting] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["TINYSSD_PORTABLE"] != "1" {
        return [.unsafeFlags(["-Xcc", "-march=x86-64-v3"], .when(configuration: .release))]
    }
    #endif
    return []
}()

let package = Package(
    name: "TinySSD",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tinyssd", targets: ["tinyssd"]),
        .library(name: "TFLiteFormat", targets: ["TFLiteFormat"]),
        .library(name: "Int8Kernels", targets: ["Int8Kernels"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "Detection", targets: ["Detection"]),
        .library(name: "Evaluation", targets: ["Evaluation"]),
        .library(name: "ImageIO", targets: ["ImageIO"]),
        .library(name: "Training", targets: ["Training"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // The .tflite FlatBuffers schema subset: bounds-checked reader, pure data.
        .target(name: "TFLiteFormat"),
        // Compute kernels over unsafe pointers; must also build with Embedded Swift.
        .target(name: "Int8Kernels", swiftSettings: vectorSettings, linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // Model -> execution plan -> invoke.
        .target(name: "Runtime", dependencies: ["TFLiteFormat", "Int8Kernels"]),
        // Detection types, SSD output decoding, non-maximum suppression, and `Detector`, which
        // runs a model on an image end to end (hence its use of Runtime and ImageIO).
        .target(name: "Detection", dependencies: ["Runtime", "ImageIO"], swiftSettings: vectorSettings),
        // YOLO Darknet datasets and the model zoo's Pascal-VOC AP (plus COCO-style mAP).
        .target(name: "Evaluation", dependencies: ["Detection", "ImageIO"]),
        // Our C wrappers over the system's libjpeg(-turbo) and libpng (Debian: libjpeg62-turbo-dev, libpng-dev).
        .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),
        // RGB images: JPEG/PNG files as OpenCV reads them, OpenCV's bilinear resize, drawing, plots.
        .target(name: "ImageIO", dependencies: ["CImageCodecs"]),
        // The system's OpenBLAS (Debian: libopenblas-dev), for training's float GEMMs.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Float32 SSD-MobileNet-v1 training: layers with backward passes, the model zoo's network,
        // targets, loss, optimizers, data augmentation and loading, checkpoints.
        .target(name: "Training", dependencies: ["Detection", "Evaluation", "ImageIO", "TFLiteFormat", "COpenBLAS"],
                swiftSettings: vectorSettings),
        // Reference against fast kernels on the model's layer shapes: swift run -c release kernel-bench
        .executableTarget(name: "kernel-bench", dependencies: ["Int8Kernels"], path: "Benchmarks/KernelBenchmarks"),
        // Target assignment and the SSD loss per image at each input size: swift run -c release targets-bench
        .executableTarget(name: "targets-bench", dependencies: ["Detection", "Training"], path: "Benchmarks/TargetBenchmarks",
                          swiftSettings: vectorSettings),
        // Float training throughput of the SSD network on random data: swift run -c release training-bench --help
        .executableTarget(name: "training-bench", dependencies: ["Training", "Detection"], path: "Benchmarks/TrainingBenchmarks"),
        .executableTarget(
            name: "tinyssd",
            dependencies: [
                "Runtime", "TFLiteFormat", "Detection", "Evaluation", "ImageIO", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Shared by the test targets: fixture locations, deterministic data, a model builder.
        .target(name: "TestSupport", dependencies: ["TFLiteFormat"], path: "Tests/TestSupport"),
        .testTarget(name: "TFLiteFormatTests", dependencies: ["TFLiteFormat", "TestSupport"]),
        .testTarget(name: "Int8KernelsTests", dependencies: ["Int8Kernels", "TestSupport"]),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "ImageIO", "Runtime", "TFLiteFormat", "TestSupport"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TFLiteFormat", "Int8Kernels", "TestSupport"],
                    exclude: ["Resources"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Detection", "ImageIO", "Runtime", "TFLiteFormat", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Detection", "Evaluation", "ImageIO", "TFLiteFormat", "COpenBLAS", "TestSupport"]),
        .testTarget(name: "tinyssdTests", dependencies: ["tinyssd", "TestSupport"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport"], exclude: ["Resources"]),
    ]
)
