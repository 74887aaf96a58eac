import Testing
import Quantization

@Suite struct QuantizationErrorTests {
    @Test func nonFiniteActivationNamesTheTensor() {
        let message = QuantizationError.nonFiniteActivation(tensor: "conv_pw_3", operatorIndex: 8).description
        #expect(message.contains("conv_pw_3") && message.contains("operator 8"))
    }
}
