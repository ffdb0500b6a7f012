import ArgumentParser
import DataMapCore
import Foundation

struct Interview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a telephone interview from the schedule for an organisation type.",
        discussion: """
            Every answer is saved the moment it is entered. At any prompt: :back, :skip, :note TEXT, \
            :review, :pause, :help; ? don't know, ! refused, / not applicable. \
            Resume an unfinished interview with --resume.
            """)

    @OptionGroup var options: StudyOptions

    @Option(help: "Organisation type: \(OrganisationType.scheduled.map(\.rawValue).joined(separator: ", ")).")
    var type: String?

    @Option(help: "The organisation's name.")
    var organisation: String?

    @Option(help: "Interview language: en or cy.")
    var language: String = "en"

    @Option(help: "A reference to the audio recording (a file name, say); answers get their position in it.")
    var recording: String?

    @Option(help: "How many seconds the recording had already run when this interview (or this resumption) began.")
    var recordingOffset: Double?

    @Flag(help: "List unfinished interviews and carry one on, on the instrument version it started with.")
    var resume = false

    @Argument(help: "With --resume: the interview id to carry on (optional).")
    var interviewID: String?

    @Option(help: "Discard an unfinished interview (a test run, a wrong organisation) by its id; needs --reason.")
    var discard: String?

    @Option(help: "Why the interview is discarded; kept in the study's discard log, without any answer.")
    var reason: String?

    @Option(name: .customLong("case"), help: "Start or carry on the interview for this case of sample.csv ('datamap cases' lists them); its call is recorded.")
    var caseID: String?

    @Option(help: "With --case: who is interviewing (default: the case's interviewer in sample.csv).")
    var interviewer: String?

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        guard let language = Language(rawValue: language) else {
            throw ValidationError("--language must be en or cy")
        }
        let output = TerminalOutput.current()
        let term = Platform.environment("TERM") ?? ""
        // The line editor only where it can decode UTF-8; otherwise plain lines, which keep every byte.
        let editing = Platform.isTerminal(0) && term != "dumb" && !term.isEmpty && EditLineSource.useUTF8Locale()
        let input: any LineSource = editing ? EditLineSource() : PlainLineSource()
        Platform.catchInterrupt()
        // Ctrl-C ends like a pause, with its message and its journal entry, and exit status 130.
        defer { if Platform.wasInterrupted { Foundation.exit(130) } }
        do {
            try paths.validate()
            if let discard {
                guard let reason = reason?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
                    throw ValidationError("--discard needs --reason: say why the interview is thrown away")
                }
                let organisation = try JournalFile.discard(paths, id: discard, reason: reason)
                output.line(UI.discarded(discard, organisation, language))
                return
            }
            if let caseID {
                try runCase(caseID, paths: paths, input: input, output: output, language: language)
                return
            }
            var runner: InterviewRunner
            if resume {
                guard let chosen = try chooseUnfinished(paths: paths, input: input, output: output, language: language) else { return }
                runner = try carryOn(chosen, paths: paths, input: input, output: output)
            } else {
                runner = try start(paths: paths, input: input, output: output, language: language)
            }
            _ = try conclude(&runner, output: output)
        } catch let error as PlatformError {
            Console.error(error.description)
            throw Exit.failure
        }
    }

    private func carryOn(_ chosen: (URL, InterviewSession), paths: StudyPaths, input: any LineSource, output: TerminalOutput) throws -> InterviewRunner {
        let journal = try JournalFile.open(chosen.0)
        var session = chosen.1
        let resumed = JournalEvent.resumed(at: Date(), recordingOffset: recordingOffset)
        try journal.append(resumed)
        session.apply(resumed)
        var runner = InterviewRunner(session: session, journal: journal, input: input, output: output, paths: paths)
        runner.position = session.resumePosition()
        output.line(UI.resuming(session.header.organisation.name, session.instrument.version, session.language))
        return runner
    }

    private func conclude(_ runner: inout InterviewRunner, output: TerminalOutput, caseID: String? = nil) throws -> InterviewRunner.Outcome {
        let outcome = try runner.run()
        switch outcome {
        case .finished(let file): output.line(UI.saved(file, runner.session.language))
        case .paused(let id):
            if Platform.wasInterrupted { output.line() }
            output.line(UI.paused(caseID.map { "--case \($0)" } ?? "--resume \(id)", runner.session.language))
        case .consentRefused: output.line(UI.noConsent(runner.session.language))
        }
        return outcome
    }

    /// An interview for a case of the sample: the case is locked while it is open, an unfinished
    /// interview for it is carried on, and the call's outcome (complete, break-off, or a refusal
    /// that keeps no content) goes to the call log.
    private func runCase(_ id: String, paths: StudyPaths, input: any LineSource, output: TerminalOutput, language: Language) throws {
        let item = try CaseFiles.find(id, paths)
        let who = try CaseFiles.interviewer(interviewer, item)
        let lock = try CaseFiles.lock(item.id, paths)
        defer { withExtendedLifetime(lock) {} }
        guard let state = try CaseFiles.states(paths).first(where: { $0.sample.id == item.id }) else { throw Exit.failure }
        switch state.status {
        case .complete, .refused, .ineligible, .unreachable, .discarded:
            throw PlatformError("case \(item.id) is \(state.status.rawValue); its calls are over. 'datamap cases' shows every case")
        default: break
        }
        var runner: InterviewRunner
        if let open = state.openInterview, let chosen = JournalFile.unfinished(paths).first(where: { $0.1.header.id == open }) {
            runner = try carryOn(chosen, paths: paths, input: input, output: output)
        } else {
            runner = try start(paths: paths, input: input, output: output, language: language,
                               fixedType: item.type, fixedOrganisation: item.organisation, caseID: item.id)
        }
        let outcome = try conclude(&runner, output: output, caseID: item.id)
        let recorded: CallOutcome = switch outcome {
        case .finished: .complete
        case .paused: .breakOff
        case .consentRefused: .refusal
        }
        try CaseFiles.append(.call(CallAttempt(caseID: item.id, at: Date(), outcome: recorded, interviewer: who,
                                               interview: runner.session.header.id)), paths)
        output.quiet(UI.callRecorded(item.id, recorded.label, runner.session.language))
    }

    private func start(paths: StudyPaths, input: any LineSource, output: TerminalOutput, language: Language,
                       fixedType: OrganisationType? = nil, fixedOrganisation: String? = nil, caseID: String? = nil) throws -> InterviewRunner {
        let set = try InstrumentFiles.load(paths)
        guard set.problems.isEmpty else {
            Console.diagnostics(set.problems)
            Console.error("the instruments have problems; fix them (datamap instruments check) before interviewing")
            throw Exit.rejectedInput
        }
        var organisationType: OrganisationType? = fixedType
        if organisationType == nil, let type {
            guard let parsed = OrganisationType(rawValue: type) else {
                throw ValidationError("unknown --type '\(type)'; types are \(OrganisationType.scheduled.map(\.rawValue).joined(separator: ", "))")
            }
            organisationType = parsed
        }
        while organisationType == nil {
            output.strong(UI.chooseType(language))
            for (index, type) in OrganisationType.scheduled.enumerated() {
                output.line("  \(index + 1). \(language == .cy ? type.labelCy : type.label)")
            }
            guard let line = input.read(prompt: "> ") else { throw Exit.success }
            if let number = Int(line.trimmingCharacters(in: .whitespaces)), (1...OrganisationType.scheduled.count).contains(number) {
                organisationType = OrganisationType.scheduled[number - 1]
            } else {
                output.warning(InputProblem.choice(OrganisationType.scheduled.count).message(language))
            }
        }
        var organisationName = (fixedOrganisation ?? organisation)?.trimmingCharacters(in: .whitespaces) ?? ""
        while organisationName.isEmpty {
            output.strong(UI.organisationName(language))
            guard let line = input.read(prompt: "> ") else { throw Exit.success }
            organisationName = line.trimmingCharacters(in: .whitespaces)
        }
        guard let type = organisationType, let instrument = set.instruments[type] else { throw Exit.failure }
        // "Conwy", "Cyngor Conwy" and "Conwy County Borough Council" are one participant: the name
        // typed is matched to the gazetteer as a written return's is, and the match is shown.
        var organisation = Organisation(name: organisationName, type: type)
        // A missing or broken gazetteer stops here, located, rather than passing for "not in the list".
        let gazetteer = try ReferenceFiles.load(paths, instruments: false).gazetteer
        if let (entry, how) = gazetteer.resolve(organisationName, typeHint: type) {
            organisation = Organisation(name: entry.name, type: type, region: entry.region)
            if entry.name != organisationName { output.line(UI.matched(organisationName, entry.name, how.rawValue, language)) }
            if let known = entry.organisationType, known != type {
                output.warning(UI.typeMismatch(entry.name, known, type, language))
                guard Self.confirm(input, output: output, language: language) else { throw Exit.success }
            }
        } else {
            output.warning(UI.unknownOrganisation(organisationName, language))
        }
        // A second interview with the same body is allowed (two services, say), but never by accident.
        let earlier = JournalFile.unfinished(paths).filter { $0.1.header.organisation.name == organisation.name }
        if caseID == nil, let other = earlier.first {
            output.warning(UI.duplicateInterview(organisation.name, other.1.header.id, language))
            guard Self.confirm(input, output: output, language: language) else { throw Exit.success }
        }
        let header = InterviewHeader(
            id: Platform.randomHex(bytes: 4), instrument: instrument,
            organisation: organisation, language: language, startedAt: Date(),
            recording: recording, recordingOffset: recordingOffset, caseID: caseID)
        let journal = try JournalFile.create(paths, id: header.id)
        try journal.append(.started(header))
        output.line(UI.started(header.id, instrument.version, language))
        return InterviewRunner(session: InterviewSession(header: header), journal: journal, input: input, output: output, paths: paths)
    }

    /// y to carry on, anything else (or end of input) to stop.
    static func confirm(_ input: any LineSource, output: TerminalOutput, language: Language) -> Bool {
        output.line(UI.confirmCarryOn(language))
        guard let line = input.read(prompt: "> ") else { return false }
        return AnswerParser.yesNo(line.trimmingCharacters(in: .whitespaces)) == "yes"
    }

    private func chooseUnfinished(paths: StudyPaths, input: any LineSource, output: TerminalOutput,
                                  language: Language) throws -> (URL, InterviewSession)? {
        let unfinished = JournalFile.unfinished(paths)
        if let interviewID {
            guard let match = unfinished.first(where: { $0.1.header.id == interviewID }) else {
                Console.error("no unfinished interview with id \(interviewID)")
                throw Exit.failure
            }
            return match
        }
        guard !unfinished.isEmpty else {
            output.line(UI.nothingToResume(language))
            return nil
        }
        output.strong(UI.unfinished(language))
        for (index, (_, session)) in unfinished.enumerated() {
            let header = session.header
            output.line("  \(index + 1). \(header.organisation.name) (\(header.organisation.type.rawValue)), "
                        + "\(XMLTime.dateTime(header.startedAt)), \(session.answers.count) \(UI.answersWord(language)), id \(header.id)")
        }
        while true {
            guard let line = input.read(prompt: "> ") else { return nil }
            if let number = Int(line.trimmingCharacters(in: .whitespaces)), unfinished.indices.contains(number - 1) {
                return unfinished[number - 1]
            }
            output.warning(InputProblem.choice(unfinished.count).message(language))
        }
    }
}

