import DataMapCore
import Foundation
import Testing

/// A telephone-style interview of a local authority: two pilots, one practice model and one
/// edge-of-care service, typed line by line. `yes` is swapped for the Welsh run.
func localAuthorityScript(yes: String = "y") -> [String] {
    [
        // Start: respondent and consent
        "Eirlys Prydderch", "Head of Children's Services", "eirlys.prydderch@council.example", "01632 960123", yes, "1",
        // Practice models
        "Signs of Safety across the service; Eirlys introduced it.", "1,3", "4",
        // A model: name, description, status, extent (whole service, so "which part?" is not asked), start, evaluation…
        yes, "Signs of Safety", "Strengths-based assessment and planning", "1", "1", "2016-04", "2", "", "", "", "n",
        // Pilots
        yes,
        yes, "Crisis Response Pilot", "Rapid support at home", "1", "2017-06", "2019-05", "2 years", "two years from June 2017",
        "11-17-year-olds", "North Wales Police; Betsi Cadwaladr University Health Board", "Intermediate Care Fund", "4",
        "Bangor University", "Placement stability; Re-referral rate", "2019-09", "", "",
        // No evaluation ("1"), so who evaluates it, its measures and results are not asked.
        yes, "Family Time Project", "Weekend family time", "1", "2017-11", "", "", "started last November",
        "", "", "", "1", "", "",
        "n",
        // Edge of care
        "Children on child-protection plans or in pre-proceedings.", yes,
        yes, "Edge of Care Team", "Intensive family support", "1", "2016", "", "Families in pre-proceedings", "", "Core budget",
        "5", "", "Re-referrals", "",
        "n",
        // Residential care
        "n", "Bringing children back from out-of-county placements.", "n",
        // Foster carers
        "A Welsh-language recruitment campaign.", "", "n",
        // Partnership
        "Safeguarding hub with police and health.", "?", "2016-01", "n",
        // The Act
        "New front door for information and advice.", "1", "n",
    ]
}

@Suite("datamap interview in a real terminal", .serialized)
struct InterviewTests {
    func startInterview(_ study: TemporaryStudy, language: String = "en", environment: [String: String] = [:],
                        controlling: Bool = false) throws -> PseudoTerminal {
        try study.copyInstruments()
        return try PseudoTerminal(["interview", "--study", study.root.path, "--type", "local-authority",
                                   "--organisation", "Isle of Anglesey County Council", "--language", language,
                                   "--recording", "anglesey-2018-02-14.m4a"],
                                  environment: environment, controlling: controlling)
    }

