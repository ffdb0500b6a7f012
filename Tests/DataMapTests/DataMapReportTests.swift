@testable import DataMapCore
import Foundation
import Testing

@Suite("Validator rules run their own examples")
struct ValidatorRuleTests {
    @Test(arguments: Validator.rules.map(\.id))
    func everyExampleFiresOrStaysQuietAsDocumented(id: String) throws {
        let rule = try #require(Validator.rules.first { $0.id == id })
        #expect(rule.examples.contains { $0.fires } && rule.examples.contains { !$0.fires }, "\(id) needs both kinds of example")
        for (index, example) in rule.examples.enumerated() {
            let findings = rule.run(example.context)
            #expect(!findings.isEmpty == example.fires, "\(id) example \(index + 1): expected fires=\(example.fires), got \(findings.map(\.rendered))")
            #expect(findings.allSatisfy { $0.rule == id })
        }
    }

    @Test func pilotFindingsGiveReasonSpanAndReclassification() throws {
        let rule = try #require(Validator.rules.first { $0.id == "pilot-missing-timescale" })
        let finding = try #require(rule.run(rule.examples[0].context).first)
        #expect(finding.rendered == """
            inbox/example.xml:12:1: warning: pilot 'Example activity' has no defined timescale [pilot-missing-timescale]
                reason: only a start date (2017-11) was given: no end date or duration
                source: inbox/example.xml, lines 12–20
                suggestion: without a defined period and evaluation this is better called a new initiative than a pilot: \
            reclassify it, or record its end date or duration
            """)
    }

    /// Rounds of returns from two partners that disagree: each report is compared with the
    /// other partner's latest, so findings grow with the reports, not with their square.
    @Test func conflictsAcrossRoundsAreComparedWithEachPartnersLatestReport() throws {
        let rule = try #require(Validator.rules.first { $0.id == "conflicting-facts" })
        let rounds = 40
        var returns: [AnonymisedReturn] = []
        for round in 0..<rounds {
            for (index, var record) in Validator.conflictExample(evaluators: ("Cardiff University", "Bangor University")).enumerated() {
                record.source = "inbox/round-\(round)-\(index).xml"
                record.submitted = PartialDate(year: 2000 + round)
                returns.append(record)
            }
        }
        // Cardiff's newest report agrees with CAFCASS Cymru.
        returns[returns.count - 2].activities[0].evaluation?.evaluator = "Bangor University"
        let findings = rule.run(ValidationContext(map: DataMap(returns: returns), reference: Validator.exampleReference))
        #expect(findings.count == rounds - 1, "each Cardiff report against CAFCASS Cymru's latest, which only Cardiff's newest agrees with")
        // Each names the two organisations and the dates of the reports compared, never a record id.
        #expect(findings.allSatisfy { $0.message.contains("(return of \(2000 + rounds - 1))") && !$0.message.contains("round-") })
    }

    /// The byte-level key for ASCII names must give what folding and splitting by character give.
    @Test func theASCIIKeyOfANameIsTheFoldedKey() {
        var random = SeededRandom(seed: 42)
        let alphabet = Array("aZ09 &-_.,'\"()\t\r\nTHEthe/") + ["The ", "the ", " & ", "\r\n"].flatMap(Array.init)
        for _ in 0..<5_000 {
            let text = String((0..<Int(random.next() % 24)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            #expect(canonicalKey(text) == foldedCanonicalKey(text), "\(text.debugDescription)")
        }
        #expect(canonicalKey("The Children & Young People's Fund") == "children and young people s fund")
    }

    /// Likewise the byte-level words of an ASCII name and the words split by character.
    @Test func theASCIIWordsOfANameAreTheCharacterWords() {
        var random = SeededRandom(seed: 7)
        let pieces = ["Dr", "dr.", "Mrs", "Jones", "(Gareth)", "\"Will\"", ",", " ", "\t", "\r\n",
                                                          ".", "ap", "Rhys-Jones", "O'Neil", "()", "\n", "Prof."]
        for _ in 0..<5_000 {
            let name = (0..<Int(random.next() % 8)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(NameParts.asciiNameWords(name) == NameParts.characterNameWords(name), "\(name.debugDescription)")
        }
        #expect(NameParts.nameWords("Dr. Siân ap Rhys-Jones") == ["Siân", "ap", "Rhys-Jones"])
        #expect(NameParts.nameWords("Dr. Sian (ap) Rhys-Jones,") == ["Sian", "ap", "Rhys-Jones"])
    }

    /// Rows are put in order in place; any order must give what copying them in that order gives.
    @Test func permutingInPlaceGivesTheOrderedCopy() {
        var random = SeededRandom(seed: 3)
        for count in [0, 1, 2, 3, 10, 257] {
            for _ in 0..<20 {
                let values = (0..<count).map { "row \($0)" }
                let order = Array(values.indices).shuffled(using: &random)
                var permuted = values
                permuted.permute(into: order)
                #expect(permuted == order.map { values[$0] })
            }
        }
    }

    @Test func datesAreComparedOnlyAsFarAsTheyAreKnown() {
        #expect(PartialDate(year: 2017, month: 12).definitelyBefore(PartialDate(year: 2018)))
        #expect(!PartialDate(year: 2018).definitelyBefore(PartialDate(year: 2018, month: 4)))
        #expect(!PartialDate(year: 2018, month: 4).definitelyBefore(PartialDate(year: 2018)))
        #expect(PartialDate(year: 2018, month: 4, day: 1).definitelyBefore(PartialDate(year: 2018, month: 4, day: 2)))
    }
}

@Suite("Aggregation")
struct AggregationTests {
    func row(_ org: String, _ type: OrganisationType, _ kind: ActivityKind, _ name: String, theme: Theme = .pilotProjects,
             extent: Extent? = nil, evaluation: Evaluation? = nil, partners: [String] = []) -> AnonymisedReturn {
        AnonymisedReturn(source: "inbox/\(canonicalKey(org)).xml", organisation: Organisation(name: org, type: type), respondent: "P-1",
                         anonymity: .anonymous, submitted: PartialDate(year: 2018), language: .en, answers: [],
                         activities: [ActivityRecord(theme: theme, kind: kind, name: name, status: .current, extent: extent,
                                                     partners: partners, evaluation: evaluation,
                                                     provenance: Provenance(method: .writtenReturn, file: "inbox/x.xml", line: 1))])
    }

    let reference = StudyReference(
        taxonomy: Taxonomy(entries: [Taxonomy.Entry(name: "Signs of Safety", kind: "practice-model", aliases: ["SoS", "Signs of Safety approach"])]),
        gazetteer: Gazetteer(entries: [Gazetteer.Entry(name: "South Wales Police", type: "police", aliases: ["SWP"])]))

    @Test func approachesMergeAliasesAndKeepExtentNotes() {
        let map = DataMap(returns: [
            row("Cardiff Council", .localAuthority, .practiceModel, "Signs of Safety", extent: Extent(scope: .part, note: "assessment only")),
            row("Swansea Council", .localAuthority, .approach, "SoS", extent: Extent(scope: .full)),
            row("Conwy Council", .localAuthority, .practiceModel, "the Signs of Safety approach"),
            row("Gwynedd Council", .localAuthority, .practiceModel, "Model Risg Gwynedd"),
        ])
        let analysis = Analysis(map, reference: reference)
        let sos = analysis.approaches.first { $0.name == "Signs of Safety" }
        #expect(sos?.participants.map(\.organisation) == ["Cardiff Council", "Conwy Council", "Swansea Council"])
        #expect(sos?.participants.map(\.extent) == ["part — assessment only", "", "full"])
        #expect(analysis.approaches.map(\.name) == ["Signs of Safety"])
        // Named in a return, absent from the taxonomy: listed apart, not dropped.
        #expect(analysis.otherApproaches.map(\.name) == ["Model Risg Gwynedd"])
    }

    @Test func coverageEvaluationAndPartnerships() {
        let map = DataMap(returns: [
            row("Cardiff Council", .localAuthority, .pilot, "A", evaluation: Evaluation(type: .external), partners: ["SWP"]),
            row("Swansea Council", .localAuthority, .pilot, "B", evaluation: Evaluation(type: .none), partners: ["South Wales Police"]),
            row("Conwy Council", .localAuthority, .service, "C"),
            row("Barnardo's Cymru", .thirdSector, .pilot, "D", evaluation: Evaluation(type: .validatedTool, measures: ["SDQ"])),
        ])
        let analysis = Analysis(map, reference: reference)
        #expect(analysis.coverage.first { $0.type == .localAuthority } ==
                Analysis.Coverage(type: .localAuthority, organisations: 3, withPilot: 2, withoutPilot: ["Conwy Council"]))
        #expect(analysis.evaluation.map { [$0.type.rawValue, String($0.pilots), String($0.evaluated)] } ==
                [["local-authority", "2", "1"], ["third-sector", "1", "1"]])
        #expect(analysis.partnerships.map { "\($0.first)|\($0.second)|\($0.recordIDs.count)" } ==
                ["Cardiff Council|South Wales Police|1", "South Wales Police|Swansea Council|1"])
        #expect(analysis.counts.first { $0.type == .localAuthority && $0.theme == .pilotProjects }?.activities == 3)
        #expect(analysis.matrix.first { $0.organisation == "Cardiff Council" }?.recordIDs.count == 1)
    }

    @Test(arguments: [(0, "0"), (1, "<3"), (2, "<3"), (3, "3"), (40, "40")])
    func smallCountsAreHidden(count: Int, shown: String) {
        #expect(SmallCells(threshold: 3).show(count) == shown)
    }

    /// Counts of people are protected, and a share whose part, whole or rest is small says so
    /// rather than giving the small number away.
    @Test func sharesOfPeopleHideSmallPartsWholesAndRests() {
        let cells = SmallCells(threshold: 3)
        #expect(cells.share(8, of: 9) == "hidden (small numbers) of 9", "the one left over would be known")
        #expect(cells.share(2, of: 2) == "<3 in all")
        #expect(cells.share(1, of: 9) == "hidden (small numbers) of 9")
        #expect(cells.share(5, of: 10) == "5 of 10 (50%)")
        #expect(SmallCells(threshold: 5).show(4) == "<5")
    }

    /// Named organisations are counted in full ("eight out of the nine third-sector
    /// organisations"); masked ones are protected, with a second cell hidden where a total would
    /// give the first away. Activities are not people, unless the study says so.
    @Test func organisationCountsAreHiddenOnlyWhereOrganisationsAreMasked() throws {
        let named = SmallCells(threshold: 3)
        #expect(named.share(8, of: 9, .organisations) == "8 of 9 (89%)" && named.show(1, .organisations) == "1")
        #expect(named.show(2, .activities) == "2")
        let masked = SmallCells(threshold: 3, organisationsMasked: true)
        #expect(masked.show(1, .organisations) == "<3" && masked.share(8, of: 9, .organisations) == "hidden (small numbers) of 9")
        #expect(masked.hidden([5, 1, 4, 7], .organisations) == [1, 2], "one hidden cell and a total: the next smallest goes too")
        #expect(masked.hidden([5, 1, 2, 7], .organisations) == [1, 2])
        #expect(masked.hidden([5, 4, 7], .organisations).isEmpty)
        let settings = try StudySettings.load(yaml: "small_cell: 5\nsmall_cell_applies_to: [people, activities]\n")
        #expect(settings.smallCellSubjects == [.people, .activities])
        let strict = SmallCells(threshold: 5, subjects: settings.smallCellSubjects, organisationsMasked: true)
        #expect(strict.show(4, .activities) == "<5" && strict.show(4, .organisations) == "4")
        let wrong = #expect(throws: StudySettings.Problem.self) { try StudySettings.load(yaml: "small_cell_applies_to: [children]\n") }
        #expect(wrong?.description.hasPrefix("study.yaml:1:") == true)
    }
}

@Suite("The published data map, end to end", .serialized)
struct PublishedReportTests {
    @Test func theApproachesTableListsExactlyTheParticipantsInTheReturns() throws {
        let study = try TemporaryStudy()
        try study.copyInstruments()
        #expect(try study.build().status == 0)
        let approaches = try String(contentsOf: study.outbox.appendingPathComponent("approaches.csv"), encoding: .utf8)
        // Independently of datamap: which returns name Signs of Safety?
        var expected: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: study.inbox.path).sorted() where !name.hasSuffix(".docx") {
            let text = try String(contentsOf: study.inbox.appendingPathComponent(name), encoding: .utf8)
            if text.contains("<name>Signs of Safety</name>"),
               let organisation = text.firstMatch(of: /<organisation[^>]*>\s*<name>([^<]+)<\/name>/)?.output.1 {
                expected.append(String(organisation))
            }
            // Prose returns name it in running text, and their organisation in a header line.
            if !name.hasSuffix(".xml"), !text.contains("Template:"), text.contains("Signs of Safety"),
               let organisation = text.firstMatch(of: /\nOrganisation: ([^\n]+)\n/)?.output.1 {
                expected.append(String(organisation))
            }
        }
        let line = try #require(approaches.components(separatedBy: "\r\n").first { $0.hasPrefix("Signs of Safety,") })
        let listed = line.components(separatedBy: ",")
        #expect(expected.count == 4)
        for organisation in expected { #expect(line.contains(organisation)) }
        #expect(line.contains("Cardiff Council (part — only for assessment processes)"))
        #expect(listed[2] == String(expected.count))
        let fdac = try #require(approaches.components(separatedBy: "\r\n").first { $0.hasPrefix("Family Drug and Alcohol Court,") })
        #expect(fdac.contains("Cardiff Council") && fdac.contains("Children's Social Care Research and Development Centre"))
    }

    @Test func validatePrintsFindingsLikeACompilerAndFailsOnErrors() throws {
        let study = try TemporaryStudy()
        try study.copyInstruments()
        let clean = try datamap(["validate", "--study", study.root.path])
        #expect(clean.status == 0)
        #expect(clean.stderr.contains("inbox/la-conwy.xml:61:1: warning: pilot 'Family Time Project' has no defined timescale [pilot-missing-timescale]"))
        #expect(clean.stderr.contains("suggestion: without a defined period and evaluation this is better called a new initiative"))
        #expect(clean.stderr.contains("[conflicting-facts]"))
        #expect(!FileManager.default.fileExists(atPath: study.outbox.path), "validate writes nothing")
        let activity = """
            <activity theme="pilot-projects" kind="pilot" status="current">
                  <name>Backwards pilot</name>
                  <timescale><start>2019-04</start><end>2018-03</end></timescale>
                </activity>
            """
        try study.write("backwards.xml", sampleReturn(activity: activity))
        let failing = try datamap(["validate", "--study", study.root.path])
        #expect(failing.status == 65)
        #expect(failing.stderr.contains("inbox/backwards.xml:9:1: error: 'Backwards pilot' ends (2018-03) before it starts (2019-04) [end-before-start]"))
        let listed = try datamap(["validate", "--list-rules"])
        for rule in Validator.rules { #expect(listed.stdout.contains(rule.id)) }
    }

    @Test func theWorkbookOpensWithItsSheetsAndTheSameRows() throws {
        let python = Repo.root.appendingPathComponent(".build/test-python/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "scripts/test installs openpyxl in .build/test-python")
        let study = try TemporaryStudy()
        try study.copyInstruments()
        #expect(try study.build().status == 0)
        let script = """
            import csv, io, sys, openpyxl
            book = openpyxl.load_workbook(sys.argv[1])
            print("|".join(book.sheetnames))
            sheet = book["Activities"]
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            with open(sys.argv[2], newline="", encoding="utf-8") as f:
                expected = [r for r in csv.reader(f)]
            expected = [[c[1:] if c[:1] == "'" and c[1:2] in "=+-@" else c for c in r] for r in expected]
            # The workbook is published: the data map's ids, file paths and pseudonyms stay in datamap.csv.
            internal = {"id", "respondent", "source_file", "source_line", "recording_offset"}
            keep = [i for i, name in enumerate(expected[0]) if name not in internal]
            expected = [[r[i] for i in keep] for r in expected]
            region = expected[0].index("region")
            expected = [r[:region] + [r[region] or "not recorded"] + r[region + 1:] if n else r for n, r in enumerate(expected)]
            print("same" if rows == expected else "different: %r vs %r" % (rows[:2], expected[:2]))
            print(book["Pilots and flags"].cell(row=1, column=1).font.b)
            """
        let result = try run(python, ["-c", script, study.outbox.appendingPathComponent("datamap.xlsx").path,
                                      study.outbox.appendingPathComponent("datamap.csv").path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Activities|Participants by sector|Approaches|Other approaches named|Pilots and flags|Participants|Matrix|Counts by type and theme|Pilot coverage|Pilot evaluation by sector|Partnership pairs|Findings|Coding review")
        #expect(lines.dropFirst().first == "same")
        #expect(lines.last == "True")
    }

    @Test func theReportRendersInARealBrowserWithItsChartsVisible() throws {
        let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
        try #require(FileManager.default.isExecutableFile(atPath: chromium.path), "scripts/test installs chromium")
        let study = try TemporaryStudy()
        try study.copyInstruments()
        #expect(try study.build().status == 0)
        let html = try study.output("report.html")
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"), "the page must be self-contained")
        #expect(html.components(separatedBy: "<svg").count - 1 == 3, "two charts and the map of Wales")
        let png = study.root.appendingPathComponent("report.png")
        let render = try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,5000",
                                        "--screenshot=\(png.path)", study.outbox.appendingPathComponent("report.html").absoluteString])
        #expect(FileManager.default.fileExists(atPath: png.path), "\(render.stderr)")
        // Count pixels in the local-authority blue and the proper-pilot green, decoding the PNG with Python's zlib.
        let script = """
            import sys, zlib, struct
            data = open(sys.argv[1], "rb").read()
            pos, chunks, width, height = 8, b"", 0, 0
            while pos < len(data):
                length, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + length]
                if kind == b"IHDR": width, height, depth, colour = struct.unpack(">IIBB", body[:10])
                if kind == b"IDAT": chunks += body
                pos += 12 + length
            raw = zlib.decompress(chunks); bpp = 4 if colour == 6 else 3; stride = width * bpp
            rows, prev, i = [], bytearray(stride), 0
            for _ in range(height):
                f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
                for x in range(stride):
                    a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
                    if f == 1: line[x] = (line[x] + a) & 255
                    elif f == 2: line[x] = (line[x] + b) & 255
                    elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(line); prev = line
            def count(rgb):
                return sum(1 for line in rows for x in range(0, stride, bpp) if tuple(line[x:x + 3]) == rgb)
            print(count((0x1b, 0x6c, 0xa8)), count((0xc2, 0x3b, 0x3b)))
            """
        let pixels = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, png.path])
        let counts = pixels.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(counts.count == 2, "\(pixels.stderr)")
        #expect(counts.allSatisfy { $0 > 500 }, "chart colours barely visible: \(counts)")
    }

    @Test func aTerminalGetsAProgressBarAndAPipeGetsNone() throws {
        let study = try TemporaryStudy()
        let piped = try study.build()
        #expect(!piped.stderr.contains("[#") && !piped.stdout.contains("[#"))
        try FileManager.default.removeItem(at: study.state)
        let terminal = try PseudoTerminal(["build", "--study", study.root.path])
        try terminal.expect("] 16/16  ingest")
        try terminal.expect("[##############################]")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func theSmallCellThresholdIsConfigurable() throws {
        let study = try TemporaryStudy()
        try study.copyInstruments()
        #expect(try study.build(["--small-cell", "6"]).status == 0)
        // Every organisation is named: no organisation count is hidden, the respondents are.
        let coverage = try study.output("coverage.csv")
        #expect(coverage.contains("local-authority,5,5,5 of 5 (100%),") && !coverage.contains("<6"), "\(coverage)")
        let sectors = try study.output("sectors.csv")
        #expect(sectors.contains("local-authority,5,<6,") && sectors.contains("\r\nall,"), "\(sectors)")
        #expect(try study.output("report.html").contains("Counts of people below 6 are shown as “&lt;6”; organisations are named"))
        // Masked, the organisations' small counts are hidden, with the names they count.
        #expect(try study.build(["--small-cell", "6", "--mask-organisations"]).status == 0)
        let masked = try study.output("coverage.csv")
        #expect(masked.contains("local-authority,<6,hidden (small numbers),,\r\n"), "\(masked)")
        #expect(try study.build(["--small-cell", "0"]).status == 64)
    }
}

/// The study's own rule for pilots, from study.yaml: by default (the first study's) a pilot is a
/// new initiative only with no defined timescale or no evaluation; an evaluation that names no
/// outcome measures is a note.
@Suite("The study's pilot rule")
struct PilotRuleTests {
    func pilot(_ name: String, _ timescale: Timescale?, _ evaluation: Evaluation?) -> ActivityRecord {
        ActivityRecord(theme: .pilotProjects, kind: .pilot, name: name, status: .current, timescale: timescale, evaluation: evaluation,
                       provenance: Provenance(method: .writtenReturn, file: "inbox/a.xml", line: 3))
    }

    func report(_ settings: StudySettings) -> Report {
        let defined = Timescale(start: PartialDate(year: 2017), end: PartialDate(year: 2019))
        let record = AnonymisedReturn(source: "inbox/a.xml", organisation: Organisation(name: "Conwy County Borough Council", type: .localAuthority),
                                      respondent: "P-00000001", anonymity: .anonymous, submitted: PartialDate(year: 2018), language: .en, answers: [],
                                      activities: [pilot("Evaluated, no measures", defined, Evaluation(type: .internal)),
                                                   pilot("Planned internal evaluation still being developed", defined, Evaluation(type: .planned)),
                                                   pilot("No end", Timescale(start: PartialDate(year: 2017)), Evaluation(type: .external, measures: ["Outcome Star"]))])
        let reference = StudyReference(settings: settings)
        let map = DataMap(returns: [record])
        return Report(map: map, reference: reference, findings: Validator.run(ValidationContext(map: map, reference: reference)), cells: SmallCells())
    }

    func classification(_ report: Report) -> [String: String] {
        let table = report.pilots
        let name = table.columns.firstIndex(of: "pilot")!, kind = table.columns.firstIndex(of: "suggested_classification")!
        return Dictionary(uniqueKeysWithValues: table.rows.map { ($0[name], $0[kind]) })
    }

    @Test func byDefaultOnlyNoTimescaleOrNoEvaluationMakesANewInitiative() throws {
        let report = report(StudySettings())
        #expect(classification(report) == ["Evaluated, no measures": "pilot",
                                           "Planned internal evaluation still being developed": "new initiative",
                                           "No end": "new initiative"])
        let note = try #require(report.findings.first { $0.rule == "pilot-missing-outcome-measures" })
        #expect(note.severity == .note && note.activity == "Evaluated, no measures")
        #expect(report.newInitiativeRule == "no evaluation or no defined timescale")
    }

    @Test func studyYamlDeclaresWhichFlagsReclassifyAndHowMeasuresAreReported() throws {
        let strict = try StudySettings.load(yaml: """
            pilots:
              new_initiative_when: [missing-timescale, missing-evaluation, missing-outcome-measures]
              outcome_measures: warning
            """)
        let report = report(strict)
        #expect(classification(report).values.allSatisfy { $0 == "new initiative" })
        #expect(report.findings.first { $0.rule == "pilot-missing-outcome-measures" }?.severity == .warning)
        let off = try StudySettings.load(yaml: "pilots:\n  new_initiative_when: missing-timescale\n  outcome_measures: off\n")
        let lenient = self.report(off)
        #expect(!lenient.findings.contains { $0.rule == "pilot-missing-outcome-measures" })
        #expect(classification(lenient)["Planned internal evaluation still being developed"] == "pilot")
        let wrong = #expect(throws: StudySettings.Problem.self) { try StudySettings.load(yaml: "pilots:\n  new_initiative_when: [no-funding]\n") }
        #expect(wrong?.description.hasPrefix("study.yaml:2:") == true, "\(String(describing: wrong))")
    }
}

/// What a project lead publishes carries no file paths, record ids or pseudonyms; the team's
/// internal report keeps them. Approaches list each organisation once, and count what they list.
@Suite("Public and internal outputs", .serialized)
struct PublicOutputTests {
    @Test func thePublishedReportSummaryAndWorkbookHoldNoPathsOrRecordIDs() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let csv = try study.output("datamap.csv")
        let ids = csv.split(separator: "\r\n").dropFirst().map { String($0.prefix { $0 != "," }) }
        #expect(ids.count > 20)
        let folder = study.root.appendingPathComponent("workbook")
        #expect(try run(URL(fileURLWithPath: "/usr/bin/unzip"), ["-q", study.outbox.appendingPathComponent("datamap.xlsx").path, "-d", folder.path]).status == 0)
        let sheets = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".xml") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        for (name, text) in [("report.html", try study.output("report.html")), ("summary.md", try study.output("summary.md"))]
            + sheets.map({ ("workbook", $0) }) {
            #expect(!text.contains("inbox/") && !text.contains("P-NONE"), "\(name)")
            let words = Set(text.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init))
            #expect(ids.filter(words.contains).isEmpty, "\(name) names record ids \(ids.filter(words.contains))")
        }
        let forTeam = try study.output("report-internal.html")
        #expect(forTeam.contains("inbox/") && ids.contains { forTeam.contains($0) } && forTeam.contains("not for publication"))
    }

    @Test func eachApproachListsEachOrganisationOnceWithItsExtentAndCountsWhatItLists() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let approaches = try String(contentsOf: study.outbox.appendingPathComponent("approaches.json"), encoding: .utf8)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(approaches.utf8)) as? [[String: String]])
        #expect(!rows.isEmpty)
        for row in rows {
            let listed = row["participants"]!.components(separatedBy: "; ").map { $0.components(separatedBy: " (").first! }
            #expect(Set(listed).count == listed.count, "\(row)")
            #expect(row["organisations"] == String(listed.count), "\(row)")
        }
        #expect(FileManager.default.fileExists(atPath: study.outbox.appendingPathComponent("other-approaches.csv").path))
    }
}

/// WCAG 2.2 AA, as public bodies must meet it: axe-core (shipped by the axe-core-python
/// package that scripts/setup installs) runs on the published report in headless Chromium.
@Suite("The report's accessibility", .serialized)
struct AccessibilityTests {
    /// Violations at each impact level, by rule id, on the report a build writes.
    static func violations(_ html: String, in folder: URL) throws -> [(id: String, impact: String, help: String, nodes: Int)] {
        let python = Repo.root.appendingPathComponent(".build/test-python/bin/python")
        let located = try run(python, ["-c", "import axe_core_python, os; print(os.path.dirname(axe_core_python.__file__))"])
        let axe = URL(fileURLWithPath: located.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).appendingPathComponent("axe.min.js")
        try #require(FileManager.default.fileExists(atPath: axe.path), "scripts/setup --for-tests installs axe-core-python")
        try FileManager.default.copyItem(at: axe, to: folder.appendingPathComponent("axe.min.js"))
        // The page itself has no scripts; this copy of it runs axe and leaves the result on <html>.
        let runner = """
            <script src="axe.min.js"></script><script>
            axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
              .then(function (r) { document.documentElement.setAttribute("data-axe", JSON.stringify(r.violations.map(function (v) {
                return {id: v.id, impact: v.impact || "", help: v.help, nodes: v.nodes.length}; }))); });
            </script></body>
            """
        let page = folder.appendingPathComponent("checked.html")
        try Data(html.replacingOccurrences(of: "</body>", with: runner).utf8).write(to: page)
        let chromium = URL(fileURLWithPath: "/usr/bin/chromium")
        let dump = try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                                      "--virtual-time-budget=20000", "--dump-dom", page.absoluteString])
        let attribute = try #require(dump.stdout.firstMatch(of: /data-axe="([^"]*)"/), "axe did not finish: \(dump.stderr.suffix(400))").output.1
        let json = String(attribute).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        return list.map { ($0["id"] as? String ?? "", $0["impact"] as? String ?? "", $0["help"] as? String ?? "", $0["nodes"] as? Int ?? 0) }
    }

    @Test func thePublishedReportHasNoSeriousOrCriticalViolations() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let found = try Self.violations(try study.output("report.html"), in: study.root)
        let serious = found.filter { $0.impact == "serious" || $0.impact == "critical" }
        #expect(serious.isEmpty, "\(serious.map { "\($0.id) (\($0.impact), \($0.nodes)): \($0.help)" })")
        let forTeam = try Self.violations(try study.output("report-internal.html"), in: study.root.appendingPathComponent("inbox"))
        #expect(!forTeam.contains { $0.impact == "serious" || $0.impact == "critical" })
    }

    /// The checker is real: a page with an unlabelled image and grey-on-grey text fails it.
    @Test func theCheckerFindsWhatItShould() throws {
        let study = try TemporaryStudy(copySample: false)
        let bad = "<!DOCTYPE html><html><head><title>x</title></head><body><img src=\"a.png\"><p style=\"color:#bbb;background:#ccc\">faint</p></body></html>"
        let found = try Self.violations(bad, in: study.root)
        #expect(Set(found.map(\.id)).isSuperset(of: ["image-alt", "color-contrast", "html-has-lang"]), "\(found.map(\.id))")
    }
}

@Suite("The map of Wales")
struct WalesMapTests {
    @Test func everyCouncilHasATileLabelledInBothLanguagesWithTheTablesNumber() throws {
        let conwy = Organisation(name: "Conwy County Borough Council", type: .localAuthority)
        let activities = (1...4).map { number in
            ActivityRecord(theme: .pilotProjects, kind: number == 1 ? .pilot : .service, name: "Activity \(number)", status: .current,
                           provenance: Provenance(method: .writtenReturn, file: "inbox/conwy.xml", line: number))
        }
        let map = DataMap(returns: [AnonymisedReturn(source: "inbox/conwy.xml", organisation: conwy, respondent: "P-00000001", anonymity: .anonymous,
                                                     submitted: PartialDate(year: 2018), language: .en, answers: [], activities: activities)])
        let svg = WalesMap.svg(map, cells: SmallCells())
        #expect(svg.components(separatedBy: "<rect").count - 1 == 22)
        #expect(svg.contains(">Conwy</text>") && svg.contains(">4</text>") && svg.contains("lang=\"cy\">Caerdydd</text>"))
        let table = WalesMap.table(map, cells: SmallCells())
        #expect(table.count == 22 && table.rows.contains(["Conwy", "Conwy", "4", "1"]) && table.rows.contains(["Cardiff", "Caerdydd", "no return", ""]))
        // Gazetteer names: every tile is a council the study's list knows.
        let gazetteer = ShippedReference.reference.gazetteer
        #expect(WalesMap.tiles.allSatisfy { gazetteer.match($0.name)?.organisationType == .localAuthority })
        // A study that protects counts of activities shows a small one as "<3".
        #expect(WalesMap.table(map, cells: SmallCells(threshold: 5, subjects: [.activities])).rows.contains(["Conwy", "Conwy", "<5", "<5"]))
    }
}

/// Welsh public bodies publish bilingually: a study in Welsh gets its report, summary and
/// workbook in Welsh, with the English in a second file.
@Suite("The report in Welsh", .serialized)
struct WelshReportTests {
    @Test func aWelshStudyPublishesInWelshWithTheEnglishBeside() throws {
        let study = try TemporaryStudy()
        try Data("language: cy\n".utf8).write(to: study.root.appendingPathComponent("study.yaml"))
        #expect(try study.build().status == 0)
        let welsh = try study.output("report.html")
        #expect(welsh.contains("<html lang=\"cy\">") && welsh.contains("<h2>Crynodeb</h2>") && welsh.contains("<h2>Dulliau</h2>")
                && welsh.contains("Peilotau a mentrau newydd") && welsh.contains("Casglwyd data gan"))
        #expect(!welsh.contains("<h2>Summary</h2>") && !welsh.contains("Data were gathered"))
        // A pilot from a Welsh return named in the English report is marked lang="cy".
        #expect(try study.output("report.en.html").contains("<strong lang=\"cy\">Peilot Cynadleddau Grŵp Teulu</strong>"))
        #expect(try study.output("report.en.html").contains("<td lang=\"cy\">Peilot Cynadleddau Grŵp Teulu</td>"), "and in the pilots table")
        let english = try study.output("report.en.html")
        #expect(english.contains("<html lang=\"en\">") && english.contains("<h2>Summary</h2>") && english.contains("Data were gathered"))
        #expect(try study.output("summary.md").hasPrefix("# Crynodeb y map data") && study.output("summary.en.md").hasPrefix("# Data map summary"))
        // The same numbers in both: the count of returns opens each summary.
        #expect(try study.output("summary.md").contains("- 16 ffurflen gan 16 sefydliad.") && study.output("summary.en.md").contains("- 16 returns from 16 organisations."))
        let python = Repo.root.appendingPathComponent(".build/test-python/bin/python")
        let names = try run(python, ["-c", "import openpyxl, sys; print('|'.join(openpyxl.load_workbook(sys.argv[1]).sheetnames)); print('|'.join(openpyxl.load_workbook(sys.argv[2]).sheetnames))",
                                     study.outbox.appendingPathComponent("datamap.xlsx").path, study.outbox.appendingPathComponent("datamap.en.xlsx").path])
        let lines = names.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Gweithgareddau|Cyfranogwyr yn ôl sector|Ymagweddau") == true, "\(names.stdout)\(names.stderr)")
        #expect(lines.last?.hasPrefix("Activities|Participants by sector|Approaches") == true)
        let found = try AccessibilityTests.violations(welsh, in: study.root)
        #expect(!found.contains { $0.impact == "serious" || $0.impact == "critical" }, "\(found.map(\.id))")
    }
}

@Suite("A data map row is a value")
struct RowValueTests {
    /// Rows share their fields until one is changed; a change must never reach another copy,
    /// and equality, hashing and coding must see the fields, not the sharing.
    @Test func aChangedCopyLeavesTheOriginalAlone() throws {
        let activity = ActivityRecord(theme: .pilotProjects, kind: .pilot, name: "Family Time", status: .current,
                                      provenance: Provenance(method: .writtenReturn, file: "inbox/a.xml", line: 3))
        let original = DataMap.Row(id: "a-1", organisation: Organisation(name: "Conwy County Borough Council", type: .localAuthority),
                                   respondent: "P-1", submitted: PartialDate(year: 2018), language: .en, activity: activity)
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.activity.name = "Family Time (renamed)"
        copy.id = "a-2"
        #expect(original.activity.name == "Family Time" && original.id == "a-1")
        #expect(copy.activity.name == "Family Time (renamed)" && copy.id == "a-2")
        #expect(copy != original)
        var rows = [original, original]
        rows[1].respondent = "P-2"
        #expect(rows[0].respondent == "P-1" && rows[1].respondent == "P-2")
        // A row built field by field equals the shared one; coding keeps every published field.
        let rebuilt = DataMap.Row(id: "a-1", organisation: original.organisation, respondent: "P-1", submitted: original.submitted,
                                  language: .en, activity: activity)
        #expect(rebuilt == original && Set([rebuilt, original]).count == 1)
        let decoded = try JSONDecoder().decode(DataMap.Row.self, from: JSONEncoder().encode(original))
        #expect(decoded == original)
    }
}
