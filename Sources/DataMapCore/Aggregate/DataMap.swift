import Foundation

/// The study's data map: one row per activity per reporting organisation, in a fixed order
/// so the same inputs always give the same bytes.
public struct DataMap: Sendable, Equatable {
    /// A value whose fields share one box until a row is changed: reports sort, filter and hand
    /// on rows by the tens of thousands, and copying every field of every row each time took a
    /// tenth of a rebuild at 10,000 returns. Copying a row now copies one reference.
    public struct Row: Sendable, Hashable, Codable {
        private final class Fields: @unchecked Sendable {
            // Never changed once shared: `fields` copies the box before any change, so no two
            // rows, and no two threads, ever see one box change.
            var id: String
            var organisation: Organisation
            var respondent: String
            var submitted: PartialDate
            var language: Language
            var activity: ActivityRecord
            var textKey: ActivityTextKey?

            init(id: String, organisation: Organisation, respondent: String, submitted: PartialDate, language: Language,
                 activity: ActivityRecord, textKey: ActivityTextKey?) {
                self.id = id
                self.organisation = organisation
                self.respondent = respondent
                self.submitted = submitted
                self.language = language
                self.activity = activity
                self.textKey = textKey
            }

            func copy() -> Fields {
                Fields(id: id, organisation: organisation, respondent: respondent, submitted: submitted, language: language,
                       activity: activity, textKey: textKey)
            }
        }

        private var shared: Fields

        /// The box, made this row's own before it is changed.
        private var fields: Fields {
            mutating get {
                if !isKnownUniquelyReferenced(&shared) { shared = shared.copy() }
                return shared
            }
        }

        public init(id: String, organisation: Organisation, respondent: String, submitted: PartialDate, language: Language,
                    activity: ActivityRecord, textKey: ActivityTextKey? = nil) {
            shared = Fields(id: id, organisation: organisation, respondent: respondent, submitted: submitted, language: language,
                            activity: activity, textKey: textKey)
        }

        /// Stable within a study: the source file's stem and the activity's position in it.
        public var id: String { get { shared.id } set { fields.id = newValue } }
        public var organisation: Organisation { get { shared.organisation } set { fields.organisation = newValue } }
        public var respondent: String { get { shared.respondent } set { fields.respondent = newValue } }
        public var submitted: PartialDate { get { shared.submitted } set { fields.submitted = newValue } }
        public var language: Language { get { shared.language } set { fields.language = newValue } }
        public var activity: ActivityRecord { get { shared.activity } set { fields.activity = newValue } }
        /// Where the activity's long texts wait in the store, when they were left there; never published.
        public var textKey: ActivityTextKey? { get { shared.textKey } set { fields.textKey = newValue } }

        enum CodingKeys: String, CodingKey {
            case id, organisation, respondent, submitted, language, activity
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(id: try container.decode(String.self, forKey: .id),
                      organisation: try container.decode(Organisation.self, forKey: .organisation),
                      respondent: try container.decode(String.self, forKey: .respondent),
                      submitted: try container.decode(PartialDate.self, forKey: .submitted),
                      language: try container.decode(Language.self, forKey: .language),
                      activity: try container.decode(ActivityRecord.self, forKey: .activity))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(organisation, forKey: .organisation)
            try container.encode(respondent, forKey: .respondent)
            try container.encode(submitted, forKey: .submitted)
            try container.encode(language, forKey: .language)
            try container.encode(activity, forKey: .activity)
        }

        public static func == (lhs: Row, rhs: Row) -> Bool {
            lhs.shared === rhs.shared || (lhs.id == rhs.id && lhs.organisation == rhs.organisation && lhs.respondent == rhs.respondent
                && lhs.submitted == rhs.submitted && lhs.language == rhs.language && lhs.activity == rhs.activity
                && lhs.textKey == rhs.textKey)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(id)
            hasher.combine(organisation)
            hasher.combine(respondent)
            hasher.combine(submitted)
            hasher.combine(language)
            hasher.combine(activity)
            hasher.combine(textKey)
        }
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
        /// What reading decided for itself: a date supplied, an organisation matched.
        public var intake: [IntakeNote] = []
    }

    public private(set) var participants: [ParticipantRow]
    public private(set) var rows: [Row]
    public private(set) var answers: [AnswerRow]
    public private(set) var notes: [NoteRow]

