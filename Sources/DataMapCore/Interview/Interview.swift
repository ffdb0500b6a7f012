import Foundation

/// What was entered for one step. Don't know, Refused and Not applicable are answers, and differ
/// from a step the interviewer skipped.
public enum AnswerValue: Codable, Sendable, Hashable {
    case text(String)
    case choices([String])
    case nonResponse(Answer.NonResponse)
    case skipped

    /// The answer as the return records it: choice values joined by "; ".
    public var recorded: String? {
        switch self {
        case .text(let text): text
        case .choices(let values): values.joined(separator: "; ")
        case .nonResponse, .skipped: nil
        }
    }
}

/// Everything the journal holds. It is append-only: an answer given again is a new event
/// that supersedes the old one, so nothing entered is ever overwritten on disk.
public enum JournalEvent: Codable, Sendable, Hashable {
    case started(InterviewHeader)
    case answered(step: String, value: AnswerValue, at: Date, offset: Double?)
    case noted(step: String, text: String, at: Date, offset: Double?)
    case resumed(at: Date, recordingOffset: Double?)
    case paused(at: Date)
    case finished(at: Date, file: String)
    /// A web form page saved: how long it was open, in which language, and the browser's family
    /// (never the full user-agent string, which can single a person out).
    case pageSaved(page: String, seconds: Double, language: Language, agent: String, at: Date)
    /// A submitted web return opened again for changes, where the study allows it.
    case reopened(at: Date)
}

public struct InterviewHeader: Codable, Sendable, Hashable {
    public var id: String
    public var instrument: Instrument
    public var organisation: Organisation
    public var language: Language
    public var startedAt: Date
    /// A reference to the audio recording, such as its file name; offsets are positions in it.
    public var recording: String?
    /// How far into the recording the interview started, in seconds.
    public var recordingOffset: Double?
    /// The sample case the interview was started for (`--case`), if any.
    public var caseID: String?
    /// How the answers were captured; nil in journals from before web returns, which were all by telephone.
    public var mode: CaptureMode?

    public init(id: String, instrument: Instrument, organisation: Organisation, language: Language,
                startedAt: Date, recording: String? = nil, recordingOffset: Double? = nil, caseID: String? = nil,
                mode: CaptureMode? = nil) {
        self.caseID = caseID
        self.mode = mode
        self.id = id
        self.instrument = instrument
        self.organisation = organisation
        self.language = language
        self.startedAt = startedAt
        self.recording = recording
        self.recordingOffset = recordingOffset
    }
}

public enum CaptureMode: String, Codable, Sendable, Hashable {
    case telephone
    case web
}

public struct RecordedAnswer: Sendable, Hashable {
    public var value: AnswerValue
    public var at: Date
    public var offset: Double?
}

public struct InterviewNote: Codable, Sendable, Hashable {
    public var step: String
    public var text: String
    public var at: Date?
    public var offset: Double?

    public init(step: String, text: String, at: Date? = nil, offset: Double? = nil) {
        self.step = step
        self.text = text
        self.at = at
        self.offset = offset
    }
}

/// One thing to ask. Its key names it in the journal and the return: a question id, a group
/// repetition such as `pilots[2].name`, or a start step such as `respondent.name`.
public struct Step: Sendable, Hashable {
    public enum Role: Sendable, Hashable {
        case start
        case question
        /// "Is there (another) pilot to record?" before repetition `repetition` (1-based).
        case more(RepeatingGroup, repetition: Int)
        case field(RepeatingGroup, repetition: Int, field: ActivityField)
    }

    public var key: String
    public var question: Question
    public var role: Role
    /// Index into the instrument's sections, or nil for the start steps.
    public var section: Int?
}

/// The interview as a pure state machine, rebuilt from its journal. The terminal decides what
/// to show and read; this decides what to ask next and what the answers mean.
public struct InterviewSession: Sendable {
    public private(set) var header: InterviewHeader
    public private(set) var answers: [String: RecordedAnswer] = [:]
    public private(set) var notes: [InterviewNote] = []
    public private(set) var finished: (at: Date, file: String)?
    /// Web paradata: seconds spent on each page, summed over visits, in the order first saved.
    public private(set) var pageTimes: [PageTime] = []
    public private(set) var agent: String?
    /// The language the respondent last used; a web respondent may switch part way.
    public private(set) var lastLanguage: Language?
    /// Where the current recording segment starts, for offsets: (clock time, recording position).
    private var segment: (Date, Double)?

    public init(header: InterviewHeader) {
        self.header = header
        segment = header.recording != nil ? (header.startedAt, header.recordingOffset ?? 0) : nil
    }

