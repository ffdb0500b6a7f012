import Foundation

/// `xs:dateTime` and `xs:duration` as the return format writes them.
public enum XMLTime {
    public static func dateTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// Seconds as `PT1H2M3S`, to whole seconds.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let hours = total / 3600, minutes = (total % 3600) / 60, rest = total % 60
        var text = "PT"
        if hours > 0 { text += "\(hours)H" }
        if minutes > 0 { text += "\(minutes)M" }
        if rest > 0 || (hours == 0 && minutes == 0) { text += "\(rest)S" }
        return text
    }

    /// The time part of an `xs:duration` in seconds; nil for forms with years, months or days.
    public static func seconds(_ duration: String) -> Double? {
        guard duration.hasPrefix("PT") else { return nil }
        var total = 0.0
        var number = ""
        for character in duration.dropFirst(2) {
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number) else { return nil }
            switch character {
            case "H": total += value * 3600
            case "M": total += value * 60
            case "S": total += value
            default: return nil
            }
            number = ""
        }
        return number.isEmpty ? total : nil
    }
}

/// Writes a `Return` as a version 1 XML return: what an interview leaves in `inbox/`.
public enum ReturnWriter {
    public static func xml(_ record: Return) -> Data {
        var out = XMLOutput()
        out.line(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        out.open("return", ["xmlns": ReturnSchema.namespace, "version": "1"])
        out.open("organisation", ["type": record.organisation.type.rawValue])
        out.element("name", record.organisation.name)
        out.element("region", record.organisation.region)
        out.close("organisation")
        out.open("respondent")
        out.element("name", record.respondent.name)
        out.element("role", record.respondent.role)
        out.element("email", record.respondent.email)
        out.element("phone", record.respondent.phone)
        out.close("respondent")
        out.empty("consent", ["given": record.consent.given ? "true" : "false", "anonymity": record.consent.anonymity.rawValue])
        out.element("submitted", record.submitted.description)
        out.element("language", record.language.rawValue)
        if let interview = record.interview {
            var attributes = ["instrument": interview.instrument, "started": XMLTime.dateTime(interview.started),
                              "finished": XMLTime.dateTime(interview.finished)]
            attributes["recording"] = interview.recording
            attributes["mode"] = interview.mode?.rawValue
            attributes["agent"] = interview.agent
            if interview.notes.isEmpty && interview.pages.isEmpty {
                out.empty("interview", attributes)
            } else {
                out.open("interview", attributes)
                for page in interview.pages {
                    out.empty("page", ["id": page.page, "seconds": String(Int(page.seconds.rounded()))])
                }
                for note in interview.notes {
                    var noteAttributes = ["step": note.step]
                    noteAttributes["at"] = note.at.map(XMLTime.dateTime)
                    noteAttributes["offset"] = note.offset.map(XMLTime.duration)
                    out.element("note", note.text, noteAttributes)
                }
                out.close("interview")
            }
        }
        if !record.answers.isEmpty {
            out.open("answers")
            for answer in record.answers {
                var attributes = ["question": answer.question]
                attributes["code"] = answer.nonResponse?.rawValue
                attributes["at"] = answer.at.map(XMLTime.dateTime)
                attributes["offset"] = answer.offset.map(XMLTime.duration)
                out.element("answer", answer.text, attributes, keepEmpty: true)
            }
            out.close("answers")
        }
        if !record.activities.isEmpty {
            out.open("activities")
            for activity in record.activities { write(activity, to: &out) }
            out.close("activities")
        }
        out.close("return")
        return Data(out.text.utf8)
    }

    private static func write(_ activity: ActivityRecord, to out: inout XMLOutput) {
        var attributes = ["theme": activity.theme.rawValue, "kind": activity.kind.rawValue, "status": activity.status.rawValue]
        attributes["offset"] = activity.provenance.offset.map(XMLTime.duration)
        out.open("activity", attributes)
        out.element("name", activity.name)
        out.element("description", activity.description)
        if let extent = activity.extent {
            out.element("extent", extent.note ?? "", ["scope": extent.scope.rawValue], keepEmpty: true)
        }
        if let timescale = activity.timescale,
           timescale.start != nil || timescale.end != nil || timescale.duration != nil || timescale.phrase != nil {
            out.open("timescale")
            out.element("start", timescale.start?.description)
            out.element("end", timescale.end?.description)
            out.element("duration", timescale.duration)
            out.element("phrase", timescale.phrase)
            out.close("timescale")
        }
        out.element("target-group", activity.targetGroup)
        out.list("partners", "partner", activity.partners)
        out.element("funding", activity.funding)
        if let evaluation = activity.evaluation {
            out.open("evaluation", ["type": evaluation.type.rawValue])
            out.element("evaluator", evaluation.evaluator)
            for measure in evaluation.measures { out.element("measure", measure) }
            out.element("results-due", evaluation.resultsDue?.description)
            out.element("note", evaluation.note)
            out.close("evaluation")
        }
        out.element("outcomes", activity.outcomes)
        out.list("documents", "document", activity.documents)
        out.close("activity")
    }
}

/// Indented XML text with every value escaped.
struct XMLOutput {
    private(set) var text = ""
    private var depth = 0

