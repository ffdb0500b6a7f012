import DataMapCore
import Foundation
import GRDB

/// The study store in SQLite. It keeps one row per inbox file: its content hash and either the
/// anonymised return or the reasons it was refused. Identities never reach it.
public final class SQLiteStore: Store, @unchecked Sendable {
    // DatabaseQueue serialises every access, which makes sharing it across threads safe.
    private let queue: DatabaseQueue

    public enum OpenError: Error, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        public var description: String {
            switch self {
            case .cannotOpen(let path, let reason): "cannot open the study store at \(path): \(reason)"
            }
        }
    }

    /// Opens (creating if needed) the store at `path`. The caller creates the file owner-only first.
    public init(path: String) throws(OpenError) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // Values bound to statements stay out of error messages: they may be research data.
        configuration.publicStatementArguments = false
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
    }

    /// An in-memory store, for tests of the pipeline that do not need a file.
    public init() throws {
        queue = try DatabaseQueue()
        try Self.migrator.migrate(queue)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "source") { table in
                table.primaryKey("path", .text)
                table.column("content_hash", .text).notNull()
                table.column("outcome", .text).notNull()
                table.column("payload", .blob).notNull()
            }
            try db.create(table: "meta") { table in
                table.primaryKey("key", .text)
                table.column("value", .text).notNull()
            }
        }
        // Activities' long texts apart from the records, so that loading a study leaves them on disk.
        migrator.registerMigration("v2") { db in
            try db.create(table: "activity_text") { table in
                table.column("path", .text).notNull()
                table.column("position", .integer).notNull()
                table.column("description", .text)
                table.column("outcomes", .text)
                table.column("evidence", .blob)
                table.primaryKey(["path", "position"])
            }
        }
        return migrator
    }

    public func stamp() throws -> PipelineStamp? {
        try queue.read { db in
            guard let version = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'pipeline_version'"),
                  let fingerprint = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'key_fingerprint'"),
                  let number = Int(version) else { return nil }
            return PipelineStamp(pipelineVersion: number, keyFingerprint: fingerprint)
        }
    }

    public func contentHashes() throws -> [String: String] {
        try queue.read { db in
            var hashes: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, content_hash FROM source")
            while let row = try rows.next() { hashes[row["path"]] = row["content_hash"] }
            return hashes
        }
    }

    /// One upsert made ready to insert: the record without its long texts, and the texts.
    private struct Prepared: Sendable {
        var outcome: String
        var payload: Data
        var texts: [(description: String?, outcomes: String?, evidence: Data?)]
    }

    public func apply(upserts: [SourceRecord], deletions: [String], stamp: PipelineStamp) throws {
        // Encoding is most of the cost of a commit, so it is spread across the cores before the
        // transaction, which then only inserts.
        let prepared = ResultSlots<Result<Prepared, any Error>>(count: upserts.count)
        DispatchQueue.concurrentPerform(iterations: upserts.count) { index in
            prepared[index] = Result { try Self.prepare(upserts[index]) }
        }
        let ready = try prepared.values().map { try $0.get() }
        try queue.write { db in
            let deleteTexts = try db.cachedStatement(sql: "DELETE FROM activity_text WHERE path = ?")
            for path in deletions {
                try db.execute(sql: "DELETE FROM source WHERE path = ?", arguments: [path])
                try deleteTexts.execute(arguments: [path])
            }
            let insertText = try db.cachedStatement(sql: """
                INSERT INTO activity_text (path, position, description, outcomes, evidence) VALUES (?, ?, ?, ?, ?)
                """)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO source (path, content_hash, outcome, payload) VALUES (?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET content_hash = excluded.content_hash,
                    outcome = excluded.outcome, payload = excluded.payload
                """)
            for (record, item) in zip(upserts, ready) {
                try deleteTexts.execute(arguments: [record.path])
                for (position, texts) in item.texts.enumerated() {
                    try insertText.execute(arguments: [record.path, position, texts.description, texts.outcomes, texts.evidence])
                }
                try insert.execute(arguments: [record.path, record.contentHash, item.outcome, item.payload])
            }
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('pipeline_version', ?), ('key_fingerprint', ?)",
                           arguments: [String(stamp.pipelineVersion), stamp.keyFingerprint])
        }
    }

    private static func prepare(_ record: SourceRecord) throws -> Prepared {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var stored = record.outcome
        var texts: [(description: String?, outcomes: String?, evidence: Data?)] = []
        if case .ingested(var anonymised) = record.outcome {
            for position in anonymised.activities.indices {
                let long = anonymised.activities[position].longTexts
                anonymised.activities[position].longTexts = ActivityTexts()
                texts.append((long.description, long.outcomes, try long.evidence.map { try encoder.encode($0) }))
            }
            stored = .ingested(anonymised)
        }
        let outcome = switch record.outcome { case .ingested: "ingested" case .rejected: "rejected" }
        return Prepared(outcome: outcome, payload: try encoder.encode(stored), texts: texts)
    }

    public func sources() throws -> [SourceRecord] {
        try queue.read { db in
            var records: [SourceRecord] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT path, content_hash, payload FROM source ORDER BY path")
            // Payloads are read a batch at a time and decoded across the cores: decoding is most
            // of the cost of loading a large study, and a batch bounds the raw bytes held.
            var batch: [(path: String, hash: String, payload: Data)] = []
            func decodeBatch() throws {
                let decoded = ResultSlots<Result<SourceRecord.Outcome, any Error>>(count: batch.count)
                let items = batch
                DispatchQueue.concurrentPerform(iterations: items.count) { index in
                    let payload = items[index].payload
                    decoded[index] = Result {
                        // The store's own decoder first; JSONDecoder for anything it cannot read, and for the error.
                        if let outcome = try? PayloadDecoder().decode(SourceRecord.Outcome.self, from: payload) { return outcome }
                        return try JSONDecoder().decode(SourceRecord.Outcome.self, from: payload)
                    }
                }
                for (item, outcome) in zip(items, decoded.values()) {
                    records.append(SourceRecord(path: item.path, contentHash: item.hash, outcome: try outcome.get()))
                }
                batch.removeAll(keepingCapacity: true)
            }
            while let row = try rows.next() {
                batch.append((row["path"], row["content_hash"], row["payload"]))
                if batch.count == 256 { try decodeBatch() }
            }
            try decodeBatch()
            return records
        }
    }

    public func activityTexts(_ keys: [ActivityTextKey]) throws -> [ActivityTexts] {
        let decoder = JSONDecoder()
        return try queue.read { db in
            var found: [ActivityTextKey: ActivityTexts] = [:]
            // A few hundred keys a query: one statement per row would cost more than the rows.
            for start in stride(from: 0, to: keys.count, by: 400) {
                let batch = keys[start..<min(keys.count, start + 400)]
                let wanted = Set(batch)
                let paths = Array(Set(batch.map(\.path)))
                // By path, which the primary key indexes; a source's other activities are skipped.
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT path, position, description, outcomes, evidence FROM activity_text
                    WHERE path IN (\(Array(repeating: "?", count: paths.count).joined(separator: ", ")))
                    """, arguments: StatementArguments(paths))
                while let row = try rows.next() {
                    let key = ActivityTextKey(path: row["path"], position: row["position"])
                    guard wanted.contains(key) else { continue }
                    let evidence: Data? = row["evidence"]
                    found[key] = ActivityTexts(
                        description: row["description"], outcomes: row["outcomes"],
                        evidence: try evidence.map { try decoder.decode([Evidence].self, from: $0) })
                }
            }
            return try keys.map { key in
                guard let texts = found[key] else { throw MissingTexts() }
                return texts
            }
        }
    }

    /// A record whose texts are gone means the store was changed outside datamap.
    struct MissingTexts: Error, CustomStringConvertible {
        var description: String { "an activity's texts are missing from the store; delete the store file to rebuild it from inbox/" }
    }

    /// SQLite's reason without any bound values.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return String(describing: error)
    }
}
