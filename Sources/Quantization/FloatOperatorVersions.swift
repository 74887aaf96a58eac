import TFLiteFormat

/// The operator-code versions TFLite's converter writes for float32 operators (op_version.cc):
/// 1 for each operator this graph uses, except RESIZE_BILINEAR with half-pixel centres (3).
enum FloatOperatorVersions {
    static func version(of code: BuiltinOperator, options: BuiltinOptions) -> Int32 {
        if case .resizeBilinear(let resize) = options, resize.halfPixelCenters { return 3 }
        return 1
    }

    /// Operator codes in order of first use, each at the highest version any of its uses needs;
    /// `operators` (whose builtin codes are `builtins`, one each) get their opcode indices into that list.
    static func codes(for operators: inout [Operator], builtins: [BuiltinOperator]) -> [OperatorCode] {
        var codes: [OperatorCode] = []
        var index: [BuiltinOperator: Int] = [:]
        for (position, code) in zip(operators.indices, builtins) {
            let version = version(of: code, options: operators[position].options)
            if let existing = index[code] {
                codes[existing].version = max(codes[existing].version, version)
            } else {
                index[code] = codes.count
                codes.append(OperatorCode(builtinCode: code, version: version))
            }
            operators[position].opcodeIndex = UInt32(index[code] ?? 0)
        }
        return codes
    }
}
