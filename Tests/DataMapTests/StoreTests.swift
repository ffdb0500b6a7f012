import DataMapCore
@testable import DataMapStore
import LibXML
import Foundation
import Testing

@Suite("The SQLite store")
struct StoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("datamap-store-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func record(_ path: String, hash: String, name: String = "Pilot") -> SourceRecord {
        let activity = ActivityRecord(theme: .pilotProjects, kind: .pilot, name: name, status: .current,
                                      provenance: Provenance(method: .writtenReturn, file: path, line: 3))
        return SourceRecord(path: path, contentHash: hash, outcome: .ingested(AnonymisedReturn(
            source: path, organisation: Organisation(name: "Conwy", type: .localAuthority), respondent: "P-1",
            anonymity: .anonymous, submitted: PartialDate(year: 2018), language: .cy, answers: [], activities: [activity])))
    }

    @Test func recordsSurviveReopeningTheFile() throws {
        let path = directory.appendingPathComponent("store.sqlite").path
        let stamp = PipelineStamp(pipelineVersion: 1, keyFingerprint: "abc")
        let rejected = SourceRecord(path: "inbox/b.xml", contentHash: "h2", outcome: .rejected([
            Diagnostic(code: .malformed, location: SourceLocation(file: "inbox/b.xml", line: 2, column: 3), message: "bad"),
        ]))
        do {
            let store = try SQLiteStore(path: path)
            try store.apply(upserts: [record("inbox/a.xml", hash: "h1", name: "Prosiect ŵyn"), rejected], deletions: [], stamp: stamp)
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.stamp() == stamp)
        #expect(try reopened.contentHashes() == ["inbox/a.xml": "h1", "inbox/b.xml": "h2"])
        #expect(try reopened.sources() == [record("inbox/a.xml", hash: "h1", name: "Prosiect ŵyn"), rejected])
    }

    @Test func upsertReplacesAndDeletionRemoves() throws {
        let store = try SQLiteStore(path: directory.appendingPathComponent("s.sqlite").path)
        let stamp = PipelineStamp(pipelineVersion: 1, keyFingerprint: "k")
        try store.apply(upserts: [record("inbox/a.xml", hash: "1"), record("inbox/b.xml", hash: "2")], deletions: [], stamp: stamp)
        try store.apply(upserts: [record("inbox/a.xml", hash: "3", name: "Changed")], deletions: ["inbox/b.xml"], stamp: stamp)
        #expect(try store.sources() == [record("inbox/a.xml", hash: "3", name: "Changed")])
    }

    @Test func longTextsWaitInTheStoreUntilAskedForAndGoWithTheirSource() throws {
        let store = try SQLiteStore(path: directory.appendingPathComponent("texts.sqlite").path)
        let stamp = PipelineStamp(pipelineVersion: 1, keyFingerprint: "k")
        var full = record("inbox/a.xml", hash: "1")
        guard case .ingested(var anonymised) = full.outcome else { return }
        var second = anonymised.activities[0]
        second.name = "Second"
        second.longTexts = ActivityTexts(description: "Disgrifiad hir — ŵyn", outcomes: nil,
                                         evidence: [Evidence(field: "name", line: 4, endLine: 5, phrase: "a pilot of Second")])
        anonymised.activities[0].longTexts = ActivityTexts(description: "First", outcomes: "Fewer placements")
        anonymised.activities.append(second)
        full.outcome = .ingested(anonymised)
        try store.apply(upserts: [full, record("inbox/b.xml", hash: "2")], deletions: [], stamp: stamp)

        // Loaded records are the full records less their long texts.
        var slim = anonymised
        for index in slim.activities.indices { slim.activities[index].longTexts = ActivityTexts() }
        #expect(try store.sources().first == SourceRecord(path: "inbox/a.xml", contentHash: "1", outcome: .ingested(slim)))
        let keys = [ActivityTextKey(path: "inbox/a.xml", position: 1), ActivityTextKey(path: "inbox/a.xml", position: 0)]
        #expect(try store.activityTexts(keys) == [second.longTexts, anonymised.activities[0].longTexts])

        // Replacing or deleting a source takes its texts with it.
        try store.apply(upserts: [record("inbox/a.xml", hash: "3")], deletions: ["inbox/b.xml"], stamp: stamp)
        #expect(try store.activityTexts([ActivityTextKey(path: "inbox/a.xml", position: 0)]) == [ActivityTexts()])
        #expect(throws: (any Error).self) { try store.activityTexts([ActivityTextKey(path: "inbox/a.xml", position: 1)]) }
        #expect(throws: (any Error).self) { try store.activityTexts([ActivityTextKey(path: "inbox/b.xml", position: 0)]) }
    }

    /// The store's own decoder must give exactly what JSONDecoder gives, for every kind of
    /// record: generated XML and prose returns, the sample study, interviews with their times
    /// and recording offsets, refusals, and awkward text.
    @Test func payloadsDecodeAsJSONDecoderDecodesThem() throws {
        let key = StudyKey(bytes: Data(repeating: 5, count: 32))!
        let anonymiser = Anonymiser(key: key, reference: ShippedReference.reference)
        let reader = ReturnReader(schema: try ReturnSchema.compiled())
        var records: [SourceRecord] = []
        let generator = StudyGenerator(seed: 11, reference: ShippedReference.reference, names: NameList())
        var files = (1...80).map { generator.file($0) }.map { ("inbox/" + $0.name, $0.contents) }
        let sample = Repo.root.appendingPathComponent("inbox")
        for name in try FileManager.default.contentsOfDirectory(atPath: sample.path).sorted() {
            files.append(("inbox/" + name, try Data(contentsOf: sample.appendingPathComponent(name))))
        }
        for (path, data) in files {
            let result: Result<Return, Rejection> = switch ReturnFileKind(path: path) {
            case .xml: reader.read(data, source: path)
            case .text: ShippedReference.reader.read(data, source: path).map(\.record)
            case .word: ShippedReference.reader.readWord(data, source: path).map(\.record)
            case nil: .failure(Rejection([]))
            }
            switch result {
            case .success(let record):
                records.append(SourceRecord(path: path, contentHash: "h", outcome: .ingested(anonymiser.anonymise(record))))
            case .failure(let rejection):
                records.append(SourceRecord(path: path, contentHash: "h", outcome: .rejected(rejection.diagnostics)))
            }
        }
        var interview = AnonymisedReturn(
            source: "inbox/interview.xml", organisation: Organisation(name: "Cyngor \"Gwynedd\"\n/\\", type: .localAuthority),
            respondent: "P-1", anonymity: .anonymous, submitted: PartialDate(year: 2018, month: 3, day: 9), language: .cy,
            answers: [Answer(question: "q.one", text: "ŵyn 🙂 \u{1}\u{2028}\t", nonResponse: .refused, line: 4,
                             at: Date(timeIntervalSinceReferenceDate: 543_210_987.654_321), offset: 754.25),
                      Answer(question: "q.two", text: "", line: 5, at: Date(timeIntervalSince1970: -1.5), offset: 1e-7)],
            activities: [], method: .interview, instrument: "local-authority@3")
        interview.risk.counts = ["person": 2, "email": 1]
        records.append(SourceRecord(path: "inbox/interview.xml", contentHash: "h", outcome: .ingested(interview)))
        #expect(records.count > 90)

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for record in records {
            let payload = try encoder.encode(record.outcome)
            let expected = try JSONDecoder().decode(SourceRecord.Outcome.self, from: payload)
            #expect(try PayloadDecoder().decode(SourceRecord.Outcome.self, from: payload) == expected, "\(record.path)")
        }
        // A damaged payload is left to JSONDecoder, which says what is wrong.
        let payload = try encoder.encode(records[0].outcome)
        #expect(throws: PayloadDecoder.Unreadable.self) { try PayloadDecoder().decode(SourceRecord.Outcome.self, from: payload.dropLast(2)) }
    }

    @Test func anEmptyStoreHasNoStamp() throws {
        let store = try SQLiteStore(path: directory.appendingPathComponent("new.sqlite").path)
        #expect(try store.stamp() == nil)
        #expect(try store.sources().isEmpty)
    }

    @Test func aFileThatIsNotADatabaseGivesAClearError() throws {
        let path = directory.appendingPathComponent("junk.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: path)
        #expect(throws: SQLiteStore.OpenError.self) { try SQLiteStore(path: path.path) }
    }
}
