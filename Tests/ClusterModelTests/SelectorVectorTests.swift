import ClusterModel
import SwitchboardTestSupport
import Testing

/// Every section of `selectors.json`, one visible test case per vector.
@Suite struct SelectorVectorTests {
    struct RequirementCase: Decodable, Sendable {
        var key: String
        var `operator`: String
        var values: [String]
    }

    struct ParseCase: Decodable, Sendable, CustomTestStringConvertible {
        var input: String
        var valid: Bool
        var requirements: [RequirementCase]?
        var canonical: String?
        var testDescription: String { "\(input.debugDescription) valid=\(valid)" }
    }

    struct MatchCase: Decodable, Sendable, CustomTestStringConvertible {
        var selector: String
        var labels: [String: String]
        var matches: Bool
        var testDescription: String { "\(selector.debugDescription) ~ \(labels) = \(matches)" }
    }

    struct SetMatchCase: Decodable, Sendable, CustomTestStringConvertible {
        var set: [String: String]
        var labels: [String: String]
        var matches: Bool
        var testDescription: String { "\(set) ~ \(labels) = \(matches)" }
    }

    struct SetStringCase: Decodable, Sendable, CustomTestStringConvertible {
        var set: [String: String]
        var string: String
        var testDescription: String { "\(set) → \(string.debugDescription)" }
    }

    struct ToStringCase: Decodable, Sendable, CustomTestStringConvertible {
        var requirements: [RequirementCase]
        var string: String
        var testDescription: String { string }
    }

    struct NewRequirementCase: Decodable, Sendable, CustomTestStringConvertible {
        var key: String
        var `operator`: String
        var values: [String]
        var valid: Bool
        var errorField: String?
        var testDescription: String { "\(key.prefix(40)) \(self.operator) \(values.map { String($0.prefix(40)) })" }
    }

    struct LabelSelectorCase: Decodable, Sendable, CustomTestStringConvertible {
        var labelSelector: LabelSelector?
        var valid: Bool
        var canonical: String?
        var matchesNothing: Bool?
        var matchesEverything: Bool?
        var testDescription: String { "\(String(describing: labelSelector)) valid=\(valid)" }
    }

    struct ValidityLists: Decodable, Sendable {
        var valid: [String]
        var invalid: [String]
        var cases: [GrammarCase] { valid.map { GrammarCase(text: $0, valid: true) } + invalid.map { GrammarCase(text: $0, valid: false) } }
    }

    struct GrammarCase: Sendable, CustomTestStringConvertible {
        var text: String
        var valid: Bool
        var testDescription: String { "\(text.count > 50 ? "\(text.prefix(20))…(\(text.utf8.count) bytes)" : text) valid=\(valid)" }
    }

    struct SingleTokenCase: Decodable, Sendable, CustomTestStringConvertible {
        var input: String
        var token: String
        var testDescription: String { "\(input.debugDescription) → \(token)" }
    }

    struct SequenceCase: Decodable, Sendable, CustomTestStringConvertible {
        var input: String
        var tokens: [String]
        var testDescription: String { input.debugDescription }
    }

    static let file = "selectors.json"
    static let parseCases = Vectors.decode([ParseCase].self, file, at: "parse")
    static let matchCases = Vectors.decode([MatchCase].self, file, at: "match")
    static let setMatchCases = Vectors.decode([SetMatchCase].self, file, at: "setSelectorMatch")
    static let setStringCases = Vectors.decode([SetStringCase].self, file, at: "setSelectorString")
    static let toStringCases = Vectors.decode([ToStringCase].self, file, at: "requirementToString")
    static let newRequirementCases = Vectors.decode([NewRequirementCase].self, file, at: "newRequirement")
    static let labelSelectorCases = Vectors.decode([LabelSelectorCase].self, file, at: "labelSelectorObjects")
    static let labelKeyCases = Vectors.decode(ValidityLists.self, file, at: "labelKeys").cases
    static let labelValueCases = Vectors.decode(ValidityLists.self, file, at: "labelValues").cases
    static let singleTokenCases = Vectors.decode([SingleTokenCase].self, file, at: "lexer.singleToken")
    static let sequenceCases = Vectors.decode([SequenceCase].self, file, at: "lexer.sequences")

    @Test func everySectionHasCases() {
        #expect(!Self.parseCases.isEmpty)
        #expect(!Self.matchCases.isEmpty)
        #expect(!Self.setMatchCases.isEmpty)
        #expect(!Self.setStringCases.isEmpty)
        #expect(!Self.toStringCases.isEmpty)
        #expect(!Self.newRequirementCases.isEmpty)
        #expect(!Self.labelSelectorCases.isEmpty)
        #expect(Self.labelKeyCases.contains { $0.valid } && Self.labelKeyCases.contains { !$0.valid })
        #expect(Self.labelValueCases.contains { $0.valid } && Self.labelValueCases.contains { !$0.valid })
        #expect(!Self.singleTokenCases.isEmpty)
        #expect(!Self.sequenceCases.isEmpty)
    }

