/// API-server defaulting (`SetDefaults_*` plus the registry's own), applied before validation.
public enum Defaulting {
    public static func apply(_ object: inout APIObject) {
        // filled in by the defaulting work
    }
}
