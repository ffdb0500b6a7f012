import Foundation

/// Short labels for the `Field: value` lines of a written return, in both languages. The reader
/// accepts either language whatever the template's, because people answer in the one they use.
public enum ReturnField {
    public static func label(_ field: ActivityField, _ language: Language) -> String {
        let (en, cy): (String, String) = switch field {
        case .name: ("Name", "Enw")
        case .description: ("Description", "Disgrifiad")
        case .status: ("Status", "Statws")
        case .extent: ("Extent", "Cwmpas")
        case .extentNote: ("Which part", "Pa ran")
        case .start: ("Start", "Dechrau")
        case .end: ("End", "Diwedd")
        case .duration: ("Duration", "Hyd")
        case .timescale: ("Timescale in your words", "Amserlen yn eich geiriau")
        case .targetGroup: ("Who it is for", "Ar gyfer pwy")
        case .partners: ("Partners", "Partneriaid")
        case .funding: ("Funding", "Cyllid")
        case .evaluationType: ("Evaluation", "Gwerthuso")
        case .evaluator: ("Evaluated by", "Gwerthuswyd gan")
        case .outcomeMeasures: ("Outcome measures", "Mesurau canlyniadau")
        case .resultsDue: ("Results due", "Canlyniadau'n ddyledus")
        case .outcomes: ("Outcomes so far", "Canlyniadau hyd yma")
        case .documents: ("Documents", "Dogfennau")
        }
        return language == .cy ? cy : en
    }

    /// The header lines every written return starts with, keyed by what they fill.
    public enum Header: String, CaseIterable, Sendable {
        case organisation, type, region, name, role, email, phone, consent, anonymity, submitted, language

        public func label(_ language: Language) -> String {
            let (en, cy): (String, String) = switch self {
            case .organisation: ("Organisation", "Sefydliad")
            case .type: ("Organisation type", "Math o sefydliad")
            case .region: ("Region", "Rhanbarth")
            case .name: ("Your name", "Eich enw")
            case .role: ("Your role", "Eich rôl")
            case .email: ("Your email", "Eich e-bost")
            case .phone: ("Your phone", "Eich ffôn")
            case .consent: ("Consent to take part", "Caniatâd i gymryd rhan")
            case .anonymity: ("Anonymity", "Anhysbysrwydd")
            case .submitted: ("Date", "Dyddiad")
            case .language: ("Language", "Iaith")
            }
            return language == .cy ? cy : en
        }

        /// Other ways people head the same line.
        var synonyms: [String] {
            switch self {
            case .organisation: ["organisation name", "organization", "sefydliad"]
            case .type: ["type", "organization type"]
            case .name: ["name", "respondent", "respondent name", "enw"]
            case .role: ["role", "job title", "rol", "swydd"]
            case .email: ["email", "e-mail", "e bost", "email address"]
            case .phone: ["phone", "telephone", "ffon", "phone number"]
            case .consent: ["consent", "caniatad"]
            case .submitted: ["date submitted", "submitted", "dyddiad cyflwyno", "sent", "date sent", "date of submission",
                              "last updated", "dated", "anfonwyd"]
            default: []
            }
        }

        static let byKey: [String: Header] = {
            var map: [String: Header] = [:]
            for header in allCases {
                for form in [header.label(.en), header.label(.cy)] + header.synonyms { map[canonicalKey(form)] = header }
            }
            return map
        }()

        /// "Consent to take part (yes/no)" → `.consent`.
        static func match(_ label: String) -> Header? {
            let key = canonicalKey(TemplateText.withoutHint(label))
            if let header = byKey[key] { return header }
            // "Date of response", "Date received", "Dyddiad yr ymateb": a date line whatever it adds,
            // but never a date of birth.
            let words = key.split(separator: " ")
            if let first = words.first, first == "date" || first == "dyddiad", words.count <= 4,
               !key.contains("birth"), !key.contains("geni") { return .submitted }
            return nil
        }
    }

    static let byKey: [String: ActivityField] = {
        var map: [String: ActivityField] = [:]
        for field in ActivityField.allCases {
            for form in [label(field, .en), label(field, .cy), field.rawValue.replacingOccurrences(of: "-", with: " ")] {
                map[canonicalKey(form)] = field
            }
        }
        return map
    }()

    static func match(_ label: String) -> ActivityField? { byKey[canonicalKey(TemplateText.withoutHint(label))] }
}

public enum TemplateFormat: String, Sendable, CaseIterable {
    case markdown = "md"
    case text = "txt"
    case xml
}

/// Writes the return template for one organisation type from the same instrument an interviewer uses.
public struct TemplateWriter: Sendable {
    public var instrument: Instrument
    public var language: Language

