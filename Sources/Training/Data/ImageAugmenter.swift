import Detection
import ImageIO

/// Applies the model zoo's training augmentation (PIPELINE.md §8) to images already at the network
/// resolution, moving their boxes with the geometry. Boxes are transformed by their four corners
/// (the enclosing box is kept), clipped to the image, and dropped when less than
/// `minimumBoxSide` pixels wide or high remain inside it. Holds scratch memory: one per thread.
public final class ImageAugmenter {
    public let settings: AugmentationSettings
    /// The smallest width and height, in pixels of the augmented image, a clipped box keeps.
    public static let minimumBoxSide: Float = 2

    private var scratch: [Float] = []
    /// The input image as floats, plus one spare value for the warp's 4-lane loads.
    private var source: [Float] = []

    public init(settings: AugmentationSettings) {
        self.settings = settings
    }

    /// Writes the augmented image into `pixels` (HWC, 0...255 floats) and returns its objects
    /// (normalised corner boxes), or nil when the draw moved every object out of the image (then
    /// `pixels` is untouched; draw again with the generator as it is now). An image without
    /// objects is augmented and returns [].
    public func augment(_ image: RGBImage, objects: [TrainingObject], random: inout SeededRandom,
                        into pixels: UnsafeMutableBufferPointer<Float>) -> [TrainingObject]? {
        let plan = AugmentationPlan(settings: settings, width: image.width, height: image.height, random: &random)
        let moved = Self.move(objects, by: plan.geometry, width: image.width, height: image.height)
        if !objects.isEmpty && moved.isEmpty { return nil }
        if plan.geometry == .identity {
            copyPixels(of: image, into: pixels)
        } else if let inverse = plan.geometry.inverse, let output = pixels.baseAddress {
            if source.count < image.pixels.count + 1 { source = [Float](repeating: 0, count: image.pixels.count + 1) }
            source.withUnsafeMutableBufferPointer { source in
                copyPixels(of: image, into: source)
                if let floats = source.baseAddress {
                    warp(floats, width: image.width, height: image.height, inverse: inverse, fill: plan.fill, into: output)
                }
            }
        } else {
            return nil
        }
        if scratch.count < pixels.count { scratch = [Float](repeating: 0, count: pixels.count) }
        scratch.withUnsafeMutableBufferPointer { scratch in
            for step in plan.photometric {
                step.apply(to: pixels, width: image.width, height: image.height, scratch: scratch, random: &random)
            }
        }
        return moved
    }

    /// The augmented image rounded back to 8 bits, for previews and tests.
    public func augmentedImage(_ image: RGBImage, objects: [TrainingObject],
                               random: inout SeededRandom) -> (image: RGBImage, objects: [TrainingObject])? {
        var values = [Float](repeating: 0, count: image.pixels.count)
        guard let moved = values.withUnsafeMutableBufferPointer({ augment(image, objects: objects, random: &random, into: $0) }) else {
            return nil
        }
        let bytes = values.map { UInt8(min(max($0, 0), 255).rounded(.toNearestOrEven)) }
        guard let result = try? RGBImage(width: image.width, height: image.height, pixels: bytes) else { return nil }
        return (result, moved)
    }

    /// The objects' boxes after `geometry`, clipped and filtered as described on the type.
    static func move(_ objects: [TrainingObject], by geometry: AffineMap, width: Int, height: Int) -> [TrainingObject] {
        if geometry == .identity { return objects }
        let w = Double(width), h = Double(height)
        return objects.compactMap { object in
            let box = object.box
            let corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)]
                .map { geometry.apply(Double($0.0) * w, Double($0.1) * h) }
            let x0 = max(0, corners.map(\.x).min() ?? 0), x1 = min(w, corners.map(\.x).max() ?? 0)
            let y0 = max(0, corners.map(\.y).min() ?? 0), y1 = min(h, corners.map(\.y).max() ?? 0)
            guard x1 - x0 >= Double(minimumBoxSide), y1 - y0 >= Double(minimumBoxSide) else { return nil }
            return TrainingObject(classIndex: object.classIndex,
                                  box: BoundingBox(x0: Float(x0 / w), y0: Float(y0 / h), x1: Float(x1 / w), y1: Float(y1 / h)))
        }
    }
}
