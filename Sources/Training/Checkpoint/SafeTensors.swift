import Foundation

/// Float32 tensors and string metadata in the safetensors layout (an 8-byte little-endian header
/// length, a JSON header, then the raw little-endian data), which Python's `safetensors` reads.
public struct SafeTensors: Equatable, Sendable {
    public struct Tensor: Equatable, Sendable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }

    public var metadata: [String: String]
    /// Tensors in file order.
    public private(set) var names: [String] = []
    public private(set) var tensors: [String: Tensor] = [:]

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    public mutating func set(_ name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor \(name): shape does not match its values")
        if tensors[name] == nil { names.append(name) }
        tensors[name] = Tensor(shape: shape, values: values)
    }

    public subscript(name: String) -> Tensor? { tensors[name] }

    // MARK: Writing

    /// The header is written field by field in the order Python's writer uses, so equal content
    /// gives byte-identical files.
    public func serialized() -> [UInt8] {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            guard let tensor = tensors[name] else { continue }
            let bytes = tensor.values.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var json = Array("{\(fields.joined(separator: ","))}".utf8)
        // Aligns the data to 8 bytes, as the reference writer does, with spaces that JSON ignores.
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            for value in tensor.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }

    /// Writes through a temporary file and a rename, so a killed run never leaves half a checkpoint.
    public func write(to path: String) throws(SafeTensorsError) {
        do {
            try Data(serialized()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unreadable(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    private func jsonString(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20: escaped += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }

    // MARK: Reading

    public init(contentsOf path: String) throws(SafeTensorsError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    public init(bytes: [UInt8], path: String = "<memory>") throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .truncated(path: path, needed: 8, available: bytes.count) }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .truncated(path: path, needed: 8 &+ Int(clamping: headerLength), available: bytes.count)
        }
        let dataStart = 8 + Int(headerLength)
        let header: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
                throw SafeTensorsError.badHeader(path: path, reason: "the header is not a JSON object")
            }
            header = object
        } catch let error as SafeTensorsError {
            throw error
        } catch {
            throw .badHeader(path: path, reason: "invalid JSON: \(error.localizedDescription)")
        }
        metadata = [:]
        if let raw = header["__metadata__"] {
            guard let strings = raw as? [String: String] else {
                throw .badHeader(path: path, reason: "__metadata__ must map strings to strings")
            }
            metadata = strings
        }
        let dataLength = bytes.count - dataStart
        var entries: [(name: String, begin: Int, tensor: Tensor)] = []
        for (name, raw) in header where name != "__metadata__" {
            guard let fields = raw as? [String: Any], let dtype = fields["dtype"] as? String,
                  let shape = fields["shape"] as? [Int], let offsets = fields["data_offsets"] as? [Int], offsets.count == 2
            else { throw .badTensor(path: path, tensor: name, reason: "needs dtype, shape and two data_offsets") }
            guard dtype == "F32" else { throw .unsupportedType(path: path, tensor: name, dtype: dtype) }
            let (begin, end) = (offsets[0], offsets[1])
            guard shape.allSatisfy({ $0 >= 0 }), begin >= 0, begin <= end, end <= dataLength else {
                throw .badTensor(path: path, tensor: name, reason: "data_offsets [\(begin), \(end)] lie outside the \(dataLength) data bytes")
            }
            let (count, overflow) = shape.reduce((1, false)) { partial, side in
                let product = partial.0.multipliedReportingOverflow(by: side)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, count.multipliedReportingOverflow(by: 4) == (end - begin, false) else {
                throw .badTensor(path: path, tensor: name, reason: "shape \(shape) does not match its \(end - begin) bytes")
            }
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let at = dataStart + begin + 4 * i
                let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            entries.append((name, begin, Tensor(shape: shape, values: values)))
        }
        for entry in entries.sorted(by: { ($0.begin, $0.name) < ($1.begin, $1.name) }) {
            names.append(entry.name)
            tensors[entry.name] = entry.tensor
        }
    }
}
