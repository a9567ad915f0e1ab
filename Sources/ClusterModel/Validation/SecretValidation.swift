import Foundation

/// k/k `ValidateSecret` / `ValidateSecretUpdate`. `data` values are base64 on the wire; sizes are
/// counted on the decoded bytes as the API server counts them.
extension Validation {
    static let maxSecretSize = 1 * 1024 * 1024

    /// Typed secrets must carry their well-known keys (TLS: `tls.crt` and `tls.key`), because
    /// consumers such as Ingress TLS termination read them without further checks.
    public static func validateSecret(_ secret: Secret) -> [FieldError] {
        var errs = validateObjectMeta(secret.metadata, namespaced: true, name: nameIsDNSSubdomain)
        let dataPath = FieldPath("data")
        let data = secret.data ?? [:]
        var totalSize = 0
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            errs += configMapKeyErrors(key).map { .invalid(dataPath.key(key), key, $0) }
            totalSize += Data(base64Encoded: value)?.count ?? value.utf8.count
        }
        if totalSize > maxSecretSize { errs.append(.tooLong(dataPath, maxSecretSize)) }

        func requireKey(_ key: String) {
            if data[key] == nil { errs.append(.required(dataPath.key(key))) }
        }
        switch secret.type ?? "" {
        case "kubernetes.io/service-account-token":
            let key = "kubernetes.io/service-account.name"
            if (secret.metadata.annotations?[key] ?? "").isEmpty {
                errs.append(.required(FieldPath("metadata").child("annotations").key(key)))
            }
        case "kubernetes.io/dockercfg":
            requireKey(".dockercfg")
        case "kubernetes.io/dockerconfigjson":
            requireKey(".dockerconfigjson")
        case "kubernetes.io/basic-auth":
            // Either may be empty, but at least one must be present.
            if data["username"] == nil && data["password"] == nil {
                requireKey("username")
                requireKey("password")
            }
        case "kubernetes.io/ssh-auth":
            if (data["ssh-privatekey"] ?? "").isEmpty { errs.append(.required(dataPath.key("ssh-privatekey"))) }
        case "kubernetes.io/tls":
            // Both keys must exist; Ingress TLS termination reads them.
            requireKey("tls.crt")
            requireKey("tls.key")
        default:
            break
        }
        return errs
    }

    /// `ValidateSecretUpdate`: type is immutable, and so is data once `immutable: true`.
    public static func validateSecretUpdate(new: Secret, old: Secret) -> [FieldError] {
        var errs = validateObjectMetaUpdate(new: new.metadata, old: old.metadata)
        errs += immutable(new.type ?? "", old.type ?? "", "type")
        if old.immutable == true {
            if new.immutable != true {
                errs.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
            }
            if (new.data ?? [:]) != (old.data ?? [:]) {
                errs.append(.forbidden("data", "field is immutable when `immutable` is set"))
            }
        }
        return errs + validateSecret(new)
    }

    /// `IsConfigMapKey`: keys become file names in volumes.
    static func configMapKeyErrors(_ key: String) -> [String] {
        var errs: [String] = []
        if key.utf8.count > Names.dns1123SubdomainMax {
            errs.append("must be no more than \(Names.dns1123SubdomainMax) characters")
        }
        let ok = !key.isEmpty && key.utf8.allSatisfy { Names.isAlnum($0) || $0 == 45 || $0 == 46 || $0 == 95 }
        if !ok {
            errs.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        }
        if key == "." { errs.append("must not be '.'") }
        if key == ".." { errs.append("must not be '..'") } else if key.hasPrefix("..") { errs.append("must not start with '..'") }
        return errs
    }
}