/// Walks the schedule at the terminal. Every answer goes to the journal before the next prompt.
struct InterviewRunner {
    enum Outcome {
        case finished(String)
        case paused(String)
        case consentRefused
    }

    private(set) var session: InterviewSession
    let journal: JournalFile
    let input: any LineSource
    let output: TerminalOutput
    let paths: StudyPaths
    var position = 0
    private var shownSection: Int?? = .none
    /// The step the review opens on: after changing an answer, its own page.
    private var reviewFrom = 0

    init(session: InterviewSession, journal: JournalFile, input: any LineSource, output: TerminalOutput, paths: StudyPaths) {
        self.session = session
        self.journal = journal
        self.input = input
        self.output = output
        self.paths = paths
    }

    private var language: Language { session.language }

    private mutating func record(_ event: JournalEvent) throws {
        try journal.append(event)
        session.apply(event)
    }

    mutating func run() throws -> Outcome {
        output.quiet(UI.commands(language))
        var returnTo: Int?
        while true {
            if session.consentRefused {
                try? FileManager.default.removeItem(at: journal.url)
                return .consentRefused
            }
            let steps = session.steps()
            if position >= steps.count {
                switch try review(steps) {
                case .finish(let file): return .finished(file)
                case .pause: return try pause()
                case .edit(let index):
                    returnTo = steps.count
                    position = index
                    continue
                case .carryOn(let index):
                    position = index
                    continue
                }
            }
            let step = steps[position]
            show(step, number: position + 1, of: steps.count, left: Self.leftInSection(steps, after: position))
            guard let line = readAnswer(long: step.question.type == .longText) else { return try pause() }
            let now = Date()
            switch InterviewInput.parse(line) {
            case .back:
                position = max(0, position - 1)
                continue
            case .help:
                output.quiet(UI.commands(language))
                continue
            case .section(let number):
                // Only as far as answers allow: a section after an unanswered required question waits.
                let firstGap = steps.firstIndex { session.answers[$0.key] == nil && $0.question.required } ?? steps.count
                if let target = steps.firstIndex(where: { $0.section == number - 1 }), target <= firstGap {
                    position = target
                } else {
                    output.warning(UI.noSuchSection(number, session.instrument.sections.count, language))
                }
                continue
            case .pause:
                return try pause()
            case .review:
                returnTo = position
                position = steps.count
                continue
            case .note(var text):
                if text.isEmpty { text = input.read(prompt: UI.notePrompt(language))?.trimmingCharacters(in: .whitespaces) ?? "" }
                if !text.isEmpty {
                    try record(.noted(step: step.key, text: text, at: now, offset: session.offset(at: now)))
                    output.quiet(UI.noteSaved(language))
                }
                continue
            case .skip:
                guard !Self.mustAnswer(step) else {
                    output.warning(UI.cannotSkip(language))
                    continue
                }
                try record(.answered(step: step.key, value: .skipped, at: now, offset: session.offset(at: now)))
            case .nonResponse(let code):
                guard !Self.mustAnswer(step) else {
                    output.warning(UI.cannotSkip(language))
                    continue
                }
                try record(.answered(step: step.key, value: .nonResponse(code), at: now, offset: session.offset(at: now)))
            case .answer(let text):
                if text.trimmingCharacters(in: .whitespaces).isEmpty, session.answers[step.key] != nil {
                    break  // Enter keeps the answer already given.
                }
                switch AnswerParser.parse(text, for: step.question, language: language) {
                case .failure(let problem):
                    output.warning(problem.message(language))
                    continue
                case .success(let value):
                    if let problem = session.crossCheck(value, for: step) {
                        output.warning(problem.message(language))
                        continue
                    }
                    // A soft check warns; the answer is kept only with a reason, which is noted beside it.
                    let warning = session.softCheck(value, for: step)
                    var reason: String?
                    if let warning {
                        output.warning(warning.message(language))
                        guard let line = input.read(prompt: UI.reasonPrompt(language)) else { return try pause() }
                        reason = line.trimmingCharacters(in: .whitespaces)
                        if reason?.isEmpty ?? true { continue }
                    }
                    try record(.answered(step: step.key, value: value, at: now, offset: session.offset(at: now)))
                    if let reason, let warning {
                        try record(.noted(step: step.key, text: UI.keptNote(warning.message(.en), reason), at: now, offset: session.offset(at: now)))
                        output.quiet(UI.keptSaid(language))
                    }
                }
            }
            if let target = returnTo {
                position = min(target, session.steps().count)
                returnTo = nil
            } else {
                position += 1
            }
        }
    }

