import ClusterModel
import ControlPlane
import Foundation
import Glibc

/// Where `up` keeps the edited cluster between runs: one file, replaced atomically after every
/// applied action (written to a temporary file, fsynced, renamed over the old one, the directory
/// fsynced), so a restart — or `kill -9` once an action has returned — finds every edit, and a
/// crash mid-write leaves the previous state, never half a file.
public struct StateDirectory: Sendable {
    public let url: URL
    public static let fileName = "cluster.json"
    public static let formatVersion = 1

    public init(url: URL) { self.url = url }

    public var file: URL { url.appendingPathComponent(Self.fileName) }

    /// `$XDG_STATE_HOME/switchboard/<name>` (or `~/.local/state/switchboard/<name>`), the name
    /// derived from the manifest paths: the last path component plus a hash of the absolute
    /// paths (and of `plan`, the address plan, when given: the saved cluster IPs belong to it),
    /// so the same manifests find their state again and different ones never share it.
    public static func defaultURL(for paths: [String], plan: String = "",
                                  environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home).appendingPathComponent(".local/state")
        }
        return base.appendingPathComponent("switchboard").appendingPathComponent(name(for: paths, plan: plan))
    }

    static func name(for paths: [String], plan: String = "") -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = paths.map { p in
            URL(fileURLWithPath: p.hasPrefix("/") ? p : cwd + "/" + p).standardizedFileURL.path
        }.sorted()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: stable across runs, unlike Hasher
        for byte in (absolute.joined(separator: "\n") + (plan.isEmpty ? "" : "\n" + plan)).utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let stem = absolute.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "cluster"
        let safe = String(stem.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(40))
        return "\(safe.isEmpty ? "cluster" : safe)-\(String(hash, radix: 16))"
    }

    /// What the file holds: the objects (as a `kind: List`) and the nodes' cordon/failure state.
    public struct Saved: Sendable {
        public var objects: [APIObject]
        public var nodes: [SavedNode]
        public var savedAt: String
        public var sources: [String]
        /// The address plan the cluster IPs were allocated from (nil in files without it).
        public var addressPlan: String?
    }

    public struct SavedNode: Codable, Sendable, Hashable {
        public var name: String
        public var unschedulable: Bool
        public var ready: Bool
    }

    private struct Envelope: Codable {
        var version: Int
        var savedAt: String
        var sources: [String]
        var nodes: [SavedNode]
        var addressPlan: String?
    }

    /// The current cluster, ready to save.
    public static func capture(_ store: ObjectStore, sources: [String], addressPlan: String? = nil) -> Saved {
        let nodes = store.list(Node.self).map {
            SavedNode(name: $0.name, unschedulable: $0.spec?.unschedulable ?? false, ready: $0.isReady)
        }.sorted { $0.name < $1.name }
        return Saved(objects: ClusterExport.objects(in: store, keepAllocations: true), nodes: nodes,
                     savedAt: Timestamp.rfc3339(Date().timeIntervalSince1970), sources: sources,
                     addressPlan: addressPlan)
    }

    /// Writes the state atomically and durably. The file is a `kind: List` whose extra top-level
    /// field `switchboardState` carries the rest, so it is also a manifest `check` can read.
    public func save(_ saved: Saved) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        struct File: Encodable {
            var apiVersion = "v1"
            var kind = "List"
            var items: [AnyKubeObject]
            var switchboardState: Envelope
        }
        let envelope = Envelope(version: Self.formatVersion, savedAt: saved.savedAt, sources: saved.sources,
                                nodes: saved.nodes, addressPlan: saved.addressPlan)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = try encoder.encode(File(items: saved.objects.map { AnyKubeObject(base: $0.base) },
                                           switchboardState: envelope))
        try Self.writeAtomically(data, to: file)
    }

    /// nil when there is no saved state; throws when there is one that cannot be read. Decoded
    /// with the objects' own Codable (what `save` wrote), linear in the file's size; the Registry
    /// validates each object again when it is applied.
    public func load() throws -> Saved? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        struct File: Decodable {
            var items: [SavedItem]
            var switchboardState: Envelope?
        }
        let decoded: File
        do { decoded = try JSONDecoder().decode(File.self, from: Data(contentsOf: file)) } catch {
            throw StateError("\(file.path) is not a Switchboard state file: \(error)")
        }
        guard let envelope = decoded.switchboardState else {
            throw StateError("\(file.path) is not a Switchboard state file (no switchboardState)")
        }
        guard envelope.version == Self.formatVersion else {
            throw StateError("\(file.path) has format version \(envelope.version), this build reads \(Self.formatVersion)")
        }
        return Saved(objects: decoded.items.map(\.object), nodes: envelope.nodes, savedAt: envelope.savedAt,
                     sources: envelope.sources, addressPlan: envelope.addressPlan)
    }

    /// The saved objects for a cluster on `plan`: when the file was saved on another address
    /// plan its cluster IPs and health-check ports would be refused, so they are left to allocate.
    public func objects(_ saved: Saved, forPlan plan: String) -> (objects: [APIObject], reallocated: Bool) {
        guard let old = saved.addressPlan, old != plan else { return (saved.objects, false) }
        let objects = saved.objects.map { o -> APIObject in
            guard case .service(var s) = o, s.spec.clusterIP != "None" else { return o }
            s.spec.clusterIP = nil
            s.spec.clusterIPs = nil
            s.spec.healthCheckNodePort = nil
            return .service(s)
        }
        return (objects, true)
    }

    /// temp file in the same directory → write → fsync → rename → fsync the directory.
    public static func writeAtomically(_ data: Data, to target: URL) throws {
        let dir = target.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StateError("cannot create \(temp.path): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            if !ok { unlink(temp.path) }
        }
        let written = data.withUnsafeBytes { buf -> Bool in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        guard written, fsync(fd) == 0 else {
            let e = String(cString: strerror(errno))
            close(fd)
            throw StateError("cannot write \(temp.path): \(e)")
        }
        close(fd)
        guard rename(temp.path, target.path) == 0 else {
            throw StateError("cannot rename to \(target.path): \(String(cString: strerror(errno)))")
        }
        ok = true
        let dfd = open(dir.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }
}

/// One item of the saved List, decoded as the Swift type its `kind` names.
private struct SavedItem: Decodable {
    let object: APIObject

    private enum Keys: String, CodingKey { case kind }

    init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .kind)
        guard let resource = ResourceKind.allCases.first(where: { $0.kind == kind }) else {
            throw StateError("unknown kind \(kind) in the saved cluster")
        }
        object = APIObject(try APIObject.swiftType(for: resource).init(from: decoder))
    }
}

public struct StateError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
