// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The fast kernels run 2-3.7x faster with AVX2 (measured with kernel-bench), so builds on x86-64
/// hosts target x86-64-v3 (Haswell, Zen and later) and compile the kernels' AVX2 intrinsics paths
/// (TINYSSD_AVX2; debug builds too, so `swift test` checks the code that ships); TINYSSD_PORTABLE=1
/// builds the portable Swift paths for any x86-64 instead.
let kernelSettings: [SwiftSetting] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["TINYSSD_PORTABLE"] != "1" {
        return [.unsafeFlags(["-Xcc", "-march=x86-64-v3"]), .define("TINYSSD_AVX2")]
    }
    #endif
    return []
}()

/// Detection (target matching) and Training target x86-64-v3 too, for their float loops, in release builds.
let vectorSettings: [SwiftSetting] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["TINYSSD_PORTABLE"] != "1" {
        return [.unsafeFlags(["-Xcc", "-march=x86-64-v3"], .when(configuration: .release))]
    }
    #endif
    return []
}()

/// On the same hosts, CONV_2D also gets kernels for AVX-512 with VNNI (vpdpbusd: 64 int8
/// multiply-adds per instruction), in their own module built for x86-64-v4; the runtime uses them
/// only when the CPU reports those features (`avx512VNNIAvailable`), so the binary still runs on
/// AVX2-only x86-64-v3 machines. Targets that call them get the TINYSSD_AVX512 condition.
let avx512Enabled: Bool = {
    #if arch(x86_64)
    return ProcessInfo.processInfo.environment["TINYSSD_PORTABLE"] != "1"
    #else
    return false
    #endif
}()
let avx512KernelSettings: [SwiftSetting] = avx512Enabled
    ? [.unsafeFlags(["-Xcc", "-march=x86-64-v4", "-Xcc", "-mavx512vnni"]), .define("TINYSSD_AVX512")] : []
let avx512Callers: [SwiftSetting] = avx512Enabled ? [.define("TINYSSD_AVX512")] : []

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
        .library(name: "Quantization", targets: ["Quantization"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // The .tflite FlatBuffers schema subset: bounds-checked reader, pure data.
        .target(name: "TFLiteFormat"),
        // Compute kernels over unsafe pointers; must also build with Embedded Swift.
        .target(name: "Int8Kernels", exclude: ["AVX512"], swiftSettings: kernelSettings,
                linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The AVX-512 VNNI convolution kernels (x86-64-v4); empty in portable builds.
        .target(name: "Int8KernelsAVX512", dependencies: ["Int8Kernels"], path: "Sources/Int8Kernels/AVX512",
                swiftSettings: avx512KernelSettings),
        // Model -> execution plan -> invoke.
        .target(name: "Runtime", dependencies: ["TFLiteFormat", "Int8Kernels", "Int8KernelsAVX512"],
                swiftSettings: avx512Callers),
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
        // Float graph -> calibration -> int8 graph, as the TFLite converter's post-training quantization;
        // float export of checkpoints and of int8 files.
        .target(name: "Quantization", dependencies: ["TFLiteFormat", "Runtime", "Detection", "ImageIO", "Training"]),
        // Reference against fast kernels on the model's layer shapes: swift run -c release kernel-bench
        .executableTarget(name: "kernel-bench", dependencies: ["Int8Kernels", "Int8KernelsAVX512"],
                          path: "Benchmarks/KernelBenchmarks", swiftSettings: avx512Callers),
        // Target assignment and the SSD loss per image at each input size: swift run -c release targets-bench
        .executableTarget(name: "targets-bench", dependencies: ["Detection", "Training"], path: "Benchmarks/TargetBenchmarks",
                          swiftSettings: vectorSettings),
        // Float training throughput of the SSD network on random data: swift run -c release training-bench --help
        .executableTarget(name: "training-bench", dependencies: ["Training", "Detection"], path: "Benchmarks/TrainingBenchmarks"),
        .executableTarget(
            name: "tinyssd",
            dependencies: [
                "Runtime", "TFLiteFormat", "Detection", "Evaluation", "ImageIO", "Training", "Quantization",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Shared by the test targets: fixture locations, deterministic data, a model builder.
        .target(name: "TestSupport", dependencies: ["TFLiteFormat"], path: "Tests/TestSupport"),
        .testTarget(name: "TFLiteFormatTests", dependencies: ["TFLiteFormat", "TestSupport"]),
        .testTarget(name: "Int8KernelsTests", dependencies: ["Int8Kernels", "Int8KernelsAVX512", "TestSupport"],
                    swiftSettings: kernelSettings + avx512Callers),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "ImageIO", "Runtime", "TFLiteFormat", "TestSupport"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TFLiteFormat", "Int8Kernels", "Quantization", "TestSupport"],
                    exclude: ["Resources"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Detection", "ImageIO", "Runtime", "TFLiteFormat", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Detection", "Evaluation", "ImageIO", "TFLiteFormat", "COpenBLAS", "TestSupport"]),
        .testTarget(name: "QuantizationTests", dependencies: ["Quantization", "Training", "Runtime", "TFLiteFormat", "TestSupport"],
                    exclude: ["Resources"]),
        .testTarget(name: "tinyssdTests", dependencies: ["tinyssd", "TestSupport"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport"], exclude: ["Resources"]),
    ]
)