    /// Consent and the steps that decide what follows cannot be skipped or left unknown.
    static func mustAnswer(_ step: Step) -> Bool {
        if step.key == StartStep.consent || step.key == StartStep.anonymity || step.key == StartStep.name { return true }
        if case .more = step.role { return true }
        return false
    }

    /// Long answers may run over several lines: a line ending in a backslash continues.
    private func readAnswer(long: Bool) -> String? {
        guard var line = input.read(prompt: "> ") else { return nil }
        while long, line.hasSuffix("\\") {
            line.removeLast()
            guard let more = input.read(prompt: "… ") else { break }
            line += "\n" + more
        }
        return line
    }

    /// How many steps of this step's section come after it: the count a respondent can trust,
    /// where the overall total grows with every pilot added.
    static func leftInSection(_ steps: [Step], after position: Int) -> Int {
        let section = steps[position].section
        return steps[(position + 1)...].prefix { $0.section == section }.count
    }

    private mutating func show(_ step: Step, number: Int, of total: Int, left: Int) {
        if shownSection != .some(step.section) {
            shownSection = .some(step.section)
            output.line()
            if let index = step.section {
                let section = session.instrument.sections[index]
                output.strong("── \(UI.section(language)) \(index + 1)/\(session.instrument.sections.count): \(section.title.text(language)) ──")
            } else {
                output.strong("── \(UI.startSection(language)) ──")
            }
        }
        output.line()
        let place = step.section.map { UI.sectionOf($0 + 1, session.instrument.sections.count, language) } ?? UI.startPlace(language)
        output.line("\(UI.question(language)) \(number)/\(total) · \(place), \(UI.left(left, language))")
        if case .more(let group, let repetition) = step.role, repetition == 1 {
            output.strong(group.prompt.text(language))
        }
        if case .field(_, let repetition, _) = step.role {
            output.quiet("[\(repetition)]")
        }
        output.strong(step.question.text.text(language))
        if let note = step.question.note {
            // Broken between words at 78 columns, so a terminal never splits one.
            for line in Self.wrap("\(UI.interviewerNote(language)): \(note.text(language))", width: 76) { output.quiet("  " + line) }
        }
        switch step.question.type {
        case .yesNo:
            output.line(language == .cy ? "  (i = ie, n = na)" : "  (y = yes, n = no)")
        case .singleChoice, .multipleChoice:
            for (index, choice) in step.question.choices.enumerated() {
                output.line("  \(index + 1). \(choice.label.text(language))")
            }
            if step.question.type == .multipleChoice { output.line(UI.several(language)) }
        case .scale:
            let scale = step.question.scale ?? Scale(min: 1, max: 5)
            let low = scale.minLabel.map { " = \($0.text(language))" } ?? ""
            let high = scale.maxLabel.map { " = \($0.text(language))" } ?? ""
            output.line("  (\(scale.min)\(low) … \(scale.max)\(high))")
        case .longText:
            output.quiet(UI.longText(language))
        default:
            break
        }
        if let current = session.answers[step.key] {
            output.quiet("  \(UI.current(language)): \(describe(current.value, step.question)) — \(UI.enterKeeps(language))")
        }
    }

