/// How a frame is drawn on this terminal: the glyph set (UTF-8 or ASCII) and the key bindings
/// the footer and help describe.
public struct RenderOptions: Sendable, Hashable {
    public var glyphs: Glyphs
    public var bindings: KeyBindings

    public init(glyphs: Glyphs = .unicode, bindings: KeyBindings = .default) {
        self.glyphs = glyphs
        self.bindings = bindings
    }

    public var ascii: Bool { glyphs == .ascii }
}
