@testable import DataMapCore
import Foundation
import LibXML
import Testing

/// A complete, valid return whose parts tests replace to make it wrong in one exact place.
func sampleReturn(
    organisationType: String = "local-authority",
    respondent: String = "<name>Eirlys Prydderch</name><email>eirlys@example.org</email><phone>01632 960123</phone>",
    consent: String = #"<consent given="true" anonymity="anonymous"/>"#,
    activity: String = """
        <activity theme="pilot-projects" kind="pilot" status="current">
              <name>Edge of care pilot</name>
            </activity>
        """
) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <return xmlns="urn:x-datamap:return:1" version="1">
      <organisation type="\(organisationType)"><name>Conwy County Borough Council</name></organisation>
      <respondent>\(respondent)</respondent>
      \(consent)
      <submitted>2018-02-14</submitted>
      <language>en</language>
      <activities>
        \(activity)
      </activities>
    </return>

    """
}

@Suite("Reading XML returns through libxml2")
struct ReturnReaderTests {
    let reader: ReturnReader

    init() throws {
        reader = ReturnReader(schema: try ReturnSchema.compiled())
    }

    func read(_ text: String) -> Result<Return, Rejection> {
        reader.read(Data(text.utf8), source: "inbox/test.xml")
    }

    func diagnostics(_ text: String) -> [Diagnostic] {
        guard case .failure(let rejection) = read(text) else { return [] }
        return rejection.diagnostics
    }

    @Test func readsEveryPartOfAFullReturn() throws {
        let activity = """
            <activity theme="edge-of-care" kind="service" status="current">
                  <name>Crisis Intervention Team</name>
                  <description>Support within 24 hours.</description>
                  <extent scope="part">only for assessment processes</extent>
                  <timescale><start>2017-06</start><end>2019-05</end><duration>P2Y</duration><phrase>two years</phrase></timescale>
                  <target-group>11-17-year-olds</target-group>
                  <partners><partner>North Wales Police</partner><partner>Betsi Cadwaladr University Health Board</partner></partners>
                  <funding>Intermediate Care Fund</funding>
                  <evaluation type="external"><evaluator>Bangor University</evaluator><measure>Placement stability</measure><measure>Re-referrals</measure><results-due>2019-09</results-due></evaluation>
                  <outcomes>Fewer admissions.</outcomes>
                  <documents><document>Conwy: Crisis Intervention</document></documents>
                </activity>
            """
        let record = try read(sampleReturn(activity: activity)).get()
        #expect(record.organisation == Organisation(name: "Conwy County Borough Council", type: .localAuthority))
        #expect(record.respondent.name == "Eirlys Prydderch")
        #expect(record.consent == Consent(given: true, anonymity: .anonymous))
        #expect(record.submitted == PartialDate(year: 2018, month: 2, day: 14))
        let item = try #require(record.activities.first)
        #expect(item.theme == .edgeOfCare && item.kind == .service && item.status == .current)
        #expect(item.extent == Extent(scope: .part, note: "only for assessment processes"))
        #expect(item.timescale == Timescale(start: PartialDate(year: 2017, month: 6), end: PartialDate(year: 2019, month: 5),
                                            duration: "P2Y", phrase: "two years"))
        #expect(item.partners == ["North Wales Police", "Betsi Cadwaladr University Health Board"])
        #expect(item.evaluation == Evaluation(type: .external, evaluator: "Bangor University",
                                              measures: ["Placement stability", "Re-referrals"],
                                              resultsDue: PartialDate(year: 2019, month: 9)))
        #expect(item.documents == ["Conwy: Crisis Intervention"])
        #expect(item.provenance == Provenance(method: .writtenReturn, file: "inbox/test.xml", line: 9, endLine: 20))
    }

    @Test func welshTextRoundTripsByteForByte() throws {
        let welsh = "Ymgyrch â chymorth: ŵyn, ŷd, naïf, Tŷ'r Ysgol, Llŷn, ffôn"
        let activity = """
            <activity theme="foster-carer-capacity" kind="recruitment" status="current"><name>\(welsh)</name></activity>
            """
        let record = try read(sampleReturn(activity: activity)).get()
        let name = try #require(record.activities.first?.name)
        #expect(Array(name.utf8) == Array(welsh.utf8))
    }

    @Test func malformedXMLIsLocatedAtTheExactLineAndColumn() {
        let text = sampleReturn().replacingOccurrences(of: "</activity>", with: "</activty>")
        let first = diagnostics(text).first
        #expect(first?.code == .malformed)
        #expect(first?.location == SourceLocation(file: "inbox/test.xml", line: 11, column: 15))
        #expect(first?.message == "Opening and ending tag mismatch: activity line 9 and activty")
    }

    @Test func schemaViolationNamesTheElementAndHidesTheValue() {
        let text = sampleReturn(organisationType: "Jane Jones Consulting")
        let found = diagnostics(text)
        #expect(found.count == 1)
        #expect(found.first?.code == .schema)
        #expect(found.first?.location == SourceLocation(file: "inbox/test.xml", line: 3, column: 17))
        #expect(found.first?.message.contains("Jane") == false)
        #expect(found.first?.message == """
            Element 'organisation', attribute 'type': [facet 'enumeration'] The value '…' is not an element of the set \
            {'local-authority', 'third-sector', 'private-provider', 'health-board', 'police', 'cafcass-cymru', \
            'childrens-commissioner', 'social-care-wales', 'research-body', 'other'}.
            """)
    }

    @Test func invalidPhoneIsRefusedWithoutEchoingTheNumber() {
        let text = sampleReturn(respondent: "<name>Eirlys Prydderch</name><phone>call 07700 900 123 after 5</phone>")
        let found = diagnostics(text)
        #expect(found.first?.code == .schema)
        #expect(found.first?.location.line == 4)
        #expect(!found.contains { $0.message.contains("07700") || $0.message.contains("call") })
    }

    @Test func missingRequiredElementIsReported() {
        let text = sampleReturn().replacingOccurrences(of: "<submitted>2018-02-14</submitted>", with: "")
        let first = diagnostics(text).first
        #expect(first?.code == .schema)
        #expect(first?.message.contains("Expected is ( submitted )") == true)
    }

    @Test func aDoctypeIsRefusedBeforeAnyEntityIsRead() {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE return [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <return xmlns="urn:x-datamap:return:1" version="1">&secret;</return>
            """
        let found = diagnostics(text)
        #expect(found.map(\.code) == [.forbidden])
        #expect(found.first?.location == SourceLocation(file: "inbox/test.xml", line: 2, column: 1))
    }

    @Test func undeclaredEntitiesAreNotExpanded() {
        let text = sampleReturn().replacingOccurrences(of: "Edge of care pilot", with: "Edge &unknown; pilot")
        #expect(diagnostics(text).first?.code == .malformed)
    }

    @Test func latin1BytesAreAnEncodingError() {
        var bytes = Data(sampleReturn().utf8)
        let marker = Data("Edge of care".utf8)
        let range = bytes.range(of: marker)!
        bytes.replaceSubrange(range, with: Data([0x43, 0x61, 0x66, 0xE9, 0x20, 0x43, 0x79, 0x6D, 0x72, 0x75, 0x20, 0x20]))
        guard case .failure(let rejection) = reader.read(bytes, source: "inbox/latin1.xml") else {
            Issue.record("Latin-1 bytes were accepted")
            return
        }
        #expect(rejection.diagnostics.first?.code == .encoding)
        #expect(rejection.diagnostics.first?.location.line == 10)
        #expect(rejection.diagnostics.first?.message.contains("Bytes") == false)
    }

    @Test func aDeclaredNonUTF8EncodingIsRefused() {
        let text = sampleReturn().replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"ISO-8859-1\"")
        #expect(diagnostics(text).first?.code == .encoding)
    }

    @Test func utf16IsRefusedWithAClearReason() {
        var bytes = Data([0xFF, 0xFE])
        bytes.append(sampleReturn().data(using: .utf16LittleEndian)!)
        guard case .failure(let rejection) = reader.read(bytes, source: "inbox/u16.xml") else {
            Issue.record("UTF-16 was accepted")
            return
        }
        #expect(rejection.diagnostics.first?.code == .encoding)
    }

    @Test(arguments: ["", "   \n\t\r\n"])
    func emptyAndBlankFilesAreRefused(text: String) {
        #expect(diagnostics(text).map(\.code) == [.empty])
    }

    @Test func aReturnWithoutConsentIsRefused() {
        let text = sampleReturn(consent: #"<consent given="false" anonymity="anonymous"/>"#)
        let found = diagnostics(text)
        #expect(found.map(\.code) == [.consent])
        #expect(found.first?.location.line == 5)
    }

    @Test func aWrongRootNamespaceGetsAHint() {
        let text = sampleReturn().replacingOccurrences(of: "urn:x-datamap:return:1", with: "urn:other")
        let first = diagnostics(text).first
        #expect(first?.code == .schema)
        #expect(first?.hint.contains("urn:x-datamap:return:1") == true)
    }

    @Test func nestingTwoHundredThousandDeepStopsAtLibxml2sLimitWithoutCrashing() {
        let depth = 200_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        let first = diagnostics(text).first
        #expect(first?.code == .malformed)
        #expect(first?.message == "elements are nested more than 256 deep; a return nests only a few levels")
        #expect(first?.location.line == 1)
    }
}

