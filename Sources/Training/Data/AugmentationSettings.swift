/// The model zoo's `data_augmentation` section and the fixed ranges of its augmentation code
/// (PIPELINE.md §8), all with the zoo's values as defaults. Angles are in degrees, translation is
/// a fraction of the image side.
public struct AugmentationSettings: Equatable, Codable, Sendable {
    /// `augment`: false turns every step off.
    public var augment: Bool
    /// `rotation`: rotate by up to ± this many degrees.
    public var rotation: Float
    /// `shearing`: shear along x by up to ± this many degrees.
    public var shearing: Float
    /// `translation`: shift each axis by up to ± this fraction of the image side.
    public var translation: Float
    /// `vertical_flip`: the flip's own probability once its step is drawn.
    public var verticalFlip: Float
    /// `horizantal_flip` (the zoo's spelling): the flip's own probability once its step is drawn.
    public var horizontalFlip: Float
    /// `gaussian_blur`: blur with a sigma drawn from 0...this, in pixels.
    public var gaussianBlur: Float
    /// `linear_contrast`: scale contrast around mid-grey by a factor from this range.
    public var linearContrast: ClosedRange<Float>

    /// How often each gated step (both flips, crop, affine) is drawn: the zoo's `Sometimes(0.5, ...)`.
    /// A flip therefore happens with probability `stepProbability * horizontalFlip` (0.1 by default).
    public var stepProbability: Float = 0.5
    /// Fraction of the side cropped from each edge independently (then scaled back to full size).
    public var crop: ClosedRange<Float> = 0...0.25
    /// Affine scale, drawn for x and y independently.
    public var scale: ClosedRange<Float> = 0.5...1.1
    /// Brightness factor for all channels.
    public var multiply: ClosedRange<Float> = 0.5...1.5
    /// Largest standard deviation of the per-pixel Gaussian noise, in 0...255 units (0.05 * 255).
    public var noise: Float = 12.75
    /// The value of pixels the affine step brings in from outside the image (the zoo's `cval`), one per image.
    public var fill: ClosedRange<Float> = 0...255
    /// Value added to every pixel; drawn per channel with probability `addPerChannel`.
    public var add: ClosedRange<Float> = -50...50
    public var addPerChannel: Float = 0.5

    public init(augment: Bool = true, rotation: Float = 30, shearing: Float = 15, translation: Float = 0.1,
                verticalFlip: Float = 0.5, horizontalFlip: Float = 0.2, gaussianBlur: Float = 3,
                linearContrast: ClosedRange<Float> = 0.75...1.5) {
        self.augment = augment
        self.rotation = rotation
        self.shearing = shearing
        self.translation = translation
        self.verticalFlip = verticalFlip
        self.horizontalFlip = horizontalFlip
        self.gaussianBlur = gaussianBlur
        self.linearContrast = linearContrast
    }

    /// Every step at its neutral value: augmenting with these returns the image unchanged.
    public static let neutral: AugmentationSettings = {
        var settings = AugmentationSettings(rotation: 0, shearing: 0, translation: 0, verticalFlip: 0, horizontalFlip: 0,
                                            gaussianBlur: 0, linearContrast: 1...1)
        settings.crop = 0...0
        settings.scale = 1...1
        settings.multiply = 1...1
        settings.noise = 0
        settings.add = 0...0
        settings.fill = 0...0
        return settings
    }()
}
