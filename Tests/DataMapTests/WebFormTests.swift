import DataMapCore
@testable import DataMapWeb
import Foundation
import Testing

@Suite("The web form's logic")
struct WebFormLogicTests {
    static func header(_ type: OrganisationType = .localAuthority, mode: CaptureMode? = .web) throws -> InterviewHeader {
        let instrument = try #require(ShippedReference.instruments[type])
        return InterviewHeader(id: "web-test", instrument: instrument, organisation: Organisation(name: "Conwy County Borough Council", type: type),
                               language: .en, startedAt: Date(timeIntervalSince1970: 1_700_000_000), caseID: "C1", mode: mode)
    }

    /// The interview's own way through the schedule: each typed line parsed for the step it answers.
    static func interviewed(_ lines: [String]) throws -> InterviewSession {
        var session = InterviewSession(header: try header(mode: nil))
        var lines = lines[...]
        while let line = lines.first {
            let steps = session.steps()
            guard let step = steps.first(where: { session.answers[$0.key] == nil }) else { break }
            lines = lines.dropFirst()
            let value: AnswerValue
            switch InterviewInput.parse(line) {
            case .nonResponse(let code): value = .nonResponse(code)
            default: value = try AnswerParser.parse(line, for: step.question, language: .en).get()
            }
            session.apply(.answered(step: step.key, value: value, at: Date(timeIntervalSince1970: 1_700_000_100), offset: nil))
        }
        return session
    }

    /// What a browser sends for an answer: a text box's text, a radio's value, each box ticked.
    static func formValues(_ value: AnswerValue?) -> [String] {
        switch value {
        case .text(let text): [text]
        case .choices(let values): values
        default: []
        }
    }

    /// Posts every page as a browser would, with the answers the interview gave, until the
    /// check page; repeats a page while answers bring new questions onto it.
    static func answeredOnTheWeb(like interview: InterviewSession) throws -> InterviewSession {
        var session = InterviewSession(header: try header())
        var page = WebForm.Page.about
        var posts = 0
        while page != .check {
            posts += 1
            try #require(posts < 100)
            let steps = WebForm.steps(on: page, session)
            var pairs: [(name: String, value: String)] = []
            for step in steps {
                pairs.append(("shown", step.key))
                for value in formValues(interview.answers[step.key]?.value) { pairs.append((step.key, value)) }
            }
            let outcome = WebForm.save(FormFields(pairs), page: page, shown: Set(steps.map(\.key)), to: session,
                                       at: Date(timeIntervalSince1970: 1_700_000_100))
            #expect(outcome.problems.isEmpty, "\(page.slug): \(outcome.problems)")
            for event in outcome.events { session.apply(event) }
            if !outcome.appeared { page = WebForm.next(after: page, session) }
        }
        return session
    }

    @Test func theWebFormAsksWhatTheInterviewAsksAndMakesTheSameReturn() throws {
        // "?" (don't know) is a telephone answer; on the web an optional question is left empty.
        let script = localAuthorityScript().map { $0 == "?" ? "" : $0 }
        let interview = try Self.interviewed(script)
        let web = try Self.answeredOnTheWeb(like: interview)
        let finished = Date(timeIntervalSince1970: 1_700_000_900)
        let byTelephone = interview.makeReturn(finishedAt: finished, source: "inbox/a.xml")
        let onTheWeb = web.makeReturn(finishedAt: finished, source: "inbox/a.xml")
        #expect(byTelephone.activities.count == 4)
        #expect(onTheWeb.activities.map(\.name) == byTelephone.activities.map(\.name))
        for (a, b) in zip(onTheWeb.activities, byTelephone.activities) {
            #expect(a.timescale == b.timescale && a.evaluation == b.evaluation && a.partners == b.partners && a.kind == b.kind, "\(a.name)")
            #expect(a.provenance.method == .webForm && b.provenance.method == .interview)
        }
        #expect(onTheWeb.answers.map(\.question) == byTelephone.answers.map(\.question))
        #expect(onTheWeb.answers.map(\.text) == byTelephone.answers.map(\.text))
        #expect(onTheWeb.respondent == byTelephone.respondent && onTheWeb.consent == byTelephone.consent)
        // Written and read back, the web return keeps its paradata and is schema-valid.
        let reader = ReturnReader(schema: try ReturnSchema.compiled())
        let read = try reader.read(ReturnWriter.xml(onTheWeb), source: "inbox/a.xml").get()
        #expect(read.interview?.mode == .web)
        #expect(read.activities.allSatisfy { $0.provenance.method == .webForm })
    }

