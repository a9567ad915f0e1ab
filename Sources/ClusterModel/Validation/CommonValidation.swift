import Foundation

/// Building blocks shared by the per-kind validators, ported from apimachinery's
/// `pkg/api/validation` and k/k `pkg/apis/core/validation` helpers.
extension Validation {
    static let supportedPortProtocols = ["SCTP", "TCP", "UDP"]
    static let fieldImmutableErrorMsg = "field is immutable"

    /// `ValidateDNS1123Label`: one error per grammar message.
    static func dns1123Label(_ value: String, _ path: FieldPath) -> [FieldError] {
        Names.dns1123Label(value).map { .invalid(path, value, $0) }
    }

    /// `ValidateDNS1123Subdomain`.
    static func dns1123Subdomain(_ value: String, _ path: FieldPath) -> [FieldError] {
        Names.dns1123Subdomain(value).map { .invalid(path, value, $0) }
    }

    /// `ValidateQualifiedName` (label-key syntax), used for appProtocol and loadBalancerClass.
    static func qualifiedName(_ value: String, _ path: FieldPath) -> [FieldError] {
        Names.qualifiedName(value).map { .invalid(path, value, $0) }
    }

    /// metav1 `ValidateLabels`: errors are reported on the map's path, not the key's.
    static func labels(_ labels: [String: String]?, _ path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        for (k, v) in (labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            errs += Names.qualifiedName(k).map { .invalid(path, k, $0) }
            errs += Names.labelValue(v).map { .invalid(path, v, $0) }
        }
        return errs
    }

    static let totalAnnotationSizeLimit = 256 * 1024

    /// apimachinery `ValidateAnnotations`: keys are qualified names compared case-insensitively,
    /// and all keys plus values together may not exceed 256 KiB.
    static func annotations(_ annotations: [String: String]?, _ path: FieldPath) -> [FieldError] {
        var errs: [FieldError] = []
        var size = 0
        for (k, v) in (annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
            errs += Names.qualifiedName(k.lowercased()).map { .invalid(path, k, $0) }
            size += k.utf8.count + v.utf8.count
        }
        if size > totalAnnotationSizeLimit { errs.append(.tooLong(path, totalAnnotationSizeLimit)) }
        return errs
    }

    /// `ValidateNonnegativeField`.
    static func nonnegative(_ value: Int, _ path: FieldPath) -> [FieldError] {
        value < 0 ? [.invalid(path, value, "must be greater than or equal to 0")] : []
    }

    /// `ValidatePortNumOrName`: numbers 1..65535, names IANA_SVC_NAME. A missing value is the
    /// Go zero value, integer 0.
    static func portNumOrName(_ port: IntOrString?, _ path: FieldPath) -> [FieldError] {
        switch port ?? .int(0) {
        case .int(let n): Names.portNumber(n).map { .invalid(path, n, $0) }
        case .string(let s): Names.portName(s).map { .invalid(path, s, $0) }
        }
    }

    /// `IsValidIP` (sloppy parsing, as for legacy fields).
    static func validIP(_ value: String, _ path: FieldPath) -> [FieldError] {
        IPAddress.parse(value) == nil
            ? [.invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")] : []
    }

    /// `IsValidCIDR`.
    static func validCIDR(_ value: String, _ path: FieldPath) -> [FieldError] {
        IPAddress.parseCIDR(value) == nil
            ? [.invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")] : []
    }

    /// Endpoint addresses: `ValidateNonSpecialIP` except loopback. Deliberate deviation: every pod
    /// and every local backend of Switchboard lives on 127.0.0.0/8, so rejecting loopback
    /// endpoints (as Kubernetes does) would reject the whole emulated cluster.
    static func endpointIP(_ value: String, _ path: FieldPath) -> [FieldError] {
        nonSpecialIP(value, path, allowLoopback: true)
    }

    /// `ValidateNonSpecialIP`: used for externalIPs and endpoint addresses, which must not be
    /// unspecified, loopback or link-local.
    static func nonSpecialIP(_ value: String, _ path: FieldPath, allowLoopback: Bool = false) -> [FieldError] {
        guard let ip = IPAddress.parse(value) else { return [.invalid(path, value, "must be a valid IP address")] }
        var errs: [FieldError] = []
        if ip.isUnspecified { errs.append(.invalid(path, value, "may not be unspecified (\(value))")) }
        if ip.isLoopback && !allowLoopback { errs.append(.invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)")) }
        if ip.isLinkLocalUnicast {
            errs.append(.invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
        }
        if ip.isLinkLocalMulticast {
            errs.append(.invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
        }
        return errs
    }

    /// `ValidateImmutableField` for string-like values.
    static func immutable(_ new: String?, _ old: String?, _ path: FieldPath) -> [FieldError] {
        new == old ? [] : [FieldError(.invalid, path, GoValue.optionalString(new), fieldImmutableErrorMsg)]
    }

    /// Protocol check shared by service, container and endpoint ports.
    static func portProtocol(_ value: String?, _ path: FieldPath) -> [FieldError] {
        let p = value ?? ""
        if p.isEmpty { return [.required(path)] }
        return supportedPortProtocols.contains(p) ? [] : [.notSupported(path, p, supportedPortProtocols)]
    }
}

/// Renders bad values the way apimachinery's `field.Error` prints them (Go `%q`, `%v` or
/// `%#v`), so messages match what `kubectl` shows from a real API server.
enum GoValue {
    static func optionalString(_ s: String?) -> String { s.map(FieldError.quote) ?? "null" }

    static func stringSlice(_ values: [String]?, type: String = "[]string") -> String {
        guard let values else { return "\(type)(nil)" }
        return "\(type){" + values.map(FieldError.quote).joined(separator: ", ") + "}"
    }

    static func stringMap(_ map: [String: String]?) -> String {
        guard let map else { return "map[string]string(nil)" }
        let body = map.sorted { $0.key < $1.key }.map { "\(FieldError.quote($0.key)):\(FieldError.quote($0.value))" }
        return "map[string]string{" + body.joined(separator: ", ") + "}"
    }

    static func labelSelector(_ s: LabelSelector?) -> String {
        guard let s else { return "null" }
        let exprs: String
        if let e = s.matchExpressions {
            exprs = "[]v1.LabelSelectorRequirement{" + e.map {
                "v1.LabelSelectorRequirement{Key:\(FieldError.quote($0.key)), Operator:\(FieldError.quote($0.operator)), Values:\(stringSlice($0.values))}"
            }.joined(separator: ", ") + "}"
        } else {
            exprs = "[]v1.LabelSelectorRequirement(nil)"
        }
        return "v1.LabelSelector{MatchLabels:\(stringMap(s.matchLabels)), MatchExpressions:\(exprs)}"
    }

    static func intOrString(_ v: IntOrString?) -> String {
        switch v ?? .int(0) {
        case .int(let i): "intstr.IntOrString{Type:0, IntVal:\(i), StrVal:\"\"}"
        case .string(let s): "intstr.IntOrString{Type:1, IntVal:0, StrVal:\(FieldError.quote(s))}"
        }
    }
}
