@testable import DataMapCore
import Foundation
import Testing
import ZIPFoundation

/// The shipped instruments, taxonomy and gazetteer, as `datamap build` loads them.
enum ShippedReference {
    static let instruments: [OrganisationType: Instrument] = {
        let bank = try! String(contentsOf: Repo.root.appendingPathComponent("instruments/bank.yaml"), encoding: .utf8)
        let directory = Repo.root.appendingPathComponent("instruments/schedules")
        let schedules = try! FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            SourceFile(path: "instruments/schedules/" + $0,
                       text: try! String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8))
        }
        return InstrumentLoader.load(bank: SourceFile(path: "instruments/bank.yaml", text: bank), schedules: schedules).instruments
    }()

    static let reference: StudyReference = {
        let taxonomy = try! Taxonomy.load(yaml: String(contentsOf: Repo.root.appendingPathComponent("instruments/taxonomy.yaml"), encoding: .utf8))
        let gazetteer = try! Gazetteer.load(yaml: String(contentsOf: Repo.root.appendingPathComponent("instruments/organisations.yaml"),
                                                        encoding: .utf8))
        return StudyReference(taxonomy: taxonomy, gazetteer: gazetteer, instruments: instruments)
    }()

    static var reader: TextReturnReader { TextReturnReader(reference: reference) }

    static func reader(collection: (PartialDate, PartialDate)) -> TextReturnReader {
        var study = reference
        study.settings = StudySettings(collectionStart: collection.0, collectionEnd: collection.1)
        return TextReturnReader(reference: study)
    }
}

/// Fills a template the way a respondent would, and records what an interviewer would have
/// typed for the same answers, so the two paths can be compared.
struct TemplateFiller {
    let instrument: Instrument
    let language: Language
    var typed: [String: String] = [:]

    init(instrument: Instrument, language: Language) {
        self.instrument = instrument
        self.language = language
    }

