import ClusterModel
import Foundation
import Testing
@testable import KubeAPI

/// The patch formats on trees, without a server.
@Suite("Patches")
struct PatchTests {
    static func json(_ s: String) -> JSONValue { try! JSONText.parse(Array(s.utf8)) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var target: String
        var patch: String
        var result: String
        var testDescription: String { name }
    }

    /// RFC 7386 appendix A, every example.
    static let mergeCases: [Case] = [
        .init(name: "replace", target: #"{"a":"b"}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        .init(name: "add", target: #"{"a":"b"}"#, patch: #"{"b":"c"}"#, result: #"{"a":"b","b":"c"}"#),
        .init(name: "remove", target: #"{"a":"b"}"#, patch: #"{"a":null}"#, result: #"{}"#),
        .init(name: "remove one of two", target: #"{"a":"b","b":"c"}"#, patch: #"{"a":null}"#, result: #"{"b":"c"}"#),
        .init(name: "array replaces", target: #"{"a":["b"]}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        .init(name: "value to array", target: #"{"a":"c"}"#, patch: #"{"a":["b"]}"#, result: #"{"a":["b"]}"#),
        .init(name: "nested", target: #"{"a":{"b":"c"}}"#, patch: #"{"a":{"b":"d","c":null}}"#, result: #"{"a":{"b":"d"}}"#),
        .init(name: "array of objects replaced", target: #"{"a":[{"b":"c"}]}"#, patch: #"{"a":[1]}"#, result: #"{"a":[1]}"#),
        .init(name: "arrays", target: #"["a","b"]"#, patch: #"["c","d"]"#, result: #"["c","d"]"#),
        .init(name: "object to array", target: #"{"a":"b"}"#, patch: #"["c"]"#, result: #"["c"]"#),
        .init(name: "to null", target: #"{"a":"foo"}"#, patch: "null", result: "null"),
        .init(name: "to string", target: #"{"a":"foo"}"#, patch: #""bar""#, result: #""bar""#),
        .init(name: "null inside kept away", target: #"{"e":null}"#, patch: #"{"a":1}"#, result: #"{"a":1,"e":null}"#),
        .init(name: "array to object", target: #"[1,2]"#, patch: #"{"a":"b","c":null}"#, result: #"{"a":"b"}"#),
        .init(name: "deep null", target: #"{}"#, patch: #"{"a":{"bb":{"ccc":null}}}"#, result: #"{"a":{"bb":{}}}"#),
    ]

    @Test(arguments: mergeCases)
    func mergePatch(_ c: Case) {
        #expect(MergePatch.apply(Self.json(c.patch), to: Self.json(c.target)) == Self.json(c.result))
    }

    static let jsonPatchCases: [Case] = [
        .init(name: "add member", target: #"{"foo":"bar"}"#, patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#,
              result: #"{"baz":"qux","foo":"bar"}"#),
        .init(name: "add array element", target: #"{"foo":["bar","baz"]}"#, patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#,
              result: #"{"foo":["bar","qux","baz"]}"#),
        .init(name: "remove element", target: #"{"foo":["bar","qux","baz"]}"#, patch: #"[{"op":"remove","path":"/foo/1"}]"#,
              result: #"{"foo":["bar","baz"]}"#),
        .init(name: "replace", target: #"{"baz":"qux","foo":"bar"}"#, patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#,
              result: #"{"baz":"boo","foo":"bar"}"#),
        .init(name: "move", target: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
              patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
              result: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        .init(name: "copy and test", target: #"{"a":{"b":1}}"#, patch: #"[{"op":"copy","from":"/a","path":"/c"},{"op":"test","path":"/c/b","value":1}]"#,
              result: #"{"a":{"b":1},"c":{"b":1}}"#),
        .init(name: "escaped pointer", target: #"{"metadata":{"labels":{"app.kubernetes.io/name":"x","a~b":"y"}}}"#,
              patch: #"[{"op":"remove","path":"/metadata/labels/app.kubernetes.io~1name"},{"op":"remove","path":"/metadata/labels/a~0b"}]"#,
              result: #"{"metadata":{"labels":{}}}"#),
        .init(name: "append with -", target: #"{"a":[1]}"#, patch: #"[{"op":"add","path":"/a/-","value":2}]"#, result: #"{"a":[1,2]}"#),
    ]

    @Test(arguments: jsonPatchCases)
    func jsonPatch(_ c: Case) throws {
        #expect(try JSONPatch.apply(Self.json(c.patch), to: Self.json(c.target)) == Self.json(c.result))
    }

    @Test func jsonPatchFailures() {
        #expect(throws: JSONPatch.Failure.self) { try JSONPatch.apply(Self.json(#"[{"op":"test","path":"/a","value":2}]"#), to: Self.json(#"{"a":1}"#)) }
        #expect(throws: JSONPatch.Failure.self) { try JSONPatch.apply(Self.json(#"[{"op":"bogus","path":"/a"}]"#), to: Self.json("{}")) }
        #expect(throws: JSONPatch.Failure.self) { try JSONPatch.apply(Self.json(#"{"op":"add"}"#), to: Self.json("{}")) }
    }

    struct StrategicCase: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: ResourceKind
        var target: String
        var patch: String
        var result: String
        var testDescription: String { name }
    }

    static let strategicCases: [StrategicCase] = [
        // What kubectl apply sent in the measured transcript (2.6 of the reference).
        .init(name: "service ports merge by port, in $setElementOrder order", kind: .services,
              target: #"{"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}],"type":"ClusterIP"}}"#,
              patch: #"{"spec":{"$setElementOrder/ports":[{"port":80},{"port":9090}],"ports":[{"port":80,"targetPort":8081},{"name":"metrics","port":9090}]}}"#,
              result: #"{"spec":{"ports":[{"name":"http","port":80,"targetPort":8081},{"name":"metrics","port":9090}],"type":"ClusterIP"}}"#),
        .init(name: "$patch delete removes a keyed element", kind: .services,
              target: #"{"spec":{"ports":[{"port":80},{"port":9090}]}}"#,
              patch: #"{"spec":{"ports":[{"$patch":"delete","port":80}]}}"#,
              result: #"{"spec":{"ports":[{"port":9090}]}}"#),
        .init(name: "containers by name, env by name", kind: .pods,
              target: #"{"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"}]},{"name":"b","image":"y"}]}}"#,
              patch: #"{"spec":{"containers":[{"name":"a","env":[{"name":"B","value":"2"}]}]}}"#,
              result: #"{"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"b","image":"y"}]}}"#),
        .init(name: "deployment template containers merge too", kind: .deployments,
              target: #"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80}]}]}}}}"#,
              patch: #"{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":81}]}]}}}}"#,
              result: #"{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80},{"containerPort":81}]}]}}}}"#),
        .init(name: "lists without a merge key are replaced", kind: .endpoints,
              target: #"{"subsets":[{"addresses":[{"ip":"1.1.1.1"}]}]}"#,
              patch: #"{"subsets":[{"addresses":[{"ip":"2.2.2.2"}]}]}"#,
              result: #"{"subsets":[{"addresses":[{"ip":"2.2.2.2"}]}]}"#),
        .init(name: "null deletes, maps merge", kind: .services,
              target: #"{"metadata":{"labels":{"a":"1","b":"2"}}}"#,
              patch: #"{"metadata":{"labels":{"a":null,"c":"3"}}}"#,
              result: #"{"metadata":{"labels":{"b":"2","c":"3"}}}"#),
        .init(name: "$patch replace on a map", kind: .services,
              target: #"{"spec":{"selector":{"a":"1","b":"2"}}}"#,
              patch: #"{"spec":{"selector":{"$patch":"replace","c":"3"}}}"#,
              result: #"{"spec":{"selector":{"c":"3"}}}"#),
        .init(name: "finalizers merge as a set, $deleteFromPrimitiveList removes", kind: .services,
              target: #"{"metadata":{"finalizers":["a","b"]}}"#,
              patch: #"{"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]}}"#,
              result: #"{"metadata":{"finalizers":["b","c"]}}"#),
        .init(name: "$retainKeys drops unlisted keys", kind: .deployments,
              target: #"{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}"#,
              patch: #"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
              result: #"{"spec":{"strategy":{"type":"Recreate"}}}"#),
    ]

    @Test(arguments: strategicCases)
    func strategicMergePatch(_ c: StrategicCase) throws {
        #expect(try StrategicMergePatch.apply(Self.json(c.patch), to: Self.json(c.target), kind: c.kind) == Self.json(c.result))
    }

    @Test func strategicMergeKeyIsRequired() {
        #expect(throws: StrategicMergePatch.Failure.self) {
            try StrategicMergePatch.apply(Self.json(#"{"spec":{"ports":[{"name":"x"}]}}"#), to: Self.json(#"{"spec":{"ports":[]}}"#), kind: .services)
        }
    }

    /// apimachinery `duration.HumanDuration` boundaries.
    static let durations: [(Double, String)] = [
        (0, "0s"), (-1.5, "0s"), (-3, "<invalid>"), (119, "119s"), (120, "2m"), (125, "2m5s"), (600, "10m"),
        (3 * 3600 - 1, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"), (8 * 3600, "8h"), (47 * 3600, "47h"),
        (48 * 3600, "2d"), (49 * 3600, "2d1h"), (8 * 86400, "8d"), (730 * 86400, "2y"), (731 * 86400, "2y1d"),
        (8 * 365 * 86400, "8y"),
    ]

    @Test(arguments: durations)
    func humanDuration(_ seconds: Double, _ expected: String) {
        #expect(HumanDuration.format(seconds: seconds) == expected)
    }
}