    /// The id the interview announces as it starts.
    func interviewID(_ terminal: PseudoTerminal) throws -> String {
        let banner = try terminal.expect("started on instrument version")
        return String(try #require(banner.firstMatch(of: /Interview ([0-9a-f]{8})/)).output.1)
    }

    func finish(_ terminal: PseudoTerminal, review: String) throws -> String {
        try terminal.expect(review)
        try terminal.answer("")
        let saved = try terminal.expect(".xml")
        #expect(terminal.waitForExit() == 0)
        return try #require(saved.firstMatch(of: /inbox\/interview-[^ ]+\.xml/)).output.description
    }

    func read(_ study: TemporaryStudy, _ file: String) throws -> Return {
        let data = try Data(contentsOf: study.root.appendingPathComponent(file))
        return try ReturnReader(schema: try ReturnSchema.compiled()).read(data, source: file).get()
    }

    @Test func aScriptedInterviewBecomesTheMatchingActivityRows() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        try terminal.expect("Question 1/")
        for line in localAuthorityScript() { try terminal.answer(line) }
        let file = try finish(terminal, review: "── Review ──")
        let record = try read(study, file)
        // Matched to the gazetteer at the start, so the region comes with it.
        #expect(record.organisation == Organisation(name: "Isle of Anglesey County Council", type: .localAuthority, region: "North Wales"))
        #expect(record.respondent.name == "Eirlys Prydderch")
        #expect(record.consent == Consent(given: true, anonymity: .anonymous))
        #expect(record.interview?.recording == "anglesey-2018-02-14.m4a")
        #expect(record.activities.map(\.name) == ["Signs of Safety", "Crisis Response Pilot", "Family Time Project", "Edge of Care Team"])
        #expect(record.activities.map(\.kind) == [.practiceModel, .pilot, .pilot, .service])
        let crisis = record.activities[1]
        #expect(crisis.timescale == Timescale(start: PartialDate(year: 2017, month: 6), end: PartialDate(year: 2019, month: 5),
                                              duration: "P2Y", phrase: "two years from June 2017"))
        #expect(crisis.evaluation == Evaluation(type: .external, evaluator: "Bangor University",
                                                measures: ["Placement stability", "Re-referral rate"],
                                                resultsDue: PartialDate(year: 2019, month: 9)))
        #expect(crisis.partners == ["North Wales Police", "Betsi Cadwaladr University Health Board"])
        #expect(record.activities[2].evaluation?.type == EvaluationType.none)
        #expect(record.activities.allSatisfy { $0.provenance.offset != nil })
        #expect(record.answers.first { $0.question == "partnership.commissioning" }?.nonResponse == .dontKnow)
        #expect(record.answers.first { $0.question == "practice.named-models" }?.text == "signs-of-safety; family-group-conferences")
        #expect(record.answers.allSatisfy { $0.at != nil && $0.offset != nil })

        let build = try study.build()
        #expect(build.status == 0, "\(build.stderr)")
        let csv = try study.output("datamap.csv")
        for row in ["pilot-projects,pilot,Crisis Response Pilot", "pilot-projects,pilot,Family Time Project",
                    "practice-models,practice-model,Signs of Safety", "edge-of-care,service,Edge of Care Team"] {
            #expect(csv.contains(row), "missing row \(row)")
        }
        #expect(csv.components(separatedBy: ",interview,").count - 1 == 4)
        let answers = try study.output("answers.csv")
        #expect(!csv.contains("Eirlys") && !answers.contains("Eirlys") && !answers.contains("Prydderch"))
    }

    /// Every Welsh letter with a circumflex, grave or diaeresis, in both cases, a curly apostrophe
    /// and an emoji, typed at libedit's prompt by a terminal whose locale is plain "C" (as a
    /// server's often is), and a long answer continued over a line with a backslash. Before, the
    /// letters were dropped (Siân became Sin) and the continuation prompt crashed the editor.
    @Test func welshLettersAndBackslashContinuationSurviveTheLineEditorInTheCLocale() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study, environment: ["LANG": "C", "LC_ALL": "C", "LC_CTYPE": "C"])
        let letters = "âêîôûŵŷ ÂÊÎÔÛŴŶ àèìòùẁỳ ÀÈÌÒÙẀỲ äëïöüẅÿ ÄËÏÖÜẄŸ"
        var script = localAuthorityScript()
        script[0] = "Siân Ŵyn"
        script[1] = "Pennaeth – sy’n arwain 🙂"
        script[6] = "Cyngor Sir Gâr: \(letters) \\"
        script.insert("ail linell yn Nhŷ’r Cyngor", at: 7)
        try terminal.expect("Question 1/")
        for (index, line) in script.enumerated() {
            if index == 7 { try terminal.expect("… ") ; terminal.send(line) } else { try terminal.answer(line) }
        }
        let record = try read(study, try finish(terminal, review: "── Review ──"))
        #expect(terminal.waitForExit() == 0)
        #expect(record.respondent.name == "Siân Ŵyn")
        #expect(record.respondent.role == "Pennaeth – sy’n arwain 🙂")
        #expect(record.answers.first { $0.question == "practice.core-model" }?.text
                == "Cyngor Sir Gâr: \(letters) \nail linell yn Nhŷ’r Cyngor")
        #expect(record.activities.map(\.name) == ["Signs of Safety", "Crisis Response Pilot", "Family Time Project", "Edge of Care Team"])
        // …and on into the data map: every letter survives the build, the person does not.
        let built = try study.build()
        #expect(built.status == 0, "\(built.stderr)")
        let answers = try study.output("answers.csv")
        #expect(answers.contains("Cyngor Sir Gâr: \(letters)") && answers.contains("Nhŷ’r Cyngor"), "\(answers)")
        let rows = try study.output("datamap.csv")
        #expect(!answers.contains("Siân") && !rows.contains("Ŵyn"))
    }

    @Test func ctrlCPausesWithAMessageAndAJournalEntryAndASecondTerminalCannotOpenTheSameInterview() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study, controlling: true)
        let id = try interviewID(terminal)
        try terminal.answer("Siân Ŵyn")
        try terminal.expect("> ")
        terminal.press([0x03])
        try terminal.expect("Paused; every answer so far is saved.")
        #expect(terminal.waitForExit() == 130)
        let journal = study.state.appendingPathComponent("interviews/\(id).journal")
        #expect(try String(contentsOf: journal, encoding: .utf8).contains("\"paused\""))

        let first = try PseudoTerminal(["interview", "--study", study.root.path, "--resume", String(id)])
        try first.expect("Resuming the interview")
        let second = try PseudoTerminal(["interview", "--study", study.root.path, "--resume", String(id)])
        try second.expect("open in another terminal")
        #expect(second.waitForExit() != 0)
        try first.answer(":pause")
        #expect(first.waitForExit() == 0)
    }

    /// What the screen shows is what is saved, after Ctrl-U clears a line and after the window is
    /// resized mid-answer, with Welsh letters typed either side.
    @Test func ctrlUAndAResizeLeaveTheSavedAnswerAsTheScreenShowsIt() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        let id = try interviewID(terminal)
        try terminal.expect("> ")
        terminal.press(Array("wrong name ŵ".utf8))
        Thread.sleep(forTimeInterval: 0.2)
        terminal.press([0x15])
        terminal.press(Array("Siân".utf8))
        Thread.sleep(forTimeInterval: 0.2)
        terminal.resize(rows: 30, columns: 60)
        Thread.sleep(forTimeInterval: 0.2)
        terminal.send(" Ŵyn")
        try terminal.expect("Question 2/")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)
        let journal = try String(contentsOf: study.state.appendingPathComponent("interviews/\(id).journal"), encoding: .utf8)
        #expect(journal.contains("\"_0\":\"Siân Ŵyn\""), "\(journal)")
        #expect(!journal.contains("wrong name"))
    }

    @Test func anEndBeforeTheStartIsRefusedAtTheQuestion() throws {
        let study = try TemporaryStudy(copySample: false)
        let script = localAuthorityScript()
        let end = try #require(script.firstIndex(of: "2019-05"))
        let terminal = try startInterview(study)
        for line in script.prefix(end) { try terminal.answer(line) }
        terminal.send("2016-01")
        try terminal.expect("before the start given for it (2017-06)")
        try terminal.answer("2019-05")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)
    }

    /// A soft check warns and keeps the answer only with a reason, which is noted beside it; an
    /// empty reason asks the question again. A start after today for an activity running now is one.
    @Test func aSoftCheckWarnsAndKeepsTheAnswerOnlyWithAReason() throws {
        let study = try TemporaryStudy(copySample: false)
        var script = localAuthorityScript()
        let start = try #require(script.firstIndex(of: "2017-06"))
        let inHouse = try #require(script.firstIndex(of: "Bringing children back from out-of-county placements.")) - 1
        script[inHouse] = "y"
        let terminal = try startInterview(study)
        let id = try interviewID(terminal)
        for line in script.prefix(start) { try terminal.answer(line) }
        terminal.send("2099-01")
        try terminal.expect("after today")
        try terminal.expect("Reason to keep it")
        terminal.send("")
        try terminal.expect("When did it start, or when will it start?")  // asked again, not kept
        for line in script[start..<inHouse] + ["y"] { try terminal.answer(line) }
        terminal.send("45")
        try terminal.expect("That is unusual: most answers are 30 or less.")
        try terminal.expect("Reason to keep it")
        terminal.send("Counts the four short-break homes run with Tŷ Gwyn’s trust")
        try terminal.expect("Kept, with the reason noted.")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)
        let journal = try String(contentsOf: study.state.appendingPathComponent("interviews/\(id).journal"), encoding: .utf8)
        #expect(journal.contains("\"residential.homes\"") && journal.contains("\"45\""), "\(journal)")
        #expect(journal.contains("Counts the four short-break homes run with Tŷ Gwyn’s trust"), "the reason is noted as typed")
        #expect(!journal.contains("2099-01"), "an answer whose soft check had no reason is not kept")
    }

    /// The review of a full interview fits a 24-line screen page by page, labels each answer with
    /// its repetition, and shows the interviewer's notes.
    @Test func theReviewPagesBySectionWithRepetitionLabelsAndNotes() throws {
        let study = try TemporaryStudy(copySample: false)
        var script = localAuthorityScript()
        // A note on the second pilot's name, typed before its answer.
        let second = try #require(script.firstIndex(of: "Family Time Project"))
        script.insert(":note They called it ‘Amser Tŷ’ at first — Siôn’s ŵyr", at: second)
        let terminal = try startInterview(study)
        for line in script { try terminal.answer(line) }
        try terminal.expect("── Review ──")
        var page = try terminal.expect("> next page, < previous page")
        #expect(page.contains("page 1/"), "\(page)")
        var pages = [page]
        for _ in 0..<12 where !page.contains("Pilot 2 · What is it called?") {
            try terminal.answer(">")
            page = try terminal.expect("> next page, < previous page")
            pages.append(page)
        }
        #expect(page.contains("Pilot 2 · What is it called?: Family Time Project"), "\(page)")
        #expect(page.contains("Note: They called it ‘Amser Tŷ’ at first — Siôn’s ŵyr"), "\(page)")
        for shown in pages {
            let rows = shown.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { $0 + max(1, ($1.count + 79) / 80) }
            #expect(rows <= 24, "a page of \(rows) rows:\n\(shown)")
        }
        try terminal.answer("<")
        try terminal.expect("> next page, < previous page")
        try terminal.answer("")
        try terminal.expect(".xml")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func aTestInterviewCanBeDiscardedWithAReasonAndNothingOfItIsKept() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        let id = try interviewID(terminal)
        try terminal.answer("Siân Ŵyn")
        // Open in this terminal: it cannot be discarded from another.
        let busy = try datamap(["interview", "--study", study.root.path, "--discard", id, "--reason", "test run"])
        #expect(busy.status != 0 && busy.stderr.contains("open in another terminal"), "\(busy.stderr)")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)
        let noReason = try datamap(["interview", "--study", study.root.path, "--discard", id])
        #expect(noReason.status == 64, "\(noReason.stderr)")
        let done = try datamap(["interview", "--study", study.root.path, "--discard", id, "--reason", "training run, not a real case"])
        #expect(done.status == 0, "\(done.stderr)")
        let folder = study.state.appendingPathComponent("interviews")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(id).journal").path))
        let log = try String(contentsOf: folder.appendingPathComponent("discarded.csv"), encoding: .utf8)
        #expect(log.contains(id) && log.contains("training run, not a real case") && !log.contains("Siân"), "\(log)")
        #expect(try permissions(folder.appendingPathComponent("discarded.csv")) == 0o600)
        let resume = try datamap(["interview", "--study", study.root.path, "--resume"])
        #expect(resume.stdout.contains("There are no unfinished interviews."), "\(resume.stdout)")
    }

    @Test func theOrganisationTypedIsMatchedToTheListAndAnImpossibleTypeOrASecondInterviewIsChecked() throws {
        let study = try TemporaryStudy(copySample: false)
        func interview(_ type: String, _ name: String, answers: String) throws -> ProcessResult {
            try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '\(answers)' | \"$0\" interview --study \"$1\" --type \(type) --organisation '\(name)'",
                                                      Repo.binary.path, study.root.path])
        }
        let first = try interview("local-authority", "Conwy", answers: ":pause\\n")
        #expect(first.stdout.contains("'Conwy' is Conwy County Borough Council"), "\(first.stdout)")
        let journals = JournalLister.sessions(study)
        #expect(journals.first?.organisation.name == "Conwy County Borough Council" && journals.first?.organisation.region != nil)
        let wrongType = try interview("police", "Conwy County Borough Council", answers: "n\\n")
        #expect(wrongType.stdout.contains("not a police force") && wrongType.stdout.contains("Start this interview anyway?"), "\(wrongType.stdout)")
        let again = try interview("local-authority", "Conwy County Borough Council", answers: "n\\n")
        #expect(again.stdout.contains("An unfinished interview with Conwy County Borough Council already exists"), "\(again.stdout)")
        #expect(JournalLister.sessions(study).count == 1, "declining started nothing")
    }

    @Test func answersPipedInAreEchoedAfterTheirPrompt() throws {
        let study = try TemporaryStudy(copySample: false)
        let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf 'Siân Ŵyn\\nHead of Service\\n' | \"$0\" interview --study \"$1\" --type local-authority --organisation 'Conwy County Borough Council'",
                                                         Repo.binary.path, study.root.path])
        #expect(result.stdout.contains("> Siân Ŵyn\n") && result.stdout.contains("> Head of Service\n"), "\(result.stdout)")
    }

    @Test func theConsentStatementIsShownToBeReadAloud() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study, language: "cy")
        for line in localAuthorityScript().prefix(4) { try terminal.answer(line) }
        try terminal.expect("Gallwch stopio ar unrhyw adeg")
        try terminal.answer(":oedi")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func aShortCommandJumpsToASectionAnswersAllow() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        for line in localAuthorityScript().prefix(8) { try terminal.answer(line) }
        try terminal.expect("Question 9/")
        try terminal.answer(":section 1")
        let back = try terminal.expect("more in this section")
        #expect(back.contains("Question 7/") && back.contains("section 1 of "), "\(back)")
        try terminal.answer(":adran 4")
        try terminal.expect("Section 4 cannot be reached yet")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)
    }

    /// The overall total grows with every pilot added; the section and what is left in it do not.
    @Test func theProgressLineSaysTheSectionAndHowManyAreLeftInIt() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        let first = try terminal.expect("more in this section")
        #expect(first.contains("Question 1/") && first.contains("start, 5 more in this section"), "\(first)")
        for line in localAuthorityScript().prefix(6) { try terminal.answer(line) }
        let seventh = try terminal.expect("more in this section")
        #expect(seventh.contains("Question 7/") && seventh.contains("section 1 of "), "\(seventh)")
        try terminal.answer(":pause")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func anImpossibleDateIsRefusedAtTheQuestionAndSpokenFormsAreRead() {
        #expect(AnswerParser.partialDate("2018-02-30") == nil)
        #expect(AnswerParser.partialDate("29/2/2019") == nil)
        #expect(AnswerParser.partialDate("29/2/2020") == PartialDate(year: 2020, month: 2, day: 29))
        #expect(AnswerParser.partialDate("March 2018") == PartialDate(year: 2018, month: 3))
        #expect(AnswerParser.partialDate("Mawrth 2018") == PartialDate(year: 2018, month: 3))
        #expect(AnswerParser.partialDate("31/3/18") == PartialDate(year: 2018, month: 3, day: 31))
    }

    @Test func killingTheProcessAfterTheTenthAnswerLosesNothing() throws {
        let study = try TemporaryStudy(copySample: false)
        let script = localAuthorityScript()
        let terminal = try startInterview(study)
        let id = try interviewID(terminal)
        for line in script.prefix(10) { try terminal.answer(line) }
        try terminal.expect("Question 11/")
        terminal.kill()
        // The journal holds the instrument it started on: the files may change, or go, meanwhile.
        try FileManager.default.removeItem(at: study.root.appendingPathComponent("instruments"))

        let resumed = try PseudoTerminal(["interview", "--study", study.root.path, "--resume"])
        try resumed.expect("Unfinished interviews:")
        try resumed.expect("10 answers, id \(id)")
        try resumed.answer("1")
        try resumed.expect("Resuming the interview with Isle of Anglesey County Council")
        try resumed.expect("Question 11/")
        for line in script.dropFirst(10) { try resumed.answer(line) }
        let file = try finish(resumed, review: "── Review ──")
        let record = try read(study, file)
        #expect(record.respondent == Respondent(name: "Eirlys Prydderch", role: "Head of Children's Services",
                                                email: "eirlys.prydderch@council.example", phone: "01632 960123"))
        #expect(record.answers.first { $0.question == "practice.core-model" }?.text == "Signs of Safety across the service; Eirlys introduced it.")
        #expect(record.answers.first { $0.question == "practice.confidence" }?.text == "4")
        #expect(record.activities.first?.name == "Signs of Safety")
        #expect(record.activities.first?.extent == Extent(scope: .full))
        #expect(record.activities.count == 4)
    }

    /// The journal gets the build's treatment: fifty SIGKILLs at random moments, each followed by
    /// a resume. No answer the interviewer saw acknowledged (the next prompt appeared) is ever
    /// lost, the journal always opens, and the finished return equals an uninterrupted one.
    @Test func killingTheInterviewAtFiftyRandomMomentsLosesNoAcknowledgedAnswer() throws {
        let script = localAuthorityScript()
        let reference = try TemporaryStudy(copySample: false)
        let straight = try startInterview(reference)
        for line in script { try straight.answer(line) }
        let expected = try read(reference, try finish(straight, review: "── Review ──"))

        let study = try TemporaryStudy(copySample: false)
        var terminal = try startInterview(study)
        try terminal.expect("Question 1/")
        // The first question's own prompt, so that the next "> " seen is the one an answer brings.
        try terminal.expect("> ")
        var recorded = 0
        var generator = SystemRandomNumberGenerator()
        for trial in 0..<50 {
            // One answer typed and acknowledged, then a burst typed ahead and a kill at a random moment.
            var acknowledged = recorded
            if recorded < script.count - 1 {
                terminal.send(script[recorded])
                try terminal.expect("> ")
                acknowledged = recorded + 1
            }
            for line in script[acknowledged..<min(script.count - 1, acknowledged + Int.random(in: 0...3, using: &generator))] {
                terminal.send(line)
            }
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            terminal.kill()

            let resumed = try PseudoTerminal(["interview", "--study", study.root.path, "--resume"])
            let listing = try resumed.expect(", id ")
            let count = try #require(listing.firstMatch(of: /(\d+) answers/), "trial \(trial): no unfinished interview listed").output.1
            let now = try #require(Int(count))
            #expect(now >= acknowledged, "trial \(trial): \(acknowledged) answers were acknowledged, the journal holds \(now)")
            #expect(now >= recorded, "trial \(trial): answers went missing")
            recorded = now
            try resumed.answer("1")
            try resumed.expect("Resuming the interview")
            terminal = resumed
            try terminal.expect("> ")
        }
        for (index, line) in script.enumerated().dropFirst(recorded) {
            terminal.send(line)
            if index < script.count - 1 { try terminal.expect("> ") }
        }
        let file = try finish(terminal, review: "── Review ──")
        let record = try read(study, file)
        #expect(record.respondent == expected.respondent)
        #expect(record.answers.map { [$0.question, $0.text] } == expected.answers.map { [$0.question, $0.text] })
        #expect(record.activities.map(\.name) == expected.activities.map(\.name))
        #expect(record.activities.map(\.timescale) == expected.activities.map(\.timescale))
    }

    @Test func theWelshInterviewOnADumbTerminalGivesAnEquivalentReturn() throws {
        let english = try TemporaryStudy(copySample: false)
        let englishTerminal = try startInterview(english)
        for line in localAuthorityScript() { try englishTerminal.answer(line) }
        let englishRecord = try read(english, try finish(englishTerminal, review: "── Review ──"))

        let welsh = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(welsh, language: "cy", environment: ["TERM": "dumb", "NO_COLOR": "1"])
        try terminal.expect("Dechrau: yr ymatebydd a chydsyniad")
        try terminal.expect("Cwestiwn 1/")
        for line in localAuthorityScript(yes: "ie") { try terminal.answer(line) }
        let welshRecord = try read(welsh, try finish(terminal, review: "── Adolygu ──"))
        #expect(terminal.screen.contains("Nodyn i'r cyfwelydd"))
        #expect(terminal.screen.contains("Oes prosiect peilot i'w gofnodi?"))
        #expect(!terminal.raw.contains(0x1B), "a dumb terminal got escape sequences")

        #expect(welshRecord.language == .cy)
        #expect(englishRecord.language == .en)
        #expect(welshRecord.organisation == englishRecord.organisation)
        #expect(welshRecord.respondent == englishRecord.respondent)
        #expect(welshRecord.answers.map(\.question) == englishRecord.answers.map(\.question))
        #expect(welshRecord.answers.map(\.text) == englishRecord.answers.map(\.text))
        func shape(_ a: ActivityRecord) -> ActivityRecord {
            var copy = a
            copy.provenance = Provenance(method: .interview, file: "", line: 0)
            return copy
        }
        #expect(welshRecord.activities.map(shape) == englishRecord.activities.map(shape))
    }

    @Test func commandsWorkAtAnyPrompt() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        try terminal.answer("Eirlys Prydderch")
        try terminal.answer(":back")
        try terminal.expect("Current answer: Eirlys Prydderch")
        try terminal.answer("")
        try terminal.answer(":skip")
        try terminal.answer("not an email")
        try terminal.expect("does not look like an email address")
        try terminal.answer("/")
        try terminal.answer(":note Call back after 3pm")
        try terminal.expect("Note saved.")
        try terminal.answer("!")
        try terminal.answer(":skip")
        try terminal.expect("This one needs an answer.")
        try terminal.answer("y")
        try terminal.answer(":review")
        try terminal.expect("── Review ──")
        try terminal.expect("Their email address: Not applicable")
        try terminal.expect("Their phone number: Refused")
        try terminal.answer("")
        try terminal.expect("May they be named")
        try terminal.answer(":pause")
        try terminal.expect("Paused; every answer so far is saved.")
        #expect(terminal.waitForExit() == 0)
        let journals = try FileManager.default.contentsOfDirectory(
            at: study.state.appendingPathComponent("interviews"), includingPropertiesForKeys: nil)
        #expect(journals.count == 1)
        #expect(try permissions(journals[0]) == 0o600)
        let text = try String(contentsOf: journals[0], encoding: .utf8)
        #expect(text.contains("Call back after 3pm"))
    }

    @Test func theTypeAndNameCanBeChosenAtTheStartAndAnswersChangedFromTheReview() throws {
        let study = try TemporaryStudy(copySample: false)
        try study.copyInstruments()
        let terminal = try PseudoTerminal(["interview", "--study", study.root.path])
        try terminal.expect("Which type of organisation?")
        try terminal.answer("12")
        try terminal.expect("Please give a number from 1 to 9.")
        try terminal.answer("5")
        try terminal.expect("The organisation's name:")
        try terminal.answer("Heddlu Gwent")
        try terminal.expect("Question 1/")
        for line in ["Rhys ap Gwilym", "", "", "", "y", "2", "n", "Families known to two agencies.", "n",
                     "Hub with social services.", "2016", "n"] {
            try terminal.answer(line)
        }
        try terminal.expect("── Review ──")
        try terminal.expect("May they be named in the report, or do they want anonymity?: May be named")
        try terminal.answer("8")
        try terminal.expect("Current answer: Families known to two agencies.")
        try terminal.answer("Families known to police and social services.")
        try terminal.expect("── Review ──")
        let file = try finish(terminal, review: "Families known to police and social services.")
        let record = try read(study, file)
        // The Welsh name typed is the gazetteer's body.
        #expect(record.organisation == Organisation(name: "Gwent Police", type: .police))
        #expect(record.consent.anonymity == .named)
        #expect(record.answers.first { $0.question == "edge.definition" }?.text == "Families known to police and social services.")
        #expect(record.interview?.instrument.hasPrefix("police@") == true)
    }

    @Test func refusingConsentStopsAndKeepsNothing() throws {
        let study = try TemporaryStudy(copySample: false)
        let terminal = try startInterview(study)
        for line in ["Eirlys Prydderch", "", "", "", "n"] { try terminal.answer(line) }
        try terminal.expect("No consent: the interview has stopped and nothing has been kept.")
        #expect(terminal.waitForExit() == 0)
        let journals = try FileManager.default.contentsOfDirectory(atPath: study.state.appendingPathComponent("interviews").path)
        #expect(journals.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: study.inbox.path).isEmpty)
    }
}

