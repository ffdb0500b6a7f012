import DataMapCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// These run the real `datamap` binary on a copy of the bundled sample study.
@Suite("datamap build, end to end", .serialized)
struct BuildCommandTests {
    /// Activities in the sample's written returns in prose, Markdown and Word, as read by hand:
    /// Ceredigion 6, Voices from Care 2 (its template's two pilot blocks), Hywel Dda 2. Hywel Dda's
    /// "our looked after children nursing team offers every child a health assessment" is a
    /// standing team doing its usual work, which the annotated corpus does not count either.
    static let writtenActivityCount = 10
    static let sampleReturnCount = 16

    static let sampleActivityCount: Int = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Repo.inbox.path)) ?? []
        return writtenActivityCount + files.filter { $0.hasSuffix(".xml") }.reduce(0) { total, name in
            let text = (try? String(contentsOf: Repo.inbox.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return total + text.components(separatedBy: "<activity ").count - 1
        }
    }()

    func dataRows(_ csv: String) -> Int {
        // Records end in CRLF; line breaks inside quoted fields are bare LF.
        csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count - 1
    }

    @Test func theSampleStudyBuildsEveryActivity() throws {
        let study = try TemporaryStudy()
        let result = try study.build()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(Self.sampleReturnCount) returns, \(Self.sampleActivityCount) activities"))
        #expect(Self.sampleActivityCount >= 25)
        #expect(dataRows(try study.output("datamap.csv")) == Self.sampleActivityCount)
        #expect(try study.output("rejected.csv") == "file,line,column,code,reason,hint\r\n")
        let json = try JSONSerialization.jsonObject(with: Data(try study.output("datamap.json").utf8)) as? [String: Any]
        #expect((json?["activities"] as? [Any])?.count == Self.sampleActivityCount)
    }

    @Test func twoBuildsInARowAreByteIdenticalAndTheSecondAddsNothing() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let first = try study.outputs()
        let again = try study.build()
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 new, 0 changed, \(Self.sampleReturnCount) unchanged, 0 removed"))
        #expect(try study.outputs() == first)
        var expected = ["answers.csv", "datamap.csv", "datamap.json", "datamap.xlsx", "notes.csv", "rejected.csv", "report.html", "report-internal.html", "summary.md",
                        "residual-risk.csv", "residual-risk.json", "review.csv"]
        for table in ["approaches", "other-approaches", "sectors", "coding", "counts", "coverage", "evaluation", "findings", "matrix", "participants", "partnerships", "pilots"] {
            expected += ["\(table).csv", "\(table).json"]
        }
        // The manifest lists them, so the next build knows which files in outbox/ are its own.
        #expect(first.keys.sorted() == (expected + [".datamap-outputs"]).sorted())
        #expect(String(decoding: first[".datamap-outputs"] ?? Data(), as: UTF8.self) == expected.sorted().joined(separator: "\n") + "\n")
    }

    @Test func aRebuildFromAnEmptyStoreGivesTheSameBytes() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let incremental = try study.outputs()
        try FileManager.default.removeItem(at: study.state.appendingPathComponent("store.sqlite"))
        let clean = try study.build()
        #expect(clean.stdout.contains("\(Self.sampleReturnCount) new"))
        #expect(try study.outputs() == incremental)
    }

    @Test func aChangedFileReplacesItsEarlierVersionAndARemovedOneLeaves() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let conwy = study.inbox.appendingPathComponent("la-conwy.xml")
        let text = try String(contentsOf: conwy, encoding: .utf8)
        try text.replacingOccurrences(of: "Family Time Project", with: "Family Time Weekend Project")
            .write(to: conwy, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: study.inbox.appendingPathComponent("scw.xml"))
        let result = try study.build()
        #expect(result.stdout.contains("0 new, 1 changed, \(Self.sampleReturnCount - 2) unchanged, 1 removed"))
        let csv = try study.output("datamap.csv")
        #expect(csv.contains("Family Time Weekend Project"))
        #expect(!csv.contains("Family Time Project"))
        #expect(!csv.contains("Social Care Wales,social-care-wales"))
        #expect(dataRows(csv) == Self.sampleActivityCount - 2)
    }

    @Test func aMalformedReturnIsLocatedRefusedAndLeftUntouchedWhileTheRestBuild() throws {
        let study = try TemporaryStudy()
        let broken = sampleReturn().replacingOccurrences(of: "</activity>", with: "</activty>")
        try study.write("broken return.xml", broken)
        let before = try Data(contentsOf: study.inbox.appendingPathComponent("broken return.xml"))
        let result = try study.build()
        #expect(result.status == 65)
        #expect(result.stderr.contains(
            "inbox/broken return.xml:11:15: error: Opening and ending tag mismatch: activity line 9 and activty [malformed-xml]"))
        #expect(result.stderr.contains("hint: fix the XML at this point"))
        let rejected = try study.output("rejected.csv")
        #expect(rejected.contains("inbox/broken return.xml,11,15,malformed-xml,"))
        #expect(dataRows(try study.output("datamap.csv")) == Self.sampleActivityCount)
        #expect(try Data(contentsOf: study.inbox.appendingPathComponent("broken return.xml")) == before)
    }

    @Test func otherKindsOfBadInputAreEachRefusedWithTheirOwnReason() throws {
        let study = try TemporaryStudy()
        try study.write("empty.xml", "")
        try study.write("notes.txt", "Some notes")
        try study.write("scan.pdf", "%PDF-1.4")
        try study.write("wrong-type.xml", sampleReturn(organisationType: "council"))
        try FileManager.default.copyItem(at: study.inbox.appendingPathComponent("cafcass.xml"),
                                         to: study.inbox.appendingPathComponent("zz-copy of cafcass.xml"))
        let secret = study.root.appendingPathComponent("outside.xml")
        try sampleReturn().replacingOccurrences(of: "Edge of care pilot", with: "OUTSIDE-SECRET").write(
            to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: study.inbox.appendingPathComponent("link.xml"), withDestinationURL: secret)
        let result = try study.build()
        #expect(result.status == 65)
        let rejected = try study.output("rejected.csv")
        for expected in ["inbox/empty.xml,1,1,empty-file", "inbox/notes.txt,1,1,unknown-organisation", "inbox/scan.pdf,1,1,unsupported-file",
                         "inbox/wrong-type.xml,3,17,schema", "inbox/zz-copy of cafcass.xml,1,1,duplicate-content",
                         "inbox/link.xml,1,1,symbolic-link"] {
            #expect(rejected.contains(expected), "missing \(expected)")
        }
        #expect(result.stdout.contains("6 refused"))
        let everything = try study.outputs().values.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(!everything.contains("OUTSIDE-SECRET"))
        #expect(dataRows(try study.output("datamap.csv")) == Self.sampleActivityCount)
    }

    @Test func noRespondentNameEmailOrPhoneReachesOutboxOrTheTerminal() throws {
        let study = try TemporaryStudy()
        let result = try study.build()
        #expect(result.status == 0)
        let published = try study.outputs().values.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
            + result.stdout + result.stderr
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: study.inbox.path) where name.hasSuffix(".xml") {
            let text = try String(contentsOf: study.inbox.appendingPathComponent(name), encoding: .utf8)
            let respondent = try #require(text.firstMatch(of: /<respondent>([\s\S]*?)<\/respondent>/)?.output.1)
            for field in respondent.matches(of: /<(name|email|phone)>([^<]+)<\//) {
                let value = String(field.output.2)
                switch field.output.1 {
                case "name":
                    let ranks: Set<String> = ["Dr", "Professor", "Chief", "Inspector", "ferch", "ap"]
                    for word in value.split(separator: " ").map(String.init) where word.count >= 3 && !ranks.contains(word) {
                        let pattern = try NSRegularExpression(
                            pattern: "(?<![\\p{L}])" + NSRegularExpression.escapedPattern(for: word) + "(?![\\p{L}])")
                        let range = NSRange(published.startIndex..., in: published)
                        #expect(pattern.firstMatch(in: published, range: range) == nil, "\(word) from \(name) is published")
                        checked += 1
                    }
                case "email":
                    #expect(!published.lowercased().contains(value.lowercased()), "an email from \(name) is published")
                    checked += 1
                default:
                    let digits = value.filter(\.isNumber)
                    #expect(!published.contains(value), "a phone number from \(name) is published")
                    #expect(!published.contains(String(digits.suffix(6))), "phone digits from \(name) are published")
                    checked += 1
                }
            }
        }
        #expect(checked > 50)
    }

    @Test func theKeyAndStoreAreOwnerOnlyAndOutsideOutbox() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        #expect(try permissions(study.state) == 0o700)
        #expect(try permissions(study.state.appendingPathComponent("study.key")) == 0o600)
        #expect(try permissions(study.state.appendingPathComponent("store.sqlite")) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: study.outbox.path).allSatisfy { !$0.contains("key") && !$0.contains("sqlite") })
    }

    @Test func pseudonymsAreStableAcrossRunsAndChangeWithTheKey() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let first = try study.output("datamap.csv")
        try FileManager.default.removeItem(at: study.state)
        #expect(try study.build().status == 0)
        let withNewKey = try study.output("datamap.csv")
        let tokens = { (csv: String) in Set(csv.matches(of: /P-[0-9A-F]{8}/).map { String($0.output) }) }
        #expect(tokens(first).count >= 13)
        #expect(tokens(first).isDisjoint(with: tokens(withNewKey)))
    }

    @Test func aKeyOthersCanReadIsRefused() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let key = study.state.appendingPathComponent("study.key")
        chmod(key.path, 0o644)
        let result = try study.build()
        #expect(result.status == 1)
        #expect(result.stderr.contains("can be read by other users"))
    }

    @Test func aSecondBuildWhileOneRunsStopsWithAClearMessage() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let descriptor = open(study.state.appendingPathComponent("build.lock").path, O_RDWR)
        #expect(flock(descriptor, LOCK_EX) == 0)
        let result = try study.build()
        flock(descriptor, LOCK_UN)
        close(descriptor)
        #expect(result.status == 75)
        #expect(result.stderr.contains("another datamap build is running on this study"))
        #expect(try study.build().status == 0)
    }

    @Test func usageErrorsAndAMissingInboxHaveTheirOwnExitCodes() throws {
        let usage = try datamap(["build", "--no-such-option"])
        #expect(usage.status == 64)
        let empty = try TemporaryStudy(copySample: false)
        try FileManager.default.removeItem(at: empty.inbox)
        let missing = try empty.build()
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("has no inbox/ folder"))
    }
}

