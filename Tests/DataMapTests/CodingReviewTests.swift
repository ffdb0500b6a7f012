import DataMapCore
import DataMapStore
import Foundation
import Testing

/// A short letter of our own whose reading gives four proposals: three right, and the Edge of
/// Care Service's timescale missing its end.
let fourProposalLetter = """
    Organisation: Gwynedd Council
    Date: 14 March 2018

    Dear research team,

    Thank you for asking about our work with looked-after children.

    Our Family Link pilot started in April 2017 and runs until March 2019. It is evaluated externally by Bangor University.

    The Edge of Care Service has supported families since 2015 and is monitored through quarterly performance reports.

    We are also piloting Therapeutic Fostering, which began in January 2018 and will run for two years, with an internal evaluation.

    Our Young Carers Project started in 2016 and is evaluated by the council's own research team.

    Yours faithfully,
    Head of Children's Services

    """

@Suite("Coding decisions, anchors and agreement")
struct CodingTests {
    func record(_ names: [(String, Int)]) -> AnonymisedReturn {
        AnonymisedReturn(source: "inbox/x.txt", organisation: Organisation(name: "Gwynedd Council", type: .localAuthority),
                         respondent: "P-NONE", anonymity: .anonymous, submitted: PartialDate(year: 2018), language: .en, answers: [],
                         activities: names.map { name, line in
                             var activity = ActivityRecord(theme: .pilotProjects, kind: .pilot, name: name, status: .current,
                                                           provenance: Provenance(method: .writtenReturn, file: "inbox/x.txt", line: line))
                             activity.evidence = [Evidence(field: "name", line: line, phrase: name)]
                             return activity
                         })
    }

    @Test func acceptCorrectRejectAndAddAreAppliedAndEachValueSaysItsOrigin() throws {
        let file = CodingFile(source: "inbox/x.txt", coders: ["ab": [
            CodingDecision(action: .accept, quote: "Family Link pilot", line: 8),
            CodingDecision(action: .correct, quote: "Edge of Care Service", line: 10, values: CodedValues(kind: .service, end: "2018-12")),
            CodingDecision(action: .reject, quote: "Head of Children's Services", line: 18, reason: "not an activity: a job title"),
            CodingDecision(action: .add, quote: "a kinship care hub opened in May", line: 16, values: CodedValues(name: "Kinship Care Hub", kind: .service)),
        ]])
        let lines = (1...20).map { $0 == 16 ? "We also note a kinship care hub opened in May." : "line \($0)" }
        let (coded, findings) = Coding.apply(file, to: record([("Family Link pilot", 8), ("Edge of Care Service", 10), ("Head of Children's Services", 18)])) { lines }
        #expect(findings.isEmpty, "\(findings.map(\.message))")
        #expect(coded.activities.map(\.name) == ["Family Link pilot", "Edge of Care Service", "Kinship Care Hub"])
        #expect(coded.activities.map { $0.coding?.origin } == [.confirmed, .corrected, .added])
        #expect(coded.activities[1].coding?.fields == ["kind", "timescale"] && coded.activities[1].timescale?.end == PartialDate("2018-12"))
        #expect(coded.activities[2].provenance.line == 16 && coded.activities[2].coding?.coders == ["ab"])
        // Long texts stay keyed to each activity's place as read, whatever was rejected or added.
        #expect(coded.activities.map(\.storedPosition) == [0, 1, nil])
    }

