@testable import DataMapCore
import Foundation
import Testing

@Suite("Pseudonyms and known-identity scrubbing")
struct AnonymiserTests {
    let key = StudyKey(bytes: Data(repeating: 7, count: 32))!
    let otherKey = StudyKey(bytes: Data(repeating: 9, count: 32))!

    @Test func theSamePersonGetsTheSameTokenHoweverTheNameIsWritten() {
        let p = Pseudonymiser(key: key)
        let token = p.pseudonym(for: Respondent(name: "Dr Siân ap Rhys"))
        #expect(token.wholeMatch(of: /P-[0-9A-F]{8}/) != nil)
        #expect(p.pseudonym(for: Respondent(name: "sian  ap rhys", email: "other@example.org")) == token)
        #expect(p.pseudonym(for: Respondent(name: "Siân ap Rhys", phone: "01632 960000")) == token)
        #expect(p.pseudonym(for: Respondent(name: "Siân ap Gwilym")) != token)
    }

    @Test func theTokenIsKeyedNotAPlainHash() {
        let respondent = Respondent(name: "Rhys ap Gwilym")
        #expect(Pseudonymiser(key: key).pseudonym(for: respondent) != Pseudonymiser(key: otherKey).pseudonym(for: respondent))
    }

    @Test func withoutANameTheEmailIsTheIdentity() {
        let p = Pseudonymiser(key: key)
        let a = p.pseudonym(for: Respondent(name: " ", email: "A.Person@Example.org"))
        #expect(a == p.pseudonym(for: Respondent(name: "", email: "a.person@example.org ")))
    }

    /// The text anonymiser with one person known to the return, and the token it gives them.
    func scrub(_ text: String, knowing person: String) -> (String, String) {
        let context = RecognitionContext(knownPeople: [person])
        let token = Pseudonymiser(key: key).pseudonym(for: Respondent(name: person))
        return (TextAnonymiser(key: key).scrub(text, context: context).text, token)
    }

    @Test(arguments: [
        ("Siân ap Rhys leads the team.", "# leads the team."),
        ("Ask Siân; she knows.", "Ask #; she knows."),
        ("Sian's team trained everyone.", "#'s team trained everyone."),
        ("Rhys will report; we rhyme.", "# will report; we rhyme."),
        ("The ap in Siân ap Rhys stays only inside the name.", "The ap in # stays only inside the name."),
        ("Llansiân and Rhysfield are places.", "Llansiân and Rhysfield are places."),
    ])
    func theReturnsOwnPeopleAreReplacedAsWholeWords(input: String, expected: String) {
        let (text, token) = scrub(input, knowing: "Dr Siân ap Rhys")
        #expect(text == expected.replacingOccurrences(of: "#", with: token))
    }

    @Test func hyphenatedSurnamesAreCaughtWholeAndInParts() {
        let (text, token) = scrub("Pritchard-Evans said so, and Ms Pritchard agreed with Evans.", knowing: "Gareth Pritchard-Evans")
        #expect(text == "\(token) said so, and \(token) agreed with \(token).")
    }

    @Test func commonWordsInLowerCaseSurvive() {
        let (quiet, _) = scrub("We will see how it goes; demand rose.", knowing: "Will Rose")
        #expect(quiet == "We will see how it goes; demand rose.")
        let (named, token) = scrub("Will Rose chairs it.", knowing: "Will Rose")
        #expect(named == "\(token) chairs it.")
    }

    @Test(arguments: ["01632 960123", "01632960123", "(01632) 960 123", "+44 1632 960123", "+44 (0)1632 960123"])
    func phonesAreFoundInAnySpacing(written: String) {
        #expect(scrub("Call \(written) today.", knowing: "A B").0 == "Call [PHONE] today.")
    }

    @Test func projectDatesAndCountsSurvive() {
        #expect(scrub("From 2017-04-01, 120 families, 01632 960999.", knowing: "A B").0 == "From 2017-04-01, 120 families, [PHONE].")
    }

    @Test func everyEmailAddressIsReplaced() {
        #expect(scrub("Write to AB@Example.org or team.lead@council.example.", knowing: "A B").0 == "Write to [EMAIL] or [EMAIL].")
    }

    @Test func fileNamesLoseTheRespondentsName() {
        let s = SourcePathScrubber(respondent: Respondent(name: "Gareth Pritchard-Evans"), pseudonym: "P-TOKEN")
        #expect(s.scrub("inbox/gareth-pritchard-evans-conwy.xml") == "inbox/P-TOKEN-P-TOKEN-P-TOKEN-conwy.xml")
    }

    @Test func anonymiseLeavesNoIdentityInAnyField() throws {
        let respondent = Respondent(name: "Eirlys Prydderch", role: "Head of Service", email: "eirlys@example.org", phone: "07700 900123")
        let identity = "Eirlys Prydderch, eirlys@example.org, 07700 900123"
        var activity = ActivityRecord(theme: .pilotProjects, kind: .pilot, name: "Eirlys's pilot", description: identity,
                                      status: .current, provenance: Provenance(method: .writtenReturn, file: "inbox/eirlys.xml", line: 3))
        activity.extent = Extent(scope: .part, note: identity)
        activity.timescale = Timescale(phrase: identity)
        activity.targetGroup = identity
        activity.partners = [identity]
        activity.funding = identity
        activity.evaluation = Evaluation(type: .internal, evaluator: identity, measures: [identity], note: identity)
        activity.outcomes = identity
        activity.documents = [identity]
        let record = Return(source: "inbox/eirlys.xml", organisation: Organisation(name: "Conwy", type: .localAuthority),
                            respondent: respondent, consent: Consent(given: true, anonymity: .anonymous),
                            submitted: PartialDate(year: 2018), language: .en,
                            answers: [Answer(question: "q1", text: identity, line: 2)], activities: [activity])
        let anonymised = Anonymiser(key: key).anonymise(record)
        let encoded = String(decoding: try JSONEncoder().encode(anonymised), as: UTF8.self)
        for fragment in ["Eirlys", "Prydderch", "eirlys@", "07700", "900123", "Head of Service"] {
            #expect(!encoded.contains(fragment), "\(fragment) survived anonymisation")
        }
        #expect(anonymised.respondent == Pseudonymiser(key: key).pseudonym(for: respondent))
        #expect(anonymised.organisation.name == "Conwy")
    }

    @Test func generatedKeysComeFromTheGivenRandomSource() {
        var first = SplitMix(seed: 1)
        var second = SplitMix(seed: 1)
        var third = SplitMix(seed: 2)
        let (a, bytes) = StudyKey.generate(using: &first)
        #expect(bytes.count == StudyKey.byteCount)
        #expect(StudyKey.generate(using: &second).0 == a)
        #expect(StudyKey.generate(using: &third).0 != a)
    }
}

/// A seeded generator, so key generation can be checked deterministically.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