@Suite("datamap check and schema against xmllint")
struct SchemaAgreementTests {
    @Test func xmllintAndDatamapAgreeOnEverySampleAndBrokenFile() throws {
        let xmllint = URL(fileURLWithPath: "/usr/bin/xmllint")
        try #require(FileManager.default.isExecutableFile(atPath: xmllint.path), "scripts/setup installs libxml2-utils")
        let study = try TemporaryStudy()
        let broken: [String: String] = [
            "bad-enum.xml": sampleReturn(organisationType: "council"),
            "bad-date.xml": sampleReturn().replacingOccurrences(of: "2018-02-14", with: "14/02/2018"),
            "missing-name.xml": sampleReturn(respondent: "<email>a@b.example</email>"),
            "bad-order.xml": sampleReturn().replacingOccurrences(of: "<language>en</language>", with: "")
                .replacingOccurrences(of: "<submitted>", with: "<language>en</language><submitted>"),
            "not-xml.xml": "this is not XML",
            "truncated.xml": String(sampleReturn().prefix(200)),
            "wrong-version.xml": sampleReturn().replacingOccurrences(of: "version=\"1\"", with: "version=\"2\""),
        ]
        for (name, text) in broken { try study.write(name, text) }
        var valid = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: study.inbox.path).sorted() {
            let path = study.inbox.appendingPathComponent(name).path
            let lint = try run(xmllint, ["--noout", "--nonet", "--schema", Repo.schema.path, path])
            let ours = try datamap(["check", path])
            #expect((lint.status == 0) == (ours.status == 0), "xmllint and datamap disagree on \(name)")
            if ours.status == 0 { valid += 1 } else { #expect(ours.status == 65) }
        }
        #expect(valid == 13)
    }

