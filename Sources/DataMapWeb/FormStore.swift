import DataMapCore
import Foundation

/// Everything the web form keeps or reads, passed in by the command line: the invitations,
/// the sample, the instruments, drafts (journalled as interviews are) and the inbox. Every call
/// is blocking file work; the server runs them off its event loops.
public protocol FormStore: Sendable {
    /// The invitations as they are on disk now, so a link revoked a moment ago stops working.
    func invitations() throws(FormStoreError) -> Invitations
    /// The sample case an invitation names.
    func sampleCase(_ id: String) throws(FormStoreError) -> SampleCase?
    /// The organisation a case is, matched to the gazetteer as an interview's is.
    func organisation(for item: SampleCase) -> Organisation
    func instrument(for type: OrganisationType) -> Instrument?
    /// Holds the case while one request works on it; a telephone interview of the same case
    /// holds the same lock. Throws `.busy` if it is held elsewhere.
    func lockCase(_ id: String) throws(FormStoreError) -> any CaseLock
    /// The case's web draft, finished or not, replayed from its journal; nil if there is none.
    func draft(caseID: String) throws(FormStoreError) -> InterviewSession?
    /// Appends events to a draft's journal, each synced to disk before this returns. The first
    /// event of a new draft is `.started`.
    func append(_ events: [JournalEvent], draftID: String) throws(FormStoreError)
    /// Writes a return into `inbox/` whole, under `name`, replacing an earlier one of the same
    /// name in one step (a reopened return). Returns its path relative to the study.
    func publish(_ xml: Data, name: String) throws(FormStoreError) -> String
    /// Deletes a draft whose respondent said no to taking part, and records the refusal.
    func refuse(draftID: String, caseID: String, at: Date) throws(FormStoreError)
}

public protocol CaseLock: AnyObject, Sendable {}

public enum FormStoreError: Error, Sendable, CustomStringConvertible {
    /// The case is open in a telephone interview (or another request) right now.
    case busy
    /// A failure a project lead can act on; the message names files, never answers.
    case failed(String)

    public var description: String {
        switch self {
        case .busy: "the case is open elsewhere"
        case .failed(let message): message
        }
    }
}

public typealias WebSettings = WebFormSettings