    @Test func anEditElsewhereMovesNoDecisionButAnEditedPassageIsReportedNotMisapplied() throws {
        let file = CodingFile(source: "inbox/x.txt", coders: ["ab": [
            CodingDecision(action: .correct, quote: "Family Link pilot", line: 8, values: CodedValues(start: "2017-05")),
            CodingDecision(action: .reject, quote: "Edge of Care Service", line: 10, reason: "a comparator"),
        ]])
        // Five lines added above: both anchors are found at their new lines.
        let shifted = Coding.apply(file, to: record([("Family Link pilot", 13), ("Edge of Care Service", 15)])) { nil }
        #expect(shifted.1.isEmpty && shifted.0.activities.map(\.name) == ["Family Link pilot"])
        #expect(shifted.0.activities[0].timescale?.start == PartialDate("2017-05"))
        // The passage renamed: nothing is applied to the other activity, and the lost anchor is a finding at its line.
        let edited = Coding.apply(file, to: record([("Family Links project", 8), ("Edge of Care Service", 10)])) { nil }
        #expect(edited.0.activities.map(\.name) == ["Family Links project"])
        #expect(edited.0.activities[0].coding == nil && edited.0.activities[0].timescale == nil)
        let lost = try #require(edited.1.first)
        #expect(lost.rule == Coding.anchorLost && lost.location.file == "inbox/x.txt" && lost.location.line == 8, "\(lost)")
    }

    /// Worked by hand: 10 passages, A keeps 7, B keeps 6, both keep 5, both reject 2.
    /// p_o = 0.7; p_e = 0.7·0.6 + 0.3·0.4 = 0.54; κ = 0.16 / 0.46.
    @Test func kappaIsCohensOnAHandWorkedExample() {
        let ratings = Array(repeating: ("kept", "kept"), count: 5) + Array(repeating: ("rejected", "rejected"), count: 2)
            + Array(repeating: ("kept", "rejected"), count: 2) + [("rejected", "kept")]
        #expect(abs(Agreement.kappa(ratings)! - 0.16 / 0.46) < 1e-12)
        #expect(Agreement.kappa(Array(repeating: ("kept", "kept"), count: 4)) == nil, "undefined with one category")
    }

    @Test func twoCodersGiveAgreementPerFieldAndDisagreementsNeedReconciling() throws {
        let names = [("Family Link pilot", 8), ("Edge of Care Service", 10), ("Therapeutic Fostering", 12), ("Young Carers Project", 14)]
        let file = CodingFile(source: "inbox/x.txt", coders: [
            "ab": [CodingDecision(action: .accept, quote: "Family Link pilot", line: 8),
                   CodingDecision(action: .accept, quote: "Edge of Care Service", line: 10),
                   CodingDecision(action: .reject, quote: "Therapeutic Fostering", line: 12, reason: "comparator"),
                   CodingDecision(action: .accept, quote: "Young Carers Project", line: 14)],
            "cd": [CodingDecision(action: .accept, quote: "Family Link pilot", line: 8),
                   CodingDecision(action: .correct, quote: "Edge of Care Service", line: 10, values: CodedValues(pilot: false)),
                   CodingDecision(action: .accept, quote: "Therapeutic Fostering", line: 12),
                   CodingDecision(action: .accept, quote: "Young Carers Project", line: 14)],
        ])
        let agreement = Agreement([(file, record(names))])
        let activity = try #require(agreement.rows.first { $0.field == "activity" })
        // kept/kept ×3, kept/rejected ×1: p_o = 0.75, p_e = 0.75·1 + 0.25·0 = 0.75, κ = 0.
        #expect(activity.items == 4 && activity.agreed == 3 && activity.kappa == 0 && activity.disagreements == ["inbox/x.txt"])
        let pilot = try #require(agreement.rows.first { $0.field == "pilot" })
        #expect(pilot.items == 3 && pilot.agreed == 2)
        let (standing, disputed) = Coding.standing(file)
        #expect(standing.count == 2 && disputed.map(\.quote) == ["Edge of Care Service", "Therapeutic Fostering"])
        var settled = file
        settled.agreed = [CodingDecision(action: .accept, quote: "Therapeutic Fostering", line: 12)]
        let (coded, findings) = Coding.apply(settled, to: record(names)) { nil }
        #expect(coded.activities.count == 4 && findings.count == 1 && findings[0].rule == Coding.disagreement)
    }

