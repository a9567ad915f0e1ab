/// A container's log as `kubectl logs` shows it: the last lines of stdout and stderr
/// interleaved, bounded by bytes and by lines so that a chatty process cannot exhaust memory.
/// Thread-safe: the workload appends on its event loop, `logs(of:)` reads from anywhere.
final class ContainerLog: Sendable {
    private struct Ring {
        var lines: [String] = []
        var head = 0          // index of the oldest line once the ring is full
        var bytes = 0
        var partial: [UInt8] = []
        var dropped = 0
    }

    private let state = PodLocked(Ring())
    let byteLimit: Int
    let lineLimit: Int

    init(byteLimit: Int, lineLimit: Int) {
        self.byteLimit = max(1024, byteLimit)
        self.lineLimit = max(1, lineLimit)
    }

    /// Appends raw output; complete lines enter the ring, a trailing partial line waits for its
    /// newline (or is cut at 64 KiB so one endless line cannot grow without bound).
    func append<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        state.withLock { r in
            for b in bytes {
                if b == UInt8(ascii: "\n") {
                    push(String(decoding: r.partial, as: UTF8.self), into: &r)
                    r.partial.removeAll(keepingCapacity: true)
                } else {
                    r.partial.append(b)
                    if r.partial.count >= 65_536 {
                        push(String(decoding: r.partial, as: UTF8.self), into: &r)
                        r.partial.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
    }

    /// Appends one line written by a built-in workload (its own "stdout").
    func line(_ text: String) {
        state.withLock { push(text, into: &$0) }
    }

    private func push(_ line: String, into r: inout Ring) {
        let size = line.utf8.count + 1
        if r.lines.count < lineLimit && r.head == 0 {
            r.lines.append(line)
        } else {
            r.bytes -= r.lines[r.head].utf8.count + 1
            r.lines[r.head] = line
            r.head = (r.head + 1) % r.lines.count
            r.dropped += 1
        }
        r.bytes += size
        // Over the byte budget: drop the oldest lines (compacting the ring first).
        if r.bytes > byteLimit {
            r.lines = Array(r.lines[r.head...] + r.lines[..<r.head])
            r.head = 0
            var drop = 0
            while r.bytes > byteLimit, drop < r.lines.count - 1 {
                r.bytes -= r.lines[drop].utf8.count + 1
                drop += 1
            }
            r.lines.removeFirst(drop)
            r.dropped += drop
        }
    }

    /// The retained lines, oldest first, each ending in a newline, plus an unterminated tail.
    var text: String {
        state.withLock { r in
            var out = ""
            for l in r.lines[r.head...] { out += l; out += "\n" }
            for l in r.lines[..<r.head] { out += l; out += "\n" }
            out += String(decoding: r.partial, as: UTF8.self)
            return out
        }
    }

    var lineCount: Int { state.withLock { $0.lines.count } }
}
