import DataMapCore
import Foundation
import Testing

@Suite("Fieldwork cases, dispositions and response rates")
struct FieldworkTests {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func call(_ id: String, _ outcome: CallOutcome, minutes: Double, appointment: Date? = nil) -> CaseEvent {
        .call(CallAttempt(caseID: id, at: at.addingTimeInterval(minutes * 60), outcome: outcome, interviewer: "int-01", appointment: appointment))
    }

    @Test func aSampleIsReadWithItsColumnsInAnyOrderAndNumberedWhenItHasNoIds() throws {
        let cases = try Sample.parse("type,organisation,interviewer\r\nlocal-authority,\"Cyngor Sir Ynys Môn, Isle of Anglesey\",int-01\n\npolice,Heddlu Gogledd Cymru,\n")
        #expect(cases.map(\.id) == ["C001", "C002"])
        #expect(cases[0].organisation == "Cyngor Sir Ynys Môn, Isle of Anglesey" && cases[0].interviewer == "int-01")
        #expect(cases[1].type == .police && cases[1].interviewer.isEmpty)
    }

    @Test(arguments: [
        ("organisation,type\nConwy,council\n", "sample.csv:2:7: 'council' is not an organisation type"),
        ("id,organisation,type\nA1,Conwy,local-authority\nA1,Gwynedd,local-authority\n", "sample.csv:3:1: case id 'A1' is already used on line 2"),
        ("organisation,type\n\"Conwy,local-authority\n", "sample.csv:2:1: a quoted field is never closed"),
        ("organisation,kind\nConwy,local-authority\n", "sample.csv:1:14: unknown column 'kind'"),
        ("organisation,contact_role\nConwy,Head of Service\n", "sample.csv:1:1: the header row must name the columns organisation and type"),
        ("organisation,type,phone\n", "sample.csv:1:19: unknown column 'phone'"),
        ("organisation,type\n,police\n", "sample.csv:2:1: the organisation is empty"),
    ])
    func aBrokenSampleIsRefusedAtItsLineAndColumn(text: String, expected: String) {
        #expect(throws: Sample.Problem.self) { try Sample.parse(text) }
        do { _ = try Sample.parse(text) } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func aSampleDrawnFromTheGazetteerTakesTheScheduledTypesInItsOrder() throws {
        let gazetteer = try Gazetteer.load(yaml: """
            organisations:
              - {name: Conwy County Borough Council, type: local-authority}
              - {name: Welsh Government, type: other}
              - {name: North Wales Police, type: police}
            """)
        #expect(Sample.draw(from: gazetteer).map(\.organisation) == ["Conwy County Borough Council", "North Wales Police"])
        #expect(Sample.draw(from: gazetteer, types: [.police]).map(\.id) == ["C001"])
    }

    @Test func statusesAndDispositionsFollowAAPORPrecedence() {
        let sample = ["A", "B", "C", "D", "E", "F", "G", "H"].map { SampleCase(id: $0, organisation: "Org \($0)", type: .localAuthority) }
        let events: [CaseEvent] = [
            call("A", .noAnswer, minutes: 1), call("A", .busy, minutes: 2), call("A", .busy, minutes: 3),
            call("B", .appointment, minutes: 1, appointment: at.addingTimeInterval(86_400)),
            call("C", .refusal, minutes: 1), call("C", .appointment, minutes: 2, appointment: at),
            call("D", .answeringMachine, minutes: 1), call("D", .unreachable, minutes: 2),
            call("E", .breakOff, minutes: 1),
            call("F", .ineligible, minutes: 1),
            .discarded(caseID: "H", at: at, reason: "duplicate of B"),
        ]
        let interviews = [
            InterviewProgress(id: "e1", caseID: "E", organisation: "Org E", finished: false, answered: 30, asked: 40),
            // Started without --case: it joins the one case of its organisation.
            InterviewProgress(id: "g1", caseID: nil, organisation: "Org G", finished: true, answered: 40, asked: 40),
        ]
        let states = Dictionary(uniqueKeysWithValues: Fieldwork.states(sample, events: events, interviews: interviews).map { ($0.sample.id, $0) })
        #expect(states["A"]?.status == .notStarted && states["A"]?.disposition == .alwaysBusy)
        #expect(states["B"]?.status == .appointment && states["B"]?.disposition == .respondentNeverAvailable)
        // A refusal stays a refusal whatever is recorded after it.
        #expect(states["C"]?.status == .refused && states["C"]?.disposition == .refusal)
        #expect(states["D"]?.status == .unreachable && states["D"]?.disposition == .answeringMachine)
        #expect(states["E"]?.status == .inProgress && states["E"]?.disposition == .partial && states["E"]?.openInterview == "e1")
        #expect(states["F"]?.status == .ineligible && states["F"]?.disposition == .outOfSample)
        #expect(states["G"]?.status == .complete && states["G"]?.disposition == .complete)
        #expect(states["H"]?.status == .discarded && states["H"]?.disposition == nil)
        let lessThanHalf = Fieldwork.states([sample[4]], events: [], interviews: [InterviewProgress(id: "e", caseID: "E", organisation: "", finished: false, answered: 3, asked: 40)])
        #expect(lessThanHalf.first?.disposition == .breakOff)
        #expect(Fieldwork.states([sample[0]], events: [], interviews: []).first?.disposition == .notAttempted)
    }

    @Test func appointmentsAreListedFirstSoonestDueFirst() {
        let sample = ["C1", "C2", "C3", "C4"].map { SampleCase(id: $0, organisation: $0, type: .police) }
        let events = [
            call("C3", .appointment, minutes: 1, appointment: at.addingTimeInterval(7_200)),
            call("C4", .appointment, minutes: 1, appointment: at.addingTimeInterval(3_600)),
            call("C1", .refusal, minutes: 1),
        ]
        let order = Fieldwork.listingOrder(Fieldwork.states(sample, events: events, interviews: [])).map(\.sample.id)
        #expect(order == ["C4", "C3", "C2", "C1"])
    }

    /// Worked by hand: I=3, P=1, R=2, NC=1, UH=4, NE=2. RR1 = 3/11; e = 7/9; RR3 = 3/(7 + 4·7/9) = 27/91.
    @Test func theResponseRatesAreAAPORsRR1AndRR3() {
        var sample: [SampleCase] = []
        var events: [CaseEvent] = []
        var interviews: [InterviewProgress] = []
        func add(_ outcome: CallOutcome?, finished: Bool = false, partial: Bool = false) {
            let id = "C\(sample.count + 1)"
            sample.append(SampleCase(id: id, organisation: id, type: .thirdSector))
            if let outcome { events.append(call(id, outcome, minutes: Double(sample.count))) }
            if finished || partial { interviews.append(InterviewProgress(id: id, caseID: id, organisation: id, finished: finished, answered: 9, asked: 10)) }
        }
        for _ in 0..<3 { add(nil, finished: true) }
        add(nil, partial: true)
        add(.refusal); add(.refusal)
        add(.appointment)
        add(.noAnswer); add(.busy); add(.answeringMachine); add(nil)
        add(.ineligible); add(.ineligible)
        let summary = FieldworkSummary(Fieldwork.states(sample, events: events, interviews: interviews))
        #expect(["I", "P", "R", "NC", "UH", "NE"].map(summary.total) == [3, 1, 2, 1, 4, 2])
        #expect(abs(summary.rr1! - 3.0 / 11.0) < 1e-9)
        #expect(abs(summary.eligibilityEstimate - 7.0 / 9.0) < 1e-9)
        #expect(abs(summary.rr3! - 27.0 / 91.0) < 1e-9)
        #expect(FieldworkSummary([]).rr1 == nil)
    }
}

/// The cases command, interviews started for a case and the build's disposition tables, driven
/// through the binary; the case lock in a real terminal.
@Suite("datamap cases", .serialized)
struct CaseManagementTests {
    func study() throws -> TemporaryStudy {
        let study = try TemporaryStudy(copySample: false)
        try Data("""
            organisation,type,contact_role,interviewer
            Isle of Anglesey County Council,local-authority,Head of Children's Services,int-01
            Conwy County Borough Council,local-authority,Head of Service,int-01
            North Wales Police,police,,int-02
            "Barnardo's Cymru",third-sector,Director,int-02

            """.utf8).write(to: study.root.appendingPathComponent("sample.csv"))
        return study
    }

