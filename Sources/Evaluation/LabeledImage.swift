import Foundation

/// An image of a dataset and the objects its label file lists.
public struct LabeledImage: Equatable, Sendable {
    public var imagePath: String
    /// nil when the image has no label file; it then counts as an image without objects.
    public var labelPath: String?
    public var objects: [LabeledObject]

    public init(imagePath: String, labelPath: String?, objects: [LabeledObject]) {
        self.imagePath = imagePath
        self.labelPath = labelPath
        self.objects = objects
    }

    /// The file name without its extension, which pairs an image with its label file.
    public var name: String {
        URL(fileURLWithPath: imagePath).deletingPathExtension().lastPathComponent
    }
}
