import Foundation

/// A YOLO Darknet TXT dataset: a folder of images (`.jpg`, `.jpeg`, `.png`, any letter case), each
/// with a label file of the same name ending in `.txt`. Other files are ignored; images are listed,
/// not decoded.
public struct YOLODataset: Sendable {
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    public var directory: String
    /// Sorted by file name (byte order), so every run lists them the same way.
    public var images: [LabeledImage]
    public var warnings: [DatasetWarning]

    public init(directory: String) throws(DatasetError) {
        let fileManager = FileManager.default
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadableDirectory(path: directory, reason: (error as NSError).localizedDescription)
        }
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        var images: [LabeledImage] = []
        var warnings: [DatasetWarning] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let imageURL = folder.appendingPathComponent(name)
            guard Self.imageExtensions.contains(imageURL.pathExtension.lowercased()) else { continue }
            var isFolder: ObjCBool = false
            guard fileManager.fileExists(atPath: imageURL.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let labelPath = imageURL.deletingPathExtension().appendingPathExtension("txt").path
            guard fileManager.fileExists(atPath: labelPath) else {
                warnings.append(.missingLabelFile(imagePath: imageURL.path, expectedLabelPath: labelPath))
                images.append(LabeledImage(imagePath: imageURL.path, labelPath: nil, objects: []))
                continue
            }
            let text: String
            do {
                text = try String(contentsOfFile: labelPath, encoding: .utf8)
            } catch {
                throw .unreadableLabelFile(path: labelPath, reason: (error as NSError).localizedDescription)
            }
            let objects = try YOLOLabelFile.parse(text, path: labelPath)
            images.append(LabeledImage(imagePath: imageURL.path, labelPath: labelPath, objects: objects))
        }
        self.directory = directory
        self.images = images
        self.warnings = warnings
    }
}
