/// How a frame is drawn on this terminal: the glyph set (UTF-8 or ASCII) and the key bindings
/// the footer and help describe.
public struct RenderOptions: Sendable, Hashable {
    public var glyphs: Glyphs
    public var bindings: KeyBindings
    /// `--read-only`: the header says so and the action keys are off.
    public var readOnly = false

    public init(glyphs: Glyphs = .unicode, bindings: KeyBindings = .default) {
        self.glyphs = glyphs
        self.bindings = bindings
    }

    public var ascii: Bool { glyphs == .ascii }
}
