/// Why a selector string did not parse, worded as apimachinery words it (e.g. "unable to parse
/// requirement: found '(', expected: ',' or 'end of string'"), plus where: a selector editor can
/// underline the offending token instead of leaving the user to hunt for it.
public struct SelectorParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message, as `labels.Parse` would return it.
    public var message: String
    /// Offset of the offending token in `Character`s from the start of the input (what a text
    /// field counts); equal to the input's `count` when the input ended too early.
    public var offset: Int
    /// The same position in UTF-8 bytes, for byte-oriented consumers.
    public var utf8Offset: Int
    /// The validation errors behind the message, when a key or value broke the label grammar.
    public var fieldErrors: [FieldError]

    public init(message: String, offset: Int, utf8Offset: Int, fieldErrors: [FieldError] = []) {
        self.message = message
        self.offset = offset
        self.utf8Offset = utf8Offset
        self.fieldErrors = fieldErrors
    }

    public var description: String { message }
}
