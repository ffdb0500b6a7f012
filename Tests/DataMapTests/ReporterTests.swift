@testable import DataMapCore
import Foundation
import Testing

/// Two small returns with every awkward value a reporter must survive.
enum GoldenStudy {
    static let dataMap: DataMap = {
        var pilot = ActivityRecord(
            theme: .pilotProjects, kind: .pilot, name: "Family Time, \"weekends\"",
            description: "Line one\nline two, with comma", status: .current,
            provenance: Provenance(method: .writtenReturn, file: "inbox/conwy.xml", line: 12))
        pilot.timescale = Timescale(start: PartialDate(year: 2017, month: 11), phrase: "started last November")
        pilot.evaluation = Evaluation(type: .none, note: "=SUM(A1) is not a formula here")
        pilot.partners = ["North Wales Police", "Betsi Cadwaladr University Health Board"]
        var model = ActivityRecord(
            theme: .practiceModels, kind: .practiceModel, name: "Signs of Safety", status: .current,
            provenance: Provenance(method: .writtenReturn, file: "inbox/conwy.xml", line: 8))
        model.extent = Extent(scope: .part, note: "only for assessment processes")
        var welsh = ActivityRecord(
            theme: .fosterCarerCapacity, kind: .recruitment, name: "Ymgyrch recriwtio — ŵyn ŷd", status: .planned,
            provenance: Provenance(method: .writtenReturn, file: "inbox/gwynedd.xml", line: 9))
        welsh.evaluation = Evaluation(type: .monitoring, measures: ["Nifer yr ymholiadau", "-2 = fewer"],
                                      resultsDue: PartialDate(year: 2019))
        return DataMap(returns: [
            AnonymisedReturn(source: "inbox/gwynedd.xml", organisation: Organisation(name: "Cyngor Gwynedd", type: .localAuthority),
                             respondent: "P-00000002", anonymity: .anonymous, submitted: PartialDate(year: 2018, month: 3, day: 1),
                             language: .cy, answers: [Answer(question: "q.one", text: "Dim", nonResponse: .notApplicable, line: 5)],
                             activities: [welsh]),
            AnonymisedReturn(source: "inbox/conwy.xml", organisation: Organisation(name: "Conwy", type: .localAuthority, region: "North Wales"),
                             respondent: "P-00000001", anonymity: .anonymous, submitted: PartialDate(year: 2018, month: 2, day: 6),
                             language: .en, answers: [Answer(question: "q.one", text: "Yes, \"fully\"", line: 4)],
                             activities: [pilot, model]),
        ])
    }()
}

@Suite("Reporters against golden files")
struct ReporterTests {
    static let golden = Repo.root.appendingPathComponent("Tests/DataMapTests/Golden")

    /// Set DATAMAP_RECORD_GOLDEN=1 to rewrite the golden files after an intended change.
    func check(_ name: String, _ data: Data) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DATAMAP_RECORD_GOLDEN"] == "1" {
            try data.write(to: url)
        }
        let expected = try Data(contentsOf: url)
        #expect(data == expected, "\(name) differs from its golden file")
    }

    @Test func dataMapCSV() throws { try check("datamap.csv", DataMapCSV.render(GoldenStudy.dataMap)) }
    @Test func dataMapJSON() throws { try check("datamap.json", DataMapJSON.render(GoldenStudy.dataMap)) }
    @Test func answersCSV() throws { try check("answers.csv", AnswersCSV.render(GoldenStudy.dataMap)) }

    @Test func rejectedCSV() throws {
        let diagnostics = [
            Diagnostic(code: .malformed, location: SourceLocation(file: "inbox/a, b.xml", line: 11, column: 15),
                       message: "Opening and ending tag mismatch: activity line 9 and activty"),
            Diagnostic(code: .empty, location: SourceLocation(file: "inbox/empty.xml", line: 1, column: 1), message: "the file is empty"),
        ]
        try check("rejected.csv", RejectedCSV.render(diagnostics))
    }

    @Test func rowsAreOrderedByTypeOrganisationThemeAndName() {
        #expect(GoldenStudy.dataMap.rows.map(\.id) == ["conwy-2", "conwy-1", "gwynedd-1"])
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=1+1", "'=1+1"), ("+44 1632", "'+44 1632"), ("@cmd", "'@cmd"), ("-2,3", "\"'-2,3\""), ("ŵyn", "ŵyn"),
    ])
    func csvFieldsFollowRFC4180AndNeverRunAsFormulas(value: String, expected: String) {
        #expect(CSV.field(value) == expected)
    }
}

@Suite("Markdown escaping")
struct MarkdownEscapeTests {
    /// The byte-by-byte path for ASCII must say exactly what the character path says: every
    /// ASCII character alone and beside every other (so "\r\n", one character, is covered), and
    /// seeded random runs of them.
    @Test func asciiPathAgreesWithTheCharacterPath() {
        let characters = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        for first in characters {
            #expect(MarkdownSummary.asciiEscape(first) == MarkdownSummary.characterEscape(first))
            for second in characters {
                let pair = first + second
                #expect(MarkdownSummary.asciiEscape(pair) == MarkdownSummary.characterEscape(pair), "\(Array(pair.utf8))")
            }
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...40, using: &random)).map { _ in
                Character(UnicodeScalar(UInt8.random(in: 0..<128, using: &random)))
            })
            #expect(MarkdownSummary.asciiEscape(text) == MarkdownSummary.characterEscape(text), "\(Array(text.utf8))")
        }
        #expect(MarkdownSummary.escape("a\r\nb [x](javascript:y) <s> & é") == #"ab \[x\]\(javascript:y\) &lt;s&gt; &amp; é"#)
    }
}
