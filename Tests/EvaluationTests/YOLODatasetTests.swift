import Foundation
import Testing
import Evaluation

@Suite struct YOLODatasetTests {
    @Test func listsImagesInNameOrderWithTheirObjects() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a.jpg", "not decoded")
        try folder.write("a.txt", "0 0.5 0.5 0.2 0.4\r\n\r\n   \n1 0.25 0.75 0.1 0.1\n")
        try folder.write("B.JPEG", "")
        try folder.write("B.txt", "2\t0.5 0.5 1 1")
        try folder.write("c.PNG", "")
        try folder.write("notes.md", "0 0.5 0.5 0.2 0.4")
        try folder.write("orphan.txt", "0 0.5 0.5 0.2 0.4")
        try folder.makeFolder("folder.jpg")

        let dataset = try YOLODataset(directory: folder.path)

        #expect(dataset.images.map(\.name) == ["B", "a", "c"])
        #expect(dataset.images.map { URL(fileURLWithPath: $0.imagePath).lastPathComponent } == ["B.JPEG", "a.jpg", "c.PNG"])
        #expect(dataset.images[0].objects == [LabeledObject(classIndex: 2, centerX: 0.5, centerY: 0.5, width: 1, height: 1)])
        #expect(dataset.images[1].objects == [
            LabeledObject(classIndex: 0, centerX: 0.5, centerY: 0.5, width: 0.2, height: 0.4),
            LabeledObject(classIndex: 1, centerX: 0.25, centerY: 0.75, width: 0.1, height: 0.1),
        ])
        #expect(dataset.images[1].labelPath.map { URL(fileURLWithPath: $0).lastPathComponent } == "a.txt")
        #expect(dataset.images[2].objects.isEmpty)
        #expect(dataset.images[2].labelPath == nil)
        #expect(dataset.warnings.count == 1)
        guard case .missingLabelFile(let imagePath, let labelPath)? = dataset.warnings.first else {
            Issue.record("expected a missing-label warning, got \(dataset.warnings)")
            return
        }
        #expect(imagePath.hasSuffix("/c.PNG"))
        #expect(labelPath.hasSuffix("/c.txt"))
        #expect(dataset.warnings[0].description.contains("c.PNG has no label file"))
    }

    static let malformedLines: [(String, LabelLineProblem)] = [
        ("0 0.5 0.5 0.2", .fieldCount(4)),
        ("0 0.5 0.5 0.2 0.2 7", .fieldCount(6)),
        ("person 0.5 0.5 0.2 0.2", .classNotAnInteger("person")),
        ("1.0 0.5 0.5 0.2 0.2", .classNotAnInteger("1.0")),
        ("-1 0.5 0.5 0.2 0.2", .negativeClass(-1)),
        ("0 0.5 abc 0.2 0.2", .notANumber(field: "cy", text: "abc")),
        ("0 nan 0.5 0.2 0.2", .notFinite(field: "cx", text: "nan")),
        ("0 0.5 0.5 -0.2 0.2", .negativeSize(field: "w", value: -0.2)),
        ("0 0.5 0.5 0.2 -1e-3", .negativeSize(field: "h", value: -0.001)),
    ]

    @Test(arguments: malformedLines)
    func aMalformedLineNamesFileLineTextAndProblem(line: String, problem: LabelLineProblem) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("good.jpg", "")
        try folder.write("good.txt", "0 0.5 0.5 0.2 0.2\n")
        try folder.write("bad.jpg", "")
        try folder.write("bad.txt", "0 0.5 0.5 0.2 0.2\n\n\(line)\n0 0.5 0.5 0.2 0.2\n")
        do {
            let dataset = try YOLODataset(directory: folder.path)
            Issue.record("expected an error, read \(dataset.images.count) images")
        } catch {
            guard case .malformedLabelLine(let path, let number, let text, let found) = error else {
                Issue.record("expected a malformed-line error, got \(error)")
                return
            }
            #expect(path.hasSuffix("/bad.txt"))
            #expect(number == 3)
            #expect(text == line)
            #expect(found == problem)
            #expect(error.description == "\(path):3: \(problem) in \"\(line)\"")
        }
    }

    @Test func problemsReadAsSentences() {
        #expect(LabelLineProblem.fieldCount(4).description == "expected 5 fields (class cx cy w h) but found 4")
        #expect(LabelLineProblem.negativeClass(-1).description == "class -1 is negative")
        #expect(LabelLineProblem.notANumber(field: "cy", text: "abc").description == "cy 'abc' is not a number")
    }

    @Test func aMissingFolderIsAnError() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-no-such-\(UUID().uuidString)").path
        do {
            _ = try YOLODataset(directory: path)
            Issue.record("expected an error for \(path)")
        } catch {
            guard case .unreadableDirectory(let reported, _) = error else {
                Issue.record("expected an unreadable-folder error, got \(error)")
                return
            }
            #expect(reported == path)
            #expect(error.description.contains(path))
        }
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstClass() throws {
        let objects = try YOLOLabelFile.parse("\u{FEFF}3 0.5 0.5 0.2 0.2", path: "x.txt")
        #expect(objects.map(\.classIndex) == [3])
    }
}
