import ArgumentParser
import DataMapCore
import DataMapWeb
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web return form to the organisations invited with 'datamap invite'.",
        discussion: """
            Each invited organisation opens its own link and answers the same questions as its \
            type's telephone interview, in English or Welsh, one section per page. Every page saved \
            is journalled in the study's state folder; 'Accept and send' writes an XML return into \
            inbox/ for the next build. The server listens on loopback only unless --public is given; \
            put it behind a reverse proxy that terminates TLS (see the README). Settings such as \
            rate limits and reopening a sent return are in study.yaml under 'web:'.
            """)

    @OptionGroup var options: StudyOptions

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one and prints it).")
    var port: Int = 8080

    @Flag(help: "Allow listening on an address other than loopback. Only behind a TLS-terminating reverse proxy.")
    var `public` = false

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
        if !loopback && !`public` {
            throw ValidationError("--host \(host) is not a loopback address; the form carries personal data, so serve it on the internet only behind a reverse proxy that terminates TLS, and say so with --public")
        }
    }

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        let server: FormServer
        let language: Language
        do {
            try paths.validate()
            let settings = try ReferenceFiles.settings(paths)
            language = settings.language ?? .en
            let store = try StudyFormStore(paths: paths)
            server = try FormServer(store: store, settings: settings.web, key: Platform.loadOrCreateKey(paths.key),
                                    defaultLanguage: language, now: { Date() },
                                    makeID: { "web-" + Platform.randomHex(bytes: 8) },
                                    log: { Console.error($0) })
            store.removeLeftovers()
        } catch let error as PlatformError {
            Console.error(error.description)
            throw Exit.failure
        } catch {
            Console.error("cannot start the web form: \(error)")
            throw Exit.failure
        }
        let host = self.host, port = self.port
        let application = server.application(host: host, port: port) { bound in
            Console.out("Serving the web return form on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/ (Ctrl-C stops it)")
        }
        let finished = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        Task {
            do { try await application.runService() } catch { failure.withLock { $0 = "\(error)" } }
            finished.signal()
        }
        finished.wait()
        if let message = failure.withLock({ $0 }) {
            Console.error("the web form stopped: \(message)")
            throw Exit.failure
        }
    }
}

/// The study's files behind the web form: invitations, sample, instruments, drafts in
/// `.datamap/interviews/` (journalled as interviews are) and `inbox/`.
final class StudyFormStore: FormStore {
    let paths: StudyPaths
    let sample: [SampleCase]
    let instruments: [OrganisationType: Instrument]
    let organisations: [String: Organisation]
    /// One request at a time per case inside this process; the file lock keeps out other processes.
    private let caseLocks = Mutex<[String: NSLock]>([:])
    /// Files already read, kept while their size and modification time stay the same: the
    /// invitations, and each case's draft as replayed (a page is then one stat, not a replay).
    private let invitationCache = Mutex<(FileStamp, Invitations)?>(nil)
    private let draftCache = Mutex<[String: (URL, FileStamp, InterviewSession)]>([:])

    struct FileStamp: Equatable {
        let size: Int64
        let seconds: Int
        let nanoseconds: Int

        init?(_ url: URL) {
            var info = stat()
            guard stat(url.path, &info) == 0 else { return nil }
            size = Int64(info.st_size)
            seconds = info.st_mtim.tv_sec
            nanoseconds = info.st_mtim.tv_nsec
        }
    }

    init(paths: StudyPaths) throws(PlatformError) {
        self.paths = paths
        sample = try CaseFiles.requireSample(paths)
        let set = try InstrumentFiles.load(paths)
        guard set.problems.isEmpty else {
            Console.diagnostics(set.problems)
            throw PlatformError("the instruments have problems; fix them (datamap instruments check) before serving the form")
        }
        instruments = set.instruments
        guard FileManager.default.fileExists(atPath: InvitationFile.url(paths).path) else {
            throw PlatformError("nobody is invited yet; run 'datamap invite CASE…' (or --all) first")
        }
        let gazetteer = try ReferenceFiles.load(paths, instruments: false).gazetteer
        var organisations: [String: Organisation] = [:]
        for item in sample {
            var organisation = Organisation(name: item.organisation, type: item.type)
            if let (entry, _) = gazetteer.resolve(item.organisation, typeHint: item.type) {
                organisation = Organisation(name: entry.name, type: item.type, region: entry.region)
            }
            organisations[item.id] = organisation
        }
        self.organisations = organisations
        // Each request locks its case; the folders are made owner-only here, not on every page.
        try CaseFiles.prepareLocks(paths)
    }

    func invitations() throws(FormStoreError) -> Invitations {
        let stamp = FileStamp(InvitationFile.url(paths))
        if let stamp, let (cached, invitations) = invitationCache.withLock({ $0 }), cached == stamp { return invitations }
        do {
            let invitations = try InvitationFile.read(paths)
            if let stamp { invitationCache.withLock { $0 = (stamp, invitations) } }
            return invitations
        } catch {
            throw .failed(error.description)
        }
    }

    func sampleCase(_ id: String) -> SampleCase? { sample.first { $0.id == id } }

    func organisation(for item: SampleCase) -> Organisation { organisations[item.id] ?? Organisation(name: item.organisation, type: item.type) }

    func instrument(for type: OrganisationType) -> Instrument? { instruments[type] }

