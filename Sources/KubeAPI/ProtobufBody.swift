import ClusterModel
import ControlPlane
import Foundation

/// Request bodies in Kubernetes' protobuf encoding, which kubectl's typed clients send since 1.31
/// (`kubectl create secret|namespace|service|deployment`): the `k8s\0` magic, a `runtime.Unknown`
/// envelope naming apiVersion and kind, and the object in the field numbers of k8s.io/api's
/// `generated.proto`. The object is turned into the JSON tree the rest of the server works on;
/// only the messages of the kinds kubectl creates this way are described, unknown fields are
/// skipped. Responses stay JSON, which those clients also accept.
enum ProtobufBody {
    static let mediaType = "application/vnd.kubernetes.protobuf"

    indirect enum FieldType: Sendable {
        case string, bytes, int, bool, time, intOrString, quantity
        case message(String)
        /// An embedded Go struct whose fields JSON inlines into the parent (`Probe.handler`).
        case inline(String)
        case map(FieldType)
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        var repeated = false
        /// Pointer fields in Go: written only when set, so a zero value is meaningful.
        var keepZero = false
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        /// A kind this decoder has no schema for (415: the client should send JSON), as opposed to
        /// a malformed body (400).
        var unsupported = false
    }

    static func f(_ name: String, _ type: FieldType, repeated: Bool = false, keepZero: Bool = false) -> Field {
        Field(name: name, type: type, repeated: repeated, keepZero: keepZero)
    }

