/// apimachinery's name and value grammars (`pkg/util/validation`). Each returns the list of
/// messages the API server would give, empty when valid. Note the two port-name grammars:
/// Service ports are DNS-1123 labels, container/target ports IANA service names.
public enum Names {
    static let dns1123LabelMax = 63
    static let dns1123SubdomainMax = 253
    static let dns1035LabelMax = 63
    static let labelValueMax = 63
    static let qualifiedNameMax = 63

    static func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isAlnumLower(_ c: UInt8) -> Bool { isLower(c) || isDigit(c) }
    static func isAlnum(_ c: UInt8) -> Bool { isAlnumLower(c) || (c >= 65 && c <= 90) }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    static func matchesDNS1123Label(_ b: ArraySlice<UInt8>) -> Bool {
        guard let f = b.first, let l = b.last, isAlnumLower(f), isAlnumLower(l) else { return false }
        return b.allSatisfy { isAlnumLower($0) || $0 == 45 }
    }

    public static func dns1123Label(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > dns1123LabelMax { errs.append("must be no more than \(dns1123LabelMax) characters") }
        if !matchesDNS1123Label(ArraySlice(s.utf8)) {
            errs.append("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        }
        return errs
    }

    static func matchesDNS1123Subdomain(_ s: String) -> Bool {
        let parts = Array(s.utf8).split(separator: 46, omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy(matchesDNS1123Label)
    }

    public static func dns1123Subdomain(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > dns1123SubdomainMax { errs.append("must be no more than \(dns1123SubdomainMax) characters") }
        if !matchesDNS1123Subdomain(s) {
            errs.append("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        }
        return errs
    }

    /// `[a-z]([-a-z0-9]*[a-z0-9])?` — Service names.
    public static func dns1035Label(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > dns1035LabelMax { errs.append("must be no more than \(dns1035LabelMax) characters") }
        let b = Array(s.utf8)
        let ok = !b.isEmpty && isLower(b[0]) && isAlnumLower(b[b.count - 1]) && b.allSatisfy { isAlnumLower($0) || $0 == 45 }
        if !ok {
            errs.append("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
        }
        return errs
    }

    /// `*.` followed by a DNS-1123 subdomain — Ingress hosts and TLS hosts.
    public static func wildcardDNS1123Subdomain(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > dns1123SubdomainMax { errs.append("must be no more than \(dns1123SubdomainMax) characters") }
        if !(s.hasPrefix("*.") && matchesDNS1123Subdomain(String(s.dropFirst(2)))) {
            errs.append("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
        }
        return errs
    }

    /// IANA_SVC_NAME: container port names, named targetPorts, Ingress backend port names.
    public static func portName(_ s: String) -> [String] {
        var errs: [String] = []
        let b = Array(s.utf8)
        if b.count > 15 { errs.append("must be no more than 15 characters") }
        if !b.allSatisfy({ isAlnumLower($0) || $0 == 45 }) {
            errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if s.contains("--") { errs.append("must not contain consecutive hyphens") }
        if !b.contains(where: isLower) { errs.append("must contain at least one letter (a-z)") }
        if b.first == 45 || b.last == 45 { errs.append("must not begin or end with a hyphen") }
        return errs
    }

    public static func portNumber(_ p: Int) -> [String] {
        (1...65535).contains(p) ? [] : ["must be between 1 and 65535, inclusive"]
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
    static func matchesQualifiedNamePart(_ b: ArraySlice<UInt8>) -> Bool {
        guard let f = b.first, let l = b.last, isAlnum(f), isAlnum(l) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    /// Label keys and selector keys: optional DNS-1123-subdomain prefix and `/`, then a name part.
    public static func qualifiedName(_ s: String) -> [String] {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        var name = Substring(s)
        var errs: [String] = []
        switch parts.count {
        case 1: break
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                errs.append("prefix part must be non-empty")
            } else {
                errs += dns1123Subdomain(prefix).map { "prefix part \($0)" }
            }
        default:
            return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errs.append("name part must be non-empty")
        } else if name.utf8.count > qualifiedNameMax {
            errs.append("name part must be no more than \(qualifiedNameMax) characters")
        }
        if !name.isEmpty && !matchesQualifiedNamePart(ArraySlice(name.utf8)) {
            errs.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
        }
        return errs
    }

    public static func labelValue(_ s: String) -> [String] {
        var errs: [String] = []
        if s.utf8.count > labelValueMax { errs.append("must be no more than \(labelValueMax) characters") }
        if !s.isEmpty && !matchesQualifiedNamePart(ArraySlice(s.utf8)) {
            errs.append("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
        }
        return errs
    }
}
