import CNcurses
import Dashboard
import Foundation
import Glibc

/// What the terminal turned out to be.
public struct TerminalCapabilities: Sendable, Hashable {
    /// The terminfo entry in use (differs from `$TERM` after a fallback).
    public var term: String
    /// terminfo's `colors`.
    public var colors: Int
    public var depth: ColorDepth
    /// The locale's codeset is UTF-8: box drawing and sparklines use Unicode.
    public var utf8: Bool
    /// Set when `$TERM` was unknown and another entry was used instead.
    public var fallbackMessage: String?
}

public enum TerminalError: Error, CustomStringConvertible {
    case noTerminal(String)

    public var description: String {
        switch self {
        case .noTerminal(let why): "cannot open the terminal: \(why)"
        }
    }
}

/// The ncurses screen: copies Canvases to the terminal and reads keys. Every call must come from
/// the thread that created the session (ncurses is not thread-safe); `runDashboard` gives it a
/// thread of its own. `end()` (also run by deinit, atexit and the signal handlers) restores the
/// terminal.
public final class TerminalSession {
    public let capabilities: TerminalCapabilities
    public private(set) var width: Int
    public private(set) var height: Int
    private let screen: OpaquePointer
    private var window: UnsafeMutablePointer<WINDOW>
    private var outFile: UnsafeMutablePointer<FILE>
    private var inFile: UnsafeMutablePointer<FILE>
    private var previous: Canvas?
    private var theme: Theme
    private var pairs: [PairKey: Int16] = [:]
    private var pending: KeyPress?
    private var ended = false

    private struct PairKey: Hashable { var fg: Int32; var bg: Int32 }

    /// Fallbacks tried, in order, when `$TERM` has no terminfo entry (e.g. `xterm-kitty` on a
    /// server): `initscr` would exit the process; `newterm` lets us pick another and say so.
    public static let fallbackTerms = ["xterm-256color", "xterm", "vt100", "dumb"]

