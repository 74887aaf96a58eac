import Foundation
import Testing
import TestSupport
@testable import TFLiteFormat

@Suite struct RoundTripTests {
    @Test(arguments: Fixtures.modelSizes)
    func writerReproducesEveryDecodedField(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let model = try TFLiteModel(bytes: bytes)
        let rewritten = try TFLiteModel(bytes: model.serialized())
        #expect(rewritten == model)
    }
}
