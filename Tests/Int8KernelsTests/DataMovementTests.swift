import Testing
@testable import Int8Kernels

/// PAD, TILE, STRIDED_SLICE and CONCATENATION on small tensors worked out by hand.
@Suite struct DataMovementTests {
    @Test func padSurroundsTheInputWithTheValue() {
        let input: [Int8] = [1, 2, 3, 4, 5, 6]             // [2, 3]
        var output = [Int8](repeating: 0, count: 4 * 4)    // [2 + 1 + 1, 3 + 0 + 1]
        var value: Int8 = -9
        [2, 3].withUnsafeBufferPointer { inputDims in
            [1, 0].withUnsafeBufferPointer { before in
                [4, 4].withUnsafeBufferPointer { outputDims in
                    output.withUnsafeMutableBytes { out in
                        input.withUnsafeBytes { inp in
                            pad(elementSize: 1, inputDims: inputDims, padBefore: before, outputDims: outputDims,
                                value: &value, input: inp.baseAddress!, output: out.baseAddress!)
                        }
                    }
                }
            }
        }
        #expect(output == [-9, -9, -9, -9,
                           1, 2, 3, -9,
                           4, 5, 6, -9,
                           -9, -9, -9, -9])
    }

    @Test func tileRepeatsEachDimension() {
        let input: [Int32] = [1, 2, 3, 4]                  // [2, 2]
        var output = [Int32](repeating: 0, count: 12)      // multiples [2, 3] would be 24; use [1, 3]
        [2, 2].withUnsafeBufferPointer { dims in
            [1, 3].withUnsafeBufferPointer { multiples in
                output.withUnsafeMutableBytes { out in
                    input.withUnsafeBytes { inp in
                        tile(elementSize: 4, inputDims: dims, multiples: multiples, input: inp.baseAddress!, output: out.baseAddress!)
                    }
                }
            }
        }
        #expect(output == [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4])
    }

    @Test func stridedSliceWalksBackwards() {
        let input: [Int8] = Array(0..<12)                  // [3, 4]
        var output = [Int8](repeating: 0, count: 4)        // rows 0, 2; columns 3, 1
        [3, 4].withUnsafeBufferPointer { dims in
            [0, 3].withUnsafeBufferPointer { begin in
                [3, -1].withUnsafeBufferPointer { end in
                    [2, -2].withUnsafeBufferPointer { strides in
                        output.withUnsafeMutableBytes { out in
                            input.withUnsafeBytes { inp in
                                stridedSlice(elementSize: 1, inputDims: dims, begin: begin, end: end, stride: strides,
                                             input: inp.baseAddress!, output: out.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        #expect(output == [3, 1, 11, 9])
    }

    @Test func concatenationInterleavesRows() {
        let a: [Int8] = [1, 2, 3, 4]                       // [2, 2]
        let b: [Int8] = [5, 6, 7, 8, 9, 10]                // [2, 3]
        var output = [Int8](repeating: 0, count: 10)       // [2, 5]
        a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                [pa.baseAddress!, pb.baseAddress!].withUnsafeBufferPointer { inputs in
                    [2, 3].withUnsafeBufferPointer { chunks in
                        output.withUnsafeMutableBytes { out in
                            concatenate(outerCount: 2, inputs: inputs, chunkBytes: chunks, output: out.baseAddress!)
                        }
                    }
                }
            }
        }
        #expect(output == [1, 2, 5, 6, 7, 3, 4, 8, 9, 10])
    }
}
