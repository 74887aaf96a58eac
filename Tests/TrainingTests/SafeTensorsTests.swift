import Testing
import Training

@Suite struct SafeTensorsTests {
    /// Written by Python: `safetensors.numpy.save({"conv1/kernel": [[1.5, -2], [0.25, 3]], "bias": [7]}, metadata={"epoch": "3"})`.
    static let pythonFile: [UInt8] = hexBytes(
        "a0000000000000007b225f5f6d657461646174615f5f223a7b2265706f6368223a2233227d2c2262696173223a7b2264"
            + "74797065223a22463332222c227368617065223a5b315d2c22646174615f6f666673657473223a5b302c345d7d2c2263"
            + "6f6e76312f6b65726e656c223a7b226474797065223a22463332222c227368617065223a5b322c325d2c22646174615f"
            + "6f666673657473223a5b342c32305d7d7d202020202020200000e0400000c03f000000c00000803e00004040")

    static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    @Test func readsWhatPythonWrites() throws {
        let file = try SafeTensors(bytes: Self.pythonFile)
        #expect(file.metadata == ["epoch": "3"])
        #expect(file.names == ["bias", "conv1/kernel"])
        #expect(file["conv1/kernel"] == SafeTensors.Tensor(shape: [2, 2], values: [1.5, -2, 0.25, 3]))
        #expect(file["bias"] == SafeTensors.Tensor(shape: [1], values: [7]))
    }

    @Test func writesWhatPythonWrites() throws {
        var file = SafeTensors(metadata: ["epoch": "3"])
        file.set("bias", shape: [1], values: [7])
        file.set("conv1/kernel", shape: [2, 2], values: [1.5, -2, 0.25, 3])
        #expect(file.serialized() == Self.pythonFile)
    }

    @Test func roundTripsEveryBitPattern() throws {
        var file = SafeTensors(metadata: ["architecture": "{\"inputSize\":192}"])
        file.set("z/first", shape: [3], values: [.nan, -.infinity, -0.0])
        file.set("a/second", shape: [2, 1, 2], values: [.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1, -1])
        file.set("empty", shape: [0], values: [])
        let back = try SafeTensors(bytes: file.serialized())
        #expect(back.names == file.names)
        #expect(back.metadata == file.metadata)
        for name in file.names {
            #expect(back[name]?.shape == file[name]?.shape)
            #expect(back[name]?.values.map(\.bitPattern) == file[name]?.values.map(\.bitPattern))
        }
    }

    @Test func rejectsDamagedFiles() {
        let file = Self.pythonFile
        #expect(throws: SafeTensorsError.truncated(path: "<memory>", needed: 8, available: 5)) {
            try SafeTensors(bytes: Array(file.prefix(5)))
        }
        #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: Array(file.dropLast(4))) }
        var badLength = file
        badLength[7] = 0x7F
        #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: badLength) }
        var notJSON = file
        notJSON[8] = UInt8(ascii: "[")
        #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: notJSON) }
        let halfHeader = Array(#"{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#.utf8)
        let halfFile = [UInt8(halfHeader.count), 0, 0, 0, 0, 0, 0, 0] + halfHeader + [0, 0]
        #expect(throws: SafeTensorsError.unsupportedType(path: "<memory>", tensor: "h", dtype: "F16")) {
            try SafeTensors(bytes: halfFile)
        }
    }
}
