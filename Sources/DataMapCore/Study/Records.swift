import Foundation

/// A date as precise as the respondent gave it: "2018", "2018-04" or "2018-04-01".
/// People say "from April 2017", so inventing a day would be a false precision.
public struct PartialDate: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int?
    public var day: Int?

    public init(year: Int, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses the XSD forms `YYYY`, `YYYY-MM` and `YYYY-MM-DD`, ignoring any time-zone suffix.
    public init?(_ text: String) {
        var core = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if core.hasSuffix("Z") { core.removeLast() }
        if core.count > 10, let sign = core.lastIndex(where: { $0 == "+" || $0 == "-" }),
           core.distance(from: core.startIndex, to: sign) >= 4, core[sign...].contains(":") {
            core = String(core[..<sign])
        }
        let parts = core.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts[0].count == 4, let year = Int(parts[0]) else { return nil }
        let numbers = parts.dropFirst().map { $0.count == 2 ? Int($0) : nil }
        guard !numbers.contains(where: { $0 == nil }) else { return nil }
        let month = numbers.first ?? nil
        let day = numbers.count > 1 ? numbers[1] : nil
        if let month, !(1...12).contains(month) { return nil }
        if let day, !(1...31).contains(day) { return nil }
        self.init(year: year, month: month, day: day)
        guard isOnTheCalendar else { return nil }
    }

    /// False for a day the month does not have: 30 February, 31 April, 29 February 2019.
    public var isOnTheCalendar: Bool {
        guard let month else { return true }
        guard (1...12).contains(month) else { return false }
        guard let day else { return true }
        return (1...Self.days(inMonth: month, year: year)).contains(day)
    }

    public static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        // printf's %04d and %02d, without printf: every CSV row formats several dates.
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value.magnitude)
            let sign = value < 0 ? "-" : ""
            return sign + String(repeating: "0", count: max(0, width - sign.count - digits.count)) + digits
        }
        var text = padded(year, 4)
        if let month { text += "-" + padded(month, 2) }
        if let day { text += "-" + padded(day, 2) }
        return text
    }

    /// True only when every day this date could mean comes before every day `other` could:
    /// 2018 is not before 2018-04, but 2017-12 is.
    public func definitelyBefore(_ other: PartialDate) -> Bool {
        if year != other.year { return year < other.year }
        guard let month, let otherMonth = other.month else { return false }
        if month != otherMonth { return month < otherMonth }
        guard let day, let otherDay = other.day else { return false }
        return day < otherDay
    }

    /// Orders by the earliest moment each date could mean.
    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        (lhs.year, lhs.month ?? 0, lhs.day ?? 0) < (rhs.year, rhs.month ?? 0, rhs.day ?? 0)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = PartialDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a partial date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public struct Timescale: Codable, Sendable, Hashable {
    public var start: PartialDate?
    public var end: PartialDate?
    /// An ISO 8601 duration such as `P3Y`.
    public var duration: String?
    /// The respondent's own words, kept because "about to start" means something a date cannot.
    public var phrase: String?

    public init(start: PartialDate? = nil, end: PartialDate? = nil, duration: String? = nil, phrase: String? = nil) {
        self.start = start
        self.end = end
        self.duration = duration
        self.phrase = phrase
    }

    /// A proper pilot runs for a predetermined period; a start date alone does not say how long.
    public var isDefined: Bool { end != nil || duration != nil }
}

public struct Evaluation: Codable, Sendable, Hashable {
    public var type: EvaluationType
    public var evaluator: String?
    public var measures: [String]
    public var resultsDue: PartialDate?
    public var note: String?

    public init(type: EvaluationType, evaluator: String? = nil, measures: [String] = [],
                resultsDue: PartialDate? = nil, note: String? = nil) {
        self.type = type
        self.evaluator = evaluator
        self.measures = measures
        self.resultsDue = resultsDue
        self.note = note
    }
}

public struct Extent: Codable, Sendable, Hashable {
    public enum Scope: String, Codable, Sendable, Hashable { case full, part }
    public var scope: Scope
    public var note: String?

    public init(scope: Scope, note: String? = nil) {
        self.scope = scope
        self.note = note
    }

    /// "full", or "part — only for assessment processes", as the report writes it.
    public var summary: String {
        guard let note, !note.isEmpty else { return scope.rawValue }
        return "\(scope.rawValue) — \(note)"
    }
}

/// Where a value came from, so a reader of the data map can go back to the source.
public struct Provenance: Codable, Sendable, Hashable {
    public enum Method: String, Codable, Sendable, Hashable {
        case writtenReturn = "written-return"
        case interview
        /// Answered on the web form (`datamap serve`): structured like an interview, typed by the respondent.
        case webForm = "web-form"
        case document
    }

