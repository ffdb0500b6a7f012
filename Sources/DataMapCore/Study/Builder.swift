import Crypto
import Foundation

public enum BuildStage: String, Sendable, CaseIterable {
    case ingest, anonymise, aggregate, validate, write
}

/// Progress for whoever is watching; the core never prints it itself.
public enum BuildEvent: Sendable, Equatable {
    case stageStarted(BuildStage)
    case advanced(BuildStage, done: Int, total: Int)
}

public enum BuildError: Error, Equatable, CustomStringConvertible {
    case inbox(String)
    case store(String)
    case output(name: String, reason: String)
    case outbox(reason: String)

    public var description: String {
        switch self {
        case .inbox(let reason): "cannot list inbox/: \(reason)"
        case .store(let reason): "the study store failed: \(reason)"
        case .output(let name, let reason):
            "cannot write outbox/\(name): \(reason); outbox/ still holds the previous build's outputs, unchanged"
        case .outbox(let reason): "cannot replace outbox/: \(reason); outbox/ still holds the previous build's outputs, unchanged"
        }
    }
}

public struct BuildSummary: Sendable, Equatable {
    public var added = 0
    public var replaced = 0
    public var unchanged = 0
    public var removed = 0
    public var returns = 0
    public var activities = 0
    /// Every return currently refused, with the reasons; sorted by location.
    public var rejections: [Diagnostic] = []
    public var rejectedFiles = 0
    /// The validator's findings on the data map, sorted by location.
    public var findings: [Finding] = []
    public var outputs: [String] = []
    /// Findings about coding decisions: anchors gone, coders who disagree.
    public var codingFindings: [Finding] = []
    public var coding = CodingCounts()
    public var agreement = Agreement([])
}

/// ingest → anonymise → aggregate → validate → write, for one study.
public struct Builder: Sendable {
    /// Bump when reading or anonymising changes, so stored records are rebuilt from the inbox.
    public static let pipelineVersion = 7
    /// A return is a few hundred kilobytes at most; far larger files are refused unread.
    public static let maximumReturnSize = 64 * 1024 * 1024
    /// Every activity adds rows to many outputs and findings to the report; capping them per
    /// return keeps the outputs within a fixed multiple of the inbox (README, "Limits").
    public static let maximumActivities = 1_000

    let fileSystem: any StudyFileSystem
    let store: any Store
    let reader: ReturnReader
    var textReader: TextReturnReader
    let anonymiser: Anonymiser
    let keyFingerprint: String
    let reference: StudyReference
    let smallCells: SmallCells
    let organisationMask: OrganisationMask?
    /// Files read and committed together: enough to keep every core busy, few enough that
    /// memory does not grow with the inbox.
    public var chunkSize = 256
    /// The language of the published report (study.yaml `language`): Welsh adds the English beside it.
    public var reportLanguage: Language = .en
    /// Coders' decisions (`coding/`), by the path of the return they code.
    public var coding: [String: CodingFile] = [:]
    /// `--confirmed-only`: publish only the activities a coder has confirmed, corrected or added.
    public var confirmedOnly = false
    /// The sample's dispositions and response rates, for a study that keeps cases (`sample.csv`).
    public var fieldwork: FieldworkSummary?
    /// The longest one file's prose may take to read (study.yaml `reading_time_limit`).
    public var readingTimeLimit: Duration? {
        get { textReader.timeLimit }
        set { textReader.timeLimit = newValue }
    }

    public init(fileSystem: any StudyFileSystem, store: any Store, reader: ReturnReader, key: StudyKey,
                reference: StudyReference = StudyReference(), smallCells: SmallCells = SmallCells(),
                names: NameList = NameList(), options: AnonymisationOptions = AnonymisationOptions(),
                maskOrganisations: Bool = false) {
        self.organisationMask = maskOrganisations ? OrganisationMask(key: key, gazetteer: reference.gazetteer) : nil
        self.fileSystem = fileSystem
        self.store = store
        self.reader = reader
        self.textReader = TextReturnReader(reference: reference, timeLimit: .seconds(StudySettings.defaultReadingTimeLimit))
        self.anonymiser = Anonymiser(key: key, names: names, reference: reference, options: options)
        // Stored records depend on the key and on everything the anonymiser reads, so a change
        // to any of them rebuilds the store from the inbox.
        self.keyFingerprint = key.fingerprint + "-" + Self.configurationDigest(names: names, reference: reference, options: options)
        self.reference = reference
        self.smallCells = smallCells
    }