    func value(for question: Question, key: String, repetition: Int = 0) -> String {
        if let field = ActivityField(rawValue: question.id) {
            switch field {
            case .name: return "Initiative \(repetition) of \(key.split(separator: "[").first!)"
            case .partners: return "Cardiff Council; Barnardo's Cymru"
            case .outcomeMeasures: return "SDQ; Outcomes Star"
            case .documents: return "Service plan; Interim report"
            case .duration: return language == .cy ? "2 flynedd" : "2 years"
            case .start: return "2018-04"
            case .end: return "2019-03"
            case .resultsDue: return "2019-06"
            case .status: return repetition == 1 ? "current" : "planned"
            case .extent: return "part"
            case .evaluationType: return repetition == 1 ? "external" : "none"
            default: break
            }
        }
        switch question.type {
        case .shortText: return "Short answer to \(key)"
        case .longText: return "A longer answer to \(key), in the respondent's own words."
        case .yesNo: return language == .cy ? "ie" : "yes"
        case .singleChoice: return question.choices.count > 1 ? question.choices[1].value : question.choices[0].value
        case .multipleChoice: return question.choices.count > 2 ? "1; 3" : "1"
        case .date: return "2018-04"
        case .number: return "12"
        case .scale: return String(question.scale?.max ?? 5)
        }
    }

    /// The filled-in template text.
    mutating func fill(_ template: String) -> String {
        var out: [String] = []
        let lines = template.components(separatedBy: "\n")
        var pending: Question?
        var section = 0
        var firstLong = true
        var index = 0
        let headerValues: [String: String] = [
            "Organisation": "Test Organisation", "Sefydliad": "Test Organisation", "Your name": "Siân ap Rhys", "Eich enw": "Siân ap Rhys",
            "Your role": "Head of Service", "Eich rôl": "Pennaeth Gwasanaeth", "Consent to take part": language == .cy ? "ie" : "yes",
            "Caniatâd i gymryd rhan": "ie", "Date": "2018-02-14", "Dyddiad": "2018-02-14", "Anonymity": "anonymous",
            "Anhysbysrwydd": "anonymous",
        ]
        while index < lines.count {
            let line = lines[index]
            let cleaned = line.replacingOccurrences(of: "*", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "# "))
            if let match = cleaned.firstMatch(of: #/^(\d+)\.(\d+) /#), let s = Int(match.1), let i = Int(match.2),
               s <= instrument.sections.count, i <= instrument.sections[s - 1].items.count {
                section = s - 1
                if case .question(let question) = instrument.sections[s - 1].items[i - 1] { pending = question }
            }
            if line == "Answer:" || line == "Ateb:", let question = pending {
                var text = value(for: question, key: question.id)
                if question.type == .longText && firstLong {
                    // A non-response, written as words.
                    text = language == .cy ? "Ddim yn gwybod" : "Don't know"
                    firstLong = false
                }
                typed[question.id] = text
                out.append(line + " " + text)
                pending = nil
                index += 1
                continue
            }
            if let colon = line.firstIndex(of: ":"), line.hasSuffix(":") || line.range(of: #": \S"#, options: .regularExpression) == nil {
                let label = String(line[..<colon]).components(separatedBy: " (").first!
                if let value = headerValues[label], line.hasSuffix(":") {
                    out.append(line + " " + value)
                    index += 1
                    continue
                }
            }
            // An activity block: its heading, an underline in plain text, then field lines to a blank line.
            if let group = blockGroup(cleaned, in: instrument.sections[section]) {
                var block: [String] = [line]
                index += 1
                while index < lines.count, lines[index].isEmpty || lines[index].allSatisfy({ $0 == "-" }) {
                    block.append(lines[index])
                    index += 1
                }
                while index < lines.count, !lines[index].isEmpty {
                    block.append(lines[index])
                    index += 1
                }
                for repetition in 1...2 {
                    let key = "\(group.id)[\(repetition)]"
                    typed[key] = "yes"
                    for blockLine in block {
                        if blockLine == block[0] {
                            out.append(blockLine.replacingOccurrences(of: " 1", with: " \(repetition)"))
                            continue
                        }
                        guard blockLine.hasSuffix(":"),
                              let field = group.fields.first(where: { ReturnField.match(String(blockLine.dropLast())) == ActivityField(rawValue: $0.id) })
                        else { out.append(blockLine); continue }
                        let text = value(for: field, key: key, repetition: repetition)
                        typed["\(key).\(field.id)"] = text
                        out.append(blockLine + " " + text)
                    }
                    out.append("")
                }
                typed["\(group.id)[3]"] = "no"
                continue
            }
            out.append(line)
            index += 1
        }
        return out.joined(separator: "\n")
    }

    private func blockGroup(_ text: String, in section: Section) -> RepeatingGroup? {
        for case .group(let group) in section.items where text == TemplateText.blockLabel(group, language) + " 1" {
            return group
        }
        return nil
    }

    /// The same answers given in an interview: typed into the session step by step.
    func interview() -> Return {
        let started = Date(timeIntervalSince1970: 1_518_609_600)
        var session = InterviewSession(header: InterviewHeader(
            id: "test", instrument: instrument, organisation: Organisation(name: "Test Organisation", type: instrument.organisationType),
            language: language, startedAt: started))
        for (key, value) in [(StartStep.name, "Siân ap Rhys"), (StartStep.role, language == .cy ? "Pennaeth Gwasanaeth" : "Head of Service"),
                             (StartStep.consent, "yes"), (StartStep.anonymity, "anonymous")] {
            session.apply(.answered(step: key, value: .text(value), at: started, offset: nil))
        }
        var position = StartStep.all.count
        while position < session.steps().count {
            let step = session.steps()[position]
            position += 1
            guard let text = typed[step.key] else { continue }
            let value: AnswerValue = ["Don't know", "Ddim yn gwybod"].contains(text) ? .nonResponse(.dontKnow)
                : try! AnswerParser.parse(text, for: step.question, language: language).get()
            session.apply(.answered(step: step.key, value: value, at: started, offset: nil))
        }
        return session.makeReturn(finishedAt: started, source: "interview")
    }
}

/// Records compared on what they say, not where they were read from.
func comparable(_ activities: [ActivityRecord]) -> [ActivityRecord] {
    activities.map { activity in
        var copy = activity
        copy.provenance = Provenance(method: .writtenReturn, file: "", line: 0)
        copy.evidence = nil
        return copy
    }
}

func comparable(_ answers: [Answer]) -> [String] {
    answers.map { "\($0.question)=\($0.text)|\($0.nonResponse?.rawValue ?? "")" }.sorted()
}

@Suite("Written returns: templates")
struct TemplateTests {
    static let cases: [(OrganisationType, Language, TemplateFormat)] = OrganisationType.scheduled.flatMap { type in
        [Language.en, .cy].flatMap { language in [TemplateFormat.markdown, .text].map { (type, language, $0) } }
    }