    public var method: Method
    /// Path relative to the study root, e.g. `inbox/conwy.xml`.
    public var file: String
    public var line: Int
    /// The last line of the source span, when it runs over several lines.
    public var endLine: Int?
    /// For interviews: seconds into the audio recording where this was said.
    public var offset: Double?

    public init(method: Method, file: String, line: Int, endLine: Int? = nil, offset: Double? = nil) {
        self.method = method
        self.file = file
        self.line = line
        self.endLine = endLine
        self.offset = offset
    }
}

/// The words one extracted value came from, and where they are.
public struct Evidence: Codable, Sendable, Hashable {
    /// The record field it fills: `name`, `timescale`, `evaluation`, `partners`, `status`, `kind`, `theme`…
    public var field: String
    public var line: Int
    public var endLine: Int?
    /// The exact phrase, as written (anonymised before it is stored).
    public var phrase: String

    public init(field: String, line: Int, endLine: Int? = nil, phrase: String) {
        self.field = field
        self.line = line
        self.endLine = endLine
        self.phrase = phrase
    }
}

/// One activity as reported by one organisation: one row of the data map.
public struct ActivityRecord: Codable, Sendable, Hashable {
    public var theme: Theme
    public var kind: ActivityKind
    public var name: String
    public var description: String?
    public var status: ActivityStatus
    public var extent: Extent?
    public var timescale: Timescale?
    public var targetGroup: String?
    public var partners: [String]
    public var funding: String?
    public var evaluation: Evaluation?
    public var outcomes: String?
    public var documents: [String]
    public var provenance: Provenance
    /// For prose returns: the phrase each value was read from, so a person can check it.
    public var evidence: [Evidence]?
    /// Whose activity it is, when that is not the body that sent the return: "Newport's Edge of
    /// Care team" in a research centre's evidence, or a partner's appendix to a council's report.
    /// The sender is then the activity's `reportedBy`, which is the return's own organisation.
    public var owner: Organisation?
    /// Set when a coder has looked at it (`coding/`); nil means as extracted, not yet checked.
    public var coding: CodingOrigin?
    /// Its place among the return's activities as read, where the store keeps its long texts;
    /// a coder's rejections and additions move it. Never written out.
    public var storedPosition: Int?

    enum CodingKeys: String, CodingKey {
        case theme, kind, name, description, status, extent, timescale, targetGroup, partners, funding, evaluation,
             outcomes, documents, provenance, evidence, owner, coding
    }

    public init(theme: Theme, kind: ActivityKind, name: String, description: String? = nil,
                status: ActivityStatus, extent: Extent? = nil, timescale: Timescale? = nil,
                targetGroup: String? = nil, partners: [String] = [], funding: String? = nil,
                evaluation: Evaluation? = nil, outcomes: String? = nil, documents: [String] = [],
                provenance: Provenance) {
        self.theme = theme
        self.kind = kind
        self.name = name
        self.description = description
        self.status = status
        self.extent = extent
        self.timescale = timescale
        self.targetGroup = targetGroup
        self.partners = partners
        self.funding = funding
        self.evaluation = evaluation
        self.outcomes = outcomes
        self.documents = documents
        self.provenance = provenance
    }
}

public struct Organisation: Codable, Sendable, Hashable {
    public var name: String
    public var type: OrganisationType
    public var region: String?

    public init(name: String, type: OrganisationType, region: String? = nil) {
        self.name = name
        self.type = type
        self.region = region
    }
}

/// The person who answered. Every field identifies them, so this type never leaves ingest:
/// the anonymiser turns it into a pseudonym before anything is stored or written.
public struct Respondent: Sendable, Hashable {
    public var name: String
    public var role: String?
    public var email: String?
    public var phone: String?

    public init(name: String, role: String? = nil, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.role = role
        self.email = email
        self.phone = phone
    }
}

public struct Consent: Codable, Sendable, Hashable {
    public var given: Bool
    public var anonymity: Anonymity

    public init(given: Bool, anonymity: Anonymity) {
        self.given = given
        self.anonymity = anonymity
    }
}

public struct Answer: Codable, Sendable, Hashable {
    /// Don't know, Refused and Not applicable are answers too, and differ from a blank.
    public enum NonResponse: String, Codable, Sendable, Hashable {
        case dontKnow = "dont-know", refused, notApplicable = "not-applicable"
    }

    public var question: String
    public var text: String
    public var nonResponse: NonResponse?
    public var line: Int
    /// Interview paradata: when the answer was entered, and where in the recording.
    public var at: Date?
    public var offset: Double?

    public init(question: String, text: String, nonResponse: NonResponse? = nil, line: Int,
                at: Date? = nil, offset: Double? = nil) {
        self.question = question
        self.text = text
        self.nonResponse = nonResponse
        self.line = line
        self.at = at
        self.offset = offset
    }
}