    /// Replays a journal. A last line cut short by a crash is ignored; everything before it counts.
    public static func replay(_ events: [JournalEvent]) -> InterviewSession? {
        guard case .started(let header) = events.first else { return nil }
        var session = InterviewSession(header: header)
        for event in events.dropFirst() { session.apply(event) }
        return session
    }

    public mutating func apply(_ event: JournalEvent) {
        switch event {
        case .started: break
        case .answered(let step, let value, let at, let offset):
            answers[step] = RecordedAnswer(value: value, at: at, offset: offset)
        case .noted(let step, let text, let at, let offset):
            notes.append(InterviewNote(step: step, text: text, at: at, offset: offset))
        case .resumed(let at, let recordingOffset):
            if header.recording != nil { segment = (at, recordingOffset ?? 0) }
        case .paused: break
        case .finished(let at, let file): finished = (at, file)
        case .pageSaved(let page, let seconds, let language, let agent, _):
            if let index = pageTimes.firstIndex(where: { $0.page == page }) {
                pageTimes[index].seconds += seconds
            } else {
                pageTimes.append(PageTime(page: page, seconds: seconds))
            }
            lastLanguage = language
            self.agent = agent
        case .reopened: finished = nil
        }
    }

    /// The recording position at `time`, if a recording is named.
    public func offset(at time: Date) -> Double? {
        guard let (start, base) = segment else { return nil }
        return base + max(0, time.timeIntervalSince(start))
    }

    public var language: Language { lastLanguage ?? header.language }
    public var instrument: Instrument { header.instrument }

    public var consentRefused: Bool { answers[StartStep.consent]?.value == .text("no") }

    // MARK: Steps

    /// Every step that applies now, in order. It depends only on earlier answers, so answering
    /// step n never changes steps 0…n.
    public func steps() -> [Step] {
        var result = StartStep.all.map { Step(key: $0.id, question: $0, role: .start, section: nil) }
        // Without consent nothing further is asked; until it is given, the count still shows the whole schedule.
        if consentRefused { return Array(result.prefix { $0.key != StartStep.anonymity }) }
        for (index, section) in instrument.sections.enumerated() {
            for item in section.items where isShown(item.showIf) {
                switch item {
                case .question(let question):
                    result.append(Step(key: question.id, question: question, role: .question, section: index))
                case .group(let group):
                    var repetition = 1
                    while true {
                        let moreKey = "\(group.id)[\(repetition)]"
                        let more = Question(id: moreKey, type: .yesNo, text: group.more, note: repetition == 1 ? group.note : nil,
                                            required: true, choices: [], scale: nil, showIf: nil)
                        result.append(Step(key: moreKey, question: more, role: .more(group, repetition: repetition), section: index))
                        guard answers[moreKey]?.value == .text("yes") else { break }
                        for field in group.fields {
                            guard let activityField = ActivityField(rawValue: field.id) else { continue }
                            // "Who evaluates it?" only when there is an evaluation: a field's condition
                            // is on an earlier field of the same repetition.
                            if var shown = field.showIf {
                                shown.question = "\(moreKey).\(shown.question)"
                                guard isShown(shown) else { continue }
                            }
                            var question = field
                            question.id = "\(moreKey).\(field.id)"
                            result.append(Step(key: question.id, question: question,
                                               role: .field(group, repetition: repetition, field: activityField), section: index))
                        }
                        repetition += 1
                    }
                }
            }
        }
        return result
    }

    /// Checks an answer against the answers it must agree with: an activity's end on or after the
    /// start given for the same repetition, and a start on or before its end.
    public func crossCheck(_ value: AnswerValue, for step: Step) -> InputProblem? {
        guard case .field(_, _, let field) = step.role, field == .start || field == .end,
              case .text(let text) = value, let given = PartialDate(text),
              let base = step.key.split(separator: "]").first.map({ String($0) + "]" }) else { return nil }
        let otherKey = base + "." + (field == .end ? ActivityField.start.rawValue : ActivityField.end.rawValue)
        guard case .text(let otherText)? = answers[otherKey]?.value, let other = PartialDate(otherText) else { return nil }
        if field == .end, given.definitelyBefore(other) { return .endBeforeStart(other.description) }
        if field == .start, other.definitelyBefore(given) { return .endBeforeStart(given.description) }
        return nil
    }

    /// Soft checks on an answer that passed the hard ones: a warning the interviewer may
    /// override with a reason, or nil.
    public func softCheck(_ value: AnswerValue, for step: Step) -> InputProblem? {
        guard case .text(let text) = value else { return nil }
        if let expected = step.question.expected, let number = Double(text) {
            if let low = expected.min, number < low { return .unusualNumber(expected.min, expected.max) }
            if let high = expected.max, number > high { return .unusualNumber(expected.min, expected.max) }
        }
        if case .field(_, _, .start) = step.role, let start = PartialDate(text),
           let base = step.key.split(separator: "]").first.map({ String($0) + "]" }),
           answers[base + "." + ActivityField.status.rawValue]?.value == .text("current") {
            let today = PartialDate(date: header.startedAt)
            if today.definitelyBefore(start) { return .startAfterInterview(today.description) }
        }
        return nil
    }