    /// - Parameter storePaths: each return's path in the store, when its activities' long texts
    ///   were left there; rows then carry the key an output uses to fetch them.
    public init(returns: [AnonymisedReturn], storePaths: [String]? = nil) {
        // Sized once: a large study's rows are tens of megabytes, and growing copies them.
        var rows: [Row] = []
        rows.reserveCapacity(returns.reduce(0) { $0 + $1.activities.count })
        var answers: [AnswerRow] = []
        answers.reserveCapacity(returns.reduce(0) { $0 + $1.answers.count })
        var notes: [NoteRow] = []
        var participants: [ParticipantRow] = []
        participants.reserveCapacity(returns.count)
        for (number, record) in returns.enumerated() {
            participants.append(ParticipantRow(organisation: record.organisation, respondent: record.respondent,
                                               method: record.method.rawValue, source: record.source, submitted: record.submitted,
                                               answers: record.answers, instrument: record.instrument,
                                               hasActivities: !record.activities.isEmpty, intake: record.intake ?? []))
            notes += record.notes.map { NoteRow(organisation: record.organisation, respondent: record.respondent, note: $0, source: record.source) }
            let stem = Self.stem(record.source)
            for (index, activity) in record.activities.enumerated() {
                // The row is the owner's: a research centre's evidence about Newport's team maps Newport.
                rows.append(Row(id: "\(stem)-\(index + 1)", organisation: activity.owner ?? record.organisation,
                                respondent: record.respondent, submitted: record.submitted,
                                language: record.language, activity: activity,
                                textKey: activity.coding?.origin == .added ? nil
                                    : storePaths.map { ActivityTextKey(path: $0[number], position: activity.storedPosition ?? index) }))
            }
            for answer in record.answers {
                answers.append(AnswerRow(organisation: record.organisation, respondent: record.respondent,
                                         answer: answer, source: record.source))
            }
        }
        // Indices are sorted, not rows (moving a row copies all of its fields), and the rows are
        // then put in that order where they are, not copied into a second array.
        rows.permute(into: rows.indices.sorted { Self.rowOrder(rows[$0], rows[$1]) })
        self.rows = rows
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

extension Array {
    /// Rearranges in place so that element `i` is the one that was at `order[i]`, by swaps
    /// along each cycle of the permutation.
    mutating func permute(into order: [Int]) {
        var order = order
        for start in indices {
            var position = start
            while order[position] != start {
                let source = order[position]
                swapAt(position, source)
                order[position] = position
                position = source
            }
            order[position] = position
        }
    }
}

/// Puts the long texts back into rows as an output reaches them, a batch at a time, so only a
/// batch of them is ever in memory. Each output has its own, as outputs are written concurrently.
public final class RowTexts {
    /// Fetches texts for keys, in order, already masked if organisations are masked.
    public typealias Fetch = @Sendable ([ActivityTextKey]) throws -> [ActivityTexts]
    static let batchSize = 512

    private let rows: [DataMap.Row]
    private let fetch: Fetch?
    private var start = 0
    private var batch: [DataMap.Row] = []
    /// The first failure to fetch; rows after it are given without their texts, and the
    /// output that used them must throw this.
    private var failure: (any Error)?

    public init(_ rows: [DataMap.Row], fetch: Fetch?) {
        self.rows = rows
        self.fetch = fetch
    }

    public var count: Int { rows.count }

    public subscript(index: Int) -> DataMap.Row {
        guard let fetch, failure == nil, rows[index].textKey != nil else { return rows[index] }
        if index < start || index >= start + batch.count {
            start = index
            batch = Array(rows[index..<Swift.min(rows.count, index + Self.batchSize)])
            let keys = batch.compactMap(\.textKey)
            do {
                var texts = try fetch(keys).makeIterator()
                for position in batch.indices where batch[position].textKey != nil {
                    guard let next = texts.next() else { throw FetchError.short }
                    batch[position].activity.longTexts = next
                }
            } catch {
                failure = error
                batch = []
                return rows[index]
            }
        }
        return batch[index - start]
    }

    public func check() throws { if let failure { throw failure } }

    enum FetchError: Error, CustomStringConvertible {
        case short
        var description: String { "the store gave fewer activity texts than were asked for" }
    }
}

extension RowTexts: Sequence {
    public func makeIterator() -> AnyIterator<DataMap.Row> {
        var index = 0
        return AnyIterator {
            guard index < self.count else { return nil }
            defer { index += 1 }
            return self[index]
        }
    }
}
