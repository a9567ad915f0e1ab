@testable import Recording
import Telemetry
import Testing

@Suite struct JSONDeltaTests {
    func tree(_ s: String) throws -> JSONTree { try JSONTree.parse(Array(s.utf8)) }

    @Test func patchesRebuildTheNewTree() throws {
        let pairs = [
            (#"{"a":1,"b":[1,2,3],"c":"x"}"#, #"{"a":2,"b":[1,2,3],"d":null}"#),
            (#"{"ring":[1,2,3,4]}"#, #"{"ring":[3,4,5,6]}"#),
            (#"{"ring":[1,2]}"#, #"{"ring":[1,2,3]}"#),
            (#"[{"a":1,"b":2},{"a":3,"b":4}]"#, #"[{"a":3,"b":4},{"a":5,"b":6},{"a":7,"b":null}]"#),
            (#"[{"a":1},{"a":3}]"#, #"[{"a":3},{"a":5},{"b":7}]"#),
            (#"[{"x":1},{"x":2},{"x":3}]"#, #"[{"x":1},{"x":5},{"x":3}]"#),
            (#"[1,2,3]"#, #"[9,8]"#),
            (#"{"s":"a\"b\\c\n\u00e9"}"#, #"{"s":"é ✓"}"#),
            (#"{"n":1.5e-7}"#, #"{"n":-0.000001}"#),
        ]
        for (a, b) in pairs {
            let old = try tree(a), new = try tree(b)
            let patch = try #require(JSONDelta.diff(old, new))
            #expect(try JSONDelta.apply(patch, to: old) == new, "\(a) → \(b)")
            #expect(try JSONTree.parse(new.serialized()) == new)
        }
        #expect(JSONDelta.diff(try tree("[1]"), try tree("[1]")) == nil)
    }

    @Test func aTurningRingIsSentAsItsNewElementsOnly() throws {
        let old = try tree("[1,2,3,4,5,6,7,8]"), new = try tree("[3,4,5,6,7,8,9,10]")
        let patch = try #require(JSONDelta.diff(old, new))
        #expect(String(decoding: patch.serialized(), as: UTF8.self) == #"{"a":[9,10],"k":2,"n":6}"#)
        let flows = try tree(#"[{"c":"x","n":1},{"c":"y","n":2},{"c":"z","n":3}]"#)
        let turned = try tree(#"[{"c":"y","n":2},{"c":"z","n":3},{"c":"w","n":4},{"c":"v","n":5}]"#)
        let columns = try #require(JSONDelta.diff(flows, turned))
        #expect(String(decoding: columns.serialized(), as: UTF8.self) == #"{"a":{"c":["c","n"],"r":[["w",4],["v",5]]},"k":1,"n":2}"#)
        #expect(try JSONDelta.apply(columns, to: flows) == turned)
    }

    @Test func snapshotsSurviveTheTreeBitForBit() throws {
        var gen = SyntheticSession(services: 3)
        var s = gen.next()
        s.proxy?.time = 1_800_000_000.123456789
        #expect(try JSONTree.encode(s).decode(Snapshot.self) == s)
    }
}

@Suite struct SnapshotTreeCacheTests {
    /// Re-used subtrees give exactly the tree a full encode gives, and the patch rebuilds it.
    @Test func cachedTreesEqualFullEncodesAndPatchesApply() throws {
        var gen = SyntheticSession(services: 20, busyServices: 5, flowsPerSecond: 7, flowRing: 30)
        var cache = SnapshotTreeCache()
        var previous: JSONTree?
        for i in 0..<400 {
            var s = gen.next()
            if i == 200 { s.ingress = IngressSnapshot(address: "127.0.0.9", httpPort: 80, httpsPort: nil, ingresses: [], routes: [],
                                                       unmatched: 0, recentFlows: [], tlsProblems: [], resourceVersion: 1) }
            let (tree, patch, first) = try cache.next(s)
            #expect(tree == (try JSONTree.encode(s)), "sample \(i)")
            #expect(first == (i == 0))
            if let previous {
                #expect(try JSONDelta.apply(patch ?? .object([:]), to: previous) == tree, "sample \(i)")
            }
            previous = tree
        }
    }
}
