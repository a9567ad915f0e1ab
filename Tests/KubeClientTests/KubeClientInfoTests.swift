import KubeClient
import Testing

@Suite struct KubeClientInfoTests {
    @Test func userAgentNamesTheProgram() { #expect(KubeClientInfo.userAgent == "switchboard") }
}