/// Routing inside a repeating group: a field asked only after some answers of the same
/// repetition, read from the shipped question bank.
@Suite("Routing in the shipped instruments")
struct RoutingTests {
    func session(_ answers: [(String, AnswerValue)]) throws -> InterviewSession {
        let instrument = try #require(ShippedReference.instruments[.localAuthority])
        var session = InterviewSession(header: InterviewHeader(id: "t", instrument: instrument,
                                                              organisation: Organisation(name: "Conwy County Borough Council", type: .localAuthority),
                                                              language: .en, startedAt: Date(timeIntervalSince1970: 1_500_000_000)))
        for (step, value) in answers { session.apply(.answered(step: step, value: value, at: Date(timeIntervalSince1970: 1_500_000_000), offset: nil)) }
        return session
    }

    @Test func whichPartIsAskedOnlyWhenTheModelIsUsedInPart() throws {
        let whole = try session([("models[1]", .text("yes")), ("models[1].extent", .text("full"))]).steps().map(\.key)
        #expect(!whole.contains("models[1].extent-note"))
        let part = try session([("models[1]", .text("yes")), ("models[1].extent", .text("part"))]).steps().map(\.key)
        #expect(part.contains("models[1].extent-note"))
        #expect(part.contains("models[1].status"), "a practice model's status is asked, not assumed")
    }

