/// The text of a YOLO Darknet label file: one `class cx cy w h` line per object, blank lines ignored.
public enum YOLOLabelFile {
    /// The objects of `text`; `path` only names the file in errors.
    public static func parse(_ text: String, path: String) throws(DatasetError) -> [LabeledObject] {
        // Editors on Windows may start the file with a byte-order mark, which is not part of the first field.
        let body = text.first == "\u{FEFF}" ? text.dropFirst() : Substring(text)
        var objects: [LabeledObject] = []
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if fields.isEmpty { continue }
            do {
                objects.append(try object(fields))
            } catch {
                throw .malformedLabelLine(path: path, line: index + 1, text: String(line), problem: error)
            }
        }
        return objects
    }

    private static func object(_ fields: [Substring]) throws(LabelLineProblem) -> LabeledObject {
        guard fields.count == 5 else { throw .fieldCount(fields.count) }
        guard let classIndex = Int(fields[0]) else { throw .classNotAnInteger(String(fields[0])) }
        guard classIndex >= 0 else { throw .negativeClass(classIndex) }
        let centerX = try number(fields[1], "cx")
        let centerY = try number(fields[2], "cy")
        let width = try number(fields[3], "w")
        let height = try number(fields[4], "h")
        guard width >= 0 else { throw .negativeSize(field: "w", value: width) }
        guard height >= 0 else { throw .negativeSize(field: "h", value: height) }
        return LabeledObject(classIndex: classIndex, centerX: centerX, centerY: centerY, width: width, height: height)
    }

    private static func number(_ text: Substring, _ field: String) throws(LabelLineProblem) -> Double {
        guard let value = Double(text) else { throw .notANumber(field: field, text: String(text)) }
        guard value.isFinite else { throw .notFinite(field: field, text: String(text)) }
        return value
    }
}
