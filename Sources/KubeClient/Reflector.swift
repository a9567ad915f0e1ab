import ClusterModel
import Foundation

/// The list-then-watch cycle of client-go's Reflector as a value-type state machine: it says
/// what to do next and never does it, so reconnect, resume and relist are tested without
/// sockets. A watch that ends resumes from the last resourceVersion seen (BOOKMARKs included);
/// 410 Gone relists; failures back off exponentially up to `maxBackoff`.
public struct ReflectorState: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case list
        case watch(from: String)
        /// Sleep, then do `then`.
        indirect case wait(seconds: Double, then: Action)
    }

    /// The resourceVersion to resume from; nil until the first list (and after a 410).
    public private(set) var resourceVersion: String?
    /// Consecutive failures, for the backoff.
    public private(set) var failures = 0
    public private(set) var lastError: KubeClientError?
    public private(set) var listed = false
    public var initialBackoff: Double
    public var maxBackoff: Double

    public init(initialBackoff: Double = 0.2, maxBackoff: Double = 5) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    public func start() -> Action { .list }

    public mutating func listSucceeded(resourceVersion rv: String) -> Action {
        resourceVersion = rv
        failures = 0
        lastError = nil
        listed = true
        return .watch(from: rv)
    }

    public mutating func listFailed(_ error: KubeClientError) -> Action {
        lastError = error
        failures += 1
        return .wait(seconds: backoff, then: .list)
    }

    /// A watch event arrived: remember where to resume.
    public mutating func observed(resourceVersion rv: String?) {
        if let rv, !rv.isEmpty { resourceVersion = rv }
        failures = 0
        lastError = nil
    }

    /// The watch stream ended: normally (the server's timeout, a restart) or with an error.
    /// - Parameter sawEvents: a stream that ends at once without a single event backs off, so a
    ///   server that closes every watch immediately is not hammered.
    public mutating func watchEnded(_ error: KubeClientError?, sawEvents: Bool) -> Action {
        if let error, error.isExpired {
            // Our resourceVersion fell out of the server's window: start over from a list.
            resourceVersion = nil
            lastError = nil
            return .list
        }
        guard let rv = resourceVersion else { return .list }
        if let error {
            lastError = error
            failures += 1
            return .wait(seconds: backoff, then: .watch(from: rv))
        }
        if !sawEvents {
            failures += 1
            return .wait(seconds: backoff, then: .watch(from: rv))
        }
        return .watch(from: rv)
    }

    var backoff: Double { min(maxBackoff, initialBackoff * pow(2, Double(max(0, failures - 1)))) }
}

/// Where one kind's reflector stands, for the dashboard header and `waitForSync`.
public struct ReflectorStatus: Sendable, Hashable {
    public var kind: ResourceKind
    public var synced: Bool
    public var resourceVersion: String?
    public var lastError: KubeClientError?
}

/// Runs a `ReflectorState` against a client for one kind, feeding what it learns to `sink`.
struct Reflector<T: KubeObject>: Sendable {
    enum Update: Sendable {
        case replaced([T], resourceVersion: String)
        case event(WatchEvent<T>)
        case status(ReflectorStatus)
    }

    let client: KubeClient
    let namespace: String?
    var backoff: (initial: Double, max: Double) = (0.2, 5)

    func run(_ sink: @Sendable (Update) -> Void) async {
        var state = ReflectorState(initialBackoff: backoff.initial, maxBackoff: backoff.max)
        var action = state.start()
        func report() {
            sink(.status(ReflectorStatus(kind: T.resource, synced: state.listed, resourceVersion: state.resourceVersion,
                                         lastError: state.lastError)))
        }
        while !Task.isCancelled {
            switch action {
            case .wait(let seconds, let then):
                try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                action = then
            case .list:
                do throws(KubeClientError) {
                    let list = try await client.list(T.self, namespace: namespace)
                    sink(.replaced(list.items, resourceVersion: list.resourceVersion))
                    action = state.listSucceeded(resourceVersion: list.resourceVersion)
                } catch {
                    action = state.listFailed(error)
                }
                report()
            case .watch(let rv):
                var sawEvents = false
                var failure: KubeClientError?
                do {
                    for try await event in client.watch(T.self, namespace: namespace, resourceVersion: rv) {
                        if !sawEvents {
                            sawEvents = true
                            if state.lastError != nil { state.observed(resourceVersion: nil); report() }
                        }
                        state.observed(resourceVersion: event.resourceVersion)
                        sink(.event(event))
                    }
                } catch let e as KubeClientError {
                    failure = e
                } catch {
                    failure = .connectionLost(server: client.serverName, "\(error)")
                }
                if Task.isCancelled { return }
                action = state.watchEnded(failure, sawEvents: sawEvents)
                if failure != nil { report() }
            }
        }
    }
}