    @Test("template → filled in → read back equals the same answers given in an interview", arguments: cases)
    func roundTrip(_ type: OrganisationType, _ language: Language, _ format: TemplateFormat) throws {
        let instrument = try #require(ShippedReference.instruments[type])
        let template = TemplateWriter(instrument: instrument, language: language).render(format)
        var filler = TemplateFiller(instrument: instrument, language: language)
        let filled = filler.fill(template)
        let reading = try ShippedReference.reader.read(Data(filled.utf8), source: "inbox/filled.\(format.rawValue)").get()
        #expect(reading.mode == .template)
        let interview = filler.interview()
        let groups = instrument.sections.flatMap(\.items).filter { if case .group = $0 { true } else { false } }
        #expect(!reading.record.activities.isEmpty)
        #expect(reading.record.activities.count == interview.activities.count)
        #expect(reading.record.activities.count <= groups.count * 2)
        #expect(comparable(reading.record.activities) == comparable(interview.activities))
        #expect(comparable(reading.record.answers) == comparable(interview.answers))
        #expect(reading.record.answers.contains { $0.nonResponse == .dontKnow })
        #expect(reading.record.respondent.name == "Siân ap Rhys")
        #expect(reading.record.organisation == Organisation(name: "Test Organisation", type: type))
        #expect(reading.record.submitted == PartialDate(year: 2018, month: 2, day: 14))
        // Each activity points at its own block in the file.
        let lines = filled.components(separatedBy: "\n")
        for activity in reading.record.activities {
            #expect(activity.provenance.method == .writtenReturn)
            let line = lines[activity.provenance.line - 1]
            #expect(line.contains(TemplateText.blockLabel(instrument.sections.flatMap(\.items).compactMap {
                if case .group(let g) = $0, g.kind == activity.kind { g } else { nil }
            }.first!, language)), "line \(activity.provenance.line) is '\(line)'")
        }
    }

    /// A date question whose text already gives the format gets no second hint; one that does
    /// not is told every form the reader takes.
    @Test(arguments: [Language.en, .cy])
    func aDateQuestionIsGivenItsFormatOnce(language: Language) throws {
        for type in OrganisationType.scheduled {
            let instrument = try #require(ShippedReference.instruments[type])
            for format in [TemplateFormat.markdown, .text] {
                for line in TemplateWriter(instrument: instrument, language: language).render(format).split(separator: "\n") {
                    let hints = line.ranges(of: language == .cy ? "BBBB" : "YYYY").count
                    let parenthesised = line.ranges(of: "(").count
                    #expect(hints <= 1 || parenthesised <= 1, "\(type) \(format): '\(line)'")
                }
            }
        }
        let bank = """
            questions:
              - id: began
                type: date
                text: {en: "When did it begin?", cy: "Pryd dechreuodd?"}
            groups: []
            """
        let schedule = """
            organisation_type: police
            title: {en: "Police", cy: "Heddlu"}
            sections:
              - id: a
                theme: pilot-projects
                title: {en: A, cy: A}
                items:
                  - question: began
            """
        let set = InstrumentLoader.load(bank: SourceFile(path: "bank.yaml", text: bank), schedules: [SourceFile(path: "schedules/police.yaml", text: schedule)])
        let instrument = try #require(set.instruments[.police], "\(set.problems.map(\.message))")
        #expect(TemplateWriter(instrument: instrument, language: .en).render(.markdown).contains("When did it begin? (YYYY, YYYY-MM or YYYY-MM-DD)"))
    }

    @Test func anXMLSkeletonIsWellFormedAndNamesEveryQuestion() throws {
        let instrument = try #require(ShippedReference.instruments[.localAuthority])
        let xml = TemplateWriter(instrument: instrument, language: .cy).render(.xml)
        for question in instrument.questions { #expect(xml.contains("question=\"\(question.id)\"")) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("skeleton-\(UUID()).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let lint = try run(URL(fileURLWithPath: "/usr/bin/xmllint"), ["--noout", file.path])
        #expect(lint.status == 0, "\(lint.stderr)")
    }

    @Test func aValueThatDoesNotFitIsKeptAsAnAnswerNotDropped() throws {
        let instrument = try #require(ShippedReference.instruments[.police])
        var filler = TemplateFiller(instrument: instrument, language: .en)
        let filled = filler.fill(TemplateWriter(instrument: instrument, language: .en).render(.markdown))
            .replacingOccurrences(of: "Start (YYYY-MM): 2018-04", with: "Start (YYYY-MM): spring, we think")
        let record = try ShippedReference.reader.read(Data(filled.utf8), source: "inbox/p.md").get().record
        #expect(record.answers.contains { $0.text == "spring, we think" && $0.question.hasSuffix(".start") })
    }
}