    final class Held: CaseLock, @unchecked Sendable {
        let file: CaseFiles.Lock
        let inProcess: NSLock
        init(file: CaseFiles.Lock, inProcess: NSLock) {
            self.file = file
            self.inProcess = inProcess
        }
        deinit { inProcess.unlock() }
    }

    func lockCase(_ id: String) throws(FormStoreError) -> any CaseLock {
        let inProcess = caseLocks.withLock { locks in
            if let lock = locks[id] { return lock }
            let lock = NSLock()
            locks[id] = lock
            return lock
        }
        inProcess.lock()
        do {
            return Held(file: try CaseFiles.lockPrepared(id, paths), inProcess: inProcess)
        } catch {
            inProcess.unlock()
            throw .busy
        }
    }

    /// Drafts are named `web-<case>-<random>.journal`, so a case's draft is found without
    /// replaying every interview.
    private func prefix(_ caseID: String) -> String {
        "web-" + caseID.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "_" }.joined() + "-"
    }

    private func draftURL(_ draftID: String) -> URL { JournalFile.directory(paths).appendingPathComponent("\(draftID).journal") }

    func draft(caseID: String) throws(FormStoreError) -> InterviewSession? {
        if let (url, stamp, session) = draftCache.withLock({ $0[caseID] }), FileStamp(url) == stamp { return session }
        let directory = JournalFile.directory(paths)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let prefix = prefix(caseID)
        let sessions = names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".journal") }.compactMap { name -> (URL, FileStamp, InterviewSession)? in
            let url = directory.appendingPathComponent(name)
            guard let stamp = FileStamp(url), let session = InterviewSession.replay(JournalFile.events(at: url)) else { return nil }
            return (url, stamp, session)
        }.filter { $0.2.header.caseID == caseID && $0.2.header.mode == .web }
        // The latest draft counts; an earlier one can only be left from a refusal in progress.
        guard let latest = sessions.max(by: { $0.2.header.startedAt < $1.2.header.startedAt }) else { return nil }
        draftCache.withLock { $0[caseID] = latest }
        return latest.2
    }

    func append(_ events: [JournalEvent], draftID: String) throws(FormStoreError) {
        guard let first = events.first else { return }
        let caseID: String
        if case .started(let header) = first, let id = header.caseID {
            caseID = id
        } else if let entry = draftCache.withLock({ $0.first { $0.value.2.header.id == draftID } }) {
            caseID = entry.key
        } else {
            caseID = ""
        }
        do {
            let journal: JournalFile
            if case .started(let header) = first {
                guard draftID.hasPrefix("web-") else { throw PlatformError("a web draft's id must start with web-") }
                journal = try JournalFile.create(paths, id: prefix(caseID) + draftID.dropFirst(4))
                try journal.append(contentsOf: events)
                var session = InterviewSession(header: header)
                for event in events.dropFirst() { session.apply(event) }
                if let stamp = FileStamp(journal.url) { draftCache.withLock { $0[caseID] = (journal.url, stamp, session) } }
            } else {
                let cached = draftCache.withLock { $0[caseID] }
                journal = try JournalFile.open(cached?.0 ?? (try url(of: draftID)))
                let written = try journal.append(contentsOf: events)
                // The cache moves on only from the state it was in; otherwise the next read replays.
                if let (url, stamp, before) = cached, before.header.id == draftID {
                    var session = before
                    for event in events { session.apply(event) }
                    if let now = FileStamp(url), now.size == stamp.size + Int64(written) {
                        draftCache.withLock { $0[caseID] = (url, now, session) }
                    } else {
                        draftCache.withLock { _ = $0.removeValue(forKey: caseID) }
                    }
                }
            }
        } catch {
            throw .failed("\(error)")
        }
    }

    /// The journal holding a draft: its file name ends with the draft's own id.
    private func url(of draftID: String) throws(PlatformError) -> URL {
        let directory = JournalFile.directory(paths)
        let suffix = "-" + draftID.dropFirst(4) + ".journal"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        guard let name = names.first(where: { $0.hasPrefix("web-") && $0.hasSuffix(suffix) }) else {
            throw PlatformError("the draft's journal is missing from \(directory.path)")
        }
        return directory.appendingPathComponent(name)
    }

    func publish(_ xml: Data, name: String) throws(FormStoreError) -> String {
        do { return try Platform.replaceInInbox(xml, paths: paths, name: name) } catch { throw .failed(error.description) }
    }

    func refuse(draftID: String, caseID: String, at: Date) throws(FormStoreError) {
        do {
            let url = try url(of: draftID)
            draftCache.withLock { _ = $0.removeValue(forKey: caseID) }
            guard unlink(url.path) == 0 else { throw PlatformError("cannot delete \(url.path): \(String(cString: strerror(errno)))") }
            Platform.syncDirectory(JournalFile.directory(paths))
            try CaseFiles.append(.call(CallAttempt(caseID: caseID, at: at, outcome: .refusal, interviewer: "web-form")), paths)
        } catch {
            throw .failed("\(error)")
        }
    }

    /// Half-written returns from a server killed while writing one: never read, safe to remove.
    func removeLeftovers() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: paths.inbox.path)) ?? []
        for name in names where name.hasPrefix(".web-") && name.contains(".partial-") {
            unlink(paths.inbox.appendingPathComponent(name).path)
        }
    }
}
