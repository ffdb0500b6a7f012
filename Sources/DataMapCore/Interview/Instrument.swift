/// Text shown to people, in both of Wales's languages. Every label must have both.
public struct Label: Codable, Sendable, Hashable {
    public var en: String
    public var cy: String

    public init(en: String, cy: String) {
        self.en = en
        self.cy = cy
    }

    public func text(_ language: Language) -> String { language == .cy ? cy : en }
}

public enum QuestionType: String, Codable, Sendable, CaseIterable {
    case shortText = "short-text"
    case longText = "long-text"
    case yesNo = "yes-no"
    case singleChoice = "single-choice"
    case multipleChoice = "multiple-choice"
    case date
    case number
    case scale

    var hasChoices: Bool { self == .singleChoice || self == .multipleChoice }
}

public struct Choice: Codable, Sendable, Hashable {
    public var value: String
    public var label: Label
}

/// Show a question only when an earlier answer is (or is not) one of some values.
public struct Condition: Codable, Sendable, Hashable {
    public var question: String
    public var values: [String]
    /// True for `not:`: shown when the answer is none of `values`.
    public var negated: Bool
}

public struct Scale: Codable, Sendable, Hashable {
    public var min: Int
    public var max: Int
    public var minLabel: Label?
    public var maxLabel: Label?

    public init(min: Int, max: Int, minLabel: Label? = nil, maxLabel: Label? = nil) {
        self.min = min
        self.max = max
        self.minLabel = minLabel
        self.maxLabel = maxLabel
    }
}

public struct Question: Codable, Sendable, Hashable {
    public var id: String
    public var type: QuestionType
    /// Read aloud to the respondent.
    public var text: Label
    /// For the interviewer only; never read aloud, always shown apart.
    public var note: Label?
    public var required: Bool
    public var choices: [Choice]
    public var scale: Scale?
    public var showIf: Condition?
    /// For a number: the range it must fall in (`min`, `max` in the bank) and whether it must be
    /// whole ("How many homes?" takes neither -1 nor 2.5).
    public var range: NumberRange? = nil
    /// A soft check (`expect` in the bank): a number outside it is unusual, not impossible, so the
    /// interviewer may keep it with a reason instead of being refused.
    public var expected: NumberRange? = nil
}

public struct NumberRange: Codable, Sendable, Hashable {
    public var min: Double?
    public var max: Double?
    public var whole: Bool

    /// Whether a bound of another range lies inside this one (an absent bound always does).
    func holds(_ value: Double?) -> Bool {
        guard let value else { return true }
        return (min.map { value >= $0 } ?? true) && (max.map { value <= $0 } ?? true)
    }

    public init(min: Double? = nil, max: Double? = nil, whole: Bool = false) {
        self.min = min
        self.max = max
        self.whole = whole
    }
}

/// The fields a repetition can ask, each mapping onto one part of an activity record.
public enum ActivityField: String, Codable, Sendable, CaseIterable {
    case name, description, status, extent
    case extentNote = "extent-note"
    case start, end, duration
    case timescale
    case targetGroup = "target-group"
    case partners, funding
    case evaluationType = "evaluation-type"
    case evaluator
    case outcomeMeasures = "outcome-measures"
    case resultsDue = "results-due"
    case outcomes, documents

    /// The answer type each field needs, so a group can never ask for a date as free text.
    public var questionType: QuestionType {
        switch self {
        case .name, .extentNote, .duration, .timescale, .targetGroup, .partners, .funding, .evaluator,
             .outcomeMeasures, .documents: .shortText
        case .description, .outcomes: .longText
        case .status, .extent, .evaluationType: .singleChoice
        case .start, .end, .resultsDue: .date
        }
    }

    /// Fields that hold several values, typed separated by semicolons.
    public var isList: Bool { self == .partners || self == .outcomeMeasures || self == .documents }
}

/// "Tell me about each pilot project": each repetition becomes one activity record.
public struct RepeatingGroup: Codable, Sendable, Hashable {
    public var id: String
    public var theme: Theme
    public var kind: ActivityKind
    /// Introduces the group, e.g. "Tell me about each pilot project from the past 12 months".
    public var prompt: Label
    /// Asked before each repetition: "Is there a pilot project to record?" / "Is there another?".
    public var more: Label
    public var note: Label?
    public var fields: [Question]
    public var showIf: Condition?
}

public enum Item: Codable, Sendable, Hashable {
    case question(Question)
    case group(RepeatingGroup)

    public var id: String {
        switch self {
        case .question(let question): question.id
        case .group(let group): group.id
        }
    }

    public var showIf: Condition? {
        switch self {
        case .question(let question): question.showIf
        case .group(let group): group.showIf
        }
    }
}

public struct Section: Codable, Sendable, Hashable {
    public var id: String
    public var theme: Theme
    public var title: Label
    public var items: [Item]
}

/// One organisation type's schedule, composed from the shared bank. A snapshot of it goes into
/// every interview journal, so a resumed interview runs on exactly the version it started with.
public struct Instrument: Codable, Sendable, Hashable {
    public var organisationType: OrganisationType
    /// A digest of the bank and schedule files it was composed from.
    public var version: String
    public var title: Label
    public var sections: [Section]

    public var questions: [Question] {
        sections.flatMap(\.items).compactMap { if case .question(let q) = $0 { q } else { nil } }
    }
}
