/// What the dashboard shows of one pod's workloads: a sample, copied out of the live counters.
public struct PodWorkloadStats: Sendable, Hashable {
    public var podIP: String
    public var containers: [ContainerWorkloadStats]
    /// Present when one of the pod's containers is the load generator.
    public var loadGenerator: LoadGeneratorStats?

    public init(podIP: String, containers: [ContainerWorkloadStats], loadGenerator: LoadGeneratorStats? = nil) {
        self.podIP = podIP
        self.containers = containers
        self.loadGenerator = loadGenerator
    }

    /// Requests (HTTP) or connections (TCP echo) served by all containers of the pod.
    public var requestsServed: Int { containers.reduce(0) { $0 + $1.requestsServed } }
    public var activeConnections: Int { containers.reduce(0) { $0 + $1.activeConnections } }
    /// The most recent error of any container, for a one-line status.
    public var lastError: String? { containers.compactMap(\.lastError).last }
}

/// One container's workload as the runtime sees it.
public struct ContainerWorkloadStats: Sendable, Hashable {
    public var name: String
    /// What runs: "agnhost netexec", "tcp-echo", "loadgen", "process", "pause" or "none".
    public var workload: String
    public var state: ContainerRunState
    public var restartCount: Int
    public var requestsServed: Int
    public var activeConnections: Int
    public var lastError: String?

    public init(name: String, workload: String, state: ContainerRunState, restartCount: Int,
                requestsServed: Int, activeConnections: Int, lastError: String?) {
        self.name = name
        self.workload = workload
        self.state = state
        self.restartCount = restartCount
        self.requestsServed = requestsServed
        self.activeConnections = activeConnections
        self.lastError = lastError
    }
}

/// A container's state in the kubelet's three words (`running`, `waiting`, `terminated`).
public enum ContainerRunState: Sendable, Hashable, CustomStringConvertible {
    case running
    case waiting(reason: String)
    case terminated(exitCode: Int32, reason: String)

    public var description: String {
        switch self {
        case .running: "Running"
        case .waiting(let reason): "Waiting (\(reason))"
        case .terminated(let code, let reason): "Terminated (\(reason), exit code \(code))"
        }
    }
}

/// The load generator's counters since it started.
public struct LoadGeneratorStats: Sendable, Hashable {
    public var target: String
    public var rate: Double
    public var concurrency: Int
    /// Requests started.
    public var sent: Int = 0
    /// Responses by status class: index 1 = 1xx … 5 = 5xx (index 0 unused).
    public var responsesByClass: [Int] = Array(repeating: 0, count: 6)
    /// Requests that ended without a response: refused, reset, timed out, unresolvable name.
    public var errors: Int = 0
    /// Ticks whose request was dropped because every connection was busy: the generator never
    /// queues, so a slow target sees at most `concurrency` requests in flight.
    public var skipped: Int = 0
    public var latencyP50Milliseconds: Double = 0
    public var latencyP99Milliseconds: Double = 0
    public var lastError: String?

    public init(target: String, rate: Double, concurrency: Int) {
        self.target = target
        self.rate = rate
        self.concurrency = concurrency
    }

    /// 2xx responses: what "ok" means for a load generator.
    public var ok: Int { responsesByClass[2] }
    public var completed: Int { responsesByClass.reduce(0, +) }
}