    /// - Parameter writeOutputs: false for `datamap validate`, which only reports.
    public func run(writeOutputs: Bool = true,
                    progress: @escaping @Sendable (BuildEvent) -> Void = { _ in }) throws(BuildError) -> BuildSummary {
        var summary = BuildSummary()
        progress(.stageStarted(.ingest))
        let entries: [InboxEntry]
        do { entries = try fileSystem.inboxEntries().sorted { $0.path < $1.path } } catch {
            throw .inbox(String(describing: error))
        }
        let stamp = PipelineStamp(pipelineVersion: Self.pipelineVersion, keyFingerprint: keyFingerprint)
        let stored: [String: String]
        let storedStamp: PipelineStamp?
        do {
            stored = try store.contentHashes()
            storedStamp = try store.stamp()
        } catch { throw .store(String(describing: error)) }
        let known = storedStamp == stamp ? stored : [:]
        let present = Set(entries.map(\.path))
        // Records made under another key or pipeline version are stale: all of them go in the
        // first commit, so a build killed part-way never leaves old records under the new stamp.
        var deletions = (storedStamp == stamp ? stored.keys.filter { !present.contains($0) } : Array(stored.keys)).sorted()
        summary.removed = stored.keys.filter { !present.contains($0) }.count

        // Files are read, anonymised and committed a chunk at a time, so memory holds one chunk
        // of new records, not the whole inbox, and a killed build keeps every chunk it finished.
        // The first path in sort order owns each content, so a clean build and an incremental
        // one agree on which copy of a duplicated return counts.
        var owner: [String: String] = [:]
        var start = 0
        // Each chunk is committed on its own thread while the next is read, so no core waits on
        // the store; commits still happen one at a time and in order.
        let committing = DispatchGroup()
        let commitFailure = ResultSlots<String>(count: 1)
        let store = self.store
        func awaitCommit() throws(BuildError) {
            committing.wait()
            if let failure = commitFailure[0] { throw .store(failure) }
        }
        repeat {
            let chunk = Array(entries[start..<min(entries.count, start + chunkSize)])
            let results = ingest(chunk, known: known, done: start, total: entries.count, progress: progress)
            for (entry, result) in zip(chunk, results) {
                if let hash = result.contentHash, owner[hash] == nil { owner[hash] = entry.path }
            }
            var upserts: [SourceRecord] = []
            for (entry, result) in zip(chunk, results) {
                if let hash = result.contentHash, let original = owner[hash], original != entry.path {
                    let record = duplicate(path: entry.path, hash: hash, of: original)
                    if known[entry.path] == record.contentHash { summary.unchanged += 1; continue }
                    if stored[entry.path] == nil { summary.added += 1 } else { summary.replaced += 1 }
                    upserts.append(record)
                    continue
                }
                switch result {
                case .unchanged:
                    summary.unchanged += 1
                case .read(let record):
                    if stored[entry.path] == nil { summary.added += 1 } else { summary.replaced += 1 }
                    upserts.append(record)
                }
            }
            try awaitCommit()
            if !upserts.isEmpty || !deletions.isEmpty || storedStamp != stamp || start == 0 {
                committing.enter()
                DispatchQueue.global().async { [upserts, deletions] in
                    do { try store.apply(upserts: upserts, deletions: deletions, stamp: stamp) } catch {
                        commitFailure[0] = String(describing: error)
                    }
                    committing.leave()
                }
            }
            deletions = []
            start += chunkSize
        } while start < entries.count
        try awaitCommit()

        progress(.stageStarted(.aggregate))
        let (dataMap, risk, masker) = try aggregate(into: &summary)
        // Activities' long texts stay in the store until the outputs that print them reach each row.
        let texts: RowTexts.Fetch = { keys in
            let found = try store.activityTexts(keys)
            return masker.map { masker in found.map(masker.apply) } ?? found
        }

        progress(.stageStarted(.validate))
        summary.findings = (Validator.run(ValidationContext(map: dataMap, reference: reference)) + summary.codingFindings)
            .sorted { $0.location < $1.location }
        guard writeOutputs else { return summary }

        progress(.stageStarted(.write))
        let report = Report(map: dataMap, reference: reference, findings: summary.findings, cells: smallCells, coding: summary.coding)
        let agreement = summary.agreement
        let rejections = summary.rejections
        let fileSystem = self.fileSystem
        var renderers: [(String, @Sendable (OutputSink) throws -> Void)] = [
            ("datamap.csv", { try DataMapCSV.write(dataMap, texts: texts, to: $0) }),
            ("datamap.json", { try DataMapJSON.write(dataMap, texts: texts, to: $0) }),
            ("answers.csv", { AnswersCSV.write(dataMap, to: $0) }),
            ("notes.csv", { NotesCSV.write(dataMap, to: $0) }),
            ("rejected.csv", { RejectedCSV.write(rejections, to: $0) }),
            ("residual-risk.csv", { risk.countsTable.writeCSV(to: $0) }),
            ("review.csv", { risk.reviewTable.writeCSV(to: $0) }),
            ("residual-risk.json", { risk.writeJSON(to: $0) }),
        ]
        for table in report.tables {
            renderers.append(("\(table.name).csv", { table.writeCSV(to: $0) }))
            renderers.append(("\(table.name).json", { table.writeJSON(to: $0) }))
        }
        if !agreement.rows.isEmpty {
            renderers.append(("agreement.csv", { agreement.table.writeCSV(to: $0) }))
            renderers.append(("agreement.json", { agreement.table.writeJSON(to: $0) }))
        }
        if let fieldwork {
            for table in [fieldwork.dispositionTable, fieldwork.ratesTable] {
                renderers.append(("\(table.name).csv", { table.writeCSV(to: $0) }))
                renderers.append(("\(table.name).json", { table.writeJSON(to: $0) }))
            }
        }
        // A study in Welsh publishes its report, summary and workbook in Welsh, and the English beside them.
        var published = [(report.inLanguage(reportLanguage), "")]
        if reportLanguage == .cy { published.append((report, ".en")) }
        for (edition, suffix) in published {
            renderers.append(("datamap\(suffix).xlsx", { sink in
                let rows = RowTexts(dataMap.rows, fetch: texts)
                let workbook = try Workbook.xlsx(edition.sheets(rows), spool: fileSystem.makeSpool)
                try rows.check()
                sink.write(workbook)
            }))
            renderers.append(("report\(suffix).html", { HTMLReport.write(edition, to: $0) }))
            renderers.append(("summary\(suffix).md", { MarkdownSummary.write(edition, to: $0) }))
        }
        renderers.append(("report-internal.html", { HTMLReport.write(report, to: $0, isInternal: true) }))
        // Each output is written on its own core as it is made, a block at a time, so no
        // output is ever whole in memory (the workbook's compressed archive aside).
        // The longest outputs start first, so that no core is left with one of them at the end.
        let longest = ["datamap.xlsx", "datamap.json", "report.html", "findings.json", "datamap.csv", "findings.csv"]
        let jobs = renderers.sorted { (longest.firstIndex(of: $0.0) ?? longest.count) < (longest.firstIndex(of: $1.0) ?? longest.count) }
        let written = ResultSlots<BuildError?>(count: jobs.count)
        let counter = ResultSlots<Int>(count: 1)
        do { try fileSystem.beginOutputs() } catch { throw BuildError.outbox(reason: String(describing: error)) }
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (name, render) = jobs[index]
            var failure: BuildError?
            do { try fileSystem.writeOutput(name, render: render) } catch {
                failure = .output(name: name, reason: String(describing: error))
            }
            written[index] = .some(failure)
            progress(.advanced(.write, done: counter.increment(), total: jobs.count))
        }
        if let failure = written.values().compactMap({ $0 }).first {
            fileSystem.abandonOutputs()
            throw failure
        }
        do { try fileSystem.publishOutputs(renderers.map(\.0)) } catch {
            fileSystem.abandonOutputs()
            throw BuildError.outbox(reason: String(describing: error))
        }
        summary.outputs = renderers.map { "outbox/" + $0.0 }
        return summary
    }

    /// The stored records as one data map. Only the map is kept: the records it came from are
    /// let go when this returns, which matters in a large study.
    private func aggregate(into summary: inout BuildSummary) throws(BuildError)
        -> (DataMap, ResidualRisk, OrganisationMask.Masker?) {
        let sources: [SourceRecord]
        do { sources = try store.sources() } catch { throw .store(String(describing: error)) }
        var returns: [AnonymisedReturn] = []
        var storePaths: [String] = []
        for source in sources {
            switch source.outcome {
            case .ingested(let record):
                returns.append(record)
                storePaths.append(source.path)
            case .rejected(let diagnostics):
                summary.rejections += diagnostics
                summary.rejectedFiles += 1
            }
        }
        summary.rejections.sort { $0.location < $1.location }
        let coded = applyCoding(&returns, storePaths: storePaths)
        summary.codingFindings = coded.findings
        summary.coding = coded.counts
        summary.agreement = coded.agreement
        let risk = ResidualRisk(returns: returns)
        let masker = organisationMask?.masker(for: returns.map(\.organisation))
        if let masker { returns = masker.apply(returns) }
        let dataMap = DataMap(returns: returns, storePaths: storePaths)
        summary.returns = returns.count
        summary.activities = dataMap.rows.count
        return (dataMap, risk, masker)
    }

    /// Applies every coding file to its return; a file whose return has left the inbox is a finding.
    private func applyCoding(_ returns: inout [AnonymisedReturn], storePaths: [String])
        -> (findings: [Finding], counts: CodingCounts, agreement: Agreement) {
        var findings: [Finding] = []
        var counts = CodingCounts()
        var pairs: [(CodingFile, AnonymisedReturn)] = []
        let present = Set(storePaths)
        for (path, _) in coding.sorted(by: { $0.key < $1.key }) where !present.contains(path) {
            findings.append(Finding(rule: Coding.anchorLost, severity: .warning,
                                    location: SourceLocation(file: CodingFile.path(for: path), line: 1, column: 1),
                                    organisation: "", recordID: nil, activity: nil,
                                    message: "coding decisions for \(path), which is not in the inbox (or was refused); none of them is applied",
                                    reason: nil, suggestion: "put the return back, or remove \(CodingFile.path(for: path)) if it is gone for good"))
        }
        for index in returns.indices {
            guard let file = coding[storePaths[index]] else { continue }
            pairs.append((file, returns[index]))
            let path = storePaths[index]
            let (record, found) = Coding.apply(file, to: returns[index]) {
                guard let data = try? fileSystem.read(path), let lines = Anonymiser.sourceLines(data, path: path) else { return nil }
                // The respondent's name is hidden from the lines as from the record, as the review showed them.
                let respondent: String? = switch ReturnFileKind(path: path) {
                case .xml: try? reader.read(data, source: path).get().respondent.name
                case .text: try? textReader.read(data, source: path).get().record.respondent.name
                case .word: try? textReader.readWord(data, source: path).get().record.respondent.name
                case nil: nil
                }
                return anonymiser.anonymiseLines(lines, people: [respondent].compactMap { $0 }.filter { !$0.isEmpty })
            }
            counts.rejected += returns[index].activities.count + record.activities.filter { $0.coding?.origin == .added }.count - record.activities.count
            returns[index] = record
            findings += found
        }
        for record in returns {
            for activity in record.activities {
                switch activity.coding?.origin {
                case nil: counts.extracted += 1
                case .confirmed: counts.confirmed += 1
                case .corrected: counts.corrected += 1
                case .added: counts.added += 1
                }
            }
        }
        if confirmedOnly {
            for index in returns.indices { returns[index].activities.removeAll { $0.coding == nil } }
        }
        return (findings, counts, Agreement(pairs))
    }

    private enum IngestResult: Sendable {
        case unchanged(hash: String)
        case read(SourceRecord)

        var contentHash: String? {
            switch self {
            case .unchanged(let hash): hash
            case .read(let record): record.contentHash.isEmpty ? nil : record.contentHash
            }
        }
    }

    /// Reads, hashes, parses and anonymises every new or changed file, spread across the cores.
    private func ingest(_ entries: [InboxEntry], known: [String: String], done: Int, total: Int,
                        progress: @escaping @Sendable (BuildEvent) -> Void) -> [IngestResult] {
        let results = ResultSlots<IngestResult>(count: entries.count)
        let counter = ResultSlots<Int>(count: 1)
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            results[index] = ingestOne(entries[index], known: known)
            let finished = counter.increment()
            progress(.advanced(.ingest, done: done + finished, total: total))
        }
        return results.values()
    }

    private func ingestOne(_ entry: InboxEntry, known: [String: String]) -> IngestResult {
        // A refused file is reported by its name with identities hidden: the report, the terminal
        // and rejected.csv never repeat a phone number or a name someone put in a file name.
        let shownPath = anonymiser.scrubFileName(entry.path)
        func rejected(_ code: Diagnostic.Code, _ message: String, hash: String = "") -> IngestResult {
            .read(SourceRecord(path: entry.path, contentHash: hash, outcome: .rejected([
                Diagnostic(code: code, location: SourceLocation(file: shownPath, line: 1, column: 1), message: message),
            ])))
        }
        switch entry.kind {
        case .symbolicLink:
            return rejected(.symlink, "this is a symbolic link; datamap reads only regular files inside inbox/")
        case .unreadable:
            return rejected(.unreadable, "this entry is not a regular readable file")
        case .file(let size) where size > Self.maximumReturnSize:
            return rejected(.tooLarge, "the file is \(size / (1024 * 1024)) MB; the limit is \(Self.maximumReturnSize / (1024 * 1024)) MB")
        case .file:
            break
        }
        let data: Data
        do { data = try fileSystem.read(entry.path) } catch {
            return rejected(.unreadable, "the file could not be read")
        }
        let hash = hexString(SHA256.hash(data: data))
        if known[entry.path] == hash { return .unchanged(hash: hash) }
        let outcome: Result<Return, Rejection>
        switch ReturnFileKind(path: entry.path) {
        case .xml: outcome = reader.read(data, source: entry.path)
        case .text: outcome = textReader.read(data, source: entry.path, fileDate: entry.modified).map(\.record)
        case .word: outcome = textReader.readWord(data, source: entry.path, fileDate: entry.modified).map(\.record)
        case nil:
            return rejected(.unsupported, "'\(Self.fileExtension(entry.path))' files are not returns datamap can read", hash: hash)
        }
        switch outcome {
        case .success(let record) where record.activities.count > Self.maximumActivities:
            return rejected(.tooComplex, "the return lists \(record.activities.count) activities; one return may list at most \(Self.maximumActivities). A return maps one organisation's work, tens of activities at most: check where this file came from, or split it", hash: hash)
        case .success(let record):
            return .read(SourceRecord(path: entry.path, contentHash: hash, outcome: .ingested(anonymiser.anonymise(record))))
        case .failure(let rejection):
            let shown = rejection.diagnostics.map { diagnostic -> Diagnostic in
                var copy = diagnostic
                if copy.location.file == entry.path { copy.location.file = shownPath }
                return copy
            }
            return .read(SourceRecord(path: entry.path, contentHash: hash, outcome: .rejected(shown)))
        }
    }

    /// A second copy of a return would count its activities twice. Its stored hash is marked,
    /// so that once it is no longer a copy it is read again.
    private func duplicate(path: String, hash: String, of original: String) -> SourceRecord {
        SourceRecord(path: path, contentHash: "duplicate:" + hash, outcome: .rejected([
            Diagnostic(code: .duplicate, location: SourceLocation(file: path, line: 1, column: 1),
                       message: "this file has the same content as \(original)"),
        ]))
    }

    static func configurationDigest(names: NameList, reference: StudyReference, options: AnonymisationOptions) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var material = Data()
        material += Data(names.givenNames.sorted().joined(separator: "\n").utf8)
        material += Data(names.surnames.sorted().joined(separator: "\n").utf8)
        material += (try? encoder.encode(reference.gazetteer.entries)) ?? Data()
        material += (try? encoder.encode(reference.taxonomy.entries)) ?? Data()
        material += Data("roles:\(options.generaliseRoles)".utf8)
        return hexString(SHA256.hash(data: material).prefix(6))
    }

    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "(no extension)" }
        return String(name[dot...])
    }
}

/// The kinds of file `inbox/` may hold, by extension.
public enum ReturnFileKind: Sendable {
    case xml, text, word

    public init?(path: String) {
        switch Builder.fileExtension(path).lowercased() {
        case ".xml": self = .xml
        case ".txt", ".text", ".md", ".markdown": self = .text
        case ".docx": self = .word
        default: return nil
        }
    }
}

/// Fixed slots written from concurrent iterations, each slot by exactly one.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    public init(count: Int) { storage = Array(repeating: nil, count: count) }

    public subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    public func values() -> [Value] { lock.withLock { storage.map { $0! } } }
}

extension ResultSlots where Value == Int {
    func increment() -> Int {
        lock.withLock {
            storage[0] = (storage[0] ?? 0) + 1
            return storage[0]!
        }
    }
}
