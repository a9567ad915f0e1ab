import Foundation
import Logging

/// `switchboard up --headless` as a service logs through swift-log to stderr, as text (swift-log's
/// own stream format) or as one JSON object per line for log collectors (`--log-format json`).
enum HeadlessLogging {
    /// `format` nil: records are dropped (the dashboard and `--once` own the terminal).
    static func bootstrap(format: String?) {
        guard let format else {
            LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
            return
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "json" ? JSONLogHandler(label: label) as any LogHandler
                : StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
    }
}

/// One line per record: `{"time":…,"level":…,"logger":…,"message":…, metadata…}`, keys sorted.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: Any] = [:]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (k, v) in merged { fields[k] = Self.plain(v) }
        fields["time"] = Self.timestamp()
        fields["level"] = event.level.rawValue
        fields["logger"] = label
        fields["message"] = "\(event.message)"
        guard var data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return }
        data.append(10)
        FileHandle.standardError.write(data)
    }

    private static func plain(_ v: Logger.MetadataValue) -> Any {
        switch v {
        case .string(let s): s
        case .stringConvertible(let c): "\(c)"
        case .array(let a): a.map(plain)
        case .dictionary(let d): d.mapValues(plain)
        }
    }

    private static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: Date())
    }
}
