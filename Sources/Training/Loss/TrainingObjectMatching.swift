import Detection

extension AnchorMatcher {
    /// `assign(_:into:)` for a training image's objects.
    public mutating func assign(_ objects: [TrainingObject], into targets: inout AnchorTargets) throws(AnchorMatcher.Error) {
        try assign(objects.lazy.map { (classIndex: $0.classIndex, box: $0.box) }, into: &targets)
    }
}
