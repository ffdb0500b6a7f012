import DataMapCore
import Foundation
import Mustache

/// Renders the form's pages from the Mustache templates shipped with this module. Every value
/// goes through `{{…}}`, which escapes it; only a page body already rendered that way is put in
/// the layout unescaped.
struct FormViews: Sendable {
    let library: MustacheLibrary

    init() throws {
        var templates: [String: MustacheTemplate] = [:]
        for name in ["layout", "page", "check", "done", "message"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates"),
                  let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw FormStoreError.failed("the web form's template \(name).mustache is missing from the build")
            }
            templates[name] = try MustacheTemplate(string: text)
        }
        library = MustacheLibrary(templates: templates)
    }

    static func asset(_ name: String) -> Data? {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Assets") else { return nil }
        return try? Data(contentsOf: url)
    }

    /// A whole page: `body` is the named template rendered with `values`, in the layout.
    func render(_ template: String, _ values: [String: Any], title: String, language: Language, switchHref: String?,
                hasErrors: Bool = false) -> String {
        var values = values
        let words = Words.table(language)
        values["words"] = words
        let body = library.render(values, withTemplate: template) ?? ""
        let other: Language = language == .cy ? .en : .cy
        let layout: [String: Any] = [
            "lang": language.rawValue, "title": title, "service": words["service"] ?? "", "words": words, "body": body,
            "hasErrors": hasErrors, "switchHref": switchHref ?? false, "switchLang": other.rawValue,
            "switchLabel": other == .cy ? "Cymraeg" : "English",
        ]
        return library.render(layout, withTemplate: "layout") ?? ""
    }

    // MARK: Page models

    /// An HTML id for a step key: `pilots[2].end` → `f-pilots_2_-end`; distinct keys give distinct ids.
    static func fieldID(_ key: String) -> String {
        "f-" + key.map { character -> String in
            switch character {
            case "[", "]": "_"
            case ".": "-"
            case let c where c.isLetter || c.isNumber || c == "-": String(c)
            default: "_"
            }
        }.joined()
    }

    /// The view of one field: its label, hint, what it holds now (or what was typed, beside a
    /// problem), and its problem.
    static func field(_ step: Step, session: InterviewSession, typed: [String]?, problem: InputProblem?, language: Language,
                      groupStart: String?) -> [String: Any] {
        let question = step.question
        let id = fieldID(step.key)
        // An instrument's notes are for the interviewer ("read the list only if they hesitate"),
        // so the web shows only its own hints: the respondent's details, formats, "all that apply".
        var hint = step.role == .start ? question.note?.text(language) : nil
        if question.type == .multipleChoice {
            hint = language == .cy ? "Dewiswch bob un sy'n berthnasol." : "Select all that apply."
        }
        if question.type == .date && hint == nil {
            hint = language == .cy ? "Er enghraifft, 2018, Mawrth 2018 neu 31/3/2018" : "For example, 2018, March 2018 or 31/3/2018"
        }
        let current: [String]
        if let typed {
            current = typed
        } else {
            switch session.answers[step.key]?.value {
            case .text(let text): current = [text]
            case .choices(let values): current = values
            default: current = []
            }
        }
        var describedBy: [String] = []
        if hint != nil { describedBy.append(id + "-hint") }
        if problem != nil { describedBy.append(id + "-error") }
        var view: [String: Any] = [
            "key": step.key, "id": id, "label": question.text.text(language), "required": WebForm.mustAnswer(step),
            "value": current.first ?? "", "spellcheck": "true", "kind": question.type.rawValue,
        ]
        if let hint { view["hint"] = hint }
        if let problem {
            view["error"] = WebForm.message(problem, for: question, language)
            if problem.isSoft { view["confirmable"] = true }
        }
        if !describedBy.isEmpty { view["describedBy"] = describedBy.joined(separator: " ") }
        if let groupStart {
            view["isGroupStart"] = true
            view["groupTitle"] = groupStart
        }
        func options(_ choices: [(String, String)], type: String) {
            view["isChoices"] = true
            // The error links to the first option, as a fieldset cannot take focus.
            view["options"] = choices.enumerated().map { index, choice -> [String: Any] in
                ["key": step.key, "value": choice.0, "text": choice.1, "checked": current.contains(choice.0),
                 "optionID": index == 0 ? id : "\(id)-\(index + 1)", "choiceType": type]
            }
        }
        switch question.type {
        case .shortText, .date, .number:
            view["isText"] = true
            view["inputType"] = question.id == StartStep.email ? "email" : question.id == StartStep.phone ? "tel" : "text"
            if question.type == .number { view["inputMode"] = "decimal"; view["spellcheck"] = "false" }
            if question.type == .date { view["spellcheck"] = "false" }
            switch question.id {
            case StartStep.name: view["autocomplete"] = "name"
            case StartStep.email: view["autocomplete"] = "email"; view["spellcheck"] = "false"
            case StartStep.phone: view["autocomplete"] = "tel"; view["spellcheck"] = "false"
            case StartStep.role: view["autocomplete"] = "organization-title"
            default: view["wide"] = question.type == .shortText
            }
        case .longText:
            view["isTextarea"] = true
        case .yesNo:
            let yes = language == .cy ? "Ie" : "Yes", no = language == .cy ? "Na" : "No"
            options([("yes", yes), ("no", no)], type: "radio")
        case .singleChoice:
            options(question.choices.map { ($0.value, $0.label.text(language)) }, type: "radio")
        case .multipleChoice:
            options(question.choices.map { ($0.value, $0.label.text(language)) }, type: "checkbox")
        case .scale:
            let scale = question.scale ?? Scale(min: 1, max: 5)
            options((scale.min...max(scale.min, scale.max)).map { value in
                var text = String(value)
                if value == scale.min, let low = scale.minLabel { text += " – " + low.text(language) }
                if value == scale.max, let high = scale.maxLabel { text += " – " + high.text(language) }
                return (String(value), text)
            }, type: "radio")
        }
        return view
    }

    /// A heading over a group's first question ("Pilots you run") and over each repetition ("Pilot 2").
    static func groupHeading(_ step: Step, language: Language) -> String? {
        switch step.role {
        case .more(let group, 1): return group.prompt.text(language)
        case .field(let group, let repetition, let field) where group.fields.first?.id == field.rawValue:
            return "\(group.kind.label(language)) \(repetition)"
        default: return nil
        }
    }

    /// An answer as the check page shows it: choice labels, not values.
    static func shown(_ value: AnswerValue?, for question: Question, language: Language) -> [String] {
        switch value {
        case .text(let text):
            if question.type == .yesNo { return [text == "yes" ? (language == .cy ? "Ie" : "Yes") : (language == .cy ? "Na" : "No")] }
            if let choice = question.choices.first(where: { $0.value == text }) { return [choice.label.text(language)] }
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        case .choices(let values):
            return values.map { value in question.choices.first { $0.value == value }?.label.text(language) ?? value }
        case .nonResponse(let code): return [code.rawValue]
        case .skipped, nil: return []
        }
    }
}

