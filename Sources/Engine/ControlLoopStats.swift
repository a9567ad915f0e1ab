/// What the control thread did, for `/metrics`: how many passes reconciled something, how many
/// work items they reconciled, and how long the passes took (the loop's latency from a store
/// change to its reconciled result, less the wake-up).
public struct ControlLoopStats: Sendable, Hashable {
    public var passes = 0
    public var reconciles = 0
    public var busySeconds = 0.0
    public var lastPassSeconds = 0.0
    public var maxPassSeconds = 0.0

    public init() {}

    mutating func record(reconciles n: Int, seconds: Double) {
        passes += 1
        reconciles += n
        busySeconds += seconds
        lastPassSeconds = seconds
        maxPassSeconds = max(maxPassSeconds, seconds)
    }
}
