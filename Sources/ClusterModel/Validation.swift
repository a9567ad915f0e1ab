/// Entry point of create-time validation, run after `Defaulting.apply`. Returns every error, as
/// the API server does, so a user fixes a manifest in one pass.
public enum Validation {
    public static func validate(_ object: APIObject) -> [FieldError] {
        []  // filled in by the validation work
    }

    public static func validateUpdate(old: APIObject, new: APIObject) -> [FieldError] { [] }
}