    /// - Parameters:
    ///   - input/output: file descriptors of the terminal (a pty in tests).
    ///   - term: the terminfo name; default `$TERM`.
    ///   - colors/ascii: force the colour depth or the ASCII glyphs instead of detecting them.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, term: String? = nil, theme: Theme = .dark,
                colors: ColorDepth? = nil, ascii: Bool? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(Int32(CODESET)))
        guard isatty(output) == 1 else { throw TerminalError.noTerminal("output is not a terminal") }
        guard let out = fdopen(dup(output), "w"), let inp = fdopen(dup(input), "r") else {
            throw TerminalError.noTerminal("fdopen failed")
        }
        outFile = out
        inFile = inp
        // The size comes from the terminal (ioctl), not terminfo and not exported LINES/COLUMNS,
        // which would pin it and defeat KEY_RESIZE (use_env(false) alone would fall back to
        // terminfo's 80x24).
        use_env(true)
        use_tioctl(true)
        TerminalRestore.arm(fd: output)
        let requested = term ?? environment["TERM"] ?? "dumb"
        var used = requested
        var message: String?
        var scr = requested.isEmpty ? nil : newterm(requested, out, inp)
        if scr == nil {
            for candidate in Self.fallbackTerms {
                if let s = newterm(candidate, out, inp) {
                    scr = s
                    used = candidate
                    message = "TERM=\(requested) is unknown to terminfo here; using \(candidate) "
                        + "(install its terminfo or set TERM)"
                    break
                }
            }
        }
        guard let scr else {
            fclose(out)
            fclose(inp)
            throw TerminalError.noTerminal("no terminfo entry for \(requested) or any fallback")
        }
        screen = scr
        set_term(scr)
        raw() // Ctrl-C arrives as a key (quit), not a signal in the middle of a frame
        noecho()
        nonl()
        _ = set_escdelay(25)
        curs_set(0)
        var colorCount = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(tigetnum("colors"))
        }
        let depth = colors ?? ColorDepth.detect(colors: colorCount, environment: environment)
        capabilities = TerminalCapabilities(term: used, colors: colorCount, depth: depth,
                                            utf8: ascii == true ? false : Glyphs.forCodeset(codeset) == .unicode,
                                            fallbackMessage: message)
        self.theme = theme.resolved(for: depth)
        guard let win = newwin(0, 0, 0, 0) else {
            endwin()
            delscreen(scr)
            throw TerminalError.noTerminal("newwin failed")
        }
        window = win
        width = Int(getmaxx(window))
        height = Int(getmaxy(window))
        keypad(window, true)
        intrflush(window, false)
        TerminalRestore.activate(resetSequence: TerminalRestore.resetSequence())
    }

    deinit { end() }

    /// The glyph set this terminal can show.
    public var glyphs: Glyphs { capabilities.utf8 ? .unicode : .ascii }

    public func setTheme(_ theme: Theme) {
        self.theme = theme.resolved(for: capabilities.depth)
        previous = nil
    }

    /// Writes the cells that differ from the last frame, then one `doupdate`.
    public func draw(_ canvas: Canvas) {
        guard !ended else { return }
        let full = previous.map { $0.width != canvas.width || $0.height != canvas.height } ?? true
        if full { werase(window) }
        var cc = cchar_t()
        var chars = [wchar_t](repeating: 0, count: Int(CCHARW_MAX) + 1)
        for y in 0..<min(canvas.height, height) {
            for x in 0..<min(canvas.width, width) {
                let cell = canvas[x, y]
                if cell.isContinuation { continue }
                if !full, let prev = previous, prev[x, y] == cell { continue }
                let style = theme.style(cell.role)
                var n = 0
                for scalar in cell.character.unicodeScalars where n < Int(CCHARW_MAX) {
                    chars[n] = wchar_t(bitPattern: scalar.value)
                    n += 1
                }
                chars[n] = 0
                setcchar(&cc, chars, attributes(style), pair(for: style), nil)
                mvwadd_wch(window, Int32(y), Int32(x), &cc)
            }
        }
        previous = canvas
        wnoutrefresh(window)
        doupdate()
    }

    /// The next key, or nil after `timeoutMilliseconds` without one. A burst of resize events
    /// (a window being dragged) comes back as one `.resize`, after the new size is known.
    public func readKey(timeoutMilliseconds: Int32) -> KeyPress? {
        if let p = pending {
            pending = nil
            return p
        }
        guard let key = rawKey(timeoutMilliseconds) else { return nil }
        guard key == .resize else { return key }
        while let next = rawKey(40) {
            if next != .resize {
                pending = next
                break
            }
        }
        resized()
        return .resize
    }

    private func rawKey(_ timeout: Int32) -> KeyPress? {
        wtimeout(window, timeout)
        var ch: wint_t = 0
        let status = wget_wch(window, &ch)
        if status == ERR { return nil }
        return KeyDecoder.decode(status: status, value: UInt32(ch))
    }

    private func resized() {
        guard let win = newwin(0, 0, 0, 0) else { return }
        delwin(window)
        window = win
        keypad(window, true)
        // The terminal may have moved what was on it (tmux keeps the bottom lines when a window
        // shrinks), so ncurses' idea of the screen is stale: clear and repaint everything.
        clearok(window, true)
        width = Int(getmaxx(window))
        height = Int(getmaxy(window))
        previous = nil
    }

    /// Leaves curses mode and frees the screen; safe to call twice.
    public func end() {
        guard !ended else { return }
        ended = true
        delwin(window)
        endwin()
        TerminalRestore.deactivate()
        delscreen(screen)
        fclose(outFile)
        fclose(inFile)
    }

    private func attributes(_ s: Style) -> attr_t {
        var a: attr_t = 0
        if s.bold { a |= 1 << 21 }
        if s.reverse { a |= 1 << 18 }
        if s.underline { a |= 1 << 17 }
        if s.dim { a |= 1 << 20 }
        return a
    }

    private func pair(for s: Style) -> Int16 {
        guard capabilities.depth != .none else { return 0 }
        let key = PairKey(fg: colorNumber(s.fg), bg: colorNumber(s.bg))
        if key.fg == -1, key.bg == -1 { return 0 }
        if let p = pairs[key] { return p }
        let next = Int16(pairs.count + 1)
        init_extended_pair(Int32(next), key.fg, key.bg)
        pairs[key] = next
        return next
    }

    private func colorNumber(_ c: TermColor) -> Int32 {
        if case .index(let i) = c { return Int32(i) }
        return -1
    }
}
