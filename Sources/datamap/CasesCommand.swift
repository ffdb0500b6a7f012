import ArgumentParser
import DataMapCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The fieldwork sample: cases, call attempts and their AAPOR dispositions.",
        discussion: """
            The sample is sample.csv in the study folder (columns organisation, type, and optionally id, \
            contact_role, interviewer); 'datamap cases draw' writes one from the gazetteer. Interviews for a \
            case start with 'datamap interview --case ID'.
            """,
        subcommands: [CasesList.self, CasesDraw.self, CasesCall.self, CasesDiscard.self],
        defaultSubcommand: CasesList.self)
}

struct CasesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the cases: appointments first, soonest due first, then cases under way, not started and closed.")

    @OptionGroup var options: StudyOptions

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        let states = try CaseFiles.states(paths)
        let now = Date()
        let counts = CaseStatus.allCases.compactMap { status -> String? in
            let count = states.filter { $0.status == status }.count
            return count > 0 ? "\(count) \(status.rawValue)" : nil
        }
        Console.out("\(states.count) cases: \(counts.joined(separator: ", "))")
        var rows = [["id", "status", "final", "due", "calls", "last call", "interviewer", "organisation"]]
        for state in Fieldwork.listingOrder(states) {
            let due = state.appointment.map { CaseFiles.show($0) + ($0 <= now ? " (due)" : "") } ?? ""
            let last = state.calls.last.map { "\($0.outcome.aapor) \($0.outcome.label), \(CaseFiles.show($0.at))" } ?? ""
            var organisation = "\(state.sample.organisation) (\(state.sample.type.rawValue))"
            if !state.sample.contactRole.isEmpty { organisation += ", ask for: \(state.sample.contactRole)" }
            rows.append([state.sample.id, state.status.rawValue, state.disposition?.rawValue ?? "", due, String(state.calls.count), last,
                         state.calls.last?.interviewer ?? state.sample.interviewer, organisation])
        }
        let widths = (0..<rows[0].count - 1).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let padded = zip(row.dropLast(), widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            Console.out((padded + [row.last!]).joined(separator: "  "))
        }
    }
}

struct CasesDraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw",
        abstract: "Write sample.csv from the gazetteer's organisations (never over an existing one).")

    @OptionGroup var options: StudyOptions

    @Option(name: .customLong("type"), help: "Only organisations of this type; repeat for several.")
    var types: [String] = []

    @Option(help: "Assign every case to this interviewer ID.")
    var interviewer: String = ""

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        var chosen = Set(OrganisationType.scheduled)
        if !types.isEmpty {
            chosen = []
            for type in types {
                guard let parsed = OrganisationType(rawValue: type), parsed != .other else {
                    throw ValidationError("unknown --type '\(type)'; types are \(OrganisationType.scheduled.map(\.rawValue).joined(separator: ", "))")
                }
                chosen.insert(parsed)
            }
        }
        do {
            try paths.validate()
            let gazetteer = try ReferenceFiles.load(paths, instruments: false).gazetteer
            var cases = Sample.draw(from: gazetteer, types: chosen)
            for index in cases.indices { cases[index].interviewer = interviewer }
            guard !cases.isEmpty else { throw PlatformError("the gazetteer has no organisations of those types; nothing was drawn") }
            let url = paths.root.appendingPathComponent(Sample.file)
            try Platform.writeNew(Sample.csv(cases), to: url)
            Console.out("wrote \(Sample.file): \(cases.count) cases from instruments/organisations.yaml")
        } catch let error as PlatformError {
            Console.error(error.description)
            throw Exit.failure
        }
    }
}