    @Test func answersBringTheirFollowingQuestionsOntoThePage() throws {
        var session = InterviewSession(header: try Self.header())
        let pilots = try #require(session.instrument.sections.firstIndex { $0.id == "pilots" })
        let page = WebForm.Page.section(pilots)
        func post(_ pairs: [(name: String, value: String)]) -> WebForm.Outcome {
            let outcome = WebForm.save(FormFields(pairs), page: page, shown: Set(WebForm.steps(on: page, session).map(\.key)), to: session, at: Date())
            for event in outcome.events { session.apply(event) }
            return outcome
        }
        #expect(WebForm.steps(on: page, session).map(\.key) == ["pilots.any"])
        // "Any pilots?" yes: "Is there a pilot to record?" appears, and the page is shown again.
        #expect(post([("pilots.any", "yes")]).appeared)
        #expect(WebForm.steps(on: page, session).map(\.key) == ["pilots.any", "pilots[1]"])
        #expect(post([("pilots.any", "yes"), ("pilots[1]", "yes")]).appeared)
        #expect(WebForm.steps(on: page, session).contains { $0.key == "pilots[1].name" })
        // Left empty, the new required questions are problems on the next post, and nothing is lost.
        let again = post([("pilots.any", "yes"), ("pilots[1]", "yes")])
        #expect(again.problems.contains { $0.key == "pilots[1].name" && $0.problem == .required })
        #expect(again.problems.contains { $0.key == "pilots[2]" && $0.problem == .required })
        #expect(session.answers["pilots[1]"]?.value == .text("yes"))
        // "No" closes the group; answering "Any pilots?" no takes the group away altogether.
        #expect(!post([("pilots.any", "no")]).appeared)
        #expect(WebForm.steps(on: page, session).map(\.key) == ["pilots.any"])
    }

    @Test func aForgedChoiceIsRefusedAndAnUnusualNumberNeedsConfirming() throws {
        var session = InterviewSession(header: try Self.header())
        let about = WebForm.steps(on: .about, session).map(\.key)
        let forged = WebForm.save(FormFields([("respondent.name", "Siân"), ("consent.given", "perhaps"), ("consent.anonymity", "named")]),
                                  page: .about, shown: Set(about), to: session, at: Date())
        #expect(forged.problems.map(\.key) == ["consent.given"])
        #expect(forged.typed["respondent.name"] == ["Siân"])
        let saved = WebForm.save(FormFields([("respondent.name", "Siân\u{0}\r\nŴyn"), ("consent.given", "yes"), ("consent.anonymity", "named")]),
                                 page: .about, shown: Set(about), to: session, at: Date())
        for event in saved.events { session.apply(event) }
        #expect(session.answers[StartStep.name]?.value == .text("Siân\nŴyn"), "control characters are dropped, line ends unified")
        let residential = try #require(session.instrument.sections.firstIndex { $0.id == "residential" })
        let page = WebForm.Page.section(residential)
        var keys = Set(WebForm.steps(on: page, session).map(\.key))
        var fields = [("residential.in-house", "yes"), ("residential.homes", "45"), ("residential.out-of-county", "Few"), ("residential-services[1]", "no")]
        let first = WebForm.save(FormFields(fields), page: page, shown: keys, to: session, at: Date())
        for event in first.events { session.apply(event) }
        keys = Set(WebForm.steps(on: page, session).map(\.key))
        let warned = WebForm.save(FormFields(fields), page: page, shown: keys, to: session, at: Date())
        #expect(warned.problems.contains { $0.key == "residential.homes" && $0.problem.isSoft })
        fields.append(("confirm:residential.homes", "yes"))
        let confirmed = WebForm.save(FormFields(fields), page: page, shown: keys, to: session, at: Date())
        #expect(!confirmed.problems.contains { $0.key == "residential.homes" })
        #expect(confirmed.events.contains { if case .noted(let step, let text, _, _) = $0 { step == "residential.homes" && text.contains("Confirmed") } else { false } })
    }

    /// The instrument's notes are for interviewers; the web shows its own hints instead.
    @Test func interviewerNotesStayOffTheWebAndEveryAnswerIsEscaped() throws {
        var session = InterviewSession(header: try Self.header())
        let practice = try #require(WebForm.steps(on: .section(0), session).first { $0.key == "practice.named-models" })
        #expect(practice.question.note != nil)
        let view = FormViews.field(practice, session: session, typed: nil, problem: nil, language: .en, groupStart: nil)
        #expect(view["hint"] as? String == "Select all that apply.")
        let name = try #require(WebForm.steps(on: .about, session).first)
        #expect((FormViews.field(name, session: session, typed: nil, problem: nil, language: .cy, groupStart: nil)["hint"] as? String)?.contains("breifat") == true)
        session.apply(.answered(step: "practice.core-model", value: .text("<script>x</script> & \"q\""), at: Date(), offset: nil))
        let html = try FormViews().render("page", ["fields": [FormViews.field(try #require(WebForm.steps(on: .section(0), session).first),
                                                                             session: session, typed: nil, problem: nil, language: .en, groupStart: nil)]],
                                          title: "<b>", language: .en, switchHref: nil)
        #expect(!html.contains("<script>x") && html.contains("&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;") && !html.contains("<b>"))
    }

