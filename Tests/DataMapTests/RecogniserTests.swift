@testable import DataMapCore
import Foundation
import Testing

/// The sample study's planted identifiers: none may reach outbox/.
let plantedIdentifiers = [
    "Rhian Watkins", "Rhian", "Watkins", "07700 900982", "rhian.watkins@conwy.example", "14 Heol y Frenhines", "LL57 2DG",
    "12 March 2004", "943 476 5919", "JT 45 12 78 B", "Darren Pugh", "Pugh", "Amira", "Kwame", "Zainab Hussain", "Hussain",
    "facebook.com/zainab.mentoring", "@zainab_mentor",
    // In the written returns (Markdown template, plain text, Word).
    "Gwenllian", "Prys-Davies", "g.prys-davies@voices.example", "029 2018 0555", "Iolo ap Dafydd", "iolo.apdafydd@ceredigion.example",
    "01632 960 417", "Eleri Vaughan", "eleri.vaughan@hyweldda.example",
]

@Suite("Recognisers")
struct RecogniserTests {
    /// `--spans` is written directly; it must be byte for byte what JSONEncoder would write,
    /// whatever a file name holds.
    @Test func spansJSONIsWhatJSONEncoderWrites() throws {
        struct Document: Encodable { var file: String; var spans: [EntitySpan] }
        let text = "Siân Ŵyn, siân@example.org, 07700 900123"
        let spans = TextAnonymiser(key: StudyKey(bytes: Data(repeating: 7, count: 32))!).scrub(text, context: RecognitionContext()).spans
        let documents = [
            Document(file: "inbox/a b/\"quoted\"\\back\tslash\u{1}\u{8}\u{C}\r\n/Tŷ.txt", spans: spans),
            Document(file: "-", spans: []),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(!spans.isEmpty)
        #expect(EntitySpan.json(documents.map { (file: $0.file, spans: $0.spans) }) == (try encoder.encode(documents)))
        #expect(EntitySpan.json([]) == (try encoder.encode([Document]())))
    }
    let key = StudyKey(bytes: Data(repeating: 3, count: 32))!
    let context = RecognitionContext(
        knownPeople: ["Siân ap Rhys"],
        names: NameList(givenNames: ["Gareth", "Rhian", "Will", "Amira"], surnames: ["Watkins", "Jones"]),
        gazetteer: Gazetteer(entries: [Gazetteer.Entry(name: "Conwy County Borough Council", type: "local-authority", aliases: ["Conwy"]),
                                       Gazetteer.Entry(name: "Cardiff Council", type: "local-authority")]),
        taxonomy: Taxonomy(entries: [Taxonomy.Entry(name: "Signs of Safety", kind: "practice-model", aliases: ["SoS"])]))

    func found(_ text: String) -> [String] {
        let ns = text as NSString
        return Recognisers.find(in: text, context: context).map { "\($0.type.rawValue):\(ns.substring(with: $0.range))" }
    }

    /// Each recogniser with text it must catch and text it must leave alone.
    @Test(arguments: [
        ("Email a.b-c@conwy.gov.uk today", ["email:a.b-c@conwy.gov.uk"]),
        ("Ring 01632 960123, (01632) 960 123, +44 1632 960123, +44 (0)7700 900123 or 07700-900-123.",
         ["phone:01632 960123", "phone:(01632) 960 123", "phone:+44 1632 960123", "phone:+44 (0)7700 900123", "phone:07700-900-123"]),
        ("Between 2017 and 2019, 120 families; ref 2017/18; 10 30 2020.", []),
        ("Postcodes CF10 1AA, LL57 2DG and sa1 1aa", ["postcode:CF10 1AA", "postcode:LL57 2DG"]),
        ("NHS 943 476 5919 and 9434765919 valid; 943 476 5918 is not", ["nhs-number:943 476 5919", "nhs-number:9434765919"]),
        ("NI AB123456C and JT 45 12 78 B; and a prefix HMRC never issues, GB123456A", ["ni-number:AB123456C", "ni-number:JT 45 12 78 B", "ni-number:GB123456A"]),
        ("Born on 3 March 2011; DOB: 03/03/2011. The pilot began 3 March 2017.", ["date-of-birth:3 March 2011", "date-of-birth:03/03/2011"]),
        ("They live at 12 Heol y Frenhines, Bangor and 4 Oak Tree Close.", ["address:12 Heol y Frenhines, Bangor", "address:4 Oak Tree Close"]),
        ("See https://www.linkedin.com/in/someone and @sianrhys, not www.cardiff.gov.uk/services", ["url:https://www.linkedin.com/in/someone", "handle:@sianrhys"]),
        ("the Director of Social Services at Conwy approved it", ["role:Director of Social Services"]),
        ("Dr Amira Haddad and Cllr Owen spoke.", ["person:Dr Amira Haddad", "person:Cllr Owen"]),
        // A patronymic is a name of its own: "Rhys ap Siân" is not "Siân ap Rhys".
        ("Siân ap Rhys leads; Rhys ap Siân does not; ask Siân.", ["person:Siân ap Rhys", "person:Rhys ap Siân", "person:Siân"]),
        ("We spoke to Llinos ferch Iolo, the team manager.", ["person:Llinos ferch Iolo"]),
        ("Kwame Mensah-Bonsu said it works; Kwame's team agrees.", ["person:Kwame Mensah-Bonsu", "person:Kwame"]),
        ("We will see how it goes; Will Jones chairs it.", ["person:Will Jones"]),
        ("Signs of Safety in Cardiff Council since April 2017.", []),
    ])
    func recognises(text: String, expected: [String]) {
        #expect(found(text) == expected)
    }

    @Test func theMod11CheckDigitIsApplied() {
        #expect(Recognisers.isValidNHSNumber("943 476 5919"))
        #expect(!Recognisers.isValidNHSNumber("943 476 5910"))
        #expect(!Recognisers.isValidNHSNumber("123"))
    }

    @Test func everyMentionOfOnePersonGetsOnePseudonymAndOffsetsAreCodePoints() {
        let anonymiser = TextAnonymiser(key: key)
        let text = "Ŵyn: Gareth Watkins rang. Later Gareth's email g@x.example arrived."
        let result = anonymiser.scrub(text, context: context)
        let token = Pseudonymiser(key: key).pseudonym(forIdentity: Pseudonymiser.normalisedName("Gareth Watkins"))
        #expect(result.text == "Ŵyn: \(token) rang. Later \(token)'s email [EMAIL] arrived.")
        #expect(result.spans.first == EntitySpan(start: 5, end: 19, type: .person))
    }

    @Test func rolesCanBeGeneralised() {
        let anonymiser = TextAnonymiser(key: key, options: AnonymisationOptions(generaliseRoles: true))
        let result = anonymiser.scrub("The Head of Children's Services and a Team Manager agreed.", context: context)
        #expect(result.text == "A senior manager and a manager agreed.")
        let atConwy = anonymiser.scrub("We asked the Director of Social Services at Conwy.", context: context)
        #expect(atConwy.text == "We asked a senior manager at Conwy.")
    }

    @Test func organisationsAreMaskedWithStableLabelsWithinEachType() {
        let mask = OrganisationMask(key: key, gazetteer: context.gazetteer)
        let record = Validator.example(.pilot, organisation: Organisation(name: "Cardiff Council", type: .localAuthority),
                                       partners: ["Conwy"], name: "Cardiff Council pilot with Conwy")
        let masked = mask.apply([record])[0]
        #expect(masked.organisation.name.hasPrefix("Local authority "))
        #expect(!masked.activities[0].name.contains("Cardiff") && !masked.activities[0].name.contains("Conwy"))
        #expect(masked.activities[0].partners[0].hasPrefix("Local authority "))
        #expect(mask.apply([record])[0] == masked)
    }

    @Test func oneOrganisationHasOneLabelHoweverItIsSpelt() {
        let gazetteer = Gazetteer(entries: context.gazetteer.entries + [
            Gazetteer.Entry(name: "Gwynedd Council", type: "local-authority", aliases: ["Gwynedd", "Cyngor Gwynedd"]),
        ])
        let mask = OrganisationMask(key: key, gazetteer: gazetteer)
        let labels = mask.labels(for: [Organisation(name: "Cyngor Gwynedd", type: .localAuthority),
                                       Organisation(name: "Gwynedd Council", type: .localAuthority)])
        #expect(labels["Cyngor Gwynedd"] != nil)
        #expect(labels["Cyngor Gwynedd"] == labels["Gwynedd Council"])
        var activity = ActivityRecord(theme: .practiceModels, kind: .practiceModel, name: "Model Risg Gwynedd", status: .current,
                                      provenance: Provenance(method: .writtenReturn, file: "inbox/a.xml", line: 1))
        activity.evidence = [Evidence(field: "partners", line: 2, phrase: "with Cyngor Gwynedd and Gwynedd")]
        let masked = mask.apply([AnonymisedReturn(
            source: "inbox/a.xml", organisation: Organisation(name: "Cyngor Gwynedd", type: .localAuthority), respondent: "P-1",
            anonymity: .anonymous, submitted: PartialDate(year: 2018), language: .cy, answers: [], activities: [activity])])[0]
        let label = labels["Gwynedd Council"] ?? "?"
        #expect(masked.organisation.name == label)
        #expect(masked.activities[0].name == "Model Risg \(label)")
        #expect(masked.activities[0].evidence?.first?.phrase == "with \(label) and \(label)")
    }
}

@Suite("Anonymisation end to end", .serialized)
struct AnonymisationEndToEndTests {
    @Test func noPlantedIdentifierReachesOutboxButDatesAndOrganisationsSurvive() throws {
        let study = try TemporaryStudy()
        try study.copyInstruments()
        let result = try study.build()
        #expect(result.status == 0, "\(result.stderr)")
        let published = try study.outputs().filter { !$0.key.hasSuffix(".xlsx") }.values.map { String(decoding: $0, as: UTF8.self) }
            .joined(separator: "\n") + result.stdout + result.stderr
        for planted in plantedIdentifiers {
            #expect(!published.contains(planted), "\(planted) reached outbox/")
        }
        for survivor in ["2017-06", "Conwy County Borough Council", "Betsi Cadwaladr University Health Board", "Signs of Safety",
                         "Bangor University", "two years from June 2017"] {
            #expect(published.contains(survivor), "\(survivor) did not survive")
        }
        let risk = try study.output("residual-risk.csv")
        for type in ["person", "phone", "email", "postcode", "nhs-number", "ni-number", "date-of-birth", "address", "url", "handle"] {
            #expect(risk.contains("(all),\(type),"), "no \(type) counted")
        }
        let review = try study.output("review.csv")
        #expect(review.hasPrefix("source,field,start,end,kind,name_likeness"))
        // The likeliest names first, so the little time a reviewer has goes where it matters.
        let scores = review.split(separator: "\r\n").dropFirst().compactMap { Int($0.split(separator: ",").last ?? "") }
        #expect(scores == scores.sorted(by: >), "review.csv is not ordered by name likeness")
    }

