import Foundation

/// Loads the Kubernetes conformance vectors: from `$SWITCHBOARD_SHARED/vectors` when set, else
/// from the project's shared folder beside the repository (`../shared/vectors`, the newest set),
/// else from the copy kept in Tests/Fixtures/vectors so a fresh clone alone passes. A missing
/// file is a hard failure, never a skip: the vectors are what the model is checked against.
public enum Vectors {
    public static var directory: URL {
        if let shared = ProcessInfo.processInfo.environment["SWITCHBOARD_SHARED"] {
            return URL(fileURLWithPath: shared).appendingPathComponent("vectors")
        }
        let beside = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/vectors")
        if FileManager.default.fileExists(atPath: beside.appendingPathComponent("selectors.json").path) { return beside }
        return Repository.root.appendingPathComponent("Tests/Fixtures/vectors")
    }

    /// The raw bytes of one vectors file, e.g. `data("selectors.json")`.
    public static func data(_ file: String) -> Data {
        let url = directory.appendingPathComponent(file)
        guard let d = try? Data(contentsOf: url) else {
            fatalError("conformance vectors not found at \(url.path); set SWITCHBOARD_SHARED to the shared/ folder")
        }
        return d
    }

    /// Decodes `T` from the value at `keyPath` (dot-separated keys) of a vectors file.
    public static func decode<T: Decodable>(_ type: T.Type, _ file: String, at keyPath: String) -> T {
        var any: Any = try! JSONSerialization.jsonObject(with: data(file), options: [.fragmentsAllowed])
        for key in keyPath.split(separator: ".") {
            guard let dict = any as? [String: Any], let next = dict[String(key)] else {
                fatalError("\(file) has no \(keyPath)")
            }
            any = next
        }
        let sub = try! JSONSerialization.data(withJSONObject: any, options: [.fragmentsAllowed])
        do {
            return try JSONDecoder().decode(T.self, from: sub)
        } catch {
            fatalError("\(file) \(keyPath) does not decode as \(T.self): \(error)")
        }
    }
}

/// The repository root, for tests that run the built binary or read demo-data/.
public enum Repository {
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }
}
