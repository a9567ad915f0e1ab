import ClusterModel
import Testing

/// Our own cases beyond the upstream vectors: error positions, the everything/nothing
/// distinction, integer bounds and the index helper.
@Suite struct SelectorEdgeCaseTests {
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var input: String
        var message: String
        var offset: Int
        var utf8Offset: Int
        var testDescription: String { input.debugDescription }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(input: "(", message: "found '(', expected: !, identifier, or 'end of string'", offset: 0, utf8Offset: 0),
        ErrorCase(input: "x,,y", message: "found ',', expected: identifier after ','", offset: 2, utf8Offset: 2),
        ErrorCase(input: "x=a b", message: "found 'b', expected: ',' or 'end of string'", offset: 4, utf8Offset: 4),
        ErrorCase(input: "a in (xyz)b notin ()", message: "found 'b', expected: ',' or 'end of string'",
                  offset: 10, utf8Offset: 10),
        ErrorCase(input: "x==a==b", message: "found '==', expected: ',' or 'end of string'", offset: 4, utf8Offset: 4),
        ErrorCase(input: "!x=a", message: "found '=', expected: ',' or 'end of string'", offset: 2, utf8Offset: 2),
        ErrorCase(input: "x=a,y (", message: "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
                  offset: 6, utf8Offset: 6),
        ErrorCase(input: "x in (a", message: "unable to parse requirement: found '', expected: ',' or ')'",
                  offset: 7, utf8Offset: 7),
        ErrorCase(input: "a notin(", message: "unable to parse requirement: found '', expected: ',', ')' or identifier",
                  offset: 8, utf8Offset: 8),
        ErrorCase(input: "x in a", message: "unable to parse requirement: found 'a' expected: '('", offset: 5, utf8Offset: 5),
        ErrorCase(input: "!", message: "unable to parse requirement: found '', expected: identifier", offset: 1, utf8Offset: 1),
        ErrorCase(input: "x in (a b)", message: "unable to parse requirement: found 'b', expected: ',' or ')'",
                  offset: 8, utf8Offset: 8),
        // Everything before the failure is ASCII except `é` (two UTF-8 bytes, one Character).
        ErrorCase(input: "x in (é,a", message: "unable to parse requirement: found '', expected: ',' or ')'",
                  offset: 9, utf8Offset: 10),
    ]

    @Test(arguments: errorCases)
    func syntaxErrorPointsAtToken(_ c: ErrorCase) {
        let error = #expect(throws: SelectorParseError.self) { try Selector.parse(c.input) }
        #expect(error?.message == c.message)
        #expect(error?.description == c.message)
        #expect(error?.offset == c.offset)
        #expect(error?.utf8Offset == c.utf8Offset)
    }

    /// More rows of upstream `TestSetSelectorParser` / `TestSelectorParse` beyond the vector sample:
    /// input → canonical string, or nil when the input must be rejected.
    static let moreParseCases: [(String, String?)] = [
        ("\rx", "x"), ("a ", "a"), ("x>1,z<5", "x>1,z<5"), ("x notin ( )", "x notin ()"),
        ("x in (abc,)", "x in (,abc)"), ("x in (a,,,)", "x in (,a)"), ("x in (a,,a,,a,,a,,)", "x in (,a)"),
        ("x in (,,a)", "x in (,a)"), ("foo  in\t (abc)", "foo in (abc)"), ("x,y in (a)", "x,y in (a)"),
        ("x==a==b", nil), ("x<a", nil), (",x,y", nil), ("a in (xyz),", nil), ("a in (xyz abc)", nil), ("a (", nil),
    ]

    @Test(arguments: moreParseCases)
    func moreUpstreamParseRows(_ input: String, _ canonical: String?) throws {
        if let canonical {
            #expect(try Selector.parse(input).description == canonical)
        } else {
            #expect(throws: SelectorParseError.self) { try Selector.parse(input) }
        }
    }

    @Test func invalidKeyPointsAtKey() {
        let error = #expect(throws: SelectorParseError.self) { try Selector.parse("x=a, -bad=v") }
        #expect(error?.offset == 5)
        #expect(error?.fieldErrors.map(\.field) == ["key"])
        #expect(error?.message.hasPrefix("unable to parse requirement: key: Invalid value: \"-bad\": ") == true)
    }

    @Test func invalidValuePointsAtThatValue() {
        let error = #expect(throws: SelectorParseError.self) { try Selector.parse("x in (a, -b)") }
        #expect(error?.offset == 9)
        #expect(error?.fieldErrors.map(\.field) == ["values[0][x]"])
    }

    @Test func nonIntegerComparisonPointsAtValue() {
        let error = #expect(throws: SelectorParseError.self) { try Selector.parse("x<a") }
        #expect(error?.offset == 2)
        #expect(error?.fieldErrors.map(\.field) == ["values[0]"])
    }

    @Test func everythingAndNothingDiffer() throws {
        #expect(Selector.everything.isEmpty)
        #expect(!Selector.nothing.isEmpty)
        #expect(Selector.everything != Selector.nothing)
        #expect(Selector.everything.description == "" && Selector.nothing.description == "")
        #expect(Selector.everything.matches([:]) && !Selector.nothing.matches([:]))
        #expect(try Selector.parse("") == .everything)
        #expect(try Selector.parse(" \t\r\n") == .everything)
        #expect(Selector(matchLabels: [:]) == .everything)
        #expect(try Selector.from(LabelSelector()) == .everything)
        #expect(try Selector.from(nil) == .nothing)
        #expect(try Selector.nothing.adding([Requirement(key: "a", operator: .exists)]) == .nothing)
    }

    @Test func emptyValueSetMeansEmptyValue() throws {
        let s = try Selector.parse("x in ()")
        #expect(s.matches(["x": ""]))
        #expect(!s.matches(["x": "a"]))
        #expect(!s.matches([:]))
        #expect(try Selector.parse("x notin ()").matches([:]))
        #expect(try Selector.parse("x!=a").matches(["y": "a"]))
    }

    @Test func keywordsAreIdentifiersOutsideOperatorPosition() throws {
        let s = try Selector.parse("in in (notin),notin notin (in)")
        #expect(s.description == "in in (notin),notin notin (in)")
        #expect(s.matches(["in": "notin", "notin": "x"]))
    }

    @Test func comparisonsUseInt64() throws {
        #expect(try Selector.parse("x>9223372036854775806").matches(["x": "9223372036854775807"]))
        #expect(throws: SelectorParseError.self) { try Selector.parse("x>9223372036854775808") }
        // A negative bound is not a valid label value, as in apimachinery.
        #expect(throws: SelectorParseError.self) { try Selector.parse("x>-1") }
        #expect(try Selector.parse("x<1").matches(["x": "-5"]))
        #expect(try !Selector.parse("x<1").matches(["x": "1"]))
        #expect(try !Selector.parse("x>1").matches(["x": "1.5"]))
        #expect(try !Selector.parse("x>1").matches([:]))
    }

    @Test func lexerLongestOperatorWins() {
        #expect(SelectorLexer.tokens("!==").map(\.kind) == [.notEquals, .equals, .endOfString])
        #expect(SelectorLexer.tokens("||").map(\.kind) == [.identifier, .endOfString])
        #expect(SelectorLexer.tokens("== != (), = notin").map(\.kind) ==
            [.doubleEquals, .notEquals, .openPar, .closedPar, .comma, .equals, .notIn, .endOfString])
        #expect(SelectorLexer.tokens("a in\t(b)").map(\.utf8Offset) == [0, 2, 5, 6, 7, 8])
    }

    @Test func equalityRequirementsForIndexLookups() throws {
        let s = try Selector.parse("a=x,b==y,c in (z),d in (1,2),e!=f,g,!h")
        #expect(s.equalityRequirements == ["a": "x", "b": "y", "c": "z"])
        #expect(s.requiresExactMatch("c") == "z")
        #expect(s.requiresExactMatch("d") == nil)
        #expect(Selector(matchLabels: ["app": "web", "tier": "fe"]).equalityRequirements == ["app": "web", "tier": "fe"])
    }

    @Test func requirementErrorsNameEveryField() {
        let error = #expect(throws: RequirementError.self) {
            try Requirement(key: "-k", operator: "=", values: ["a", "-b"])
        }
        #expect(error?.errors.map(\.field) == ["key", "values", "values[1][-k]"])
        #expect(error?.description.hasPrefix("[key: Invalid value: \"-k\"") == true)
        let op = #expect(throws: RequirementError.self) { try Requirement(key: "k", operator: "In", values: ["a"]) }
        #expect(op?.errors.map(\.field) == ["operator"])
    }

    @Test func validatedSetAndStructuredSelectorRejectBadInput() {
        #expect(throws: RequirementError.self) { try Selector(validatingMatchLabels: ["bad key": "v"]) }
        #expect(throws: RequirementError.self) {
            try Selector.from(LabelSelector(matchExpressions: [.init(key: "a", operator: "Gt", values: ["1"])]))
        }
        #expect(throws: RequirementError.self) {
            try Selector.from(LabelSelector(matchExpressions: [.init(key: "a", operator: "In", values: [])]))
        }
        #expect(throws: RequirementError.self) {
            try Selector.from(LabelSelector(matchLabels: ["a": "not valid"]))
        }
    }

    @Test func structuredSelectorSemantics() throws {
        let s = try Selector.from(LabelSelector(
            matchLabels: ["app": "web"],
            matchExpressions: [.init(key: "env", operator: "NotIn", values: ["prod", "prod"]),
                               .init(key: "canary", operator: "DoesNotExist")]))
        #expect(s.description == "app=web,!canary,env notin (prod)")
        #expect(s.matches(["app": "web"]))
        #expect(!s.matches(["app": "web", "env": "prod"]))
        #expect(!s.matches(["app": "web", "canary": ""]))
    }
}