    @Test func theAnonymiseCommandScrubsStdinAndReportsSpans() throws {
        let study = try TemporaryStudy(copySample: false)
        try study.copyInstruments()
        let input = "Email rhian@conwy.example or call 029 2018 0455 about Rhian Watkins."
        let process = Process()
        process.executableURL = Repo.binary
        process.arguments = ["anonymise", "--study", study.root.path, "--spans"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let spans = try #require(json.first?["spans"] as? [[String: Any]])
        #expect(spans.map { $0["type"] as? String } == ["email", "phone", "person"])
        #expect(spans.first?["start"] as? Int == 6 && spans.first?["end"] as? Int == 25)
        let file = study.root.appendingPathComponent("in.txt")
        try Data(input.utf8).write(to: file)
        let text = try datamap(["anonymise", "--study", study.root.path, file.path])
        #expect(text.stdout.hasPrefix("Email [EMAIL] or call [PHONE] about P-"))
        #expect(try permissions(study.state.appendingPathComponent("study.key")) == 0o600)
    }

    @Test func maskingOrganisationsRelabelsTheWholeMap() throws {
        let study = try TemporaryStudy()
        try study.copyInstruments()
        #expect(try study.build(["--mask-organisations"]).status == 0)
        let csv = try study.output("datamap.csv")
        #expect(!csv.contains("Conwy County Borough Council") && !csv.contains("Cardiff Council"))
        #expect(csv.firstMatch(of: /,Local authority [A-Z]{1,2},local-authority,/) != nil)
        #expect(csv.firstMatch(of: /,Health board [A-Z]{1,2},health-board,/) != nil)
        // The evidence quoted in datamap.json is masked too, and a second run masks the same way.
        let json = try study.output("datamap.json")
        for name in ["Gwynedd", "Conwy", "Cardiff", "Cyngor", "County Council"] {
            #expect(!json.contains(name), "\(name) is in the masked datamap.json")
        }
        let first = try study.outputs()
        #expect(try study.build(["--mask-organisations"]).status == 0)
        #expect(try study.outputs() == first)
    }
}
