import Detection
import Testing

@Suite struct SSDArchitectureTests {
    @Test func anchorCountsMatchTheReferenceOutputs() throws {
        #expect(try SSDArchitecture(inputSize: 192, classCount: 1).anchorCount == 3830)
        #expect(try SSDArchitecture(inputSize: 224, classCount: 1).anchorCount == 6825)
        #expect(try SSDArchitecture(inputSize: 256, classCount: 1).anchorCount == 6825)
        #expect(try SSDArchitecture(inputSize: 192, classCount: 3).outputColumns == 12)
    }

    @Test func rejectsWhatTheModelZooCannotBuild() {
        #expect(throws: SSDArchitecture.Error.unsupportedInputSize(200)) { try SSDArchitecture(inputSize: 200, classCount: 1) }
        #expect(throws: SSDArchitecture.Error.unsupportedAlpha(0.3)) { try SSDArchitecture(alpha: 0.3, inputSize: 192, classCount: 1) }
        #expect(throws: SSDArchitecture.Error.noClasses) { try SSDArchitecture(inputSize: 192, classCount: 0) }
    }
}
