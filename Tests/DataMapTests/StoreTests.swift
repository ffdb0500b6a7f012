import DataMapCore
import DataMapStore
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