    func isShown(_ condition: Condition?) -> Bool {
        guard let condition else { return true }
        let given: [String]
        switch answers[condition.question]?.value {
        case .text(let text): given = [text]
        case .choices(let values): given = values
        default: return false
        }
        let matches = !Set(given).isDisjoint(with: condition.values)
        return condition.negated ? !matches : matches
    }

    /// Where to carry on: the first step without an answer, or the end (the review) if none.
    public func resumePosition() -> Int {
        let all = steps()
        return all.firstIndex { answers[$0.key] == nil } ?? all.count
    }

    // MARK: The return

    /// "pilots[2].end" as the return format spells a question id: "pilots.2.end".
    static func answerID(_ key: String) -> String {
        key.replacingOccurrences(of: "[", with: ".").replacingOccurrences(of: "]", with: "")
    }

    /// The finished interview as a return, in the same form as a written one.
    public func makeReturn(finishedAt: Date, source: String) -> Return {
        let value = { (key: String) -> String? in self.answers[key]?.value.recorded }
        let respondent = Respondent(name: value(StartStep.name) ?? "", role: value(StartStep.role),
                                    email: value(StartStep.email), phone: value(StartStep.phone))
        let consent = Consent(given: value(StartStep.consent) == "yes",
                              anonymity: Anonymity(rawValue: value(StartStep.anonymity) ?? "") ?? .anonymous)
        var returnAnswers: [Answer] = []
        var activities: [ActivityRecord] = []
        for step in steps() {
            guard let recorded = answers[step.key] else { continue }
            switch step.role {
            case .start:
                continue
            case .more(let group, _):
                guard recorded.value == .text("yes") else { continue }
                activities.append(ActivityRecord(
                    theme: group.theme, kind: group.kind, name: "", status: .current,
                    provenance: Provenance(method: header.mode == .web ? .webForm : .interview, file: source, line: 0,
                                           offset: recorded.offset)))
            case .question:
                if case .skipped = recorded.value { continue }
                var nonResponse: Answer.NonResponse?
                if case .nonResponse(let code) = recorded.value { nonResponse = code }
                returnAnswers.append(Answer(question: step.key, text: recorded.value.recorded ?? "", nonResponse: nonResponse,
                                            line: 0, at: recorded.at, offset: recorded.offset))
            case .field(_, _, let field):
                // "Don't know" and "refused" about an activity are answers, not blanks: they are
                // kept as answers under the activity's field, so a data map can tell them from a skip.
                if case .nonResponse(let code) = recorded.value {
                    returnAnswers.append(Answer(question: Self.answerID(step.key), text: "", nonResponse: code,
                                                line: 0, at: recorded.at, offset: recorded.offset))
                    continue
                }
                if let text = recorded.value.recorded, !text.isEmpty, !activities.isEmpty {
                    activities[activities.count - 1].set(field, to: text)
                }
            }
        }
        // A repetition whose name was skipped is still an activity the respondent described.
        for index in activities.indices where activities[index].name.isEmpty {
            activities[index].name = language == .cy ? "(heb enw)" : "(unnamed)"
        }
        return Return(source: source, organisation: header.organisation, respondent: respondent, consent: consent,
                      submitted: PartialDate(date: finishedAt), language: language, answers: returnAnswers,
                      activities: activities,
                      interview: InterviewInfo(instrument: "\(instrument.organisationType.rawValue)@\(instrument.version)",
                                               started: header.startedAt, finished: finishedAt, recording: header.recording,
                                               notes: notes, mode: header.mode, agent: agent, pages: pageTimes))
    }
}

