import Foundation

/// What `datamap extract` shows: the outline and the records of each return, every value next to
/// the line and phrase it came from, so a person can check the extraction against the text.
public enum ExtractView {
    public struct Document: Sendable {
        public var file: String
        public var record: AnonymisedReturn
        public var reading: TextReturnReader.Reading?

        public init(file: String, record: AnonymisedReturn, reading: TextReturnReader.Reading?) {
            self.file = file
            self.record = record
            self.reading = reading
        }
    }

    public static func text(_ documents: [Document]) -> String {
        var out: [String] = []
        for document in documents {
            let record = document.record
            var kind = "XML return"
            if let reading = document.reading {
                kind = reading.mode == .template ? "filled-in template" : "prose"
                if let encoding = reading.encoding { kind += ", \(encoding.rawValue)" } else { kind += ", Word" }
            }
            out.append("\(document.file): \(kind)")
            let dated = record.submittedFrom.map { " (\($0.rawValue))" } ?? ""
            out.append("  organisation: \(record.organisation.name) (\(record.organisation.type.rawValue)); dated \(record.submitted)\(dated); "
                       + "language \(record.language.rawValue); respondent \(record.respondent)")
            for note in record.intake ?? [] { out.append("  note: line \(note.line): \(note.message) [\(note.code)]") }
            // The outline as stored: anonymised like every other text.
            let outline = record.answers.filter { $0.question.hasPrefix("outline.") }
            if !outline.isEmpty {
                out.append("  outline:")
                for answer in outline {
                    let depth = answer.question.split(separator: ".").count
                    let number = depth == 3 ? "\(answer.question.split(separator: ".").last!). " : ""
                    out.append(String(repeating: "  ", count: depth) + "line \(answer.line): \(number)\(answer.text)")
                }
            }
            out.append("  activities: \(record.activities.count)")
            for (index, activity) in record.activities.enumerated() {
                let span = activity.provenance.endLine.map { "lines \(activity.provenance.line)–\($0)" } ?? "line \(activity.provenance.line)"
                out.append("  \(index + 1). \(activity.name)  [\(activity.kind.rawValue), \(activity.theme.rawValue), "
                           + "\(activity.status.rawValue)]  \(span)")
                // Whose it is and the sentence it came from: what a researcher checks first.
                let owner = activity.owner.map { "\($0.name) (reported by \(record.organisation.name))" } ?? record.organisation.name
                var rows = [("owner", owner)]
                if let sentence = activity.description { rows.append(("sentence", "“\(sentence)”")) }
                for (field, value) in rows + summary(activity) {
                    out.append("       \(field.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value)")
                }
                for evidence in activity.evidence ?? [] {
                    let lines = evidence.endLine.flatMap { $0 != evidence.line ? "\(evidence.line)–\($0)" : nil } ?? "\(evidence.line)"
                    out.append("       · \(evidence.field) from line \(lines): \"\(evidence.phrase)\"")
                }
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// The values a reader checks first, one line each.
    static func summary(_ activity: ActivityRecord) -> [(String, String)] {
        var rows: [(String, String)] = []
        if let timescale = activity.timescale {
            var parts: [String] = []
            if let start = timescale.start { parts.append("start \(start)") }
            if let end = timescale.end { parts.append("end \(end)") }
            if let duration = timescale.duration { parts.append("duration \(duration)") }
            parts.append(timescale.isDefined ? "defined" : "not defined")
            rows.append(("timescale", parts.joined(separator: ", ")))
        } else {
            rows.append(("timescale", "none stated"))
        }
        if let evaluation = activity.evaluation {
            var parts = [evaluation.type.rawValue]
            if let evaluator = evaluation.evaluator { parts.append("by \(evaluator)") }
            if !evaluation.measures.isEmpty { parts.append("measures: " + evaluation.measures.joined(separator: ", ")) }
            if let due = evaluation.resultsDue { parts.append("results due \(due)") }
            rows.append(("evaluation", parts.joined(separator: "; ")))
        } else {
            rows.append(("evaluation", "none stated"))
        }
        if !activity.partners.isEmpty { rows.append(("partners", activity.partners.joined(separator: "; "))) }
        if let funding = activity.funding { rows.append(("funding", funding)) }
        return rows
    }

    public static func json(_ documents: [Document]) -> String {
        struct Output: Encodable {
            var file: String
            var mode: String
            var organisation: Organisation
            var submitted: PartialDate
            var submittedFrom: String
            var notes: [IntakeNote]
            var outline: [Section]
            var activities: [ActivityRecord]
        }
        struct Section: Encodable {
            var title: String
            var line: Int
            var items: [Item]
        }
        struct Item: Encodable {
            var number: Int
            var title: String
            var line: Int
        }
        let outputs = documents.map { document in
            var sections: [Section] = []
            for answer in document.record.answers where answer.question.hasPrefix("outline.") {
                let parts = answer.question.split(separator: ".")
                if parts.count == 2 {
                    sections.append(Section(title: answer.text, line: answer.line, items: []))
                } else if let number = Int(parts.last!), !sections.isEmpty {
                    sections[sections.count - 1].items.append(Item(number: number, title: answer.text, line: answer.line))
                }
            }
            return Output(file: document.file, mode: document.reading?.mode.rawValue ?? "xml", organisation: document.record.organisation,
                          submitted: document.record.submitted,
                          submittedFrom: (document.record.submittedFrom ?? .stated).rawValue,
                          notes: document.record.intake ?? [],
                          outline: sections, activities: document.record.activities)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(outputs)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