    mutating func line(_ content: String) {
        text += String(repeating: "  ", count: depth) + content + "\n"
    }

    private func attributes(_ values: [String: String]) -> String {
        // xmlns first, then the rest sorted, so output is stable.
        values.sorted { ($0.key == "xmlns" ? 0 : 1, $0.key) < ($1.key == "xmlns" ? 0 : 1, $1.key) }
            .map { " \($0.key)=\"\(Self.escape($0.value, attribute: true))\"" }.joined()
    }

    mutating func open(_ name: String, _ values: [String: String] = [:]) {
        line("<\(name)\(attributes(values))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    mutating func empty(_ name: String, _ values: [String: String]) {
        line("<\(name)\(attributes(values))/>")
    }

    /// Leaves out an absent or blank value, which the schema would refuse as empty text.
    mutating func element(_ name: String, _ value: String?, _ values: [String: String] = [:], keepEmpty: Bool = false) {
        guard let value else { return }
        if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !keepEmpty { return }
        if value.isEmpty { empty(name, values); return }
        line("<\(name)\(attributes(values))>\(Self.escape(value, attribute: false))</\(name)>")
    }

    mutating func list(_ name: String, _ item: String, _ values: [String]) {
        let kept = values.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !kept.isEmpty else { return }
        open(name)
        for value in kept { element(item, value) }
        close(name)
    }

    static func escape(_ value: String, attribute: Bool) -> String {
        // Bytes, not scalars: most text needs nothing done, and the rest only ASCII replaced.
        let utf8 = value.utf8
        var copy = value
        // Line breaks and tabs stay as they are in element text, which is most long text.
        let needsWork = copy.withUTF8 { bytes in
            bytes.contains { byte in
                (byte < 0x20 && (attribute || (byte != 0x0A && byte != 0x09)))
                    || byte == 0x26 || byte == 0x3C || byte == 0x3E || (byte == 0x22 && attribute) || byte == 0xEF
            }
        }
        guard needsWork else { return value }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 32)
        let bytes = Array(utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22 where attribute: out += Array("&quot;".utf8)
            case 0x0A where attribute: out += Array("&#10;".utf8)
            case 0x09 where attribute: out += Array("&#9;".utf8)
            case 0x0D: out += Array("&#13;".utf8)
            case 0x09, 0x0A: out.append(byte)
            // Characters XML 1.0 cannot carry are dropped rather than written: other controls,
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF).
            case ..<0x20: continue
            case 0xEF where index + 1 < bytes.count && bytes[index] == 0xBF && (bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF):
                index += 2
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
