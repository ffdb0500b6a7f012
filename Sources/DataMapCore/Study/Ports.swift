import Foundation

/// One entry found under `inbox/`. Links are reported, never followed.
public struct InboxEntry: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case file(size: Int)
        case symbolicLink
        case unreadable
    }

    /// Relative to the study root, with `/` separators: `inbox/conwy.xml`.
    public var path: String
    public var kind: Kind
    /// The day the file was last changed: an undated return is dated by it when nothing better is known.
    public var modified: PartialDate?

    public init(path: String, kind: Kind, modified: PartialDate? = nil) {
        self.modified = modified
        self.path = path
        self.kind = kind
    }
}

/// The study's files as the pipeline sees them. The CLI passes the real disk; tests may pass another.
public protocol StudyFileSystem: Sendable {
    /// Every entry under `inbox/`, recursively, hidden names skipped, in any order.
    func inboxEntries() throws -> [InboxEntry]
    func read(_ path: String) throws -> Data
    /// Starts a new generation of outputs, unseen until it is published.
    func beginOutputs() throws
    /// Writes `<name>` into the generation begun last. `render` writes the content to the sink a
    /// block at a time and may throw to abandon it. Called from several threads at once.
    func writeOutput(_ name: String, render: (OutputSink) throws -> Void) throws
    /// Replaces the whole of `outbox/` with the generation in one step: readers see the previous
    /// build's complete set or this one's, never a mixture. Files a person put in `outbox/`
    /// themselves are carried over.
    func publishOutputs(_ names: [String]) throws
    /// Throws the unpublished generation away, leaving `outbox/` as it was.
    func abandonOutputs()
    /// Private scratch space for an output that must be made before its size is known to the
    /// file holding it (a workbook sheet); nil where there is none, and the output is made twice.
    func makeSpool() -> (any Spool)?
}

extension StudyFileSystem {
    public func makeSpool() -> (any Spool)? { nil }
}

/// Bytes written once and read back in blocks, never all in memory; gone when released.
public protocol Spool: AnyObject {
    func append(_ bytes: [UInt8]) throws
    func read(at offset: Int, count: Int) throws -> Data
}

/// What the store remembers about one inbox file, keyed by path.
public struct SourceRecord: Codable, Sendable, Hashable {
    public enum Outcome: Codable, Sendable, Hashable {
        case ingested(AnonymisedReturn)
        case rejected([Diagnostic])
    }

    public var path: String
    /// SHA-256 of the file's bytes: a changed file is re-read, an unchanged one is not.
    public var contentHash: String
    public var outcome: Outcome

    public init(path: String, contentHash: String, outcome: Outcome) {
        self.path = path
        self.contentHash = contentHash
        self.outcome = outcome
    }
}

/// What produced the stored records; when it changes, everything is read again.
public struct PipelineStamp: Codable, Sendable, Hashable {
    public var pipelineVersion: Int
    public var keyFingerprint: String

    public init(pipelineVersion: Int, keyFingerprint: String) {
        self.pipelineVersion = pipelineVersion
        self.keyFingerprint = keyFingerprint
    }
}

/// The study's persistent store. It holds anonymised records only: identities never reach it.
public protocol Store: Sendable {
    func stamp() throws -> PipelineStamp?
    /// Path to content hash for every stored source.
    func contentHashes() throws -> [String: String]
    /// Applies one build's changes in a single transaction: all of them or none.
    func apply(upserts: [SourceRecord], deletions: [String], stamp: PipelineStamp) throws
    /// Every stored source in path order, with each activity's long texts left out
    /// (`activityTexts` gives them), so that a large study's records fit in memory.
    func sources() throws -> [SourceRecord]
    /// The long texts of the given activities, in the order asked for.
    func activityTexts(_ keys: [ActivityTextKey]) throws -> [ActivityTexts]
}

/// One activity in the store: its source's path and its place in that source.
public struct ActivityTextKey: Sendable, Hashable {
    public var path: String
    public var position: Int

    public init(path: String, position: Int) {
        self.path = path
        self.position = position
    }
}

/// An activity's long free texts: most of a study's bytes, needed only by the outputs that
/// print them, so they stay in the store until a row is written.
public struct ActivityTexts: Codable, Sendable, Hashable {
    public var description: String?
    public var outcomes: String?
    public var evidence: [Evidence]?

    public init(description: String? = nil, outcomes: String? = nil, evidence: [Evidence]? = nil) {
        self.description = description
        self.outcomes = outcomes
        self.evidence = evidence
    }
}

extension ActivityRecord {
    public var longTexts: ActivityTexts {
        get { ActivityTexts(description: description, outcomes: outcomes, evidence: evidence) }
        set {
            description = newValue.description
            outcomes = newValue.outcomes
            evidence = newValue.evidence
        }
    }
}