    func cases(_ study: TemporaryStudy, _ arguments: [String]) throws -> ProcessResult {
        try datamap(["cases"] + arguments + ["--study", study.root.path])
    }

    func interview(_ study: TemporaryStudy, _ id: String, typing lines: [String]) throws -> ProcessResult {
        let input = study.root.appendingPathComponent("typed-\(UUID().uuidString).txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
        return try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "\"$0\" interview --study \"$1\" --case \"$2\" < \"$3\"",
                                                         Repo.binary.path, study.root.path, id, input.path])
    }

    @Test func callsInterviewsAndRefusalsBecomeDispositionsAndRatesInTheOutbox() throws {
        let study = try study()
        let listed = try cases(study, [])
        #expect(listed.status == 0 && listed.stdout.hasPrefix("4 cases: 4 not started"), "\(listed.stdout)\(listed.stderr)")

        #expect(try cases(study, ["call", "C002", "no-answer"]).status == 0)
        #expect(try cases(study, ["call", "C002", "appointment", "--at", "2099-01-02 10:00"]).status == 0)
        #expect(try cases(study, ["call", "C003", "appointment", "--at", "2099-01-01 09:30", "--interviewer", "int-03"]).status == 0)
        let impossible = try cases(study, ["call", "C003", "appointment", "--at", "2099-02-30 09:30"])
        #expect(impossible.status == 64 && impossible.stderr.contains("not a date and time"), "\(impossible.stderr)")
        let unknown = try cases(study, ["call", "C009", "busy"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no case 'C009'"), "\(unknown.stderr)")

        let listing = try cases(study, []).stdout
        #expect(listing.contains("2.21 appointment,"), "\(listing)")
        let rows = listing.split(separator: "\n").dropFirst(2).map { String($0.prefix(4)) }
        #expect(rows == ["C003", "C002", "C001", "C004"], "appointments first, soonest due first")

        // The first case: paused (a break-off), then carried on and finished under the same case.
        let paused = try interview(study, "C001", typing: ["Siân Ŵyn", "Head of Service", "", "", ":pause"])
        #expect(paused.stdout.contains("Carry on with: datamap interview --case C001") && paused.stdout.contains("recorded as break-off"), "\(paused.stdout)\(paused.stderr)")
        #expect(try cases(study, []).stdout.contains("C001  in progress"))
        let finished = try interview(study, "C001", typing: Array(localAuthorityScript().dropFirst(4)) + [""])
        #expect(finished.stdout.contains("Resuming the interview with Isle of Anglesey County Council") && finished.stdout.contains("recorded as complete"),
                "\(finished.stdout)\(finished.stderr)")
        let again = try interview(study, "C001", typing: [])
        #expect(again.status == 1 && again.stderr.contains("case C001 is complete"), "\(again.stderr)")

        // Refused consent: a refusal, and no content anywhere.
        let refused = try interview(study, "C004", typing: ["Rhodri Tŷ Gwyn", "", "", "", "n"])
        #expect(refused.stdout.contains("No consent") && refused.stdout.contains("recorded as refusal"), "\(refused.stdout)")
        let log = try String(contentsOf: study.state.appendingPathComponent("cases/calls.log"), encoding: .utf8)
        #expect(!log.contains("Rhodri") && !log.contains("Siân") && log.contains("\"int-02\""), "\(log)")
        #expect(try permissions(study.state.appendingPathComponent("cases/calls.log")) == 0o600)

        let build = try study.build()
        #expect(build.status == 0, "\(build.stderr)")
        let dispositions = try study.output("dispositions.csv")
        for row in ["1.1,Complete interview,I,1", "2.11,Refusal,R,1", "2.21,Respondent never available (appointment not kept),NC,2"] {
            #expect(dispositions.contains(row), "\(dispositions)")
        }
        let rates = try study.output("response-rates.csv")
        #expect(rates.contains("RR1,0.250,") && rates.contains("RR3,0.250,"), "\(rates)")
        for output in [dispositions, rates, try study.output("dispositions.json")] {
            for identifying in ["Anglesey", "Conwy", "Police", "Barnardo", "int-0", "Head of"] { #expect(!output.contains(identifying)) }
        }
    }

    @Test func aCaseIsLockedWhileItsInterviewIsOpenAndCanBeDiscardedWithAReason() throws {
        let study = try study()
        let terminal = try PseudoTerminal(["interview", "--study", study.root.path, "--case", "C002"])
        try terminal.expect("started on instrument version")
        let second = try interview(study, "C002", typing: [":pause"])
        #expect(second.status == 1 && second.stderr.contains("case C002 is open in another terminal"), "\(second.stderr)")
        let discardOpen = try cases(study, ["discard", "C002", "--reason", "duplicate"])
        #expect(discardOpen.status == 1, "an open case cannot be discarded")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)

        let noReason = try cases(study, ["discard", "C003"])
        #expect(noReason.status == 64)
        #expect(try cases(study, ["discard", "C003", "--reason", "same force as C002's partner"]).status == 0)
        #expect(try cases(study, []).stdout.contains("C003  discarded"))
        let closed = try interview(study, "C003", typing: [])
        #expect(closed.status == 1 && closed.stderr.contains("case C003 is discarded"), "\(closed.stderr)")
        #expect(try study.build().status == 0)
        #expect(try study.output("response-rates.csv").contains("discarded,1,"))
    }

    @Test func aStudyWithoutASampleHasNoDispositionTablesAndSaysHowToMakeOne() throws {
        let study = try TemporaryStudy(copySample: false)
        let listed = try datamap(["cases", "--study", study.root.path])
        #expect(listed.status == 1 && listed.stderr.contains("datamap cases draw"), "\(listed.stderr)")
        #expect(try study.build().status == 0)
        #expect(!FileManager.default.fileExists(atPath: study.outbox.appendingPathComponent("dispositions.csv").path))
        let drawn = try datamap(["cases", "draw", "--type", "police", "--study", study.root.path])
        #expect(drawn.status == 0, "\(drawn.stderr)")
        #expect(try datamap(["cases", "--study", study.root.path]).stdout.contains("North Wales Police (police)"))
        #expect(try datamap(["cases", "draw", "--study", study.root.path]).status == 1, "an existing sample is never overwritten")
        try Data("organisation,type\nConwy,council\n".utf8).write(to: study.root.appendingPathComponent("sample.csv"))
        let broken = try study.build()
        #expect(broken.status == 1 && broken.stderr.contains("sample.csv:2:7: 'council' is not an organisation type"), "\(broken.stderr)")
    }
}

/// Web-return links: an unguessable token per case, kept only as a hash, with an expiry and a
/// revocation; issuing again replaces a case's link.
@Suite("Invitations")
struct InvitationTests {
    @Test func aTokenOpensItsCaseUntilItExpiresOrIsRevokedAndIsStoredOnlyAsAHash() {
        var random = SystemRandomNumberGenerator()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = Invitations.makeToken(using: &random), second = Invitations.makeToken(using: &random)
        #expect(first.count == 43 && first != second && first.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        var invitations = Invitations()
        invitations.issue(caseID: "C001", token: first, now: now, validFor: 86_400)
        invitations.issue(caseID: "C002", token: second, now: now, validFor: 86_400)
        #expect(invitations.verify(first, now: now) == .success("C001") && invitations.verify(second, now: now) == .success("C002"))
        #expect(invitations.verify(first + "x", now: now) == .failure(.unknown))
        #expect(invitations.verify(first, now: now.addingTimeInterval(86_401)) == .failure(.expired))
        #expect(!invitations.invitations.contains { $0.tokenHash.contains(first) } && invitations.invitations[0].tokenHash == Invitations.hash(first))
        let replacement = Invitations.makeToken(using: &random)
        invitations.issue(caseID: "C001", token: replacement, now: now.addingTimeInterval(60), validFor: 86_400)
        #expect(invitations.verify(first, now: now.addingTimeInterval(61)) == .failure(.revoked), "issuing again replaces the link")
        #expect(invitations.verify(replacement, now: now.addingTimeInterval(61)) == .success("C001"))
        #expect(invitations.revoke(caseID: "C001", now: now.addingTimeInterval(120)) == 1)
        #expect(invitations.verify(replacement, now: now.addingTimeInterval(121)) == .failure(.revoked))
    }

    @Test func linksArePrintedOrWrittenForAMailMergeAndTheStudyKeepsNoToken() throws {
        let study = try CaseManagementTests().study()
        let shown = try datamap(["invite", "C001", "C003", "--study", study.root.path, "--base-url", "https://returns.example.org/r/"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let tokens = shown.stdout.matches(of: /https:\/\/returns\.example\.org\/r\/([A-Za-z0-9_-]{43})/).map { String($0.output.1) }
        #expect(tokens.count == 2)
        let store = study.state.appendingPathComponent("invitations.json")
        let kept = try String(contentsOf: store, encoding: .utf8)
        #expect(tokens.allSatisfy { !kept.contains($0) && kept.contains(Invitations.hash($0)) })
        #expect(try permissions(store) == 0o600)
        #expect(try datamap(["invite", "C003", "--revoke", "--study", study.root.path]).stdout.contains("C003: 1 link revoked"))
        let listed = try datamap(["invite", "--list", "--study", study.root.path]).stdout
        #expect(listed.contains("C001  active") && listed.contains("C003  revoked") && !tokens.contains { listed.contains($0) })
        let csv = study.root.appendingPathComponent("links.csv")
        #expect(try datamap(["invite", "--all", "--csv", csv.path, "--study", study.root.path]).status == 0)
        let merge = try String(contentsOf: csv, encoding: .utf8)
        #expect(merge.hasPrefix("case,organisation,contact_role,link,expires\r\n") && merge.contains("C002,Conwy County Borough Council,Head of Service,http://127.0.0.1:8080/return/"))
        #expect(try permissions(csv) == 0o600)
        let plain = try datamap(["invite", "C001", "--base-url", "http://returns.example.org/r/", "--study", study.root.path])
        #expect(plain.status == 64 && plain.stderr.contains("must be https"))
    }
}
