@testable import DataMapCore
import Foundation
import Testing

/// A minimal valid bank; tests splice one fault into it.
let miniBank = """
    choice_lists:
      colours:
        - {value: red, en: Red, cy: Coch}
        - {value: blue, en: Blue, cy: Glas}
    activity_fields:
      name: {text: {en: Name, cy: Enw}}
      status: {choices: colours, text: {en: Status, cy: Statws}}
    questions:
      - id: q.any
        type: yes-no
        text: {en: Any?, cy: Unrhyw?}
      - id: q.colour
        type: single-choice
        choices: colours
        text: {en: Colour?, cy: Lliw?}
      - id: q.more
        type: short-text
        text: {en: More?, cy: Mwy?}
    groups:
      - id: things
        kind: pilot
        prompt: {en: Each thing, cy: Pob peth}
        more: {en: Another?, cy: Un arall?}
        fields: [name, status]

    """

func miniSchedule(type: String = "police", items: String = """
          - question: q.any
          - question: q.colour
          - question: q.more
            show_if: {question: q.any, equals: "yes"}
          - group: things
    """) -> String {
    """
    organisation_type: \(type)
    title: {en: Schedule, cy: Amserlen}
    sections:
      - id: main
        theme: pilot-projects
        title: {en: Main, cy: Prif}
        items:
    \(items)

    """
}

/// Loads one bank and one schedule; the other eight types are supplied clean so only the
/// example's own faults are reported.
func lint(bank: String = miniBank, schedule: String) -> [Diagnostic] {
    var schedules = [SourceFile(path: "schedules/police.yaml", text: schedule)]
    for type in OrganisationType.scheduled where type != .police {
        schedules.append(SourceFile(path: "schedules/\(type.rawValue).yaml", text: miniSchedule(type: type.rawValue)))
    }
    return InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: bank), schedules: schedules).problems
}

/// Each rule with an example that triggers it (and where) and one that does not.
struct LintRuleExample: Sendable, CustomStringConvertible {
    let code: Diagnostic.Code
    let triggering: (bank: String, schedule: String, location: String)
    let nonTriggering: (bank: String, schedule: String)
    var description: String { code.rawValue }
}

let lintRules: [LintRuleExample] = [
    LintRuleExample(
        code: .duplicateID,
        triggering: (miniBank.replacingOccurrences(of: "id: q.more", with: "id: q.any"), miniSchedule(), "bank.yaml:16:9"),
        nonTriggering: (miniBank, miniSchedule())),
    LintRuleExample(
        code: .badCondition,
        triggering: (miniBank, miniSchedule(items: """
                  - question: q.more
                    show_if: {question: q.any, equals: "yes"}
                  - question: q.any
            """), "schedules/police.yaml:9:18"),
        nonTriggering: (miniBank, miniSchedule())),
    LintRuleExample(
        code: .unreachable,
        triggering: (miniBank, miniSchedule(items: """
                  - question: q.colour
                  - question: q.more
                    show_if: {question: q.colour, equals: green}
            """), "schedules/police.yaml:10:18"),
        nonTriggering: (miniBank, miniSchedule(items: """
                  - question: q.colour
                  - question: q.more
                    show_if: {question: q.colour, in: [green, blue]}
            """))),
    LintRuleExample(
        code: .missingChoices,
        triggering: (miniBank.replacingOccurrences(of: "    choices: colours\n", with: ""), miniSchedule(), "bank.yaml:13:5"),
        nonTriggering: (miniBank, miniSchedule())),
    LintRuleExample(
        code: .missingLabel,
        triggering: (miniBank.replacingOccurrences(of: "{en: More?, cy: Mwy?}", with: "{en: More?}"), miniSchedule(), "bank.yaml:18:11"),
        nonTriggering: (miniBank, miniSchedule())),
    LintRuleExample(
        code: .unknownReference,
        triggering: (miniBank, miniSchedule(items: "          - question: q.nowhere"), "schedules/police.yaml:8:23"),
        nonTriggering: (miniBank, miniSchedule())),
    LintRuleExample(
        code: .yaml,
        triggering: (miniBank, "organisation_type: police\ntitle: [unclosed\n", "schedules/police.yaml:3:1"),
        nonTriggering: (miniBank, miniSchedule())),
]

@Suite("Instrument linter rules")
struct InstrumentLintTests {
    @Test(arguments: lintRules)
    func eachRuleFiresOnItsExampleAndOnlyThere(rule: LintRuleExample) {
        let found = lint(bank: rule.triggering.bank, schedule: rule.triggering.schedule)
        let match = found.first { $0.code == rule.code }
        #expect(match != nil, "\(rule.code.rawValue) did not fire; found \(found.map(\.rendered))")
        if let match {
            #expect("\(match.location.file):\(match.location.line):\(match.location.column)" == rule.triggering.location)
        }
        #expect(lint(bank: rule.nonTriggering.bank, schedule: rule.nonTriggering.schedule).isEmpty)
    }