@Suite("Where an activity element ends")
struct ClosingLineTests {
    @Test func closingTagsAreFoundWithPrefixesSpacesAndEitherLineEnd() {
        let lines = ["<return>", "<activity>", "<name>a</name>", "</activity>", "<x:activity>", "</x:activity >",
                     "<activity/>", "</activityX>", "<!-- </activity --> </ns.v-2:activity\t>", "</return>"]
        for end in ["\n", "\r\n"] {
            let data = Data(lines.joined(separator: end).utf8)
            #expect(ReturnReader.closingLines(of: "activity", in: data) == [4, 6, 9], "line end \(end.debugDescription)")
        }
    }
}

@Suite("Message redaction")
struct MessageRedactionTests {
    @Test(arguments: [
        ("Element 'phone': [facet 'pattern'] The value 'Jane 0770' is not accepted by the pattern '[0-9]+'.",
         "Element 'phone': [facet 'pattern'] The value '…' is not accepted by the pattern '[0-9]+'."),
        ("Element '{urn:x-datamap:return:1}submitted': 'yesterday' is not a valid value of the atomic type 'xs:date'.",
         "Element 'submitted': '…' is not a valid value of the atomic type 'xs:date'."),
        ("Element 'activity', attribute 'kind': [facet 'enumeration'] The value 'x' is not an element of the set {'pilot', 'service'}.",
         "Element 'activity', attribute 'kind': [facet 'enumeration'] The value '…' is not an element of the set {'pilot', 'service'}."),
        ("Input is not proper UTF-8, indicate encoding !\nBytes: 0xE9 0x20 0x4A 0x6F\n",
         "Input is not proper UTF-8, indicate encoding !"),
        ("Entity 'Jones' not defined\n", "Entity '…' not defined"),
    ])
    func keepsStructureAndHidesContent(raw: String, expected: String) {
        #expect(MessageRedaction.redact(raw) == expected)
    }
}

@Suite("Partial dates")
struct PartialDateTests {
    @Test(arguments: [("2018", "2018"), ("2018-04", "2018-04"), ("2018-04-01", "2018-04-01"), ("2018-04-01Z", "2018-04-01"),
                      ("2018-04-01+01:00", "2018-04-01")])
    func parsesTheXSDForms(text: String, expected: String) {
        #expect(PartialDate(text)?.description == expected)
    }

    @Test(arguments: ["April 2018", "18", "2018-13", "2018-4", "2018-04-32", ""])
    func refusesOtherText(text: String) {
        #expect(PartialDate(text) == nil)
    }

    @Test func ordersByTheEarliestMomentMeant() {
        #expect(PartialDate(year: 2018) < PartialDate(year: 2018, month: 1))
        #expect(PartialDate(year: 2017, month: 12) < PartialDate(year: 2018))
    }
}
