import Telemetry

/// The session file format's version: a reader refuses a newer major version with a message
/// rather than misreading it.
public enum RecordingFormat {
    public static let majorVersion = 1
}
