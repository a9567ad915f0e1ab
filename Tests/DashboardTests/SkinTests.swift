import Dashboard
import Foundation
import Testing

/// `--skin FILE`: a k9s skin becomes a Theme, roles mapped from k9s' keys, anchors resolved.
@Suite struct SkinTests {
    static var fixture: URL { SnapshotFixture.directory.appendingPathComponent("skins/dracula-test.yaml") }

    @Test func draculaShapedSkinMapsOntoOurRoles() throws {
        let (theme, warnings) = try K9sSkin.load(path: Self.fixture.path)
        #expect(theme.name == "skin:dracula-test")
        // Anchors (*foreground, *background) resolve to their hex values.
        #expect(theme.style(.normal).fg == .rgb(0xf8, 0xf8, 0xf2))
        #expect(theme.style(.normal).bg == .rgb(0x28, 0x2a, 0x36))
        // frame.status.* → row states.
        #expect(theme.style(.ok).fg == .rgb(0x8b, 0xe9, 0xfd))
        #expect(theme.style(.error).fg == .rgb(0xff, 0x55, 0x55))
        #expect(theme.style(.added).fg == .rgb(0x50, 0xfa, 0x7b))
        #expect(theme.style(.deleted).fg == .rgb(0x62, 0x72, 0xa4))
        // pendingColor is missing: warn falls back to modifyColor, as most skins lack it.
        #expect(theme.style(.warn).fg == .rgb(0xbd, 0x93, 0xf9))
        // tcell's ANSI name `white` is palette 15; W3C `dodgerblue` is RGB.
        #expect(theme.style(.selected).fg == .index(15))
        #expect(theme.style(.selected).bg == .rgb(0x44, 0x47, 0x5a))
        #expect(theme.style(.selected).reverse == false)
        #expect(theme.style(.sparkline).fg == .rgb(0x1e, 0x90, 0xff))
        #expect(theme.style(.key).fg == .rgb(0xff, 0x79, 0xc6))
        // An unknown colour is reported and becomes the terminal default, as in k9s.
        #expect(warnings == ["views.table.header.sorterColor: unknown colour notacolour (terminal default used)"])
        #expect(theme.style(.sortColumn).fg == .default)
        // Attributes the skin cannot express come from the base theme.
        #expect(theme.style(.error).bold == Theme.dark.style(.error).bold)
    }

    @Test func aPartialSkinOverlaysTheBaseLikeK9s() throws {
        let yaml = """
        k9s:
          body:
            bgColor: default
          frame:
            status:
              errorColor: olive
        """
        let (theme, warnings) = try K9sSkin.theme(yaml: yaml, name: "transparent")
        #expect(warnings.isEmpty)
        #expect(theme.style(.error).fg == .index(3))
        #expect(theme.style(.header) == Theme.dark.style(.header))
        #expect(theme.style(.ok) == Theme.dark.style(.ok))
    }

    @Test func themeLoadTakesASkinPathAndRefusesWhatIsNotASkin() throws {
        let theme = try Theme.load(Self.fixture.path)
        #expect(theme.style(.normal).bg == .rgb(0x28, 0x2a, 0x36))
        #expect(throws: K9sSkinError.notASkin("x")) { try K9sSkin.theme(yaml: "apiVersion: v1\nkind: Pod\n", name: "x") }
        // At 256 colours the skin's RGB is quantised like any theme.
        let resolved = theme.resolved(for: .ansi256)
        if case .index = resolved.style(.normal).bg {} else { Issue.record("RGB not quantised") }
    }
}
