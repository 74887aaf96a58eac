/// An 8-bit RGB colour.
public struct RGBColor: Equatable, Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = RGBColor(red: 0, green: 0, blue: 0)
    public static let white = RGBColor(red: 255, green: 255, blue: 255)
    public static let grey = RGBColor(red: 128, green: 128, blue: 128)
    public static let lightGrey = RGBColor(red: 220, green: 220, blue: 220)
    public static let red = RGBColor(red: 220, green: 40, blue: 40)
    public static let green = RGBColor(red: 40, green: 170, blue: 60)
    public static let blue = RGBColor(red: 40, green: 90, blue: 220)
    public static let orange = RGBColor(red: 240, green: 140, blue: 20)
}