    @Test func theSchemaCommandPrintsTheShippedXSD() throws {
        let result = try datamap(["schema"])
        #expect(result.status == 0)
        #expect(Data(result.stdout.utf8) == (try Data(contentsOf: Repo.schema)))
    }
}

@Suite("The return format reference")
struct ReferencePageTests {
    @Test func theCompleteExampleInTheReferencePageIsValid() throws {
        let page = try String(contentsOf: Repo.root.appendingPathComponent("docs/return-format.md"), encoding: .utf8)
        let example = try #require(page.firstMatch(of: /```xml\n([\s\S]*?)```/)?.output.1)
        let study = try TemporaryStudy(copySample: false)
        try study.write("example.xml", String(example))
        let result = try datamap(["check", study.inbox.appendingPathComponent("example.xml").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok, 2 activities, 2 answers"))
    }
}

@Suite("The bundled sample study")
struct SampleStudyTests {
    @Test func itCoversEveryOrganisationTypeThemeAndFlawedPilots() throws {
        let reader = ReturnReader(schema: try ReturnSchema.compiled())
        var types = Set<OrganisationType>()
        var themes = Set<Theme>()
        var languages = Set<Language>()
        var flawedPilots = 0
        let files = try FileManager.default.contentsOfDirectory(atPath: Repo.inbox.path).filter { $0.hasSuffix(".xml") }
        #expect(files.count >= 12)
        for name in files {
            let record = try reader.read(try Data(contentsOf: Repo.inbox.appendingPathComponent(name)), source: name).get()
            types.insert(record.organisation.type)
            languages.insert(record.language)
            for activity in record.activities {
                themes.insert(activity.theme)
                let evaluated = activity.evaluation.map { $0.type != .none && $0.type != .planned } ?? false
                if activity.kind == .pilot && (!(activity.timescale?.isDefined ?? false) || !evaluated) { flawedPilots += 1 }
            }
        }
        #expect(types == Set(OrganisationType.scheduled))
        #expect(themes == Set(Theme.allCases))
        #expect(languages == [.en, .cy])
        #expect(flawedPilots >= 3)
    }

    @Test func aStateFolderInsideOutboxIsRefused() throws {
        let study = try TemporaryStudy()
        let result = try datamap(["build", "--study", study.root.path, "--state", study.outbox.appendingPathComponent("state").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is inside outbox/"))
    }
}