extension ActivityRecord {
    /// Files one typed-in value into its place in the record.
    mutating func set(_ field: ActivityField, to text: String) {
        func list(_ text: String) -> [String] {
            text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        switch field {
        case .name: name = text
        case .description: description = text
        case .status: status = ActivityStatus(rawValue: text) ?? status
        case .extent: extent = Extent(scope: Extent.Scope(rawValue: text) ?? .full, note: extent?.note)
        case .extentNote:
            extent = Extent(scope: extent?.scope ?? .part, note: text)
        case .start: timescale = (timescale ?? Timescale()).with { $0.start = PartialDate(text) }
        case .end: timescale = (timescale ?? Timescale()).with { $0.end = PartialDate(text) }
        case .duration: timescale = (timescale ?? Timescale()).with { $0.duration = text }
        case .timescale: timescale = (timescale ?? Timescale()).with { $0.phrase = text }
        case .targetGroup: targetGroup = text
        case .partners: partners = list(text)
        case .funding: funding = text
        case .evaluationType:
            evaluation = (evaluation ?? Evaluation(type: .none)).with { $0.type = EvaluationType(rawValue: text) ?? .none }
        case .evaluator: evaluation = (evaluation ?? Evaluation(type: .internal)).with { $0.evaluator = text }
        case .outcomeMeasures: evaluation = (evaluation ?? Evaluation(type: .internal)).with { $0.measures = list(text) }
        case .resultsDue: evaluation = (evaluation ?? Evaluation(type: .planned)).with { $0.resultsDue = PartialDate(text) }
        case .outcomes: outcomes = text
        case .documents: documents = list(text)
        }
    }
}

extension Timescale {
    func with(_ change: (inout Timescale) -> Void) -> Timescale {
        var copy = self
        change(&copy)
        return copy
    }
}

extension Evaluation {
    func with(_ change: (inout Evaluation) -> Void) -> Evaluation {
        var copy = self
        change(&copy)
        return copy
    }
}

extension PartialDate {
    /// The calendar day of `date` in UTC.
    public init(date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month, day: parts.day)
    }
}

/// The steps every interview starts with: who is answering, and on what terms.
public enum StartStep {
    public static let name = "respondent.name"
    public static let role = "respondent.role"
    public static let email = "respondent.email"
    public static let phone = "respondent.phone"
    public static let consent = "consent.given"
    public static let anonymity = "consent.anonymity"

    public static let all: [Question] = [
        Question(id: name, type: .shortText, text: Label(en: "Respondent's name", cy: "Enw'r ymatebydd"),
                 note: Label(en: "Kept private: the data map shows a pseudonym.", cy: "Yn breifat: mae'r map data yn dangos ffugenw."),
                 required: true, choices: [], scale: nil, showIf: nil),
        Question(id: role, type: .shortText, text: Label(en: "Their role", cy: "Eu rôl"), note: nil, required: false,
                 choices: [], scale: nil, showIf: nil),
        Question(id: email, type: .shortText, text: Label(en: "Their email address", cy: "Eu cyfeiriad e-bost"), note: nil,
                 required: false, choices: [], scale: nil, showIf: nil),
        Question(id: phone, type: .shortText, text: Label(en: "Their phone number", cy: "Eu rhif ffôn"), note: nil,
                 required: false, choices: [], scale: nil, showIf: nil),
        // The statement is read aloud as the question, so the interviewer never has to find it elsewhere.
        Question(id: consent, type: .yesNo,
                 text: Label(en: "\"This interview is part of a study mapping services for children in care and on the edge of care. "
                                 + "Your answers will be used in the study's data map and report. You will not be named unless you agree, "
                                 + "and your name and contact details are kept apart from your answers. You may stop at any time, "
                                 + "or decline any question.\" Do they consent to take part, with their answers used in the study?",
                             cy: "\"Mae'r cyfweliad hwn yn rhan o astudiaeth sy'n mapio gwasanaethau i blant mewn gofal ac ar gyrion gofal. "
                                 + "Bydd eich atebion yn cael eu defnyddio ym map data ac adroddiad yr astudiaeth. Ni fyddwch yn cael eich enwi "
                                 + "oni bai eich bod yn cytuno, ac mae eich enw a'ch manylion cyswllt yn cael eu cadw ar wahân i'ch atebion. "
                                 + "Gallwch stopio ar unrhyw adeg, neu wrthod unrhyw gwestiwn.\" Ydyn nhw'n cydsynio i gymryd rhan, "
                                 + "gyda'u hatebion yn cael eu defnyddio yn yr astudiaeth?"),
                 note: Label(en: "Read the statement in quotation marks aloud. Without consent the interview stops and nothing is kept.",
                             cy: "Darllenwch y datganiad rhwng dyfynodau yn uchel. Heb gydsyniad mae'r cyfweliad yn dod i ben ac ni chedwir dim."),
                 required: true, choices: [], scale: nil, showIf: nil),
        Question(id: anonymity, type: .singleChoice,
                 text: Label(en: "May they be named in the report, or do they want anonymity?",
                             cy: "A ellir eu henwi yn yr adroddiad, neu ydyn nhw eisiau bod yn ddienw?"),
                 note: nil, required: true,
                 choices: [Choice(value: "anonymous", label: Label(en: "Anonymous", cy: "Dienw")),
                           Choice(value: "named", label: Label(en: "May be named", cy: "Gellir eu henwi"))],
                 scale: nil, showIf: nil),
    ]
}
