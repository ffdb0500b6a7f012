import Foundation

/// The study's data map: one row per activity per reporting organisation, in a fixed order
/// so the same inputs always give the same bytes.
public struct DataMap: Sendable, Equatable {
    public struct Row: Sendable, Hashable, Codable {
        /// Stable within a study: the source file's stem and the activity's position in it.
        public var id: String
        public var organisation: Organisation
        public var respondent: String
        public var submitted: PartialDate
        public var language: Language
        public var activity: ActivityRecord
    }

    public struct AnswerRow: Sendable, Hashable {
        public var organisation: Organisation
        public var respondent: String
        public var answer: Answer
        public var source: String
    }

    public struct NoteRow: Sendable, Hashable {
        public var organisation: Organisation
        public var respondent: String
        public var note: InterviewNote
        public var source: String
    }

    /// One per return: who took part, how, and what they answered.
    public struct ParticipantRow: Sendable, Hashable {
        public var organisation: Organisation
        public var respondent: String
        public var method: String
        public var source: String
        public var submitted: PartialDate
        public var answers: [Answer]
        public var instrument: String?
        public var hasActivities: Bool
    }

    public private(set) var participants: [ParticipantRow]
    public private(set) var rows: [Row]
    public private(set) var answers: [AnswerRow]
    public private(set) var notes: [NoteRow]

    public init(returns: [AnonymisedReturn]) {
        var rows: [Row] = []
        var answers: [AnswerRow] = []
        var notes: [NoteRow] = []
        var participants: [ParticipantRow] = []
        for record in returns {
            participants.append(ParticipantRow(organisation: record.organisation, respondent: record.respondent,
                                               method: record.method.rawValue, source: record.source, submitted: record.submitted,
                                               answers: record.answers, instrument: record.instrument,
                                               hasActivities: !record.activities.isEmpty))
            notes += record.notes.map { NoteRow(organisation: record.organisation, respondent: record.respondent, note: $0, source: record.source) }
            let stem = Self.stem(record.source)
            for (index, activity) in record.activities.enumerated() {
                rows.append(Row(id: "\(stem)-\(index + 1)", organisation: record.organisation,
                                respondent: record.respondent, submitted: record.submitted,
                                language: record.language, activity: activity))
            }
            for answer in record.answers {
                answers.append(AnswerRow(organisation: record.organisation, respondent: record.respondent,
                                         answer: answer, source: record.source))
            }
        }
        // Indices are sorted, not rows: moving a row copies all of its fields.
        self.rows = rows.indices.sorted { Self.rowOrder(rows[$0], rows[$1]) }.map { rows[$0] }
        self.participants = participants.sorted { $0.source < $1.source }
        self.notes = notes.sorted { ($0.source, $0.note.step) < ($1.source, $1.note.step) }
        self.answers = answers.sorted {
            ($0.organisation.type, $0.organisation.name, $0.source, $0.answer.line)
                < ($1.organisation.type, $1.organisation.name, $1.source, $1.answer.line)
        }
    }

    private static func rowOrder(_ a: Row, _ b: Row) -> Bool {
        if a.organisation.type != b.organisation.type { return a.organisation.type < b.organisation.type }
        if a.organisation.name != b.organisation.name { return a.organisation.name < b.organisation.name }
        if a.activity.theme != b.activity.theme { return a.activity.theme < b.activity.theme }
        if a.activity.name != b.activity.name { return a.activity.name < b.activity.name }
        return (a.activity.provenance.file, a.activity.provenance.line) < (b.activity.provenance.file, b.activity.provenance.line)
    }

    /// `inbox/north/conwy.xml` gives `north/conwy`: unique across sub-folders.
    static func stem(_ path: String) -> String {
        var name = path.hasPrefix("inbox/") ? String(path.dropFirst("inbox/".count)) : path
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, !name[dot...].contains("/") {
            name = String(name[..<dot])
        }
        return name
    }
}
