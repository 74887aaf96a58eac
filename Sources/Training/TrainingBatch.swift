/// A batch ready for the network: images already resized and rescaled (x / 127.5 - 1 by
/// default), NHWC float32, and each image's objects.
public struct TrainingBatch: Sendable {
    public var imageCount: Int
    public var height: Int
    public var width: Int
    /// `imageCount * height * width * 3` values, image-major, then row, column, RGB channel.
    public var pixels: [Float]
    /// One list per image, in batch order.
    public var objects: [[TrainingObject]]

    public init(imageCount: Int, height: Int, width: Int, pixels: [Float], objects: [[TrainingObject]]) {
        precondition(pixels.count == imageCount * height * width * 3 && objects.count == imageCount,
                     "batch storage does not match its shape")
        self.imageCount = imageCount
        self.height = height
        self.width = width
        self.pixels = pixels
        self.objects = objects
    }
}
