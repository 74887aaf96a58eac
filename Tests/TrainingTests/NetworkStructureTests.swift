import Detection
import Testing
@testable import Training

@Suite struct NetworkStructureTests {
    @Test(arguments: [(192, 434_814), (224, 585_076), (256, 585_076)])
    func parameterCountMatchesTheModelZoo(size: Int, expected: Int) throws {
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: size, classCount: 1), maxBatch: 1,
                                 threads: 1, seed: 1)
        #expect(network.parameterTable.parameterCount == expected)
        #expect(network.parameters.count + network.movingStatistics.count == expected)
    }
}