    private func describe(_ value: AnswerValue, _ question: Question) -> String {
        switch value {
        case .text(let text):
            if question.type == .yesNo { return text == "yes" ? (language == .cy ? "ie" : "yes") : (language == .cy ? "na" : "no") }
            return question.choices.first { $0.value == text }?.label.text(language) ?? text
        case .choices(let values):
            return values.map { value in question.choices.first { $0.value == value }?.label.text(language) ?? value }
                .joined(separator: "; ")
        case .nonResponse(let code): return UI.nonResponse(code, language)
        case .skipped: return UI.skipped(language)
        }
    }

    private enum ReviewChoice {
        case finish(String)
        case pause
        case edit(Int)
        case carryOn(Int)
    }

    /// The review in pages that fit a 24-line screen: by section, then in runs of a few answers,
    /// each answer labelled with its repetition ("Pilot 2 · What is it called?") and its notes.
    static func reviewPages(_ steps: [Step], rows: ([Int]) -> Int, limit: Int = 17) -> [[Int]] {
        var pages: [[Int]] = []
        var current: [Int] = []
        for (index, step) in steps.enumerated() {
            let newSection = current.last.map { steps[$0].section != step.section } ?? false
            if newSection || (!current.isEmpty && rows(current + [index]) > limit) {
                pages.append(current)
                current = []
            }
            current.append(index)
        }
        if !current.isEmpty { pages.append(current) }
        return pages
    }