    /// Field numbers from k8s.io/api and k8s.io/apimachinery `generated.proto`.
    static let messages: [String: [Int: Field]] = [
        "ObjectMeta": [1: f("name", .string), 2: f("generateName", .string), 3: f("namespace", .string),
                       5: f("uid", .string), 6: f("resourceVersion", .string), 7: f("generation", .int),
                       8: f("creationTimestamp", .time), 9: f("deletionTimestamp", .time),
                       10: f("deletionGracePeriodSeconds", .int, keepZero: true), 11: f("labels", .map(.string)),
                       12: f("annotations", .map(.string)), 13: f("ownerReferences", .message("OwnerReference"), repeated: true),
                       14: f("finalizers", .string, repeated: true)],
        "OwnerReference": [5: f("apiVersion", .string), 1: f("kind", .string), 3: f("name", .string), 4: f("uid", .string),
                           6: f("controller", .bool, keepZero: true), 7: f("blockOwnerDeletion", .bool, keepZero: true)],
        "LabelSelector": [1: f("matchLabels", .map(.string)), 2: f("matchExpressions", .message("LabelSelectorRequirement"), repeated: true)],
        "LabelSelectorRequirement": [1: f("key", .string), 2: f("operator", .string), 3: f("values", .string, repeated: true)],
        "Secret": [1: f("metadata", .message("ObjectMeta")), 2: f("data", .map(.bytes)), 3: f("type", .string),
                   4: f("stringData", .map(.string)), 5: f("immutable", .bool, keepZero: true)],
        "Namespace": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("NamespaceSpec"))],
        "NamespaceSpec": [1: f("finalizers", .string, repeated: true)],
        "Service": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("ServiceSpec"))],
        "ServiceSpec": [1: f("ports", .message("ServicePort"), repeated: true), 2: f("selector", .map(.string)),
                        3: f("clusterIP", .string), 18: f("clusterIPs", .string, repeated: true), 4: f("type", .string),
                        5: f("externalIPs", .string, repeated: true), 7: f("sessionAffinity", .string),
                        8: f("loadBalancerIP", .string), 9: f("loadBalancerSourceRanges", .string, repeated: true),
                        10: f("externalName", .string), 11: f("externalTrafficPolicy", .string),
                        12: f("healthCheckNodePort", .int), 13: f("publishNotReadyAddresses", .bool),
                        14: f("sessionAffinityConfig", .message("SessionAffinityConfig")),
                        19: f("ipFamilies", .string, repeated: true), 17: f("ipFamilyPolicy", .string, keepZero: true),
                        20: f("allocateLoadBalancerNodePorts", .bool, keepZero: true), 21: f("loadBalancerClass", .string, keepZero: true),
                        22: f("internalTrafficPolicy", .string, keepZero: true), 23: f("trafficDistribution", .string, keepZero: true)],
        "ServicePort": [1: f("name", .string), 2: f("protocol", .string), 6: f("appProtocol", .string, keepZero: true),
                        3: f("port", .int), 4: f("targetPort", .intOrString), 5: f("nodePort", .int)],
        "SessionAffinityConfig": [1: f("clientIP", .message("ClientIPConfig"))],
        "ClientIPConfig": [1: f("timeoutSeconds", .int, keepZero: true)],
        "Deployment": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("DeploymentSpec"))],
        "DeploymentSpec": [1: f("replicas", .int, keepZero: true), 2: f("selector", .message("LabelSelector")),
                           3: f("template", .message("PodTemplateSpec")), 4: f("strategy", .message("DeploymentStrategy")),
                           5: f("minReadySeconds", .int), 6: f("revisionHistoryLimit", .int, keepZero: true),
                           7: f("paused", .bool), 9: f("progressDeadlineSeconds", .int, keepZero: true)],
        "DeploymentStrategy": [1: f("type", .string)],
        "PodTemplateSpec": [1: f("metadata", .message("ObjectMeta")), 2: f("spec", .message("PodSpec"))],
        "PodSpec": [20: f("initContainers", .message("Container"), repeated: true), 2: f("containers", .message("Container"), repeated: true),
                    3: f("restartPolicy", .string), 4: f("terminationGracePeriodSeconds", .int, keepZero: true),
                    6: f("dnsPolicy", .string), 7: f("nodeSelector", .map(.string)), 8: f("serviceAccountName", .string),
                    10: f("nodeName", .string), 11: f("hostNetwork", .bool), 16: f("hostname", .string),
                    17: f("subdomain", .string), 26: f("dnsConfig", .message("PodDNSConfig")),
                    30: f("enableServiceLinks", .bool, keepZero: true), 35: f("setHostnameAsFQDN", .bool, keepZero: true)],
        "Container": [1: f("name", .string), 2: f("image", .string), 3: f("command", .string, repeated: true),
                      4: f("args", .string, repeated: true), 5: f("workingDir", .string),
                      6: f("ports", .message("ContainerPort"), repeated: true), 7: f("env", .message("EnvVar"), repeated: true),
                      8: f("resources", .message("ResourceRequirements")), 24: f("restartPolicy", .string, keepZero: true),
                      10: f("livenessProbe", .message("Probe")), 11: f("readinessProbe", .message("Probe")),
                      22: f("startupProbe", .message("Probe")), 14: f("imagePullPolicy", .string)],
        "ContainerPort": [1: f("name", .string), 2: f("hostPort", .int), 3: f("containerPort", .int),
                          4: f("protocol", .string), 5: f("hostIP", .string)],
        "EnvVar": [1: f("name", .string), 2: f("value", .string), 3: f("valueFrom", .message("EnvVarSource"))],
        "EnvVarSource": [1: f("fieldRef", .message("ObjectFieldSelector")), 3: f("configMapKeyRef", .message("KeySelector")),
                         4: f("secretKeyRef", .message("KeySelector"))],
        "ObjectFieldSelector": [1: f("apiVersion", .string), 2: f("fieldPath", .string)],
        "KeySelector": [1: f("", .inline("LocalObjectReference")), 2: f("key", .string), 3: f("optional", .bool, keepZero: true)],
        "LocalObjectReference": [1: f("name", .string)],
        "ResourceRequirements": [1: f("limits", .map(.quantity)), 2: f("requests", .map(.quantity))],
        "Probe": [1: f("", .inline("ProbeHandler")), 2: f("initialDelaySeconds", .int), 3: f("timeoutSeconds", .int),
                  4: f("periodSeconds", .int), 5: f("successThreshold", .int), 6: f("failureThreshold", .int)],
        "ProbeHandler": [1: f("exec", .message("ExecAction")), 2: f("httpGet", .message("HTTPGetAction")),
                         3: f("tcpSocket", .message("TCPSocketAction"))],
        "ExecAction": [1: f("command", .string, repeated: true)],
        "HTTPGetAction": [1: f("path", .string), 2: f("port", .intOrString), 3: f("host", .string), 4: f("scheme", .string)],
        "TCPSocketAction": [1: f("port", .intOrString), 2: f("host", .string)],
        "PodDNSConfig": [1: f("nameservers", .string, repeated: true), 2: f("searches", .string, repeated: true),
                         3: f("options", .message("PodDNSConfigOption"), repeated: true)],
        "PodDNSConfigOption": [1: f("name", .string), 2: f("value", .string, keepZero: true)],
    ]

    static func decode(_ body: [UInt8]) throws(Failure) -> JSONValue {
        guard body.count >= 4, Array(body.prefix(4)) == [0x6b, 0x38, 0x73, 0x00] else {
            throw Failure(description: "the protobuf body does not start with the Kubernetes magic number")
        }
        var apiVersion = "", kind = ""
        var raw: ArraySlice<UInt8> = []
        try Wire.fields(body[4...]) { (number: Int, value: Wire.Value) throws(Failure) in
            switch (number, value) {
            case (1, .bytes(let typeMeta)):
                try Wire.fields(typeMeta) { (n: Int, v: Wire.Value) throws(Failure) in
                    if case .bytes(let b) = v { if n == 1 { apiVersion = String(decoding: b, as: UTF8.self) } else if n == 2 { kind = String(decoding: b, as: UTF8.self) } }
                }
            case (2, .bytes(let b)): raw = b
            default: break
            }
        }
        guard messages[kind] != nil, ResourceKind.allCases.contains(where: { $0.kind == kind }) else {
            throw Failure(description: "protobuf bodies of kind \"\(kind)\" are not supported; send JSON", unsupported: true)
        }
        var object = try message(kind, raw)
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        return .object(object)
    }

    static func message(_ name: String, _ bytes: ArraySlice<UInt8>) throws(Failure) -> [String: JSONValue] {
        guard let schema = messages[name] else { return [:] }
        var out: [String: JSONValue] = [:]
        try Wire.fields(bytes) { (number: Int, wire: Wire.Value) throws(Failure) in
            guard let field = schema[number] else { return }
            if case .inline(let inner) = field.type {
                guard case .bytes(let b) = wire else { return }
                for (k, v) in try message(inner, b) { out[k] = v }
                return
            }
            guard let value = try convert(field, wire) else { return }
            if case .map = field.type, case .object(let entry) = value {
                var map = out[field.name]?.objectValue ?? [:]
                for (k, v) in entry { map[k] = v }
                out[field.name] = .object(map)
            } else if field.repeated {
                out[field.name] = .array((out[field.name]?.arrayValue ?? []) + [value])
            } else {
                out[field.name] = value
            }
        }
        return out
    }

    private static func convert(_ field: Field, _ wire: Wire.Value) throws(Failure) -> JSONValue? {
        func keep(_ v: JSONValue, zero: Bool) -> JSONValue? { zero && !field.keepZero && !field.repeated ? nil : v }
        switch (field.type, wire) {
        case (.string, .bytes(let b)):
            let s = String(decoding: b, as: UTF8.self)
            return keep(.string(s), zero: s.isEmpty)
        case (.bytes, .bytes(let b)): return .string(Data(b).base64EncodedString())
        case (.int, .varint(let v)):
            let i = Int(Int64(bitPattern: v))
            return keep(.int(i), zero: i == 0)
        case (.bool, .varint(let v)): return keep(.bool(v != 0), zero: v == 0)
        case (.message(let name), .bytes(let b)): return .object(try message(name, b))
        case (.time, .bytes(let b)):
            var seconds: Int64 = 0
            try Wire.fields(b) { (n: Int, v: Wire.Value) throws(Failure) in
                if n == 1, case .varint(let s) = v { seconds = Int64(bitPattern: s) }
            }
            return seconds <= -62_135_596_800 ? nil : .string(Timestamp.rfc3339(Double(seconds)))
        case (.quantity, .bytes(let b)):
            var s = ""
            try Wire.fields(b) { (n: Int, v: Wire.Value) throws(Failure) in
                if n == 1, case .bytes(let q) = v { s = String(decoding: q, as: UTF8.self) }
            }
            return .string(s)
        case (.intOrString, .bytes(let b)):
            var type: UInt64 = 0, intVal: Int64 = 0, strVal = ""
            try Wire.fields(b) { (n: Int, v: Wire.Value) throws(Failure) in
                switch (n, v) {
                case (1, .varint(let t)): type = t
                case (2, .varint(let i)): intVal = Int64(Int32(truncatingIfNeeded: i))
                case (3, .bytes(let s)): strVal = String(decoding: s, as: UTF8.self)
                default: break
                }
            }
            if type == 1 { return strVal.isEmpty ? nil : .string(strVal) }
            return intVal == 0 ? nil : .int(Int(intVal))
        case (.map(let valueType), .bytes(let b)):
            var key = ""
            var value: JSONValue = .string("")
            try Wire.fields(b) { (n: Int, v: Wire.Value) throws(Failure) in
                if n == 1, case .bytes(let k) = v { key = String(decoding: k, as: UTF8.self) }
                if n == 2 { value = try convert(Field(name: "", type: valueType, keepZero: true), v) ?? .string("") }
            }
            return .object([key: value])
        default:
            throw Failure(description: "protobuf field \(field.name) has an unexpected wire type")
        }
    }
}