struct CasesCall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Record a call attempt and its outcome.",
        discussion: """
            Outcomes: \(CallOutcome.allCases.filter { $0 != .complete && $0 != .breakOff }.map(\.rawValue).joined(separator: ", ")). \
            An interview run with --case records complete, break-off or refusal itself. \
            An appointment needs --at "YYYY-MM-DD HH:MM" (local time).
            """)

    @OptionGroup var options: StudyOptions

    @Argument(help: "The case id, as 'datamap cases' lists it.")
    var caseID: String

    @Argument(help: "What happened.")
    var outcome: String

    @Option(help: "For an appointment: when to call back, \"YYYY-MM-DD HH:MM\" in local time.")
    var at: String?

    @Option(help: "Who made the call (default: the case's interviewer in sample.csv).")
    var interviewer: String?

    func validate() throws {
        guard let outcome = CallOutcome(rawValue: outcome), outcome != .complete, outcome != .breakOff else {
            throw ValidationError("unknown outcome '\(self.outcome)'; outcomes are \(CallOutcome.allCases.filter { $0 != .complete && $0 != .breakOff }.map(\.rawValue).joined(separator: ", ")) (an interview records complete and break-off itself)")
        }
        if outcome == .appointment {
            guard let at else { throw ValidationError("an appointment needs --at \"YYYY-MM-DD HH:MM\": when to call back") }
            guard CaseFiles.parseTime(at) != nil else {
                throw ValidationError("--at '\(at)' is not a date and time; write it as YYYY-MM-DD HH:MM, such as 2026-12-03 14:30")
            }
        } else if at != nil {
            throw ValidationError("--at is for an appointment only")
        }
    }

    func run() throws {
        guard let outcome = CallOutcome(rawValue: outcome), outcome != .complete, outcome != .breakOff else {
            throw ValidationError("unknown outcome '\(self.outcome)'; outcomes are \(CallOutcome.allCases.filter { $0 != .complete && $0 != .breakOff }.map(\.rawValue).joined(separator: ", ")) (an interview records complete and break-off itself)")
        }
        var appointment: Date?
        if outcome == .appointment {
            guard let at else { throw ValidationError("an appointment needs --at \"YYYY-MM-DD HH:MM\": when to call back") }
            guard let date = CaseFiles.parseTime(at) else {
                throw ValidationError("--at '\(at)' is not a date and time; write it as YYYY-MM-DD HH:MM, such as 2026-12-03 14:30")
            }
            appointment = date
        } else if at != nil {
            throw ValidationError("--at is for an appointment only")
        }
        let paths = StudyPaths(root: options.study, state: options.state)
        let now = Date()
        do {
            let item = try CaseFiles.find(caseID, paths)
            let who = try CaseFiles.interviewer(interviewer, item)
            try CaseFiles.append(.call(CallAttempt(caseID: item.id, at: now, outcome: outcome, interviewer: who, appointment: appointment)), paths)
            var said = "\(item.id): \(outcome.label) recorded"
            if let appointment { said += "; call back \(CaseFiles.show(appointment))" + (appointment <= now ? " (that time has passed)" : "") }
            Console.out(said)
        } catch {
            Console.error(error.description)
            throw Exit.failure
        }
    }
}

struct CasesDiscard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discard",
        abstract: "Take a case out of the sample (a duplicate, a test case), with a reason; it leaves the response rates.")

    @OptionGroup var options: StudyOptions

    @Argument(help: "The case id.")
    var caseID: String

    @Option(help: "Why the case is discarded.")
    var reason: String

    func run() throws {
        let reason = reason.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { throw ValidationError("--reason must say why the case is discarded") }
        let paths = StudyPaths(root: options.study, state: options.state)
        do {
            let item = try CaseFiles.find(caseID, paths)
            let lock = try CaseFiles.lock(item.id, paths)
            defer { withExtendedLifetime(lock) {} }
            try CaseFiles.append(.discarded(caseID: item.id, at: Date(), reason: reason), paths)
            Console.out("\(item.id) discarded: it stays in sample.csv, is listed as discarded and leaves the response rates")
        } catch {
            Console.error(error.description)
            throw Exit.failure
        }
    }
}

/// The sample, the call log (`.datamap/cases/calls.log`, one JSON event per line, owner-only,
/// each line synced before the command returns) and the case locks.
enum CaseFiles {
    static func directory(_ paths: StudyPaths) -> URL { paths.state.appendingPathComponent("cases") }
    static func logURL(_ paths: StudyPaths) -> URL { directory(paths).appendingPathComponent("calls.log") }

    /// The sample, or nil when the study has none.
    static func sample(_ paths: StudyPaths) throws(PlatformError) -> [SampleCase]? {
        let url = paths.root.appendingPathComponent(Sample.file)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text = try Platform.readReferenceFile(url)
        do { return try Sample.parse(text) } catch {
            throw PlatformError("\(url.path)\(String(describing: error).dropFirst(Sample.file.count)); fix \(Sample.file) and run again")
        }
    }