    @Test func formBodiesAreDecodedWithinTheirLimits() throws {
        let body = Array("a=1&b=Si%C3%A2n+%C5%B5&b=two&empty=&%3Cx%3E=%3Cscript%3E".utf8)
        let fields = try FormFields.parse(body, maxFields: 10, maxFieldBytes: 100).get()
        #expect(fields.all("b") == ["Siân ŵ", "two"] && fields.first("empty") == "" && fields.first("<x>") == "<script>")
        #expect(FormFields.parse(Array(repeating: UInt8(ascii: "a"), count: 5) + Array("&b&c&d".utf8), maxFields: 3, maxFieldBytes: 100) == .failure(.tooManyFields(3)))
        #expect(FormFields.parse(Array("a=".utf8) + Array(repeating: UInt8(ascii: "x"), count: 101), maxFields: 3, maxFieldBytes: 100) == .failure(.fieldTooLong(100)))
        #expect(FormFields.parse(Array("a=%FF%FE".utf8), maxFields: 3, maxFieldBytes: 100) == .failure(.notUTF8))
        #expect(FormFields.parse(Array("a=100%25&b=%2".utf8), maxFields: 3, maxFieldBytes: 100).map { $0.all("b") } == .success(["%2"]))
    }

    @Test func paradataKeepsOnlyTheBrowsersFamilyAndReferencesNameNothing() {
        #expect(WebForm.agentFamily("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36") == "Chrome")
        #expect(WebForm.agentFamily("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0") == "Firefox")
        #expect(WebForm.agentFamily("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15") == "Safari")
        #expect(WebForm.agentFamily("Mozilla/5.0 Chrome/131.0 Safari/537.36 Edg/131.0") == "Edge")
        #expect(WebForm.agentFamily(nil) == "unknown")
        let reference = WebForm.reference(for: "web-0123456789abcdef")
        #expect(reference.wholeMatch(of: /DM-[A-Z2-9]{4}-[A-Z2-9]{4}/) != nil && reference != WebForm.reference(for: "web-0123456789abcdee"))
        for page in [WebForm.Page.about, .section(0), .section(11), .check] { #expect(WebForm.Page(slug: page.slug) == page) }
        #expect(WebForm.Page(slug: "section-0") == nil && WebForm.Page(slug: "section-x") == nil)
    }

    @Test func theFormCheckIsPerInvitationAndComparedWhole() throws {
        var random = SystemRandomNumberGenerator()
        let (key, _) = StudyKey.generate(using: &random)
        let (other, _) = StudyKey.generate(using: &random)
        let value = key.formCheck(for: "aa")
        #expect(key.acceptsFormCheck(value, for: "aa"))
        #expect(!key.acceptsFormCheck(value, for: "ab") && !other.acceptsFormCheck(value, for: "aa") && !key.acceptsFormCheck("", for: "aa"))
    }
}

@Suite("datamap serve's command line")
struct ServeCommandTests {
    @Test func anAddressBeyondLoopbackNeedsPublicAndAStudyNeedsInvitations() throws {
        let study = try TemporaryStudy(copySample: false)
        let open = try datamap(["serve", "--study", study.root.path, "--host", "0.0.0.0"])
        #expect(open.status == 64 && open.stderr.contains("--public") && open.stderr.contains("TLS"))
        try study.copyInstruments()
        try Data("id,organisation,type,contact_role,interviewer\nC1,Conwy County Borough Council,local-authority,Head,int1\n".utf8)
            .write(to: study.root.appendingPathComponent("sample.csv"))
        let uninvited = try datamap(["serve", "--study", study.root.path, "--port", "0"])
        #expect(uninvited.status == 1 && uninvited.stderr.contains("datamap invite"))
    }
}

/// The whole form in Debian's headless Chromium through Selenium: see Tests/web/form_test.py.
@Suite("The web form in a real browser", .serialized)
struct WebFormBrowserTests {
    @Test func returnsInEnglishAndWelshAttacksAndKillsDuringSubmission() throws {
        let python = Repo.root.appendingPathComponent(".build/test-python/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "scripts/setup --for-tests installs chromium-driver")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("datamap-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let result = try run(python, [Repo.root.appendingPathComponent("Tests/web/form_test.py").path, Repo.binary.path, work.path])
        let failed = result.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(result.status == 0 && failed.isEmpty, "\(failed.joined(separator: "\n"))\n\(result.stderr.suffix(3000))")
        // Every page a respondent sees was checked by axe-core.
        let summary = try #require(result.stdout.split(separator: "\n").last)
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])["pages_checked_by_axe"] as? Int
        #expect((checked ?? 0) >= 20)
    }
}