@Suite("Written returns: encodings")
struct EncodingTests {
    func filledTemplate() throws -> String {
        let instrument = try #require(ShippedReference.instruments[.thirdSector])
        var filler = TemplateFiller(instrument: instrument, language: .en)
        return filler.fill(TemplateWriter(instrument: instrument, language: .en).render(.text))
            .replacingOccurrences(of: "Siân ap Rhys", with: "Siân “Sî” ap Rhys – café")
    }

    @Test func utf16WithAMarkWindows1252AndCRLFReadTheSameAsUTF8() throws {
        let text = try filledTemplate()
        let reference = try ShippedReference.reader.read(Data(text.utf8), source: "inbox/a.txt").get()
        var utf16LE = Data([0xFF, 0xFE]); utf16LE.append(text.data(using: .utf16LittleEndian)!)
        var utf16BE = Data([0xFE, 0xFF]); utf16BE.append(text.data(using: .utf16BigEndian)!)
        let windows1252 = try #require(text.data(using: .windowsCP1252))
        let crlf = Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        var bomUTF8 = Data([0xEF, 0xBB, 0xBF]); bomUTF8.append(Data(text.utf8))
        for (data, encoding) in [(utf16LE, PlainText.Encoding.utf16LE), (utf16BE, .utf16BE), (windows1252, .windows1252),
                                 (crlf, .utf8), (bomUTF8, .utf8)] {
            let reading = try ShippedReference.reader.read(data, source: "inbox/a.txt").get()
            #expect(reading.encoding == encoding)
            #expect(reading.record.respondent.name == "Siân “Sî” ap Rhys – café")
            #expect(reading.record.activities == reference.record.activities)
            #expect(reading.record.answers == reference.record.answers)
        }
    }

    @Test(arguments: [
        (Data(), "the file is empty"),
        (Data("  \n\t\n".utf8), "the file holds only white space"),
        (Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]), "this is not a text file (it is a PNG image)"),
        (Data([0xFF, 0xFE, 0x41]), "not valid UTF-16"),
        (Data([0x01, 0x02, 0x03, 0x04, 0x41, 0x05]), "mostly control characters"),
    ])
    func unreadableTextIsRefusedWithAReason(_ data: Data, _ reason: String) throws {
        let result = ShippedReference.reader.read(data, source: "inbox/bad.txt")
        guard case .failure(let rejection) = result else { Issue.record("accepted"); return }
        #expect(rejection.diagnostics.first?.message.contains(reason) == true, "\(rejection.diagnostics)")
        #expect(rejection.diagnostics.first?.location == SourceLocation(file: "inbox/bad.txt", line: 1, column: 1))
    }

    @Test func aMegabyteLineWithCRLFIsRead() throws {
        let long = String(repeating: "The Long Line Pilot runs for two years. ", count: 26_000)
        let text = "Organisation: Conwy\r\nDate: 2018-01-01\r\n\r\n" + long + "\r\n"
        #expect(text.utf8.count > 1_000_000)
        let record = try ShippedReference.reader.read(Data(text.utf8), source: "inbox/long.txt").get().record
        #expect(record.activities.map(\.name) == ["Long Line Pilot"])
        #expect(record.activities.first?.timescale?.duration == "P2Y")
    }
}

@Suite("Written returns: free prose")
struct ProseTests {
    static let senedd = Repo.shared.appendingPathComponent("examples/senedd-written-evidence-cascade.md")