    static func requireSample(_ paths: StudyPaths) throws(PlatformError) -> [SampleCase] {
        guard let sample = try sample(paths) else {
            throw PlatformError("the study has no \(Sample.file); write one (columns organisation, type, contact_role, interviewer) or run 'datamap cases draw' to draw it from the gazetteer")
        }
        return sample
    }

    static func find(_ id: String, _ paths: StudyPaths) throws(PlatformError) -> SampleCase {
        try paths.validate()
        let sample = try requireSample(paths)
        guard let item = sample.first(where: { $0.id == id }) else {
            throw PlatformError("no case '\(id)' in \(Sample.file); 'datamap cases' lists them")
        }
        return item
    }

    static func interviewer(_ given: String?, _ item: SampleCase) throws(PlatformError) -> String {
        let who = (given ?? item.interviewer).trimmingCharacters(in: .whitespaces)
        guard !who.isEmpty else {
            throw PlatformError("say who is calling with --interviewer ID (case \(item.id) has no interviewer in \(Sample.file))")
        }
        return who
    }

    static func events(_ paths: StudyPaths) -> [CaseEvent] {
        guard let data = FileManager.default.contents(atPath: logURL(paths).path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        // A last line cut short by a crash is left out; every complete one counts.
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(CaseEvent.self, from: Data($0)) }
    }

    static func append(_ event: CaseEvent, _ paths: StudyPaths) throws(PlatformError) {
        try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
        try Platform.prepareStateDirectory(directory(paths))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        guard var line = try? encoder.encode(event) else { throw PlatformError("cannot encode a call record") }
        line.append(0x0A)
        let url = logURL(paths)
        let descriptor = Glibc.open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, Platform.ownerOnlyFile)
        guard descriptor >= 0 else { throw PlatformError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        // Two interviewers recording at once each write whole lines: the lock orders them.
        flock(descriptor, LOCK_EX)
        guard Platform.writeAndSync(line, to: descriptor) else {
            throw PlatformError("cannot save to \(url.path): \(String(cString: strerror(errno))); the call was not recorded")
        }
        Platform.syncDirectory(directory(paths))
    }

    /// What every journal says, for placing interviews in their cases.
    static func interviews(_ paths: StudyPaths) -> [InterviewProgress] {
        let directory = JournalFile.directory(paths)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".journal") }.compactMap { name in
            InterviewSession.replay(JournalFile.events(at: directory.appendingPathComponent(name))).map(InterviewProgress.init)
        }
    }

    static func states(_ paths: StudyPaths) throws(PlatformError) -> [CaseState] {
        try paths.validate()
        return Fieldwork.states(try requireSample(paths), events: events(paths), interviews: interviews(paths))
    }

    /// The dispositions for outbox/, or nil for a study with no sample.
    static func summary(_ paths: StudyPaths) throws(PlatformError) -> FieldworkSummary? {
        guard let sample = try sample(paths) else { return nil }
        return FieldworkSummary(Fieldwork.states(sample, events: events(paths), interviews: interviews(paths)))
    }

    /// Held while a case's interview is open; the kernel lets go if the process dies.
    final class Lock {
        let descriptor: Int32
        init(_ descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }
    }

    static func lock(_ id: String, _ paths: StudyPaths) throws(PlatformError) -> Lock {
        try prepareLocks(paths)
        return try lockPrepared(id, paths)
    }

    /// The state and cases folders, made owner-only; once, by a process that locks often.
    static func prepareLocks(_ paths: StudyPaths) throws(PlatformError) {
        try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
        try Platform.prepareStateDirectory(directory(paths))
    }

    /// A case's lock, in folders `prepareLocks` has made.
    static func lockPrepared(_ id: String, _ paths: StudyPaths) throws(PlatformError) -> Lock {
        let url = directory(paths).appendingPathComponent("\(id).lock")
        let descriptor = Glibc.open(url.path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, Platform.ownerOnlyFile)
        guard descriptor >= 0 else { throw PlatformError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        guard Platform.lockExclusively(descriptor) else {
            close(descriptor)
            throw PlatformError("case \(id) is open in another terminal; carry on there, or pause it (:pause) first")
        }
        return Lock(descriptor)
    }

    private static let formatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.isLenient = false
        return formatter
    }()

    static func show(_ date: Date) -> String { formatter.string(from: date) }

    /// "2026-12-03 14:30" or "2026-12-03T14:30", local time; an impossible date or time is nil.
    static func parseTime(_ text: String) -> Date? {
        let text = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "T", with: " ")
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }
}