    @Test func whoEvaluatesItIsNotAskedAfterNoEvaluation() throws {
        let none = try session([("pilots.any", .text("yes")), ("pilots[1]", .text("yes")), ("pilots[1].evaluation-type", .text("none"))])
            .steps().map(\.key)
        for field in ["evaluator", "outcome-measures", "results-due"] { #expect(!none.contains("pilots[1].\(field)"), "\(field)") }
        #expect(none.contains("pilots[1].outcomes"))
        let external = try session([("pilots.any", .text("yes")), ("pilots[1]", .text("yes")), ("pilots[1].evaluation-type", .text("external"))])
            .steps().map(\.key)
        for field in ["evaluator", "outcome-measures", "results-due"] { #expect(external.contains("pilots[1].\(field)"), "\(field)") }
    }

    @Test func anotherModelAsksForItsDescription() throws {
        let other = try session([("practice.named-models", .choices(["signs-of-safety", "other"]))]).steps().map(\.key)
        #expect(other.contains("practice.other-model"))
        let listed = try session([("practice.named-models", .choices(["signs-of-safety"]))]).steps().map(\.key)
        #expect(!listed.contains("practice.other-model"))
    }

    @Test func aFieldShownByOneAskedAfterItIsAnInstrumentError() {
        let bank = """
            choice_lists:
              extent:
                - {value: full, en: "Whole", cy: "Cyfan"}
                - {value: part, en: "Part", cy: "Rhan"}
            activity_fields:
              name: {text: {en: "Name?", cy: "Enw?"}}
              extent: {choices: extent, text: {en: "Extent?", cy: "Graddau?"}}
              extent-note: {text: {en: "Which part?", cy: "Pa ran?"}, show_if: {field: extent, equals: part}}
            questions: []
            groups:
              - id: models
                kind: practice-model
                prompt: {en: "Models", cy: "Modelau"}
                more: {en: "Another?", cy: "Un arall?"}
                fields: [name, extent-note, extent]
            """
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: bank), schedules: [])
        #expect(set.problems.contains { $0.message.contains("field 'extent-note' is shown by 'extent'") }, "\(set.problems.map(\.message))")
    }
}