    private func reviewLines(_ index: Int, _ step: Step) -> [String] {
        let answer = session.answers[step.key].map { describe($0.value, step.question) } ?? "—"
        var label = step.question.text.text(language)
        switch step.role {
        case .more(let group, let repetition), .field(let group, let repetition, _):
            label = "\(language == .cy ? group.kind.labelCy : group.kind.label) \(repetition) · \(label)"
        default: break
        }
        var lines = ["  \(index + 1). \(label): \(answer)"]
        for note in session.notes where note.step == step.key {
            lines += Self.wrap("\(UI.notePrompt(language))\(note.text)", width: 72).map { "      " + $0 }
        }
        return lines
    }

    /// Words kept whole: a line breaks between words, never inside one.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty, line.count + 1 + word.count > width { lines.append(line); line = "" }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    private mutating func review(_ steps: [Step]) throws -> ReviewChoice {
        let rows = { (indices: [Int]) -> Int in
            indices.reduce(0) { total, index in
                total + reviewLines(index, steps[index]).reduce(0) { $0 + max(1, ($1.count + 79) / 80) }
            }
        }
        let pages = Self.reviewPages(steps, rows: rows)
        var page = pages.firstIndex { $0.contains(reviewFrom) } ?? 0
        let firstGap = steps.firstIndex { session.answers[$0.key] == nil }
        while true {
            output.line()
            output.strong("── \(UI.review(language)) ──")
            if let first = pages[page].first {
                let place = steps[first].section.map { "\(UI.section(language)) \($0 + 1)/\(session.instrument.sections.count): \(session.instrument.sections[$0].title.text(language))" }
                    ?? UI.startSection(language)
                output.quiet("\(place) · \(UI.page(language)) \(page + 1)/\(pages.count)")
            }
            for index in pages[page] {
                for line in reviewLines(index, steps[index]) { output.line(line) }
            }
            output.line(firstGap == nil ? UI.reviewHelp(language) : UI.reviewUnfinished(language))
            if pages.count > 1 { output.quiet(UI.reviewPaging(language)) }
            var turned = false
            while !turned {
                guard let line = input.read(prompt: "> ") else { return .pause }
                let text = line.trimmingCharacters(in: .whitespaces)
                if let number = Int(text), steps.indices.contains(number - 1) {
                    reviewFrom = number - 1
                    return .edit(number - 1)
                }
                if text.isEmpty {
                    reviewFrom = 0
                    if let firstGap { return .carryOn(firstGap) }
                    return .finish(try finish())
                }
                if text == ">" || text == "." { page = min(page + 1, pages.count - 1); turned = true; continue }
                if text == "<" || text == "," { page = max(page - 1, 0); turned = true; continue }
                if InterviewInput.parse(text) == .pause { return .pause }
                output.warning(InputProblem.choice(steps.count).message(language))
            }
        }
    }

    private func finish() throws -> String {
        let finishedAt = Date()
        let slug = session.header.organisation.name.lowercased()
            .map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        let name = "interview-\(slug.prefix(40))-\(PartialDate(date: finishedAt))-\(session.header.id).xml"
        let record = session.makeReturn(finishedAt: finishedAt, source: "inbox/" + name)
        let data = ReturnWriter.xml(record)
        let reader = ReturnReader(schema: try ReturnSchema.compiled())
        if case .failure(let rejection) = reader.read(data, source: "inbox/" + name) {
            Console.diagnostics(rejection.diagnostics)
            throw PlatformError("the interview could not be written as a valid return; every answer is still in \(journal.url.path)")
        }
        let file = try Platform.publishToInbox(data, paths: paths, name: name)
        try journal.append(.finished(at: finishedAt, file: file))
        return file
    }

    private func pause() throws -> Outcome {
        try journal.append(.paused(at: Date()))
        return .paused(session.header.id)
    }
}