    @Test func theSeneddSubmissionGivesItsAreasPrioritiesAndInitiatives() throws {
        let data = try Data(contentsOf: Self.senedd)
        // Undated: a study sets its collection period, and the return is dated by it with a note.
        let reading = try ShippedReference.reader(collection: (PartialDate(year: 2018, month: 1, day: 1), PartialDate(year: 2019, month: 12, day: 31)))
            .read(data, source: "inbox/cascade.md").get()
        #expect(reading.mode == .prose)
        #expect(reading.record.submitted == PartialDate(year: 2019, month: 12, day: 31))
        #expect(reading.record.submittedFrom == .collectionPeriod)
        #expect(reading.record.intake.contains { $0.code == "undated-return" })
        let outline = reading.outline.sections.filter { !ProseOutline.isBackMatter($0.title) }
        let areas = outline.filter { $0.title.lowercased().hasPrefix("area") }
        #expect(areas.map(\.title) == ["Area one", "Area 2", "Area 3"])
        #expect(areas.map { $0.items.map(\.number) } == [[1, 2, 3], [1, 2, 3], [1, 2, 3]])
        #expect(areas[0].subtitle?.hasPrefix("Before Care") == true)
        #expect(areas[0].items[0].title.hasPrefix("Culture and relationships"))
        #expect(areas[1].items[0].title.hasPrefix("Sufficient stable foster care"))
        #expect(areas[2].items.map(\.title)[1] == "Housing")

        let record = reading.record
        #expect(record.organisation.name == "CASCADE" && record.organisation.type == .researchBody)
        let names = record.activities.map(\.name)
        for expected in ["Parent advocacy", "Family Group Conferences", "Family Drug and Alcohol Court", "Basic Income Pilot"] {
            #expect(names.contains(expected), "\(expected) not in \(names)")
        }
        let basicIncome = try #require(record.activities.first { $0.name == "Basic Income Pilot" })
        #expect(basicIncome.kind == .pilot)
        #expect(basicIncome.evaluation?.evaluator == "CASCADE" && basicIncome.evaluation?.type == .external)
        let fdac = try #require(record.activities.first { $0.name == "Family Drug and Alcohol Court" })
        #expect(fdac.kind == .pilot, "piloted in Wales")
        // References are cited, not described: nothing is found in them.
        let references = try #require(reading.outline.sections.first { $0.title == "References" })
        #expect(record.activities.allSatisfy { $0.provenance.line < references.line })
        // Every value's phrase is on the lines it claims.
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        for activity in record.activities {
            for evidence in try #require(activity.evidence) {
                let span = lines[(evidence.line - 1)...((evidence.endLine ?? evidence.line) - 1)].map(ProseBlocks.clean).joined(separator: " ")
                #expect(span.contains(evidence.phrase), "'\(evidence.phrase)' is not on line \(evidence.line)")
            }
        }
    }

    @Test func aLongReportWithABilingualTitlePageIsAttributedAndReadWithoutAHeader() throws {
        let file = Self.senedd.deletingLastPathComponent().appendingPathComponent("inspectorate-review-2013.txt")
        let reading = try ShippedReference.reader.read(try Data(contentsOf: file), source: "inbox/review.txt").get()
        #expect(reading.record.organisation.name == "Care Inspectorate Wales")
        #expect(reading.record.submitted.year == 2013)
        let names = Set(reading.record.activities.map(\.name))
        #expect(names.isSuperset(of: ["Signs of Safety", "Team Around the Family", "Integrated Family Support Service"]))
        // "preventative services such as Flying Start" gives an example of others' work, not the inspectorate's own.
        #expect(!names.contains("Flying Start"))
        #expect(!names.contains { $0.lowercased().hasPrefix("evaluated") })
    }

    func read(_ prose: String) throws -> [ActivityRecord] {
        try ShippedReference.reader.read(Data(("Organisation: Conwy\nDate: 2018-02-01\n\n" + prose).utf8), source: "inbox/p.txt")
            .get().record.activities
    }

    @Test(arguments: [
        ("The Bridge Pilot will run for three years.", nil, nil, "P3Y", true),
        ("The Bridge Pilot has run since 2010/11.", PartialDate(year: 2010, month: 4), nil, nil, false),
        ("The Bridge Pilot has run from April 2017.", PartialDate(year: 2017, month: 4), nil, nil, false),
        ("The Bridge Pilot is funded until 2020.", nil, PartialDate(year: 2020), nil, true),
        ("The Bridge Pilot started 12 months ago.", PartialDate(year: 2017, month: 2), nil, nil, false),
        ("The Bridge Pilot runs over a three to five-year period.", nil, nil, "P3Y/P5Y", true),
        ("The Bridge Pilot ran between 2015 and 2017.", PartialDate(year: 2015), PartialDate(year: 2017), nil, true),
        ("The Bridge Pilot is an 18-month project.", nil, nil, "P18M", true),
        ("The Bridge Pilot is about to start.", nil, nil, nil, false),
    ] as [(String, PartialDate?, PartialDate?, String?, Bool)])
    func timescalePhrases(_ sentence: String, _ start: PartialDate?, _ end: PartialDate?, _ duration: String?, _ defined: Bool) throws {
        let activity = try #require(try read(sentence).first)
        #expect(activity.name == "The Bridge Pilot" || activity.name == "Bridge Pilot")
        let timescale = try #require(activity.timescale)
        #expect(timescale.start == start)
        #expect(timescale.end == end)
        #expect(timescale.duration == duration)
        #expect(timescale.isDefined == defined, "a start date alone is not a timescale")
        #expect(activity.evidence?.contains { $0.field == "timescale" && sentence.contains($0.phrase) } == true)
    }

    @Test func aboutToStartIsPlanned() throws {
        let activity = try #require(try read("The Bridge Pilot is about to start.").first)
        #expect(activity.status == .planned)
        #expect(activity.timescale?.phrase == "about to start")
    }

    @Test(arguments: [
        "There is no formal evaluation.",
        "We are still developing how this will be evaluated.",
        "We'll see how it goes.",
        "It has not been evaluated.",
    ])
    func saidToHaveNoEvaluationIsRecordedAsNone(_ statement: String) throws {
        let activity = try #require(try read("We set up the Bridge Pilot in 2017. \(statement)").first)
        #expect(activity.evaluation?.type == EvaluationType.none)
        #expect(activity.evidence?.contains { $0.field == "evaluation" && statement.contains($0.phrase) } == true)
    }

    @Test func anEvaluationOfAnotherProjectIsNotThisOnesEvaluation() throws {
        let activities = try read("""
            The Bridge Pilot started in 2017. An evaluation of a similar project in Cardiff found fewer children came into care.

            The Harbour Project is evaluated by Swansea University using the SDQ, with results due in 2019. \
            The Lantern Service has no evaluation.
            """)
        let bridge = try #require(activities.first { $0.name.contains("Bridge") })
        #expect(bridge.evaluation == nil)
        let harbour = try #require(activities.first { $0.name.contains("Harbour") })
        #expect(harbour.evaluation?.evaluator == "Swansea University")
        #expect(harbour.evaluation?.type == .external)
        #expect(harbour.evaluation?.measures == ["Strengths and Difficulties Questionnaire"])
        #expect(harbour.evaluation?.resultsDue == PartialDate(year: 2019))
        let lantern = try #require(activities.first { $0.name.contains("Lantern") })
        #expect(lantern.evaluation?.type == EvaluationType.none)
    }

    @Test func partnersComeFromTheGazetteerAndInitiativesFromPlainWords() throws {
        let activities = try read("""
            We are piloting a parenting support service for fathers, in partnership with Barnardo's Cymru and Cardiff University.
            Our Signs of Safety approach is used across the service.
            """)
        let service = try #require(activities.first { $0.name == "Parenting support service" })
        #expect(service.kind == .pilot)
        #expect(service.partners == ["Barnardo's Cymru", "Cardiff University"])
        #expect(activities.contains { $0.name == "Signs of Safety" && $0.kind == .practiceModel })
    }

    @Test func undatedProseWithoutAnOrganisationIsRefusedWithAReason() throws {
        let result = ShippedReference.reader.read(Data("We run a Bridge Pilot.\n".utf8), source: "inbox/x.txt")
        guard case .failure(let rejection) = result else { Issue.record("accepted"); return }
        #expect(rejection.diagnostics.map(\.rendered) == ["""
            inbox/x.txt:1:1: error: datamap cannot tell which organisation this return is from [unknown-organisation]
                hint: add the lines 'Organisation: <name>' and 'Organisation type: <type>' at the top (types: \
            local-authority, third-sector, private-provider, health-board, police, cafcass-cymru, childrens-commissioner, \
            social-care-wales, research-body, other)
            """])
    }
}

/// A minimal Word package: the parts Word itself needs to open it.
func wordDocument(_ bodyXML: String, prolog: String = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>") throws -> Data {
    let archive = try Archive(accessMode: .create)
    let parts: [(String, String)] = [
        ("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
            """),
        ("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
            """),
        ("word/document.xml", prolog + """
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>\(bodyXML)</w:body></w:document>
            """),
    ]
    for (path, text) in parts {
        let data = Data(text.utf8)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    return try #require(archive.data)
}

func paragraph(_ text: String, style: String? = nil, list: Bool = false) -> String {
    var properties = ""
    if let style { properties += "<w:pStyle w:val=\"\(style)\"/>" }
    if list { properties += "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>" }
    // Word splits text into runs wherever formatting changes; a run boundary mid-word is common.
    let middle = text.index(text.startIndex, offsetBy: text.count / 2)
    return "<w:p>\(properties.isEmpty ? "" : "<w:pPr>\(properties)</w:pPr>")<w:r><w:t xml:space=\"preserve\">\(text[..<middle])</w:t></w:r>"
        + "<w:r><w:rPr><w:b/></w:rPr><w:t>\(text[middle...])</w:t></w:r></w:p>"
}

@Suite("Written returns: Word")
struct WordTests {
    @Test func headingsListsAndRunsReachTheSameParser() throws {
        let body = [
            paragraph("Organisation: Gwynedd Council"), paragraph("Date: 2018-03-01"),
            paragraph("Area one", style: "Heading1"),
            paragraph("1. Keeping families together", style: "Heading2"),
            paragraph("The Edge Pilot started in April 2017 and runs for two years."),
            paragraph("It is evaluated by Bangor University.", list: true),
            paragraph("2. Foster carers", style: "Heading2"),
            paragraph("We have no formal evaluation of the Carer Hub yet."),
        ].joined()
        let data = try wordDocument(body)
        let reading = try ShippedReference.reader.readWord(data, source: "inbox/gwynedd.docx").get()
        #expect(reading.outline.sections.map(\.title) == ["Area one"])
        #expect(reading.outline.sections[0].items.map(\.title) == ["Keeping families together", "Foster carers"])
        let pilot = try #require(reading.record.activities.first { $0.name == "The Edge Pilot" || $0.name == "Edge Pilot" })
        #expect(pilot.provenance.line == 5, "line N is paragraph N")
        #expect(pilot.timescale?.start == PartialDate(year: 2017, month: 4) && pilot.timescale?.duration == "P2Y")
        #expect(pilot.evaluation?.evaluator == "Bangor University")
        #expect(reading.record.organisation.name == "Gwynedd Council" && reading.record.organisation.type == .localAuthority)
    }

    @Test func aDamagedOrHostileWordFileIsRefusedWithAReason() throws {
        let cases: [(Data, String)] = [
            (Data("PK\u{3}\u{4}not really a zip".utf8), "damaged"),
            (Data("just text".utf8), "not a Word document"),
            (try wordDocument(paragraph("x"), prolog: "<!DOCTYPE w:document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"),
             "DOCTYPE"),
            (try wordDocument("<w:p><w:r><w:t>unclosed</w:r></w:p>"), "damaged"),
            (try wordDocument(""), "has no text"),
        ]
        for (data, reason) in cases {
            guard case .failure(let rejection) = ShippedReference.reader.readWord(data, source: "inbox/w.docx") else {
                Issue.record("accepted a broken Word file (\(reason))"); continue
            }
            #expect(rejection.diagnostics[0].message.contains(reason), "\(rejection.diagnostics[0].message)")
            #expect(!rejection.diagnostics[0].message.contains("passwd"))
        }
    }
}

@Suite("datamap template and extract, end to end", .serialized)
struct WrittenReturnCommandTests {
    @Test func templatesComeInBothLanguagesAndThreeFormats() throws {
        let study = try TemporaryStudy()
        let welsh = try datamap(["template", "--study", study.root.path, "--type", "police", "--language", "cy", "--format", "txt"])
        #expect(welsh.status == 0)
        #expect(welsh.stdout.contains("Templed: police@"))
        #expect(welsh.stdout.contains("Caniatâd i gymryd rhan (ie / na):"))
        let file = study.root.appendingPathComponent("return.xml")
        #expect(try datamap(["template", "--study", study.root.path, "--type", "health-board", "--format", "xml", "-o", file.path]).status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("<organisation type=\"health-board\">"))
        let wrong = try datamap(["template", "--study", study.root.path, "--type", "council"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("unknown organisation type 'council'"))
    }

    @Test func extractShowsEachValueWithItsLineAndPhraseAndNoIdentities() throws {
        let study = try TemporaryStudy()
        let result = try datamap(["extract", "--study", study.root.path, "inbox/la-ceredigion.txt", "inbox/hb-hywel-dda.docx"],
                                 in: study.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3. Teulu Cyfan Pilot  [pilot, pilot-projects, current]  line 16"))
        #expect(result.stdout.contains("· timescale from line 16: \"started in October 2017\""))
        #expect(result.stdout.contains("· evaluation from line 20: \"no formal evaluation\""))
        #expect(result.stdout.contains("Neurodevelopmental Pathway Pilot"))
        for identifier in plantedIdentifiers { #expect(!result.stdout.contains(identifier), "\(identifier) printed") }
        let json = try datamap(["extract", "--study", study.root.path, "--json", "inbox/la-ceredigion.txt"], in: study.root)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect((parsed?.first?["activities"] as? [Any])?.count == 6)
        let bad = try datamap(["extract", "--study", study.root.path, "inbox/missing.txt"], in: study.root)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("inbox/missing.txt:1:1: error: the file could not be read"))
    }

    @Test func textAndWordReturnsBuildBesideXMLAndBrokenOnesAreRefusedAlone() throws {
        let study = try TemporaryStudy()
        try study.write("zz-broken.docx", "PK\u{3}\u{4} this is not a package")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(to: study.inbox.appendingPathComponent("zz-photo.txt"))
        let before = try Data(contentsOf: study.inbox.appendingPathComponent("zz-broken.docx"))
        let result = try study.build()
        #expect(result.status == 65)
        let rejected = try study.output("rejected.csv")
        #expect(rejected.contains("inbox/zz-broken.docx,1,1,unreadable-document,\"the Word package is damaged"))
        #expect(rejected.contains("inbox/zz-photo.txt,1,1,unsupported-file,\"this is not a text file (it is a PNG image)"))
        #expect(try Data(contentsOf: study.inbox.appendingPathComponent("zz-broken.docx")) == before)
        let csv = try study.output("datamap.csv")
        for name in ["Teulu Cyfan Pilot", "Peer mentoring for care leavers", "Neurodevelopmental Pathway Pilot"] {
            #expect(csv.contains(name))
        }
        // The written returns' pilots are validated like any other.
        let findings = try study.output("findings.csv")
        #expect(findings.contains("Drop-in advice sessions"))
    }
}

/// A phrase passes over a sentence only when its pattern could not match there.
@Suite("Phrase prefilters")
struct PhrasePrefilterTests {
    static let phrases: [(String, Phrase)] = [
        ("durationPhrase", PhraseReader.durationPhrase), ("durationAdjective", PhraseReader.durationAdjective),
        ("between", PhraseReader.between), ("since", PhraseReader.since), ("until", PhraseReader.until), ("ago", PhraseReader.ago),
        ("lastPeriod", PhraseReader.lastPeriod), ("aboutToStart", PhraseReader.aboutToStart), ("resultsDue", PhraseReader.resultsDue),
        ("plannedEvaluation", PhraseReader.plannedEvaluation), ("evaluationCue", PhraseReader.evaluationCue),
        ("evaluatedBy", PhraseReader.evaluatedBy), ("ownEvaluation", PhraseReader.ownEvaluation), ("citation", PhraseReader.citation),
        ("external", PhraseReader.external), ("internalCue", PhraseReader.internalCue), ("monitoring", PhraseReader.monitoring),
        ("elsewhere", PhraseReader.elsewhere), ("partnerCue", PhraseReader.partnerCue), ("plannedStatus", PhraseReader.plannedStatus),
        ("completedStatus", PhraseReader.completedStatus), ("withdrawnStatus", PhraseReader.withdrawnStatus),
        ("pilotingCue", PhraseReader.pilotingCue),
    ]

    @Test func noSentenceAPatternMatchesIsPassedOver() throws {
        var texts = [
            "THE PILOT RAN FOR TWO YEARS SINCE 2019 AND ENDED IN 2021.", "It was Evaluated By Cardiff University, Et Al (Smith, 2019).",
            "We Will Launch next April; funding was CUT.", "Results Are Due In March 2024, from next YEAR.", "KPIs and a Dashboard.",
            "Delivered By the council, In-House, OUR OWN staff.", "Started three weeks ago, last month, between 2018 and 2020.",
        ]
        let generator = StudyGenerator(seed: 21, reference: ShippedReference.reference, names: NameList())
        for index in 1...150 {
            let file = generator.file(index)
            guard !file.name.hasSuffix(".xml") else { continue }
            texts += String(decoding: file.contents, as: UTF8.self).split(whereSeparator: { ".\n".contains($0) }).map(String.init)
        }
        #expect(texts.count > 500)
        var matched = 0
        for (name, phrase) in Self.phrases {
            #expect(!phrase.required.isEmpty, "\(name) names no required words")
            for text in texts where phrase.regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil {
                matched += 1
                #expect(phrase.couldMatch(text), "\(name) would pass over \(text.debugDescription)")
            }
        }
        #expect(matched > 200)
        #expect(!PhraseReader.ago.couldMatch("It started in 2019."))
    }
}