    @Test func aMissingScheduleIsReported() {
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: miniBank),
                                        schedules: [SourceFile(path: "schedules/police.yaml", text: miniSchedule())])
        #expect(set.problems.filter { $0.code == .missingSchedule }.count == OrganisationType.scheduled.count - 1)
    }

    @Test func aGroupTakesItsSectionsThemeAndAskesItsFields() throws {
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: miniBank),
                                        schedules: [SourceFile(path: "s.yaml", text: miniSchedule())])
        let instrument = try #require(set.instruments[.police])
        guard case .group(let group) = instrument.sections[0].items[3] else {
            Issue.record("the fourth item is not the group")
            return
        }
        #expect(group.theme == .pilotProjects)
        #expect(group.fields.map(\.id) == ["name", "status"])
        #expect(group.fields[1].choices.map(\.value) == ["red", "blue"])
        #expect(instrument.version.count == 12)
    }

    @Test func theShippedInstrumentsPass() throws {
        let result = try datamap(["instruments", "check", "--study", Repo.root.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("instruments: ok"))
        for type in OrganisationType.scheduled { #expect(result.stdout.contains("\(type.rawValue): ")) }
    }

    @Test func aBrokenConditionInTheShippedInstrumentsFailsTheCheckNamingItsLine() throws {
        let study = try TemporaryStudy(copySample: false)
        let instruments = study.root.appendingPathComponent("instruments")
        let schedule = instruments.appendingPathComponent("schedules/police.yaml")
        let text = try String(contentsOf: schedule, encoding: .utf8)
        let broken = text.replacingOccurrences(of: "      - question: partnership.date-joined\n",
                                               with: "      - question: partnership.date-joined\n        show_if: {question: pilots.any, equals: maybe}\n")
        try broken.write(to: schedule, atomically: true, encoding: .utf8)
        let line = broken.components(separatedBy: "\n").firstIndex { $0.contains("equals: maybe") }! + 1
        let result = try datamap(["instruments", "check", "--study", study.root.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("instruments/schedules/police.yaml:\(line):18: error: 'partnership.date-joined' can never be shown"))
    }

    @Test func everyLabelInTheShippedInstrumentsHasEnglishAndWelsh() throws {
        let bank = try String(contentsOf: Repo.root.appendingPathComponent("instruments/bank.yaml"), encoding: .utf8)
        let directory = Repo.root.appendingPathComponent("instruments/schedules")
        let schedules = try FileManager.default.contentsOfDirectory(atPath: directory.path).map {
            SourceFile(path: $0, text: try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8))
        }
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: bank), schedules: schedules)
        #expect(set.problems.isEmpty)
        for instrument in set.instruments.values {
            for section in instrument.sections {
                #expect(!section.title.en.isEmpty && !section.title.cy.isEmpty)
                for item in section.items {
                    switch item {
                    case .question(let q):
                        #expect(!q.text.cy.isEmpty && q.text.cy != q.text.en, "\(q.id) has no Welsh of its own")
                    case .group(let g):
                        #expect(g.fields.allSatisfy { !$0.text.cy.isEmpty && $0.text.cy != $0.text.en })
                    }
                }
            }
        }
        // Health boards and police get partnership questions rather than foster-carer recruitment.
        for type in [OrganisationType.healthBoard, .police] {
            let themes = Set(set.instruments[type]!.sections.map(\.theme))
            #expect(themes.contains(.commissioningPartnership) && !themes.contains(.fosterCarerCapacity))
        }
        #expect(set.instruments[.localAuthority]!.sections.count == Theme.allCases.count)
    }
}

@Suite("Interview answers and steps")
struct InterviewLogicTests {
    let question = { (type: QuestionType, required: Bool) in
        Question(id: "q", type: type, text: Label(en: "Q", cy: "C"), note: nil, required: required,
                 choices: [Choice(value: "a", label: Label(en: "A", cy: "A")), Choice(value: "b", label: Label(en: "B", cy: "B"))],
                 scale: Scale(min: 1, max: 5), showIf: nil)
    }

    @Test(arguments: [
        (QuestionType.yesNo, "ie", AnswerValue.text("yes")), (.yesNo, "Nac oes", .text("no")), (.yesNo, "Y", .text("yes")),
        (.singleChoice, "2", .text("b")), (.singleChoice, "a", .text("a")), (.multipleChoice, "2, 1 2", .choices(["b", "a"])),
        (.date, "04/2017", .text("2017-04")), (.date, "2017", .text("2017")), (.date, "1/4/2017", .text("2017-04-01")),
        (.number, "1,200", .text("1200")), (.number, "2.5", .text("2.5")), (.scale, "5", .text("5")),
        (.shortText, "  words  ", .text("words")),
    ])
    func acceptedAnswers(type: QuestionType, input: String, expected: AnswerValue) {
        #expect(AnswerParser.parse(input, for: question(type, false), language: .en) == .success(expected))
    }