extension ActivityKind {
    func label(_ language: Language) -> String { language == .cy ? labelCy : label }
}

/// Every fixed word of the form, in English and Welsh.
enum Words {
    static func table(_ language: Language) -> [String: String] { language == .cy ? cy : en }

    static let en: [String: String] = [
        "service": "Mapping services for children: your organisation's return",
        "skip": "Skip to main content", "languageNav": "Language", "footer": "Your answers are saved on each page. You can leave and come back with the same link.",
        "errorPrefix": "Error:", "errorSummary": "There is a problem",
        "appeared": "Your answers brought more questions onto this page. Answer them below, then continue.",
        "continue": "Save and continue", "saveLater": "Save and come back later", "back": "Back",
        "confirm": "I have checked this answer and it is right",
        "notAnswered": "Not answered", "change": "Change",
        "sendHeading": "Now send your return",
        "sendText": "By sending this return you confirm that, to the best of your knowledge, the details you are providing are correct.",
        "submit": "Accept and send",
        "doneTitle": "Return sent", "reference": "Your reference is",
        "doneText": "Thank you. Your answers have reached the research team. Keep the reference if you need to contact them about this return.",
        "reopen": "Change your answers",
        "checkTitle": "Check your answers before sending your return",
        "aboutTitle": "About you",
        "aboutIntro": "This return is for %@. It asks the same questions as the study's telephone interview.",
        "caption": "Page %@ of %@",
        "savedTitle": "Your answers are saved",
        "saved": "You can close this page. Use the same link to carry on; it works until %@.",
        "gap": "Answer this question before sending: %@",
    ]

    static let cy: [String: String] = [
        "service": "Mapio gwasanaethau i blant: ffurflen eich sefydliad",
        "skip": "Neidio i'r prif gynnwys", "languageNav": "Iaith", "footer": "Mae eich atebion yn cael eu cadw ar bob tudalen. Gallwch adael a dod yn ôl gyda'r un ddolen.",
        "errorPrefix": "Gwall:", "errorSummary": "Mae problem",
        "appeared": "Mae eich atebion wedi dod â mwy o gwestiynau i'r dudalen hon. Atebwch nhw isod, yna parhewch.",
        "continue": "Cadw a pharhau", "saveLater": "Cadw a dod yn ôl nes ymlaen", "back": "Yn ôl",
        "confirm": "Rwyf wedi gwirio'r ateb hwn ac mae'n gywir",
        "notAnswered": "Heb ei ateb", "change": "Newid",
        "sendHeading": "Nawr anfonwch eich ffurflen",
        "sendText": "Drwy anfon y ffurflen hon rydych yn cadarnhau bod y manylion a roddwch yn gywir hyd eithaf eich gwybodaeth.",
        "submit": "Derbyn ac anfon",
        "doneTitle": "Ffurflen wedi'i hanfon", "reference": "Eich cyfeirnod yw",
        "doneText": "Diolch. Mae eich atebion wedi cyrraedd y tîm ymchwil. Cadwch y cyfeirnod os oes angen i chi gysylltu â nhw am y ffurflen hon.",
        "reopen": "Newid eich atebion",
        "checkTitle": "Gwiriwch eich atebion cyn anfon eich ffurflen",
        "aboutTitle": "Amdanoch chi",
        "aboutIntro": "Mae'r ffurflen hon ar gyfer %@. Mae'n gofyn yr un cwestiynau â chyfweliad ffôn yr astudiaeth.",
        "caption": "Tudalen %@ o %@",
        "savedTitle": "Mae eich atebion wedi'u cadw",
        "saved": "Gallwch gau'r dudalen hon. Defnyddiwch yr un ddolen i barhau; mae'n gweithio tan %@.",
        "gap": "Atebwch y cwestiwn hwn cyn anfon: %@",
    ]

    static func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        var text = table(language)[key] ?? key
        for argument in arguments {
            guard let range = text.range(of: "%@") else { break }
            text.replaceSubrange(range, with: argument)
        }
        return text
    }
}
