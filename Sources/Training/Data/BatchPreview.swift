import ImageIO

/// A contact sheet of a batch: each image (rescaling undone) with its boxes and class names, for
/// looking at what the network is fed.
public func previewMosaic(of batch: TrainingBatch, rescaling: PixelRescaling, classNames: [String],
                          columns: Int = 4) throws(ImageIOError) -> RGBImage {
    let palette: [RGBColor] = [.red, .green, .blue, .orange, RGBColor(red: 200, green: 40, blue: 200),
                               RGBColor(red: 20, green: 190, blue: 200), .white, .black]
    let gap = 4, columns = max(1, min(columns, batch.imageCount))
    let rows = max(1, (batch.imageCount + columns - 1) / columns)
    var sheet = try RGBImage(width: columns * (batch.width + gap) + gap, height: rows * (batch.height + gap) + gap, color: .lightGrey)
    let imageSize = batch.width * batch.height * 3
    for n in 0..<batch.imageCount {
        let left = gap + (n % columns) * (batch.width + gap), top = gap + (n / columns) * (batch.height + gap)
        for y in 0..<batch.height {
            for x in 0..<batch.width {
                let i = n * imageSize + (y * batch.width + x) * 3
                func byte(_ value: Float) -> UInt8 {
                    UInt8(min(max((value - rescaling.offset) * rescaling.scale, 0), 255).rounded())
                }
                sheet[left + x, top + y] = RGBColor(red: byte(batch.pixels[i]), green: byte(batch.pixels[i + 1]),
                                                    blue: byte(batch.pixels[i + 2]))
            }
        }
        for object in batch.objects[n] {
            let colour = palette[object.classIndex % palette.count]
            let x0 = Int((object.box.x0 * Float(batch.width)).rounded()), x1 = Int((object.box.x1 * Float(batch.width)).rounded())
            let y0 = Int((object.box.y0 * Float(batch.height)).rounded()), y1 = Int((object.box.y1 * Float(batch.height)).rounded())
            sheet.drawRectangle(PixelRect(x: left + x0, y: top + y0, width: max(1, x1 - x0), height: max(1, y1 - y0)), color: colour)
            let name = object.classIndex < classNames.count ? classNames[object.classIndex] : String(object.classIndex)
            sheet.drawLabel(name, x: left + x0, y: top + max(0, y0 - 11), textColor: .white, background: colour, padding: 1)
        }
    }
    return sheet
}
