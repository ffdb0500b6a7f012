import Foundation

/// RFC 4180 CSV: CRLF line ends, UTF-8, fields quoted when they hold a comma, quote or line break.
public enum CSV {
    public static func render(header: [String], rows: [[String]]) -> Data {
        var text = ""
        for row in [header] + rows {
            text += row.map(field).joined(separator: ",") + "\r\n"
        }
        return Data(text.utf8)
    }

    /// Spreadsheets run cells that start with = + - @ as formulas, so such cells get a
    /// leading apostrophe: the text still reads the same, and nothing executes.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        if value.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}

/// A column of a table: its header and how a row fills it. One list serves every format.
struct Column<Row>: Sendable {
    let header: String
    let value: @Sendable (Row) -> String

    init(_ header: String, _ value: @escaping @Sendable (Row) -> String) {
        self.header = header
        self.value = value
    }
}

func table<Row>(_ columns: [Column<Row>], _ rows: [Row]) -> Data {
    CSV.render(header: columns.map(\.header), rows: rows.map { row in columns.map { $0.value(row) } })
}

/// `outbox/datamap.csv`: the data map, one row per activity.
public enum DataMapCSV {
    static let listSeparator = "; "

    static let columns: [Column<DataMap.Row>] = [
        Column("id") { $0.id },
        Column("organisation") { $0.organisation.name },
        Column("organisation_type") { $0.organisation.type.rawValue },
        Column("region") { $0.organisation.region ?? "" },
        Column("respondent") { $0.respondent },
        Column("theme") { $0.activity.theme.rawValue },
        Column("kind") { $0.activity.kind.rawValue },
        Column("name") { $0.activity.name },
        Column("description") { $0.activity.description ?? "" },
        Column("status") { $0.activity.status.rawValue },
        Column("extent") { $0.activity.extent?.scope.rawValue ?? "" },
        Column("extent_note") { $0.activity.extent?.note ?? "" },
        Column("timescale_start") { $0.activity.timescale?.start?.description ?? "" },
        Column("timescale_end") { $0.activity.timescale?.end?.description ?? "" },
        Column("timescale_duration") { $0.activity.timescale?.duration ?? "" },
        Column("timescale_phrase") { $0.activity.timescale?.phrase ?? "" },
        Column("target_group") { $0.activity.targetGroup ?? "" },
        Column("partners") { $0.activity.partners.joined(separator: listSeparator) },
        Column("funding") { $0.activity.funding ?? "" },
        Column("evaluation_type") { $0.activity.evaluation?.type.rawValue ?? "" },
        Column("evaluator") { $0.activity.evaluation?.evaluator ?? "" },
        Column("outcome_measures") { $0.activity.evaluation?.measures.joined(separator: listSeparator) ?? "" },
        Column("results_due") { $0.activity.evaluation?.resultsDue?.description ?? "" },
        Column("evaluation_note") { $0.activity.evaluation?.note ?? "" },
        Column("outcomes") { $0.activity.outcomes ?? "" },
        Column("documents") { $0.activity.documents.joined(separator: listSeparator) },
        Column("language") { $0.language.rawValue },
        Column("submitted") { $0.submitted.description },
        Column("source_method") { $0.activity.provenance.method.rawValue },
        Column("source_file") { $0.activity.provenance.file },
        Column("source_line") { $0.activity.provenance.line > 0 ? String($0.activity.provenance.line) : "" },
        Column("recording_offset") { $0.activity.provenance.offset.map(XMLTime.duration) ?? "" },
    ]

    public static func render(_ map: DataMap) -> Data { table(columns, map.rows) }
}

/// `outbox/answers.csv`: every answer keyed by question id, anonymised like the activities.
public enum AnswersCSV {
    static let columns: [Column<DataMap.AnswerRow>] = [
        Column("organisation") { $0.organisation.name },
        Column("organisation_type") { $0.organisation.type.rawValue },
        Column("respondent") { $0.respondent },
        Column("question") { $0.answer.question },
        Column("answer") { $0.answer.text },
        Column("non_response") { $0.answer.nonResponse?.rawValue ?? "" },
        Column("answered_at") { $0.answer.at.map(XMLTime.dateTime) ?? "" },
        Column("recording_offset") { $0.answer.offset.map(XMLTime.duration) ?? "" },
        Column("source_file") { $0.source },
        Column("source_line") { String($0.answer.line) },
    ]

    public static func render(_ map: DataMap) -> Data { table(columns, map.answers) }
}

/// `outbox/notes.csv`: interviewers' notes, kept apart from what respondents said.
public enum NotesCSV {
    static let columns: [Column<DataMap.NoteRow>] = [
        Column("organisation") { $0.organisation.name },
        Column("organisation_type") { $0.organisation.type.rawValue },
        Column("respondent") { $0.respondent },
        Column("step") { $0.note.step },
        Column("note") { $0.note.text },
        Column("noted_at") { $0.note.at.map(XMLTime.dateTime) ?? "" },
        Column("recording_offset") { $0.note.offset.map(XMLTime.duration) ?? "" },
        Column("source_file") { $0.source },
    ]

    public static func render(_ map: DataMap) -> Data { table(columns, map.notes) }
}

/// `outbox/rejected.csv`: every refused return, located, with what to do about it.
public enum RejectedCSV {
    static let columns: [Column<Diagnostic>] = [
        Column("file") { $0.location.file },
        Column("line") { String($0.location.line) },
        Column("column") { String($0.location.column) },
        Column("code") { $0.code.rawValue },
        Column("reason") { $0.message },
        Column("hint") { $0.hint },
    ]

    public static func render(_ diagnostics: [Diagnostic]) -> Data { table(columns, diagnostics) }
}

/// `outbox/datamap.json`: the same rows with their structure kept, keys sorted for stable bytes.
public enum DataMapJSON {
    public static let format = "datamap/1"

    struct Document: Encodable {
        let format: String
        let activities: [DataMap.Row]
    }

    public static func render(_ map: DataMap) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types cannot fail; an empty map is still a valid document.
        let data = (try? encoder.encode(Document(format: format, activities: map.rows))) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }
}
