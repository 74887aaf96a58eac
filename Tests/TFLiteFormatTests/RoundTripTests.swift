import Foundation
import Testing
@testable import TFLiteFormat

@Suite struct RoundTripTests {
    @Test(arguments: ReferenceModels.sizes)
    func writerReproducesEveryDecodedField(size: Int) throws {
        guard let bytes = try ReferenceModels.bytes(size: size) else { return }
        let model = try TFLiteModel(bytes: bytes)
        let rewritten = try TFLiteModel(bytes: model.serialized())
        #expect(rewritten == model)
    }
}