    @Test func aCodingFileRoundTripsAndABrokenOneIsLocated() throws {
        let file = CodingFile(source: "inbox/north/x.txt", coders: ["ab": [
            CodingDecision(action: .correct, quote: "Prosiect Tŷ Gwyn: “Camau”", line: 3, values: CodedValues(start: "2018-03-01", partners: ["A", "B"]))]])
        let text = file.yaml()
        #expect(try CodingFile.load(yaml: text, file: "coding/north/x.txt.yaml") == file)
        #expect(CodingFile.path(for: "inbox/north/x.txt") == "coding/north/x.txt.yaml")
        let broken = #expect(throws: CodingFile.Problem.self) { try CodingFile.load(yaml: "source: a\ncoders: [\n", file: "coding/a.yaml") }
        #expect(broken?.description.hasPrefix("coding/a.yaml:") == true)
        let unknown = #expect(throws: CodingFile.Problem.self) {
            try CodingFile.load(yaml: "source: a\ncoders:\n  ab:\n    - action: maybe\n      quote: x\n      line: 1\n", file: "coding/a.yaml")
        }
        #expect(unknown?.description.hasPrefix("coding/a.yaml:") == true && unknown?.description.contains("action") == true, "\(String(describing: unknown))")
    }
}

@Suite("datamap review in a real terminal", .serialized)
struct CodingReviewTests {
    func study() throws -> TemporaryStudy {
        let study = try TemporaryStudy(copySample: false)
        try study.write("gwynedd-letter.txt", fourProposalLetter)
        return study
    }

    func rows(_ study: TemporaryStudy) throws -> [[String: String]] {
        let csv = try study.output("datamap.csv")
        let lines = csv.split(separator: "\r\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // The letter's values hold no commas inside quotes in the columns read here.
        return lines.dropFirst().map { line in
            let fields = Self.fields(line)
            return Dictionary(uniqueKeysWithValues: zip(header, fields + Array(repeating: "", count: max(0, header.count - fields.count))))
        }
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        for character in line {
            if character == "\"" { quoted.toggle(); continue }
            if character == ",", !quoted { fields.append(field); field = ""; continue }
            field.append(character)
        }
        return fields + [field]
    }

    /// Three proposals right and one timescale to correct: 22 keys, Enter included, against a
    /// target of 25.
    @Test func fourProposalsWithOneCorrectionTakeAtMostTwentyFiveKeystrokes() throws {
        let study = try study()
        let terminal = try PseudoTerminal(["review", "--study", study.root.path, "--coder", "ab", "inbox/gwynedd-letter.txt"])
        var keys = 0
        func type(_ text: String) throws {
            try terminal.answer(text)
            keys += text.count + 1
        }
        try terminal.expect("proposal 1/4")
        try type("")
        try terminal.expect("Edge of Care Service")
        try type("t 2015 2018-12")
        try terminal.expect("* timescale   2015 – 2018-12")
        try type("")
        try type("")
        try type("")
        try terminal.expect("Done: the decisions are in coding/.")
        #expect(terminal.waitForExit() == 0)
        #expect(keys <= 25, "\(keys) keystrokes")
        // Every line fits an 80-column screen, and a proposal with its passage fits 24 rows.
        let screen = terminal.screen
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 80 })
        for proposal in screen.components(separatedBy: "── Return").dropFirst() {
            #expect(proposal.split(separator: "\n", omittingEmptySubsequences: false).count <= 24, "\(proposal)")
        }

        let build = try study.build()
        #expect(build.status == 0, "\(build.stderr)")
        let coded = try rows(study)
        #expect(coded.map { $0["origin"]! }.sorted() == ["confirmed", "confirmed", "confirmed", "corrected"])
        let edge = try #require(coded.first { $0["name"] == "Edge of Care Service" })
        #expect(edge["timescale_end"] == "2018-12" && edge["corrected_fields"] == "timescale" && edge["coders"] == "ab")
        #expect(try study.output("summary.md").contains("4 activities checked by a coder (3 confirmed, 1 corrected"))

