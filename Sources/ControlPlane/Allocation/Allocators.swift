/// Why an address or port could not be allocated, in the API server's words.
public struct AllocationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A seeded generator, so "random" allocation is reproducible in tests and benchmarks.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Kubernetes' `calculateRangeOffset`: the size of the band kept for user-chosen values; none
/// for ranges smaller than 16.
func rangeOffset(_ size: Int, step: Int, max upper: Int) -> Int {
    guard size >= 16 else { return 0 }
    return min(max(16, size / step), upper)
}

/// A range of integers split, as Kubernetes' allocators do, into a lower band kept for values
/// users ask for and an upper band that dynamic allocation tries first.
struct BandedAllocator: Sendable {
    let first: Int
    let last: Int
    let offset: Int
    private(set) var used: Set<Int> = []
    var rng: SplitMix64

    init(first: Int, last: Int, offset: Int, seed: UInt64) {
        self.first = first
        self.last = last
        self.offset = offset
        rng = SplitMix64(seed: seed)
    }

    var count: Int { last - first + 1 }
    func contains(_ v: Int) -> Bool { v >= first && v <= last }
    func isUsed(_ v: Int) -> Bool { used.contains(v) }
    mutating func reserve(_ v: Int) { used.insert(v) }
    mutating func release(_ v: Int) { used.remove(v) }

    /// Random in the upper band, then the lower band; probing linearly from a random start keeps
    /// it O(1) expected while the range is not nearly full.
    mutating func allocateNext() -> Int? {
        let split = min(first + offset, last + 1)
        for band in [split..<(last + 1), first..<split] where !band.isEmpty {
            let n = band.count
            let start = Int(rng.next() % UInt64(n))
            for i in 0..<n {
                let v = band.lowerBound + (start + i) % n
                if !used.contains(v) {
                    used.insert(v)
                    return v
                }
            }
        }
        return nil
    }
}

/// Cluster IPs from the service CIDR (default 127.96.0.0/12). The network and broadcast
/// addresses are never handed out.
public struct ClusterIPAllocator: Sendable {
    public let cidr: CIDR
    var band: BandedAllocator

    public init(cidr: CIDR, seed: UInt64 = 1) {
        self.cidr = cidr
        let size = Int(min(cidr.size, UInt64(Int32.max)))
        band = BandedAllocator(first: 1, last: size - 2, offset: max(0, rangeOffset(size, step: 16, max: 256) - 1), seed: seed)
    }

    public mutating func allocate(_ requested: String?) throws(AllocationError) -> String {
        if let requested, !requested.isEmpty {
            guard let ip = IPv4(requested), cidr.contains(ip) else {
                throw AllocationError(message: "failed to allocate IP \(requested): provided IP is not in the valid range. The range of valid IPs is \(cidr)")
            }
            let off = Int(ip.value - cidr.base.value)
            guard band.contains(off) else {
                throw AllocationError(message: "failed to allocate IP \(requested): provided IP is not in the valid range. The range of valid IPs is \(cidr)")
            }
            guard !band.isUsed(off) else {
                throw AllocationError(message: "failed to allocate IP \(requested): provided IP is already allocated")
            }
            band.reserve(off)
            return requested
        }
        guard let off = band.allocateNext() else {
            throw AllocationError(message: "failed to allocate a serviceIP: range is full")
        }
        return cidr.address(at: UInt32(off)).description
    }

    public mutating func release(_ ip: String) {
        guard let a = IPv4(ip), cidr.contains(a) else { return }
        band.release(Int(a.value - cidr.base.value))
    }

    public func isAllocated(_ ip: String) -> Bool {
        guard let a = IPv4(ip), cidr.contains(a) else { return false }
        return band.isUsed(Int(a.value - cidr.base.value))
    }
}

/// NodePorts (default 30000-32767): static band 30000-30085 for users, dynamic picks above it first.
public struct NodePortAllocator: Sendable {
    public let range: ClosedRange<Int>
    var band: BandedAllocator

    public init(range: ClosedRange<Int> = 30000...32767, seed: UInt64 = 2) {
        self.range = range
        band = BandedAllocator(first: range.lowerBound, last: range.upperBound,
                               offset: rangeOffset(range.count, step: 32, max: 128), seed: seed)
    }

    public var staticBand: Range<Int> { range.lowerBound..<(range.lowerBound + band.offset) }

    public mutating func allocate(_ requested: Int?) throws(AllocationError) -> Int {
        if let p = requested, p != 0 {
            guard range.contains(p) else {
                throw AllocationError(message: "provided port is not in the valid range. The range of valid ports is \(range.lowerBound)-\(range.upperBound)")
            }
            guard !band.isUsed(p) else { throw AllocationError(message: "provided port is already allocated") }
            band.reserve(p)
            return p
        }
        guard let p = band.allocateNext() else { throw AllocationError(message: "range is full") }
        return p
    }

    public mutating func release(_ port: Int) { band.release(port) }
    public func isAllocated(_ port: Int) -> Bool { band.isUsed(port) }
}

/// Addresses from a block handed out in order and never reused before the block wraps, so a
/// replaced pod visibly gets a new IP. Used for pod IPs per node and for the LoadBalancer pool.
public struct SequentialIPAllocator: Sendable {
    public let cidr: CIDR
    let firstOffset: UInt32
    private var next: UInt32
    private var used: Set<UInt32> = []

    /// `firstOffset` skips the network address and, for pod blocks, the gateway (.1) as CNI plugins do.
    public init(cidr: CIDR, firstOffset: UInt32 = 1) {
        self.cidr = cidr
        self.firstOffset = firstOffset
        next = firstOffset
    }

    var lastOffset: UInt32 { UInt32(cidr.size - 2) }

    public mutating func allocate() -> String? {
        guard lastOffset >= firstOffset else { return nil }
        let n = lastOffset - firstOffset + 1
        for _ in 0..<n {
            let off = next
            next = next >= lastOffset ? firstOffset : next + 1
            if !used.contains(off) {
                used.insert(off)
                return cidr.address(at: off).description
            }
        }
        return nil
    }

    /// Marks an address as taken (a manifest that asks for it, or state restored from disk).
    @discardableResult
    public mutating func reserve(_ ip: String) -> Bool {
        guard let a = IPv4(ip), cidr.contains(a) else { return false }
        return used.insert(a.value - cidr.base.value).inserted
    }

    public mutating func release(_ ip: String) {
        guard let a = IPv4(ip), cidr.contains(a) else { return }
        used.remove(a.value - cidr.base.value)
    }

    public var allocatedCount: Int { used.count }
}
