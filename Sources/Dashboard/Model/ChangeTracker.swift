/// Remembers when each row last appeared or changed, so the panes can highlight it for a few
/// seconds (k9s' add/modify colours, htop's `-H`). Keyed by a row key; values are content hashes,
/// so a row that flips back and forth still registers each flip.
public struct ChangeTracker: Sendable, Hashable {
    public enum Change: Sendable, Hashable { case added, changed, deleted }

    struct Mark: Sendable, Hashable {
        var hash: Int
        var change: Change?
        var since: Double
    }

    var marks: [String: Mark] = [:]
    var primed = false
    /// Keys marked deleted and not yet forgotten, so expiring costs nothing when nothing was deleted.
    var deletedKeys: Set<String> = []

    public init() {}

    /// Records the rows of one sample. The first sample primes the tracker without marks: on
    /// start nothing is "new".
    public mutating func observe(_ rows: [(key: String, hash: Int)], at time: Double) -> [String] {
        var seen = Set<String>()
        seen.reserveCapacity(rows.count)
        for (key, hash) in rows {
            seen.insert(key)
            if var mark = marks[key] {
                if mark.hash != hash || mark.change == .deleted {
                    if mark.change == .deleted { deletedKeys.remove(key) }
                    mark.hash = hash
                    mark.change = mark.change == .deleted ? .added : .changed
                    mark.since = time
                    marks[key] = mark
                }
            } else {
                marks[key] = Mark(hash: hash, change: primed ? .added : nil, since: time)
            }
        }
        var deleted: [String] = []
        if marks.count > seen.count {
            for (key, mark) in marks where !seen.contains(key) && mark.change != .deleted {
                marks[key] = Mark(hash: mark.hash, change: .deleted, since: time)
                deletedKeys.insert(key)
                deleted.append(key)
            }
        }
        primed = true
        return deleted
    }

    /// The highlight of `key` at `time`, nil once `window` seconds have passed.
    public func change(of key: String, at time: Double, window: Double) -> Change? {
        guard let mark = marks[key], let change = mark.change, time - mark.since < window else { return nil }
        return change
    }

    /// Forgets deleted rows whose highlight is over.
    public mutating func expire(at time: Double, window: Double) {
        for key in deletedKeys {
            guard let mark = marks[key], mark.change == .deleted else { deletedKeys.remove(key); continue }
            if time - mark.since >= window {
                marks[key] = nil
                deletedKeys.remove(key)
            }
        }
    }
}
