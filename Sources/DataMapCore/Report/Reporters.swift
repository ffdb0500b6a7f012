import Foundation

/// RFC 4180 CSV: CRLF line ends, UTF-8, fields quoted when they hold a comma, quote or line break.
public enum CSV {
    public static func render(header: [String], rows: [[String]]) -> Data {
        OutputSink.collect { sink in
            write(header, to: sink)
            for row in rows { write(row, to: sink) }
        }
    }

    /// One record and its line end.
    static func write(_ row: some Sequence<String>, to sink: OutputSink) {
        for (index, value) in row.enumerated() {
            if index > 0 { sink.write(byte: 0x2C) }
            write(field: value, to: sink)
        }
        sink.write(crlf)
    }

    static let crlf: [UInt8] = [0x0D, 0x0A]

    static func field(_ value: String) -> String {
        String(decoding: OutputSink.collect { write(field: value, to: $0) }, as: UTF8.self)
    }

    /// Spreadsheets run cells that start with = + - @ as formulas, so such cells get a
    /// leading apostrophe: the text still reads the same, and nothing executes.
    static func write(field value: String, to sink: OutputSink) {
        var value = value
        value.withUTF8 { bytes in
            // Every trigger is ASCII, so the first byte is the first character.
            let isFormula = bytes.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
            let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            if needsQuotes { sink.write(byte: 0x22) }
            if isFormula { sink.write(byte: 0x27) }
            if needsQuotes {
                var start = 0
                for (index, byte) in bytes.enumerated() where byte == 0x22 {
                    sink.write(UnsafeBufferPointer(rebasing: bytes[start...index]))
                    sink.write(byte: 0x22)
                    start = index + 1
                }
                sink.write(UnsafeBufferPointer(rebasing: bytes[start...]))
                sink.write(byte: 0x22)
            } else {
                sink.write(bytes)
            }
        }
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

/// Row by row into the sink: a table is never whole in memory as text.
func table<Row>(_ columns: [Column<Row>], _ rows: some Sequence<Row>, to sink: OutputSink) {
    CSV.write(columns.map(\.header), to: sink)
    for row in rows { CSV.write(columns.lazy.map { $0.value(row) }, to: sink) }
}

func table<Row>(_ columns: [Column<Row>], _ rows: some Sequence<Row>) -> Data {
    OutputSink.collect { table(columns, rows, to: $0) }
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
        // Where the values came from: as extracted, or confirmed, corrected or added by a coder.
        Column("origin") { $0.activity.coding?.origin.rawValue ?? "extracted" },
        Column("corrected_fields") { $0.activity.coding?.fields.joined(separator: listSeparator) ?? "" },
        Column("coders") { $0.activity.coding?.coders.joined(separator: listSeparator) ?? "" },
    ]

    public static func render(_ map: DataMap) -> Data { table(columns, map.rows) }

    /// - Parameter texts: fetches the rows' long texts where the store kept them.
    public static func write(_ map: DataMap, texts: RowTexts.Fetch? = nil, to sink: OutputSink) throws {
        let rows = RowTexts(map.rows, fetch: texts)
        table(columns, rows, to: sink)
        try rows.check()
    }
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
    public static func write(_ map: DataMap, to sink: OutputSink) { table(columns, map.answers, to: sink) }
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
    public static func write(_ map: DataMap, to sink: OutputSink) { table(columns, map.notes, to: sink) }
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
    public static func write(_ diagnostics: [Diagnostic], to sink: OutputSink) { table(columns, diagnostics, to: sink) }
}

/// `outbox/datamap.json`: the same rows with their structure kept, keys sorted for stable bytes.
public enum DataMapJSON {
    public static let format = "datamap/1"

    public static func render(_ map: DataMap) -> Data {
        // Without a store to fetch from, writing cannot fail.
        (try? OutputSink.collect { try write(map, to: $0) }) ?? Data()
    }

    /// - Parameter texts: fetches the rows' long texts where the store kept them.
    public static func write(_ map: DataMap, texts: RowTexts.Fetch? = nil, to sink: OutputSink) throws {
        let rows = RowTexts(map.rows, fetch: texts)
        sink.write("{\n")
        PrettyJSON.write(member: "activities", rows, last: false, to: sink)
        sink.write("  \"format\" : " + ReportTable.quote(format) + "\n}\n")
        try rows.check()
    }
}

/// The bytes JSONEncoder's pretty, key-sorted output gives for an object of lists, made one
/// element at a time, so a large document is never whole in memory.
enum PrettyJSON {
    /// `  "key" : [ … ]`, each element encoded alone and indented to its depth.
    static func write<Element: Encodable>(member key: String, _ elements: some Sequence<Element>, last: Bool, to sink: OutputSink) {
        let fast = PrettyJSONEncoder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let indent = [UInt8]("    ".utf8)
        sink.write("  " + ReportTable.quote(key) + " : [\n")
        var isEmpty = true
        var bytes: [UInt8] = []
        for element in elements {
            if !isEmpty { sink.write(",\n") }
            isEmpty = false
            bytes.removeAll(keepingCapacity: true)
            bytes += indent
            do {
                try fast.encode(element, depth: 2, into: &bytes)
                sink.write(bytes)
                continue
            } catch {
                // A value the fast encoder does not write as JSONEncoder does: JSONEncoder's own bytes.
            }
            // Encoding plain value types cannot fail.
            let encoded = (try? encoder.encode(element)) ?? Data("{}".utf8)
            // A string never holds a raw line break, so every line break is the encoder's;
            // the encoder leaves the inside of an empty list or object blank, unindented.
            encoded.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                var start = 0
                while start <= bytes.count {
                    let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                    if start > 0 { sink.write(byte: 0x0A) }
                    if end > start { sink.write(indent) }
                    sink.write(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    start = end + 1
                }
            }
        }
        sink.write("\n  ]")
        sink.write(last ? "\n" : ",\n")
    }
}
