import Testing
import ImageIO

@Suite struct DrawingTests {
    /// The coordinates of pixels that are not `background`.
    static func painted(_ image: RGBImage, background: RGBColor = .black) -> Set<[Int]> {
        var result: Set<[Int]> = []
        for y in 0..<image.height {
            for x in 0..<image.width where image[x, y] != background { result.insert([x, y]) }
        }
        return result
    }

    @Test func rectangleOutlineIsInsideTheRectangle() throws {
        var image = try RGBImage(width: 20, height: 20, color: .black)
        image.drawRectangle(PixelRect(x: 3, y: 4, width: 10, height: 8), color: .red, thickness: 2)
        var expected: Set<[Int]> = []
        for y in 4..<12 {
            for x in 3..<13 where x < 5 || x >= 11 || y < 6 || y >= 10 { expected.insert([x, y]) }
        }
        #expect(Self.painted(image) == expected)
        #expect(image[3, 4] == .red && image[7, 7] == .black)
    }

    @Test func shapesAreClippedToTheImage() throws {
        var image = try RGBImage(width: 8, height: 6, color: .black)
        image.fill(PixelRect(x: -5, y: 4, width: 7, height: 10), color: .white)
        #expect(Self.painted(image) == [[0, 4], [1, 4], [0, 5], [1, 5]])
        image.drawRectangle(PixelRect(x: -100, y: -100, width: 1000, height: 1000), color: .white, thickness: 3)
        image.drawRectangle(PixelRect(x: Int.min, y: Int.max, width: Int.max, height: Int.max), color: .white, thickness: Int.max)
        image.fill(PixelRect(x: Int.max, y: Int.min, width: Int.max, height: Int.max), color: .white)
        image.drawLine(x0: Int.min, y0: 0, x1: Int.max, y1: 5, color: .white, thickness: 5)
        image.drawLine(x0: Int.min, y0: Int.min, x1: Int.max, y1: Int.max, color: .white, thickness: Int.max)
        image.drawText("clipped", x: 6, y: -3, color: .white, scale: 3)
        image.drawText("far", x: Int.max, y: Int.min, color: .white, scale: Int.max)
        image.drawLabel("far", x: Int.min, y: 0, textColor: .white, background: .white, scale: Int.max, padding: Int.max)
    }

    @Test func linesFollowBresenham() throws {
        var image = try RGBImage(width: 10, height: 10, color: .black)
        image.drawLine(x0: 1, y0: 1, x1: 6, y1: 6, color: .white)
        #expect(Self.painted(image) == Set((1...6).map { [$0, $0] }))

        var shallow = try RGBImage(width: 10, height: 10, color: .black)
        shallow.drawLine(x0: 0, y0: 2, x1: 8, y1: 4, color: .white)
        let pixels = Self.painted(shallow)
        #expect(pixels.count == 9 && pixels.contains([0, 2]) && pixels.contains([8, 4]))
        #expect(Set(pixels.map { $0[0] }) == Set(0...8), "one pixel per column")

        var thick = try RGBImage(width: 10, height: 10, color: .black)
        thick.drawLine(x0: 2, y0: 5, x1: 7, y1: 5, color: .white, thickness: 3)
        #expect(Self.painted(thick) == Set((2...7).flatMap { x in (4...6).map { [x, $0] } }))

        var steep = try RGBImage(width: 10, height: 10, color: .black)
        steep.drawLine(x0: 5, y0: 1, x1: 6, y1: 8, color: .white, thickness: 2)
        #expect(Self.painted(steep).count == 16 && Set(Self.painted(steep).map { $0[1] }) == Set(1...8), "two pixels per row")
    }

    @Test func glyphsAreDrawnWhereTheFontSays() throws {
        var bar = try RGBImage(width: 8, height: 9, color: .black)
        bar.drawText("|", x: 1, y: 1, color: .white)
        #expect(Self.painted(bar) == Set((1...7).map { [3, $0] }))

        var scaled = try RGBImage(width: 20, height: 20, color: .black)
        scaled.drawText("|", x: 0, y: 0, color: .white, scale: 2)
        #expect(Self.painted(scaled) == Set((0..<14).flatMap { y in [[4, y], [5, y]] }))
    }

    @Test func labelTextStaysInItsBox() throws {
        var image = try RGBImage(width: 200, height: 60, color: .black)
        let box = image.drawLabel("person 0.87", x: 10, y: 20, textColor: .white, background: .blue, scale: 2)
        let size = BitmapFont.size(of: "person 0.87", scale: 2)
        #expect(size == (width: (11 * 6 - 1) * 2, height: 14))
        #expect(box == PixelRect(x: 10, y: 20, width: size.width + 4, height: size.height + 4))
        let white = Self.painted(image).filter { image[$0[0], $0[1]] == .white }
        #expect(white.count > 100)
        #expect(white.allSatisfy { PixelRect(x: 12, y: 22, width: size.width, height: size.height).contains(x: $0[0], y: $0[1]) })
        #expect(Self.painted(image).count == box.width * box.height, "the box is filled")
    }

    @Test func everyPrintableCharacterHasItsOwnGlyph() throws {
        var seen: [Set<[Int]>: Character] = [:]
        for code in 33...126 {
            let character = Character(Unicode.Scalar(UInt8(code)))
            var image = try RGBImage(width: 6, height: 8, color: .black)
            image.drawText(String(character), x: 0, y: 0, color: .white)
            let pixels = Self.painted(image)
            #expect(!pixels.isEmpty, "\(character) has no pixels")
            #expect(pixels.allSatisfy { $0[0] < 5 && $0[1] < 7 }, "\(character) leaves its 5x7 box")
            #expect(seen[pixels] == nil, "\(character) looks like \(seen[pixels].map(String.init) ?? "")")
            seen[pixels] = character
        }
        var unknown = try RGBImage(width: 6, height: 8, color: .black), question = unknown
        unknown.drawText("é", x: 0, y: 0, color: .white)
        question.drawText("?", x: 0, y: 0, color: .white)
        #expect(unknown == question)
    }

    @Test func upwardTextIsTheTextTurned() throws {
        let size = BitmapFont.size(of: "AP 1")
        var flat = try RGBImage(width: size.width, height: size.height, color: .black)
        flat.drawText("AP 1", x: 0, y: 0, color: .white)
        var upward = try RGBImage(width: size.height, height: size.width, color: .black)
        upward.drawTextUpwards("AP 1", x: 0, y: 0, color: .white)
        #expect(upward == flat.oriented(.rotate90Counterclockwise))
    }
}
