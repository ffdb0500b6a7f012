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

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }
}

/// The study's files as the pipeline sees them. The CLI passes the real disk; tests may pass another.
public protocol StudyFileSystem: Sendable {
    /// Every entry under `inbox/`, recursively, hidden names skipped, in any order.
    func inboxEntries() throws -> [InboxEntry]
    func read(_ path: String) throws -> Data
    /// Replaces `outbox/<name>` in one step: readers see the old file or the new, never a part.
    /// `render` writes the content to the sink a block at a time and may throw to abandon it.
    func writeOutput(_ name: String, render: (OutputSink) throws -> Void) throws
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
    func sources() throws -> [SourceRecord]
}
