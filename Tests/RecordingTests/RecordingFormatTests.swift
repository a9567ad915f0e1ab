import Recording
import Testing

@Suite struct RecordingFormatTests {
    @Test func versionIsOne() { #expect(RecordingFormat.majorVersion == 1) }
}