        // The store marked as made by an earlier pipeline version: everything is read again, and
        // the decisions still stand.
        let store = try SQLiteStore(path: study.state.appendingPathComponent("store.sqlite").path)
        let stamp = try #require(try store.stamp())
        try store.apply(upserts: [], deletions: [], stamp: PipelineStamp(pipelineVersion: stamp.pipelineVersion - 1, keyFingerprint: stamp.keyFingerprint))
        let rebuilt = try study.build()
        #expect(rebuilt.status == 0 && rebuilt.stdout.contains("1 changed"), "\(rebuilt.stdout)")
        #expect(try rows(study).filter { $0["origin"] != "extracted" }.count == 4)
    }

    @Test func anEditedPassageIsAFindingAndAnEditElsewhereIsNot() throws {
        let study = try study()
        let review = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf 'x a comparator\\nt 2015 2018-12\\n\\n\\n\\n' | \"$0\" review --study \"$1\" --coder ab",
                                                          Repo.binary.path, study.root.path])
        #expect(review.status == 0, "\(review.stderr)")
        // A paragraph added above them: every decision still applies, at its new line.
        try study.write("gwynedd-letter.txt", fourProposalLetter.replacingOccurrences(
            of: "looked-after children.\n", with: "looked-after children.\n\nWe hope this helps the study.\n"))
        #expect(try study.build().status == 0)
        var coded = try rows(study)
        #expect(coded.count == 3 && !coded.contains { $0["name"] == "Family Link pilot" } && coded.allSatisfy { $0["origin"] != "extracted" })
        // The corrected passage itself rewritten: reported at its line, and nothing else takes the correction.
        try study.write("gwynedd-letter.txt", fourProposalLetter.replacingOccurrences(of: "The Edge of Care Service has", with: "The Family Support Team has"))
        let build = try datamap(["validate", "--study", study.root.path])
        #expect(build.stderr.contains("inbox/gwynedd-letter.txt:10:1: warning:") && build.stderr.contains("[coding-anchor-lost]"), "\(build.stderr)")
        #expect(try study.build().status == 0)
        coded = try rows(study)
        #expect(coded.first { $0["name"] == "Family Support Team" }?["origin"] == "extracted")
        #expect(!coded.contains { $0["timescale_end"] == "2018-12" })
    }

    @Test func confirmedOnlyPublishesOnlyCodedActivitiesAndTwoCodersAreCompared() throws {
        let study = try study()
        func code(_ coder: String, _ keys: String) throws {
            let result = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '\(keys)' | \"$0\" review --study \"$1\" --coder \(coder)",
                                                                  Repo.binary.path, study.root.path])
            #expect(result.status == 0, "\(result.stderr)")
        }
        try code("ab", "\\nq\\n")
        #expect(try study.build(["--confirmed-only"]).status == 0)
        #expect(try rows(study).map { $0["name"]! } == ["Family Link pilot"])

        try code("ab", "\\n\\n\\n")
        try code("cd", "\\nx a comparator\\n\\n\\n")
        #expect(try study.build().status == 0)
        let agreement = try study.output("agreement.csv")
        #expect(agreement.contains("ab / cd,activity,4,3,0.750,0.000,inbox/gwynedd-letter.txt"), "\(agreement)")
        #expect(try study.output("findings.csv").contains("coding-disagreement"))

        let reconcile = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '1\\n' | \"$0\" review --study \"$1\" --coder ab --reconcile",
                                                             Repo.binary.path, study.root.path])
        #expect(reconcile.stdout.contains("1 disagreements settled"), "\(reconcile.stdout)\(reconcile.stderr)")
        #expect(try study.build().status == 0)
        #expect(try !study.output("findings.csv").contains("coding-disagreement"))
        #expect(try rows(study).count == 4)

        let report = try datamap(["review", "--study", study.root.path, "--report"])
        #expect(report.stdout.contains("confirmed as read: 7") && report.stdout.contains("rejected: a comparator: 1"), "\(report.stdout)")
        let file = try String(contentsOf: study.root.appendingPathComponent("coding/gwynedd-letter.txt.yaml"), encoding: .utf8)
        #expect(file.contains("agreed:") && file.contains("ab:") && file.contains("cd:"))
    }

    /// A second look: --again shows every proposal with the decision made, Enter keeps a
    /// correction, and a decision can be changed.
    @Test func decisionsCanBeRevisitedAndChanged() throws {
        let study = try study()
        func code(_ keys: String, again: Bool = false) throws -> ProcessResult {
            try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '\(keys)' | \"$0\" review --study \"$1\" --coder ab\(again ? " --again" : "")",
                                                      Repo.binary.path, study.root.path])
        }
        #expect(try code("\\nt 2015 2018-12\\n\\n\\n\\n").status == 0)
        #expect(try code("").stdout.contains("every proposal already has your decision (--again shows them"))
        let again = try code("\\n\\nx a comparator\\n\\n", again: true)
        #expect(again.stdout.contains("Your decision so far: correct") && again.stdout.contains("* timescale   2015 – 2018-12"), "\(again.stdout)")
        #expect(try study.build().status == 0)
        let coded = try rows(study)
        #expect(coded.map { $0["name"]! }.sorted() == ["Edge of Care Service", "Family Link pilot", "Young Carers Project"])
        #expect(coded.first { $0["name"] == "Edge of Care Service" }?["timescale_end"] == "2018-12")
    }

    /// What a coder quotes or types is anonymised as the record is: the respondent's name on a
    /// picked line or in a reason never reaches coding/, and the build still finds the passage.
    @Test func quotesAndTypedTextHoldNoPersonalData() throws {
        let study = try TemporaryStudy(copySample: false)
        let letter = fourProposalLetter.replacingOccurrences(of: "Yours faithfully,\nHead of Children's Services\n",
            with: "Eleri Vaughan also chairs a kinship care forum for grandparents raising grandchildren.\n\nYours sincerely,\nEleri Vaughan\nHead of Children's Services\n")
        try study.write("gwynedd-letter.txt", letter)
        let line = letter.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("Eleri Vaughan also") }! + 1
        let review = try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "printf '+ \(line) Kinship Care Forum\nx not ours, says Eleri Vaughan\nq\n' | \"$0\" review --study \"$1\" --coder ab",
                                                          Repo.binary.path, study.root.path])
        #expect(review.status == 0, "\(review.stderr)")
        let file = try String(contentsOf: study.root.appendingPathComponent("coding/gwynedd-letter.txt.yaml"), encoding: .utf8)
        #expect(!file.contains("Eleri") && !file.contains("Vaughan") && file.contains("kinship care forum"), "\(file)")
        #expect(try study.build().status == 0)
        let added = try rows(study).first { $0["name"] == "Kinship Care Forum" }
        #expect(added?["origin"] == "added" && added?["source_line"] == String(line))
    }

    /// The bundled Markdown template and plain-text letter, coded in Welsh by pressing Enter,
    /// by a coder whose ID has a Welsh letter.
    @Test func theBundledMarkdownAndTextReturnsAreCodedInTheTerminal() throws {
        let study = try TemporaryStudy(copySample: true)
        let refused = try datamap(["review", "--study", study.root.path, "--coder", "a b"])
        #expect(refused.status == 64 && refused.stderr.contains("--coder may hold only letters"), "\(refused.stderr)")
        let terminal = try PseudoTerminal(["review", "--study", study.root.path, "--coder", "siân", "--language", "cy",
                                           "inbox/ts-voices-template.md", "inbox/la-ceredigion.txt"])
        try terminal.expect("cynnig 1/")
        var presses = 0
        var prompts = 0
        let deadline = Date().addingTimeInterval(60)
        while terminal.isRunning, Date() < deadline, presses < 60 {
            let shown = terminal.screen.components(separatedBy: "\n> ").count - 1
            if shown > prompts {
                prompts = shown
                terminal.send("")
                presses += 1
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.screen.contains("Wedi gorffen: mae'r penderfyniadau yn coding/."))
        #expect(try study.build().status == 0)
        let coded = try rows(study).filter { ($0["source_file"] ?? "").contains("ceredigion") || ($0["source_file"] ?? "").contains("voices") }
        #expect(coded.count == presses && coded.allSatisfy { $0["origin"] == "confirmed" && $0["coders"] == "siân" }, "\(presses): \(coded.map { $0["origin"] ?? "" })")
    }
}