/// How an interview return was captured: the instrument version, times, recording and notes.
public struct InterviewInfo: Codable, Sendable, Hashable {
    /// `<organisation type>@<version>`, the exact schedule the interview ran on.
    public var instrument: String
    public var started: Date
    public var finished: Date
    public var recording: String?
    public var notes: [InterviewNote]
    /// nil for a telephone interview (older returns say nothing); `.web` for the web form.
    public var mode: CaptureMode?
    /// The browser's family on the web form ("Chrome", "Firefox"), never the full user-agent.
    public var agent: String?
    /// Seconds spent on each page of the web form.
    public var pages: [PageTime]

    public init(instrument: String, started: Date, finished: Date, recording: String? = nil, notes: [InterviewNote] = [],
                mode: CaptureMode? = nil, agent: String? = nil, pages: [PageTime] = []) {
        self.mode = mode
        self.agent = agent
        self.pages = pages
        self.instrument = instrument
        self.started = started
        self.finished = finished
        self.recording = recording
        self.notes = notes
    }
}

extension Provenance.Method {
    /// How a return in the XML format was captured, from its paradata.
    public init(capturedBy interview: InterviewInfo?) {
        guard let interview else { self = .writtenReturn; return }
        self = interview.mode == .web ? .webForm : .interview
    }

    /// Asked question by question from an instrument, so every answer can be checked against it.
    public var isStructured: Bool { self == .interview || self == .webForm }
}

public struct PageTime: Codable, Sendable, Hashable {
    public var page: String
    public var seconds: Double

    public init(page: String, seconds: Double) {
        self.page = page
        self.seconds = seconds
    }
}

/// Something reading decided that a person should be able to check, with the line it concerns.
/// Messages name organisations and dates, never people.
public struct IntakeNote: Codable, Sendable, Hashable {
    public var code: String
    public var line: Int
    public var message: String

    public init(code: String, line: Int, message: String) {
        self.code = code
        self.line = line
        self.message = message
    }
}

/// A return as read from its source, identities included. It exists only in memory during ingest.
public struct Return: Sendable, Hashable {
    public var source: String
    public var organisation: Organisation
    public var respondent: Respondent
    public var consent: Consent
    public var submitted: PartialDate
    public var language: Language
    public var answers: [Answer]
    public var activities: [ActivityRecord]
    public var interview: InterviewInfo?
    /// Where `submitted` came from: most written returns carry no date of their own.
    public var submittedFrom: DateSource = .stated
    /// What reading had to decide for itself, for a person to check: a date supplied, an
    /// organisation matched by a near spelling. Each becomes a note finding.
    public var intake: [IntakeNote] = []

    public enum DateSource: String, Codable, Sendable, Hashable {
        case stated, collectionPeriod = "collection-period", fileDate = "file-date"
    }

    public init(source: String, organisation: Organisation, respondent: Respondent, consent: Consent,
                submitted: PartialDate, language: Language, answers: [Answer], activities: [ActivityRecord],
                interview: InterviewInfo? = nil) {
        self.source = source
        self.organisation = organisation
        self.respondent = respondent
        self.consent = consent
        self.submitted = submitted
        self.language = language
        self.answers = answers
        self.activities = activities
        self.interview = interview
    }
}

/// A return after the anonymise stage: what the store keeps and every output is built from.
public struct AnonymisedReturn: Codable, Sendable, Hashable {
    public var source: String
    public var organisation: Organisation
    /// Keyed pseudonym of the respondent, e.g. `P-3FA29C1B`.
    public var respondent: String
    public var anonymity: Anonymity
    public var submitted: PartialDate
    public var language: Language
    public var answers: [Answer]
    public var activities: [ActivityRecord]
    /// Interviewer notes, scrubbed like every other free text.
    public var notes: [InterviewNote]
    public var method: Provenance.Method
    /// The interview's instrument (`<type>@<version>`), for checking required answers.
    public var instrument: String?
    /// What anonymisation found, for the residual-risk report.
    public var risk = RiskRecord()
    /// Absent for a return that stated its own date.
    public var submittedFrom: Return.DateSource?
    public var intake: [IntakeNote]?

    public init(source: String, organisation: Organisation, respondent: String, anonymity: Anonymity,
                submitted: PartialDate, language: Language, answers: [Answer], activities: [ActivityRecord],
                notes: [InterviewNote] = [], method: Provenance.Method = .writtenReturn, instrument: String? = nil) {
        self.method = method
        self.instrument = instrument
        self.source = source
        self.organisation = organisation
        self.respondent = respondent
        self.anonymity = anonymity
        self.submitted = submitted
        self.language = language
        self.answers = answers
        self.activities = activities
        self.notes = notes
    }
}
