import ImageIO

/// Anything that finds objects in an image the model zoo's way: the int8 `Detector` and the
/// float network of a training checkpoint, so detection and evaluation code serves both.
public protocol ObjectDetector: AnyObject {
    /// The objects in `image`, boxes in its pixels.
    func detect(_ image: RGBImage, postProcessing: PostProcessing) throws(ImageIOError) -> [Detection]
}