    @Test(arguments: parseCases)
    func parse(_ c: ParseCase) throws {
        guard c.valid else {
            let error = #expect(throws: SelectorParseError.self) { try Selector.parse(c.input) }
            if let error {
                #expect(!error.message.isEmpty)
                #expect((0...c.input.count).contains(error.offset))
                #expect((0...c.input.utf8.count).contains(error.utf8Offset))
            }
            return
        }
        let selector = try Selector.parse(c.input)
        let expected = try #require(c.requirements)
        #expect(selector.requirements.map(\.key) == expected.map(\.key))
        #expect(selector.requirements.map(\.operator.rawValue) == expected.map(\.operator))
        #expect(selector.requirements.map(\.values) == expected.map(\.values))
        #expect(selector.description == c.canonical)
        #expect(selector.isEmpty == expected.isEmpty)
        // The canonical string is itself a selector that parses back to the same value.
        #expect(try Selector.parse(selector.description) == selector)
    }

    @Test(arguments: matchCases)
    func match(_ c: MatchCase) throws {
        #expect(try Selector.parse(c.selector).matches(c.labels) == c.matches)
    }

    @Test(arguments: setMatchCases)
    func setSelectorMatch(_ c: SetMatchCase) throws {
        #expect(Selector(matchLabels: c.set).matches(c.labels) == c.matches)
        #expect(try Selector(validatingMatchLabels: c.set).matches(c.labels) == c.matches)
    }

    @Test(arguments: setStringCases)
    func setSelectorString(_ c: SetStringCase) throws {
        #expect(Selector(matchLabels: c.set).description == c.string)
        #expect(try Selector(validatingMatchLabels: c.set).description == c.string)
        #expect(Selector(matchLabels: c.set).isEmpty == c.set.isEmpty)
    }

    @Test(arguments: toStringCases)
    func requirementToString(_ c: ToStringCase) throws {
        let requirements = try c.requirements.map {
            try Requirement(key: $0.key, operator: $0.operator, values: $0.values)
        }
        // String() joins the requirements in the order the selector holds them.
        #expect(requirements.map(\.description).joined(separator: ",") == c.string)
    }

    @Test(arguments: newRequirementCases)
    func newRequirement(_ c: NewRequirementCase) throws {
        guard c.valid else {
            let error = #expect(throws: RequirementError.self) {
                try Requirement(key: c.key, operator: c.operator, values: c.values)
            }
            let field = try #require(c.errorField)
            #expect(error?.errors.map(\.field) == [field], "\(String(describing: error))")
            return
        }
        let r = try Requirement(key: c.key, operator: c.operator, values: c.values)
        #expect(r.key == c.key)
        #expect(r.operator.rawValue == c.operator)
        #expect(r.values == Array(Set(c.values)).sorted())
    }

    @Test(arguments: labelSelectorCases)
    func labelSelectorObject(_ c: LabelSelectorCase) throws {
        guard c.valid else {
            #expect(throws: RequirementError.self) { try Selector.from(c.labelSelector) }
            return
        }
        let selector = try Selector.from(c.labelSelector)
        #expect(selector.description == c.canonical)
        let probes: [[String: String]] = [[:], ["foo": "bar"], ["foo": "bar", "baz": "qux"], ["baz": "norf"]]
        if c.matchesNothing == true {
            #expect(selector.matchesNothing && !selector.isEmpty)
            #expect(probes.allSatisfy { !selector.matches($0) })
        }
        if c.matchesEverything == true {
            #expect(selector.isEmpty && !selector.matchesNothing)
            #expect(probes.allSatisfy { selector.matches($0) })
        }
        if c.matchesNothing != true && c.matchesEverything != true {
            // A structured selector means what its canonical string means.
            let reparsed = try Selector.parse(try #require(c.canonical))
            #expect(reparsed == selector)
        }
    }

    @Test(arguments: labelKeyCases)
    func labelKey(_ c: GrammarCase) {
        #expect(Names.qualifiedName(c.text).isEmpty == c.valid)
        #expect(((try? Requirement(key: c.text, operator: .exists)) != nil) == c.valid)
    }

    @Test(arguments: labelValueCases)
    func labelValue(_ c: GrammarCase) {
        #expect(Names.labelValue(c.text).isEmpty == c.valid)
        #expect(((try? Requirement(key: "k", operator: .equals, values: [c.text])) != nil) == c.valid)
    }

    @Test(arguments: singleTokenCases)
    func lexSingleToken(_ c: SingleTokenCase) {
        var lexer = SelectorLexer(c.input)
        let token = lexer.lex()
        #expect(token.kind.rawValue == c.token)
        if token.kind != .endOfString && token.kind != .error {
            #expect(token.literal == c.input)
        }
        #expect(lexer.lex().kind == .endOfString)
    }

    @Test(arguments: sequenceCases)
    func lexSequence(_ c: SequenceCase) {
        let tokens = SelectorLexer.tokens(c.input)
        #expect(tokens.last?.kind == .endOfString)
        #expect(tokens.dropLast().map(\.kind.rawValue) == c.tokens)
    }
}