/// Every word the interview shows, in English and Welsh.
enum UI {
    static func pick(_ language: Language, _ en: String, _ cy: String) -> String { language == .cy ? cy : en }

    static func commands(_ l: Language) -> String {
        pick(l, "Commands: :back  :skip  :note TEXT  :review  :section N  :pause  :help   Single keys: ? don't know  ! refused  / not applicable",
             "Gorchmynion: :nol  :hepgor  :nodyn TESTUN  :adolygu  :adran N  :oedi  :cymorth   Bysellau: ? ddim yn gwybod  ! gwrthod  / amherthnasol")
    }
    static func noSuchSection(_ number: Int, _ count: Int, _ l: Language) -> String {
        pick(l, "Section \(number) cannot be reached yet: there are \(count) sections, and the questions before it need answers first.",
             "Ni ellir cyrraedd adran \(number) eto: mae \(count) adran, ac mae angen ateb y cwestiynau o'i blaen yn gyntaf.")
    }
    static func chooseType(_ l: Language) -> String { pick(l, "Which type of organisation?", "Pa fath o sefydliad?") }
    static func matched(_ typed: String, _ name: String, _ how: String, _ l: Language) -> String {
        pick(l, "'\(typed)' is \(name) in the study's list of organisations (\(how)).",
             "'\(typed)' yw \(name) yn rhestr sefydliadau'r astudiaeth (\(how)).")
    }
    static func typeMismatch(_ name: String, _ known: OrganisationType, _ chosen: OrganisationType, _ l: Language) -> String {
        pick(l, "\(name) is a \(known.label.lowercased()) in the study's list, not a \(chosen.label.lowercased()).",
             "Mae \(name) yn \(known.labelCy.lowercased()) yn rhestr yr astudiaeth, nid yn \(chosen.labelCy.lowercased()).")
    }
    static func unknownOrganisation(_ typed: String, _ l: Language) -> String {
        pick(l, "'\(typed)' is not in the study's list of organisations (instruments/organisations.yaml); check the spelling.",
             "Nid yw '\(typed)' yn rhestr sefydliadau'r astudiaeth (instruments/organisations.yaml); gwiriwch y sillafiad.")
    }
    static func duplicateInterview(_ name: String, _ id: String, _ l: Language) -> String {
        pick(l, "An unfinished interview with \(name) already exists (id \(id)); 'datamap interview --resume \(id)' carries it on.",
             "Mae cyfweliad heb ei orffen gyda \(name) eisoes (id \(id)); mae 'datamap interview --resume \(id)' yn ei barhau.")
    }
    static func confirmCarryOn(_ l: Language) -> String {
        pick(l, "Start this interview anyway? (y/n)", "Dechrau'r cyfweliad hwn beth bynnag? (i/n)")
    }
    static func organisationName(_ l: Language) -> String { pick(l, "The organisation's name:", "Enw'r sefydliad:") }
    static func started(_ id: String, _ version: String, _ l: Language) -> String {
        pick(l, "Interview \(id) started on instrument version \(version). Every answer is saved as you go.",
             "Cyfweliad \(id) wedi dechrau ar fersiwn \(version) o'r offeryn. Caiff pob ateb ei gadw wrth fynd.")
    }
    static func resuming(_ organisation: String, _ version: String, _ l: Language) -> String {
        pick(l, "Resuming the interview with \(organisation) on instrument version \(version).",
             "Yn ailddechrau'r cyfweliad gyda \(organisation) ar fersiwn \(version) o'r offeryn.")
    }
    static func unfinished(_ l: Language) -> String { pick(l, "Unfinished interviews:", "Cyfweliadau heb eu gorffen:") }
    static func discarded(_ id: String, _ organisation: String, _ l: Language) -> String {
        pick(l, "Interview \(id) with \(organisation) discarded: its answers are deleted and the reason is logged.",
             "Cyfweliad \(id) gyda \(organisation) wedi'i daflu: mae ei atebion wedi'u dileu ac mae'r rheswm wedi'i gofnodi.")
    }
    static func callRecorded(_ id: String, _ outcome: String, _ l: Language) -> String {
        pick(l, "Case \(id): call recorded as \(outcome).", "Achos \(id): galwad wedi'i chofnodi fel \(outcome).")
    }
    static func reasonPrompt(_ l: Language) -> String {
        pick(l, "Reason to keep it (or Enter to answer again): ", "Rheswm dros ei gadw (neu Enter i ateb eto): ")
    }
    static func keptNote(_ warning: String, _ reason: String) -> String { "Kept after a check (\(warning)) Reason: \(reason)" }
    static func keptSaid(_ l: Language) -> String { pick(l, "  Kept, with the reason noted.", "  Wedi'i gadw, gyda'r rheswm wedi'i nodi.") }
    static func nothingToResume(_ l: Language) -> String { pick(l, "There are no unfinished interviews.", "Does dim cyfweliadau heb eu gorffen.") }
    static func answersWord(_ l: Language) -> String { pick(l, "answers", "ateb") }
    static func section(_ l: Language) -> String { pick(l, "Section", "Adran") }
    static func startSection(_ l: Language) -> String { pick(l, "Start: the respondent and consent", "Dechrau: yr ymatebydd a chydsyniad") }
    static func question(_ l: Language) -> String { pick(l, "Question", "Cwestiwn") }
    static func sectionOf(_ k: Int, _ n: Int, _ l: Language) -> String { pick(l, "section \(k) of \(n)", "adran \(k) o \(n)") }
    static func startPlace(_ l: Language) -> String { pick(l, "start", "dechrau") }
    static func left(_ count: Int, _ l: Language) -> String {
        pick(l, count == 1 ? "1 more in this section" : "\(count) more in this section", "\(count) arall yn yr adran hon")
    }
    static func interviewerNote(_ l: Language) -> String { pick(l, "Interviewer note (do not read aloud)", "Nodyn i'r cyfwelydd (peidiwch â'i ddarllen yn uchel)") }
    static func several(_ l: Language) -> String { pick(l, "  (several: numbers separated by commas)", "  (sawl un: rhifau wedi'u gwahanu â choma)") }
    static func longText(_ l: Language) -> String { pick(l, "  (end a line with \\ to continue on the next)", "  (gorffennwch linell â \\ i barhau ar y nesaf)") }
    static func current(_ l: Language) -> String { pick(l, "Current answer", "Ateb presennol") }
    static func enterKeeps(_ l: Language) -> String { pick(l, "press Enter to keep it", "pwyswch Enter i'w gadw") }
    static func notePrompt(_ l: Language) -> String { pick(l, "Note: ", "Nodyn: ") }
    static func noteSaved(_ l: Language) -> String { pick(l, "  Note saved.", "  Nodyn wedi'i gadw.") }
    static func cannotSkip(_ l: Language) -> String { pick(l, "This one needs an answer.", "Mae angen ateb i hwn.") }
    static func skipped(_ l: Language) -> String { pick(l, "(skipped)", "(wedi'i hepgor)") }
    static func nonResponse(_ code: Answer.NonResponse, _ l: Language) -> String {
        switch code {
        case .dontKnow: pick(l, "Don't know", "Ddim yn gwybod")
        case .refused: pick(l, "Refused", "Gwrthod")
        case .notApplicable: pick(l, "Not applicable", "Amherthnasol")
        }
    }
    static func review(_ l: Language) -> String { pick(l, "Review", "Adolygu") }
    static func reviewHelp(_ l: Language) -> String {
        pick(l, "Type a number to change that answer, press Enter to finish and save, or :pause.",
             "Teipiwch rif i newid yr ateb hwnnw, pwyswch Enter i orffen a chadw, neu :oedi.")
    }
    static func page(_ l: Language) -> String { pick(l, "page", "tudalen") }
    static func reviewPaging(_ l: Language) -> String {
        pick(l, "> next page, < previous page", "> y dudalen nesaf, < y dudalen flaenorol")
    }
    static func reviewUnfinished(_ l: Language) -> String {
        pick(l, "Some questions are still to come. Type a number to change an answer, or press Enter to carry on.",
             "Mae rhai cwestiynau i ddod o hyd. Teipiwch rif i newid ateb, neu pwyswch Enter i barhau.")
    }
    static func saved(_ file: String, _ l: Language) -> String {
        pick(l, "Interview saved as \(file). Run 'datamap build' to add it to the data map.",
             "Cyfweliad wedi'i gadw fel \(file). Rhedwch 'datamap build' i'w ychwanegu at y map data.")
    }
    static func paused(_ carryOn: String, _ l: Language) -> String {
        pick(l, "Paused; every answer so far is saved. Carry on with: datamap interview \(carryOn)",
             "Wedi oedi; mae pob ateb hyd yma wedi'i gadw. Parhewch gyda: datamap interview \(carryOn)")
    }
    static func noConsent(_ l: Language) -> String {
        pick(l, "No consent: the interview has stopped and nothing has been kept.",
             "Dim cydsyniad: mae'r cyfweliad wedi dod i ben ac ni chadwyd dim.")
    }
}