/// The protobuf wire format: varints, fixed 32/64-bit values and length-delimited bytes.
enum Wire {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed(UInt64)
    }

    static func fields(_ bytes: ArraySlice<UInt8>, _ body: (Int, Value) throws(ProtobufBody.Failure) -> Void) throws(ProtobufBody.Failure) {
        var i = bytes.startIndex
        func varint() throws(ProtobufBody.Failure) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < bytes.endIndex, shift < 64 else { throw ProtobufBody.Failure(description: "truncated protobuf varint") }
                let b = bytes[i]
                i += 1
                result |= UInt64(b & 0x7f) << shift
                if b < 0x80 { return result }
                shift += 7
            }
        }
        while i < bytes.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: try body(number, .varint(try varint()))
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard bytes.endIndex - i >= width else { throw ProtobufBody.Failure(description: "truncated protobuf fixed value") }
                var v: UInt64 = 0
                for k in 0..<width { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
                i += width
                try body(number, .fixed(v))
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.endIndex - i) else { throw ProtobufBody.Failure(description: "truncated protobuf field") }
                let end = i + Int(length)
                let slice = bytes[i..<end]
                i = end
                try body(number, .bytes(slice))
            default:
                throw ProtobufBody.Failure(description: "unsupported protobuf wire type \(key & 7)")
            }
        }
    }
}
