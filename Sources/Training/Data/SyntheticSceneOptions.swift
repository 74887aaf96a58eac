/// What a synthetic image may contain. The defaults make the demo dataset: learnable by SSD-MobileNet
/// v1 0.25 at 192 x 192, but with clutter, occlusion and noise.
public struct SyntheticSceneOptions: Equatable, Sendable {
    /// Side of the square images, in pixels.
    public var imageSize: Int = 256
    /// The classes in label order (class 0 is the first).
    public var classes: [SyntheticShape] = SyntheticShape.allCases
    /// Each image draws 1...maximumObjects objects; fewer appear when they do not fit (see
    /// `minimumVisibleFraction`).
    public var maximumObjects: Int = 5
    /// The longer side of an object's box as a fraction of the image side, drawn log-uniformly.
    /// From 0.2, 97 % of objects have an anchor of the 192 model (smallest 0.26) with IoU >= 0.5;
    /// from 0.15 only 76 %. The 224 and 256 models' anchors start at 0.1.
    public var objectSizes: ClosedRange<Float> = 0.2...0.6
    /// Occlusion rule: an object is placed only if afterwards every object in the image keeps at
    /// least this fraction of its own area visible; otherwise its place is drawn again (up to 25
    /// times) and then it is left out. Every drawn object is therefore labelled. Objects of the same
    /// class are also kept apart enough (box IoU below 0.4) that NMS at IoU 0.5 cannot merge them.
    public var minimumVisibleFraction: Float = 0.6
    /// Largest standard deviation of the per-pixel Gaussian noise (0...255 units); each image draws
    /// its own from 0...noise.
    public var noise: Float = 10
    /// Strength of the background texture: 0 gives flat backgrounds, 1 the full texture.
    public var texture: Float = 1

    public init() {}

    /// Why these options cannot make images, or nil.
    public var problem: String? {
        if imageSize < 32 || imageSize > 4096 { return "the image size must be 32...4096 pixels, not \(imageSize)" }
        if classes.isEmpty { return "at least one class is needed" }
        if Set(classes).count != classes.count { return "a class is listed twice" }
        if maximumObjects < 1 { return "the maximum object count must be at least 1, not \(maximumObjects)" }
        if !(objectSizes.lowerBound >= 0.05 && objectSizes.upperBound <= 0.95) {
            return "object sizes must lie within 0.05...0.95 of the image side, not \(objectSizes)"
        }
        if !(0...1).contains(minimumVisibleFraction) { return "the minimum visible fraction must lie in 0...1" }
        if !(0...100).contains(noise) { return "the noise must lie in 0...100" }
        if !(0...1).contains(texture) { return "the texture strength must lie in 0...1" }
        return nil
    }
}
