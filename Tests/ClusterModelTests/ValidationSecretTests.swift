import Foundation
import Testing
import SwitchboardTestSupport
@testable import ClusterModel

/// `validation.json` → `tlsSecrets`, plus the other Secret rules.
@Suite("Validation: Secret")
struct ValidationSecretTests {
    struct SecretBody: Decodable, Sendable {
        var type: String
        var data: [String: String]
    }

    struct TLSCase: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var secret: SecretBody
        var valid: Bool
        var errorType: String?
        var testDescription: String { name }
    }

    static let cases = Vectors.decode([TLSCase].self, "validation.json", at: "tlsSecrets")

    /// The upstream test validates the secret's own rules; give it valid metadata.
    @Test(arguments: cases)
    func tlsSecret(_ c: TLSCase) {
        let secret = Secret(metadata: ObjectMeta(name: "tls-secret", namespace: "default"), type: c.secret.type, data: c.secret.data)
        let errs = Validation.validate(.secret(secret))
        #expect(errs.isEmpty == c.valid, "\(errs.map(\.description))")
        if c.errorType == "FieldValueRequired" {
            #expect(errs.count == 1)
            #expect(errs.allSatisfy { $0.kind == .required && $0.field.hasPrefix("data[tls.") })
        }
    }

    @Test func secretRules() {
        let missingBoth = Secret(metadata: ObjectMeta(name: "s", namespace: "default"), type: "kubernetes.io/tls", data: [:])
        #expect(Validation.validate(.secret(missingBoth)).map(\.description)
                == ["data[tls.crt]: Required value", "data[tls.key]: Required value"])
        let badKey = Secret(metadata: ObjectMeta(name: "s", namespace: "default"), type: "Opaque", data: ["a/b": "eA=="])
        #expect(Validation.validate(.secret(badKey)).map(\.field) == ["data[a/b]"])
        let big = Secret(metadata: ObjectMeta(name: "s", namespace: "default"), type: "Opaque",
                         data: ["k": Data(count: 1024 * 1024 + 1).base64EncodedString()])
        #expect(Validation.validate(.secret(big)).map(\.description) == ["data: Too long: may not be more than 1048576 bytes"])
    }

    @Test func secretUpdate() {
        var old = Secret(metadata: ObjectMeta(name: "s", namespace: "default"), type: "Opaque", data: ["k": "dg=="])
        old.immutable = true
        var new = old
        new.type = "kubernetes.io/tls"
        new.data = ["tls.crt": "", "tls.key": ""]
        #expect(Validation.validateUpdate(old: .secret(old), new: .secret(new)).map(\.description) == [
            "type: Invalid value: \"kubernetes.io/tls\": field is immutable",
            "data: Forbidden: field is immutable when `immutable` is set",
        ])
    }
}