    @Test(arguments: [
        (QuestionType.yesNo, "maybe", InputProblem.yesNo), (.singleChoice, "3", .choice(2)), (.multipleChoice, "1, x", .choice(2)),
        (.date, "April", .date), (.date, "2017-13", .date), (.number, "many", .number), (.scale, "6", .scale(1, 5)),
        (.shortText, String(repeating: "x", count: 301), .tooLong),
    ])
    func refusedAnswers(type: QuestionType, input: String, problem: InputProblem) {
        #expect(AnswerParser.parse(input, for: question(type, false), language: .en) == .failure(problem))
    }

    @Test func blankIsASkipWhenOptionalAndAProblemWhenRequired() {
        #expect(AnswerParser.parse("", for: question(.shortText, false), language: .en) == .success(.skipped))
        #expect(AnswerParser.parse(" ", for: question(.shortText, true), language: .cy) == .failure(.required))
        #expect(InputProblem.required.message(.cy).hasPrefix("Mae angen ateb"))
    }

    @Test(arguments: [("2 years", "P2Y"), ("18 months", "P18M"), ("3 blynedd", "P3Y"), ("6 wythnos", "P6W"), ("p2y", "P2Y")])
    func durationsBecomeISO(input: String, expected: String) {
        var q = question(.shortText, false)
        q.id = "pilots[1].duration"
        #expect(AnswerParser.parse(input, for: q, language: .en) == .success(.text(expected)))
    }

    @Test(arguments: [(":back", InterviewInput.back), (":nol", .back), (":skip", .skip), (":hepgor", .skip),
                      (":note call back", .note("call back")), (":review", .review), (":pause", .pause), (":oedi", .pause),
                      ("?", .nonResponse(.dontKnow)), ("!", .nonResponse(.refused)), ("/", .nonResponse(.notApplicable)),
                      ("Signs of Safety", .answer("Signs of Safety")), (":unknown", .answer(":unknown"))])
    func commandsAreRecognised(line: String, expected: InterviewInput) {
        #expect(InterviewInput.parse(line) == expected)
    }

    @Test func conditionsAndGroupsShapeTheSteps() throws {
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: miniBank),
                                        schedules: [SourceFile(path: "s.yaml", text: miniSchedule())])
        let instrument = try #require(set.instruments[.police])
        let start = Date(timeIntervalSince1970: 1_500_000_000)
        var session = InterviewSession(header: InterviewHeader(
            id: "abc", instrument: instrument, organisation: Organisation(name: "Gwent Police", type: .police),
            language: .en, startedAt: start, recording: "r.m4a", recordingOffset: 30))
        func answer(_ step: String, _ value: String, after seconds: Double = 0) {
            let at = start.addingTimeInterval(seconds)
            session.apply(.answered(step: step, value: .text(value), at: at, offset: session.offset(at: at)))
        }
        answer(StartStep.name, "A Person")
        for step in [StartStep.role, StartStep.email, StartStep.phone] {
            session.apply(.answered(step: step, value: .skipped, at: start, offset: nil))
        }
        answer(StartStep.consent, "yes")
        answer(StartStep.anonymity, "anonymous")
        #expect(session.steps().map(\.key).suffix(3) == ["q.any", "q.colour", "things[1]"])
        answer("q.any", "yes", after: 60)
        #expect(session.steps().map(\.key).suffix(3) == ["q.colour", "q.more", "things[1]"])
        answer("things[1]", "yes")
        answer("things[1].name", "First thing")
        answer("things[2]", "yes")
        answer("things[2].name", "Second thing")
        answer("things[2].status", "blue")
        answer("things[3]", "no")
        #expect(session.steps().map(\.key).suffix(6) == ["things[1].name", "things[1].status", "things[2]", "things[2].name", "things[2].status", "things[3]"])
        #expect(session.answers["q.any"]?.offset == 90)
        #expect(session.resumePosition() == 7)
        #expect(session.steps()[7].key == "q.colour")
        let record = session.makeReturn(finishedAt: start.addingTimeInterval(600), source: "inbox/i.xml")
        #expect(record.activities.map(\.name) == ["First thing", "Second thing"])
        #expect(record.activities.map(\.theme) == [.pilotProjects, .pilotProjects])
        #expect(record.submitted == PartialDate(year: 2017, month: 7, day: 14))
        answer(StartStep.consent, "no")
        #expect(session.consentRefused)
        #expect(session.steps().last?.key == StartStep.consent)
    }
}