@Suite("Edit checks declared in the instrument")
struct EditCheckTests {
    @Test func aCountOfHomesTakesNeitherANegativeNorAFraction() throws {
        let question = try #require(ShippedReference.instruments[.localAuthority]?.questions.first { $0.id == "residential.homes" })
        #expect(AnswerParser.parse("-1", for: question, language: .en) == .failure(.numberRange(0, 500)))
        #expect(AnswerParser.parse("2.5", for: question, language: .en) == .failure(.wholeNumber))
        #expect(AnswerParser.parse("3", for: question, language: .en) == .success(.text("3")))
        #expect(InputProblem.numberRange(0, 500).message(.cy) == "Rhowch rif o 0 i 500.")
    }

    @Test func theLinterChecksTheChecks() {
        let bank = """
            questions:
              - id: homes
                type: number
                min: 10
                max: 2
                text: {en: "How many?", cy: "Faint?"}
              - id: name
                type: short-text
                whole: true
                expect: {max: 3}
                text: {en: "Name?", cy: "Enw?"}
              - id: staff
                type: number
                min: 0
                max: 100
                expect: {max: 400}
                text: {en: "How many staff?", cy: "Faint o staff?"}
              - id: carers
                type: number
                expect: {}
                text: {en: "How many carers?", cy: "Faint o ofalwyr?"}
            groups: []
            """
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: bank), schedules: [])
        #expect(set.problems.contains { $0.message.contains("needs max no smaller than min") }, "\(set.problems.map(\.message))")
        #expect(set.problems.contains { $0.message.contains("'whole' applies to number questions only") })
        #expect(set.problems.contains { $0.message.contains("'expect' (a soft check) applies to number questions only") })
        #expect(set.problems.contains { $0.message.contains("'staff': the expected range must lie inside min and max") })
        #expect(set.problems.contains { $0.message.contains("'expect' needs 'min', 'max' or both") })
    }
}

/// The interviews a study's journals hold, read as the program reads them.
enum JournalLister {
    static func sessions(_ study: TemporaryStudy) -> [InterviewHeader] {
        let folder = study.state.appendingPathComponent("interviews")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return names.filter { $0.hasSuffix(".journal") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                  let line = data.split(separator: 0x0A).first,
                  case .started(let header)? = try? decoder.decode(JournalEvent.self, from: Data(line)) else { return nil }
            return header
        }
    }
}
