import Int8Kernels
import TFLiteFormat

func prepareResizeBilinear(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...2)
    guard case .resizeBilinear(let options) = context.options else { throw context.error("missing ResizeBilinearOptions") }
    let input = try context.input(0)
    let output = context.output()
    try context.requireRank(input, 4, role: "input")
    try context.requireType(input, [.int8, .uint8, .int16, .float32], role: "input")
    try context.requireType(output, [input.type], role: "output")
    guard !(options.alignCorners && options.halfPixelCenters) else {
        throw context.error("align_corners and half_pixel_centers cannot both be set")
    }
    let size = try context.requireConstantIntegers(1, role: "size")
    guard size.count == 2, size.allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
        throw context.error("size \(size) must be two positive values")
    }
    guard input.shape.allSatisfy({ $0 > 0 }), input.shape[1] <= 1 << 16, input.shape[2] <= 1 << 16 else {
        throw context.error("input \(input.shape) must be non-empty and at most 65536 pixels per side")
    }
    let g = ResizeGeometry(batches: input.shape[0], inputHeight: input.shape[1], inputWidth: input.shape[2],
                           channels: input.shape[3], outputHeight: size[0], outputWidth: size[1],
                           alignCorners: options.alignCorners, halfPixelCenters: options.halfPixelCenters)
    let step = ResizeBilinearStep(geometry: g, type: input.type, input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [[g.batches, g.outputHeight, g.outputWidth, g.channels]], step: step)
}

struct ResizeBilinearStep: KernelStep {
    let geometry: ResizeGeometry
    let type: TensorType
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        switch type {
        case .int8:
            resizeBilinearInteger(geometry, input: memory.int8(input), output: memory.int8(output))
        case .uint8:
            resizeBilinearInteger(geometry, input: memory.uint8(input), output: memory.uint8(output))
        case .int16:
            resizeBilinearInteger(geometry, input: memory[input].assumingMemoryBound(to: Int16.self),
                                  output: memory[output].assumingMemoryBound(to: Int16.self))
        default:
            resizeBilinearFloat(geometry, input: memory.float(input), output: memory.float(output))
        }
    }
}