    public init(instrument: Instrument, language: Language) {
        self.instrument = instrument
        self.language = language
    }

    public func render(_ format: TemplateFormat) -> String {
        switch format {
        case .markdown: prose(markdown: true)
        case .text: prose(markdown: false)
        case .xml: xml()
        }
    }

    private func t(_ en: String, _ cy: String) -> String { language == .cy ? cy : en }

    private func prose(markdown: Bool) -> String {
        var out: [String] = []
        func heading(_ level: Int, _ text: String) {
            if markdown {
                out.append(String(repeating: "#", count: level) + " " + text)
            } else {
                out.append(text)
                if level <= 2 { out.append(String(repeating: level == 1 ? "=" : "-", count: min(72, text.count))) }
            }
            out.append("")
        }
        let title = instrument.title.text(language)
        heading(1, title.replacingOccurrences(of: t(": interview schedule", ": amserlen gyfweld"),
                                              with: t(": written return", ": ymateb ysgrifenedig")))
        out.append(TemplateText.marker(instrument: instrument, language: language))
        out.append("")
        out.append(t("How to fill this in: write your answer after each \"Answer:\" or after the colon of each line. "
                     + "Leave a line blank if it does not apply, or write \"Don't know\", \"Refused\" or \"Not applicable\". "
                     + "Copy an activity block (its heading and the lines under it) once for each further activity, "
                     + "and number the copies. Please keep the numbers and labels as they are.",
                     "Sut i'w lenwi: ysgrifennwch eich ateb ar ôl pob \"Ateb:\" neu ar ôl colon pob llinell. "
                     + "Gadewch linell yn wag os nad yw'n berthnasol, neu ysgrifennwch \"Ddim yn gwybod\", \"Gwrthod\" neu \"Amherthnasol\". "
                     + "Copïwch floc gweithgaredd (ei bennawd a'r llinellau oddi tano) unwaith ar gyfer pob gweithgaredd arall, "
                     + "a rhifwch y copïau. Cadwch y rhifau a'r labeli fel y maent."))
        out.append("")
        heading(2, t("About this return", "Am yr ymateb hwn"))
        for header in ReturnField.Header.allCases {
            let hint: String = switch header {
            case .type: ""
            case .consent: t(" (yes / no)", " (ie / na)")
            case .anonymity: t(" (anonymous / named)", " (anonymous = dienw / named = enwir)")
            case .submitted: " (YYYY-MM-DD)"
            case .language: " (en / cy)"
            default: ""
            }
            let value: String = switch header {
            case .type: instrument.organisationType.rawValue
            case .language: language.rawValue
            default: ""
            }
            out.append("\(header.label(language))\(hint): \(value)".trimmingCharacters(in: .whitespaces))
        }
        out.append("")
        for (sectionIndex, section) in instrument.sections.enumerated() {
            heading(2, "\(sectionIndex + 1). \(section.title.text(language))")
            for (itemIndex, item) in section.items.enumerated() {
                let number = "\(sectionIndex + 1).\(itemIndex + 1)"
                switch item {
                case .question(let question):
                    let label = markdown ? "**\(number)**" : number
                    out.append("\(label) \(question.text.text(language))\(hint(question))\(condition(item.showIf))")
                    if question.type.hasChoices {
                        for (index, choice) in question.choices.enumerated() {
                            out.append("- \(index + 1) = \(choice.label.text(language))")
                        }
                    }
                    out.append(t("Answer:", "Ateb:"))
                    out.append("")
                case .group(let group):
                    heading(3, "\(number) \(group.prompt.text(language))\(condition(group.showIf))")
                    out.append(t("One block per activity. Copy the block for each further one; leave it empty if there are none.",
                                 "Un bloc i bob gweithgaredd. Copïwch y bloc ar gyfer pob un arall; gadewch ef yn wag os nad oes un."))
                    out.append("")
                    heading(4, "\(TemplateText.blockLabel(group, language)) 1")
                    for field in group.fields {
                        guard let activityField = ActivityField(rawValue: field.id) else { continue }
                        out.append("\(ReturnField.label(activityField, language))\(fieldHint(field, activityField)):")
                    }
                    out.append("")
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func hint(_ question: Question) -> String {
        var parts: [String] = []
        if question.required { parts.append(t("required", "angenrheidiol")) }
        switch question.type {
        case .yesNo: parts.append(t("yes / no", "ie / na"))
        case .multipleChoice: parts.append(t("one or more numbers, separated by ;", "un rhif neu ragor, wedi'u gwahanu â ;"))
        case .singleChoice: parts.append(t("one number", "un rhif"))
        case .date:
            // A question that already says how to write the date is not told twice.
            let text = question.text.text(language)
            if !text.contains("YYYY") && !text.contains("BBBB") { parts.append(t("YYYY, YYYY-MM or YYYY-MM-DD", "BBBB, BBBB-MM neu BBBB-MM-DD")) }
        case .number: parts.append(t("a number", "rhif"))
        case .scale:
            let scale = question.scale ?? Scale(min: 1, max: 5)
            var text = "\(scale.min)–\(scale.max)"
            if let low = scale.minLabel, let high = scale.maxLabel {
                text += ": \(scale.min) = \(low.text(language)), \(scale.max) = \(high.text(language))"
            }
            parts.append(text)
        case .shortText, .longText: break
        }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))"
    }

    private func fieldHint(_ question: Question, _ field: ActivityField) -> String {
        if question.type.hasChoices { return " (" + question.choices.map(\.value).joined(separator: " / ") + ")" }
        switch field {
        case .start, .end: return " (YYYY-MM)"
        case .resultsDue: return " (YYYY-MM)"
        case .duration: return t(" (for example 2 years)", " (er enghraifft 2 flynedd)")
        case .partners, .outcomeMeasures, .documents: return t(" (separate with ;)", " (gwahanwch â ;)")
        default: return ""
        }
    }

    private func condition(_ condition: Condition?) -> String {
        guard let condition else { return "" }
        guard let target = TemplateText.number(of: condition.question, in: instrument) else { return "" }
        let values = condition.values.map { value in
            instrument.questions.first { $0.id == condition.question }?.choices.first { $0.value == value }?.label.text(language)
                ?? (value == "yes" ? t("yes", "ie") : value == "no" ? t("no", "na") : value)
        }.joined(separator: t(" or ", " neu "))
        return condition.negated
            ? t(" — answer unless \(target) is \(values)", " — atebwch oni bai mai \(values) yw \(target)")
            : t(" — answer if \(target) is \(values)", " — atebwch os mai \(values) yw \(target)")
    }

    /// An XML skeleton of the same return, with one empty activity per repeating group.
    private func xml() -> String {
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<!-- \(TemplateText.marker(instrument: instrument, language: language)) -->",
                   "<return xmlns=\"\(ReturnSchema.namespace)\" version=\"1\">",
                   "  <organisation type=\"\(instrument.organisationType.rawValue)\">",
                   "    <name></name>",
                   "    <region></region>",
                   "  </organisation>",
                   "  <respondent>", "    <name></name>", "    <role></role>", "    <email></email>", "    <phone></phone>", "  </respondent>",
                   "  <consent given=\"true\" anonymity=\"anonymous\"/>",
                   "  <submitted>YYYY-MM-DD</submitted>",
                   "  <language>\(language.rawValue)</language>",
                   "  <answers>"]
        for question in instrument.questions {
            out.append("    <!-- \(XMLEscaping.comment(question.text.text(language))) -->")
            out.append("    <answer question=\"\(question.id)\"></answer>")
        }
        out.append("  </answers>")
        out.append("  <activities>")
        for section in instrument.sections {
            for case .group(let group) in section.items {
                out.append("    <!-- \(XMLEscaping.comment(group.prompt.text(language))) -->")
                out.append("    <activity theme=\"\(section.theme.rawValue)\" kind=\"\(group.kind.rawValue)\" status=\"current\">")
                out.append("      <name></name>")
                out.append("    </activity>")
            }
        }
        out.append("  </activities>")
        out.append("</return>")
        return out.joined(separator: "\n") + "\n"
    }
}

enum XMLEscaping {
    static func comment(_ text: String) -> String {
        text.replacingOccurrences(of: "--", with: "—")
    }
}

/// Wording shared by the writer and the reader, so that what one writes the other finds.
enum TemplateText {
    static func marker(instrument: Instrument, language: Language) -> String {
        "\(language == .cy ? "Templed" : "Template"): \(instrument.organisationType.rawValue)@\(instrument.version) (\(language.rawValue))"
    }

    static func blockLabel(_ group: RepeatingGroup, _ language: Language) -> String {
        language == .cy ? group.kind.labelCy : group.kind.label
    }

    /// "1.2", the number a question or group has in the template.
    static func number(of id: String, in instrument: Instrument) -> String? {
        for (sectionIndex, section) in instrument.sections.enumerated() {
            if let itemIndex = section.items.firstIndex(where: { $0.id == id }) { return "\(sectionIndex + 1).\(itemIndex + 1)" }
        }
        return nil
    }

    /// "Status (current / planned)" → "Status".
    static func withoutHint(_ label: String) -> String {
        var text = label
        if let open = text.firstIndex(of: "(") { text = String(text[..<open]) }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
