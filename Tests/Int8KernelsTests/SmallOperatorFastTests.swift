import Testing
import TestSupport
@testable import Int8Kernels

/// The fast QUANTIZE byte offset, CONCATENATION and two-value SOFTMAX against their references.
@Suite struct SmallOperatorFastTests {
    /// Same scales with zero points apart (the model's input QUANTIZE among them) give a byte
    /// offset; wherever one is found, adding it reproduces `requantize` for every type pair.
    @Test func quantizeByteOffsetMatchesReference() {
        #expect(requantizationByteOffset(from: UInt8.self, to: Int8.self, inputZeroPoint: 127, outputZeroPoint: -1,
                                         multiplier: 1 << 30, shift: 1) == 128)
        var random = DeterministicRandom(seed: 1616)
        var found = 0
        for round in 0..<400 {
            let sameScale = round % 2 == 0
            let multiplier: Int32 = sameScale ? 1 << 30 : Int32(1 << 30) + Int32(random.below(1 << 30))
            let shift: Int32 = sameScale ? 1 : Int32(random.integer(in: -3...2))
            let inputZeroPoint = Int32(random.integer(in: 0...255))
            let outputZeroPoint = Int32(random.integer(in: -128...127))
            let count = random.element(of: [1, 15, 16, 17, 100, 513])
            let bytes = random.bytes(count)
            func check<Input: FixedWidthInteger, Output: FixedWidthInteger>(_: Input.Type, _: Output.Type) {
                let zeroIn = Input.isSigned ? inputZeroPoint - 128 : inputZeroPoint
                // With equal scales only this zero point keeps every value in range.
                let zeroOut = sameScale ? zeroIn + Int32(Output.min) - Int32(Input.min)
                    : Output.isSigned ? outputZeroPoint : outputZeroPoint + 128
                guard let offset = requantizationByteOffset(from: Input.self, to: Output.self, inputZeroPoint: zeroIn,
                                                            outputZeroPoint: zeroOut, multiplier: multiplier, shift: shift)
                else { return }
                found += 1
                let input = bytes.map { Input(truncatingIfNeeded: $0) }
                var expected = [Output](repeating: 0, count: count)
                requantize(count: count, tiesUpCount: count / 16 * 16, inputZeroPoint: zeroIn, outputZeroPoint: zeroOut,
                           multiplier: multiplier, shift: shift, input: input, output: &expected)
                var actual = [Output](repeating: 0, count: count)
                input.withUnsafeBytes { x in
                    actual.withUnsafeMutableBytes { addByteOffset(count: count, offset: offset, input: x.baseAddress!, output: $0.baseAddress!) }
                }
                #expect(actual == expected, "\(Input.self) -> \(Output.self) zero points \(zeroIn) \(zeroOut) offset \(offset)")
            }
            check(UInt8.self, Int8.self)
            check(Int8.self, Int8.self)
            check(Int8.self, UInt8.self)
            check(UInt8.self, UInt8.self)
        }
        #expect(found >= 400)
    }

    @Test func concatenationMatchesReference() {
        var random = DeterministicRandom(seed: 1717)
        for _ in 0..<300 {
            let outer = random.integer(in: 0...40)
            let chunks = (0..<random.integer(in: 1...5)).map { _ in random.element(of: [0, 1, 2, 3, 4, 5, 8, 12, 16, 17, 40]) }
            let inputs = chunks.map { random.bytes(outer * $0) }
            let total = outer * chunks.reduce(0, +)
            var expected = [UInt8](repeating: 0, count: total)
            var actual = [UInt8](repeating: 0xA5, count: total)
            let pointers = inputs.map { bytes -> UnsafeMutableRawPointer in
                let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                p.copyMemory(from: bytes, byteCount: bytes.count)
                return p
            }
            defer { pointers.forEach { $0.deallocate() } }
            pointers.map { UnsafeRawPointer($0) }.withUnsafeBufferPointer { sources in
                chunks.withUnsafeBufferPointer { chunks in
                    expected.withUnsafeMutableBytes { concatenate(outerCount: outer, inputs: sources, chunkBytes: chunks, output: $0.baseAddress!) }
                    actual.withUnsafeMutableBytes { concatenateFast(outerCount: outer, inputs: sources, chunkBytes: chunks, output: $0.baseAddress!) }
                }
            }
            #expect(actual == expected, "outer \(outer) chunks \(chunks)")
        }
    }

    /// Every pair of int8 inputs, for several input scales.
    @Test func softmaxPairsMatchReference() {
        for inputScale: Float in [0.08428766, 0.09320872, 0.08075175, 0.001, 0.5, 3] {
            var table = [Float](repeating: 0, count: 256)
            table.withUnsafeMutableBufferPointer { fillSoftmaxTable($0.baseAddress!, inputScale: inputScale, beta: 1) }
            var pairs = [Int8](repeating: 0, count: 2 * 511)
            table.withUnsafeBufferPointer { t in
                pairs.withUnsafeMutableBufferPointer {
                    fillSoftmaxPairTable($0.baseAddress!, table: t.baseAddress!, outputScale: 1.0 / 256, outputZeroPoint: -128)
                }
            }
            var input = [Int8](repeating: 0, count: 2 * 65536)
            for i in 0..<65536 {
                input[2 * i] = Int8(truncatingIfNeeded: i)
                input[2 * i + 1] = Int8(truncatingIfNeeded: i >> 8)
            }
            var expected = [Int8](repeating: 0, count: input.count)
            table.withUnsafeBufferPointer {
                softmaxInt8(rows: 65536, depth: 2, table: $0.baseAddress!, outputScale: 1.0 / 256, outputZeroPoint: -128,
                            input: input, output: &expected)
            }
            var actual = [Int8](repeating: 0, count: input.count)
            softmaxInt8Pairs(rows: 65536, pairs: pairs, input: input, output: &actual)
            #expect(actual == expected, "input scale \(inputScale)")
        }
    }

    @Test func spatialMeanMatchesReference() {
        var random = DeterministicRandom(seed: 1919)
        for _ in 0..<200 {
            let (b, h, w, c) = (random.integer(in: 1...2), random.integer(in: 1...5), random.integer(in: 1...5),
                                random.integer(in: 1...40))
            let input = random.int8s(b * h * w * c)
            let inputZeroPoint = Int32(random.integer(in: -128...127)), outputZeroPoint = Int32(random.integer(in: -128...127))
            let multiplier = Int32(1 << 30) + Int32(random.below(1 << 30)), shift = Int32(random.integer(in: -12...1))
            var expected = [Int8](repeating: 0, count: b * c)
            var actual = [Int8](repeating: 0, count: b * c)
            var sums = [Int32](repeating: 0, count: b * c)
            [b, h, w, c].withUnsafeBufferPointer { dims in
                [c, 0, 0, 1].withUnsafeBufferPointer { strides in
                    meanInt8(inputDims: dims, outputStrides: strides, outputCount: b * c, reducedCount: h * w,
                             inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint, multiplier: multiplier,
                             shift: shift, input: input, sums: &sums, output: &expected)
                }
            }
            meanInt8Spatial(batches: b, spatial: h * w, channels: c, inputZeroPoint: inputZeroPoint,
                            outputZeroPoint: outputZeroPoint, multiplier: multiplier, shift: shift, input: input, sums: &sums,
                            output: &actual)
            #expect(actual == expected, "\(b)x\(h)x\(w)x\(c)")
        }
    }

    @Test func padMatchesReference() {
        var random = DeterministicRandom(seed: 2020)
        for _ in 0..<400 {
            let rank = random.integer(in: 1...6)
            let elementSize = random.element(of: [1, 1, 2, 4])
            let inputDims = (0..<rank).map { _ in random.integer(in: rank > 4 ? 0...3 : 0...6) }
            let before = (0..<rank).map { _ in random.below(3) == 0 ? random.integer(in: 1...3) : 0 }
            let after = (0..<rank).map { _ in random.below(3) == 0 ? random.integer(in: 1...3) : 0 }
            let outputDims = (0..<rank).map { inputDims[$0] + before[$0] + after[$0] }
            let input = random.bytes(inputDims.reduce(elementSize, *))
            let value = random.bytes(elementSize)
            let outputBytes = outputDims.reduce(elementSize, *)
            var expected = [UInt8](repeating: 0, count: outputBytes)
            var actual = [UInt8](repeating: 0x5A, count: outputBytes)
            inputDims.withUnsafeBufferPointer { i in
                before.withUnsafeBufferPointer { b in
                    outputDims.withUnsafeBufferPointer { o in
                        input.withUnsafeBytes { x in
                            value.withUnsafeBytes { v in
                                expected.withUnsafeMutableBytes {
                                    pad(elementSize: elementSize, inputDims: i, padBefore: b, outputDims: o, value: v.baseAddress!,
                                        input: x.baseAddress ?? v.baseAddress!, output: $0.baseAddress ?? UnsafeMutableRawPointer(mutating: v.baseAddress!))
                                }
                                actual.withUnsafeMutableBytes {
                                    padFast(elementSize: elementSize, inputDims: i, padBefore: b, outputDims: o, value: v.baseAddress!,
                                            input: x.baseAddress ?? v.baseAddress!, output: $0.baseAddress ?? UnsafeMutableRawPointer(mutating: v.baseAddress!))
                                }
                            }
                        }
                    }
                }
            }
            #expect(actual == expected, "\(inputDims) before \(before) after \(after) element \(elementSize)")
        }
    }
}
