import Crypto
import Foundation
import Yams

/// A file's path (relative to the study root) and its text; the loader never touches the disk.
public struct SourceFile: Sendable, Hashable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// The composed schedules and every problem found while composing and linting them.
public struct InstrumentSet: Sendable {
    public var instruments: [OrganisationType: Instrument]
    public var problems: [Diagnostic]
}

/// Reads the question bank and the per-type schedules, composes one `Instrument` per
/// organisation type, and lints them. Every problem is located at its YAML line and column.
public enum InstrumentLoader {
    /// A question bank read once, so many schedules can be composed against it without reading
    /// its YAML again (the fuzzer composes thousands a second).
    public struct ReadBank {
        let file: SourceFile
        let model: Bank
        let lint: Lint
    }

    public static func read(bank: SourceFile) -> ReadBank {
        var reader = BankReader(file: bank)
        let model = reader.read()
        return ReadBank(file: bank, model: model, lint: reader.lint)
    }

    public static func load(bank: SourceFile, schedules: [SourceFile]) -> InstrumentSet {
        load(bank: read(bank: bank), schedules: schedules)
    }

    public static func load(bank read: ReadBank, schedules: [SourceFile]) -> InstrumentSet {
        let bank = read.file
        let bankModel = read.model
        var linter = read.lint
        var instruments: [OrganisationType: Instrument] = [:]
        var seenTypes: [OrganisationType: String] = [:]
        for schedule in schedules.sorted(by: { $0.path < $1.path }) {
            var reader = ScheduleReader(file: schedule, bank: bankModel)
            let result = reader.read()
            linter.merge(reader.lint)
            guard let (instrument, typeMark) = result else { continue }
            if let earlier = seenTypes[instrument.organisationType] {
                linter.add(.duplicateID, schedule.path, typeMark,
                           "a schedule for '\(instrument.organisationType.rawValue)' is already defined in \(earlier)")
                continue
            }
            seenTypes[instrument.organisationType] = schedule.path
            var composed = instrument
            composed.version = version(bank: bank, schedule: schedule)
            instruments[instrument.organisationType] = composed
        }
        for type in OrganisationType.scheduled where instruments[type] == nil && seenTypes[type] == nil {
            linter.add(.missingSchedule, bank.path, nil, "no schedule for organisation type '\(type.rawValue)'")
        }
        return InstrumentSet(instruments: instruments, problems: linter.problems.sorted { $0.location < $1.location })
    }

    static func version(bank: SourceFile, schedule: SourceFile) -> String {
        let digest = SHA256.hash(data: Data((bank.text + "\u{0}" + schedule.text).utf8))
        return hexString(digest.prefix(6))
    }
}

/// Collects problems as located diagnostics.
struct Lint {
    private(set) var problems: [Diagnostic] = []

    mutating func merge(_ other: Lint) { problems += other.problems }

    mutating func add(_ code: Diagnostic.Code, _ file: String, _ mark: Mark?, _ message: String) {
        problems.append(Diagnostic(code: code, location: SourceLocation(file: file, line: mark?.line ?? 1,
                                                                         column: mark?.column ?? 1), message: message))
    }
}

/// Typed access to a YAML mapping that reports, rather than throws, what is wrong.
struct YAMLMap {
    let node: Node
    let file: String

    var mark: Mark? { node.mark }

    func value(_ key: String) -> Node? {
        node.mapping?.first { $0.key.string == key }?.value
    }

    func keyMark(_ key: String) -> Mark? {
        node.mapping?.first { $0.key.string == key }?.key.mark
    }

    func string(_ key: String, lint: inout Lint, required: Bool = true) -> String? {
        guard let value = value(key) else {
            if required { lint.add(.invalidInstrument, file, mark, "missing '\(key)'") }
            return nil
        }
        guard let text = value.scalar?.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            lint.add(.invalidInstrument, file, value.mark, "'\(key)' must be a non-empty text value")
            return nil
        }
        return text
    }

    /// `{en: …, cy: …}`; either missing is a problem at the label.
    func label(_ key: String, lint: inout Lint, required: Bool = true) -> Label? {
        guard let node = value(key) else {
            if required { lint.add(.missingLabel, file, mark, "missing '\(key)' (it needs 'en' and 'cy')") }
            return nil
        }
        let map = YAMLMap(node: node, file: file)
        guard node.mapping != nil else {
            lint.add(.missingLabel, file, node.mark, "'\(key)' must have an English ('en') and a Welsh ('cy') text")
            return nil
        }
        var result = Label(en: "", cy: "")
        for language in ["en", "cy"] {
            let text = map.value(language)?.scalar?.string.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if text.isEmpty {
                let name = language == "en" ? "English" : "Welsh"
                lint.add(.missingLabel, file, map.value(language)?.mark ?? node.mark, "'\(key)' has no \(name) ('\(language)') text")
            }
            if language == "en" { result.en = text } else { result.cy = text }
        }
        return result
    }

    func sequence(_ key: String, lint: inout Lint) -> [Node] {
        guard let value = value(key) else { return [] }
        guard let items = value.sequence else {
            lint.add(.invalidInstrument, file, value.mark, "'\(key)' must be a list")
            return []
        }
        return Array(items)
    }
}

/// The parsed bank: questions, choice lists, activity-field labels and repeating groups.
struct Bank {
    var questions: [String: (Question, Mark?)] = [:]
    var groups: [String: (RepeatingGroup, Mark?)] = [:]
}

private func parseYAML(_ file: SourceFile, lint: inout Lint) -> YAMLMap? {
    do {
        guard let node = try Yams.compose(yaml: file.text), node.mapping != nil else {
            lint.add(.invalidInstrument, file.path, nil, "the file must hold a YAML mapping")
            return nil
        }
        return YAMLMap(node: node, file: file.path)
    } catch let error as YamlError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            lint.add(.yaml, file.path, mark, "YAML syntax: \(problem)")
        default:
            lint.add(.yaml, file.path, nil, "YAML syntax: \(error)")
        }
        return nil
    } catch {
        lint.add(.yaml, file.path, nil, "YAML syntax: \(error)")
        return nil
    }
}

/// - Parameter subject: "question" for a question or group, "field" for a field of a repeating
///   group, which is shown by an earlier field of the same repetition ("If in part, which part?").
private func condition(_ map: YAMLMap, lint: inout Lint, subject: String = "question") -> (Condition, Mark?)? {
    guard let node = map.value("show_if") else { return nil }
    let inner = YAMLMap(node: node, file: map.file)
    guard node.mapping != nil, inner.value(subject) != nil, let question = inner.string(subject, lint: &lint) else {
        lint.add(.badCondition, map.file, node.mark, "show_if needs '\(subject)' and one of 'equals', 'in' or 'not'")
        return nil
    }
    var values: [String] = []
    var negated = false
    if let equals = inner.value("equals")?.scalar?.string {
        values = [equals]
    } else if let list = inner.value("in")?.sequence {
        values = list.compactMap { $0.scalar?.string }
    } else if let not = inner.value("not") {
        negated = true
        values = not.sequence.map { $0.compactMap { $0.scalar?.string } } ?? [not.scalar?.string].compactMap { $0 }
    }
    if values.isEmpty {
        lint.add(.badCondition, map.file, node.mark, "show_if needs a value: 'equals: x', 'in: [x, y]' or 'not: x'")
        return nil
    }
    return (Condition(question: question, values: values, negated: negated), node.mark)
}

struct BankReader {
    let file: SourceFile
    var lint = Lint()

    mutating func read() -> Bank {
        var bank = Bank()
        guard let root = parseYAML(file, lint: &lint) else { return bank }
        var lists: [String: [Choice]] = [:]
        if let node = root.value("choice_lists") {
            for (key, value) in node.mapping ?? [:] {
                guard let name = key.string else { continue }
                lists[name] = (value.sequence.map(Array.init) ?? []).compactMap { choice($0) }
                if lists[name]?.isEmpty ?? true {
                    lint.add(.missingChoices, file.path, value.mark, "choice list '\(name)' has no choices")
                }
            }
        }
        var fieldLabels: [ActivityField: (Label, String?)] = [:]
        var fieldConditions: [ActivityField: (Condition, Mark?)] = [:]
        if let node = root.value("activity_fields") {
            for (key, value) in node.mapping ?? [:] {
                guard let name = key.string else { continue }
                guard let field = ActivityField(rawValue: name) else {
                    lint.add(.unknownReference, file.path, key.mark, "'\(name)' is not an activity field; fields are \(ActivityField.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                let map = YAMLMap(node: value, file: file.path)
                if let label = map.label("text", lint: &lint) {
                    fieldLabels[field] = (label, map.value("choices")?.string)
                }
                if let shown = condition(map, lint: &lint, subject: "field") {
                    guard ActivityField(rawValue: shown.0.question) != nil else {
                        lint.add(.unknownReference, file.path, shown.1, "'\(shown.0.question)' is not an activity field")
                        continue
                    }
                    fieldConditions[field] = shown
                }
            }
        }
        for node in root.sequence("questions", lint: &lint) {
            let map = YAMLMap(node: node, file: file.path)
            guard let question = question(map, lists: lists) else { continue }
            if bank.questions[question.id] != nil || bank.groups[question.id] != nil {
                lint.add(.duplicateID, file.path, map.value("id")?.mark, "the id '\(question.id)' is used twice")
                continue
            }
            bank.questions[question.id] = (question, map.mark)
        }
        for node in root.sequence("groups", lint: &lint) {
            let map = YAMLMap(node: node, file: file.path)
            guard let id = map.string("id", lint: &lint) else { continue }
            let kind = map.string("kind", lint: &lint).flatMap { value -> ActivityKind? in
                guard let kind = ActivityKind(rawValue: value) else {
                    lint.add(.unknownReference, file.path, map.value("kind")?.mark, "'\(value)' is not an activity kind")
                    return nil
                }
                return kind
            }
            let theme = map.value("theme")?.string.flatMap(Theme.init(rawValue:))
            let prompt = map.label("prompt", lint: &lint)
            let more = map.label("more", lint: &lint)
            let note = map.label("note", lint: &lint, required: false)
            var fields: [Question] = []
            for fieldNode in map.sequence("fields", lint: &lint) {
                guard let name = fieldNode.string, let field = ActivityField(rawValue: name) else {
                    lint.add(.unknownReference, file.path, fieldNode.mark, "'\(fieldNode.string ?? "?")' is not an activity field")
                    continue
                }
                guard let (label, listName) = fieldLabels[field] else {
                    lint.add(.missingLabel, file.path, fieldNode.mark, "activity field '\(name)' has no label in 'activity_fields'")
                    continue
                }
                var choices: [Choice] = []
                if field.questionType.hasChoices {
                    guard let listName, let list = lists[listName] else {
                        lint.add(.missingChoices, file.path, fieldNode.mark, "activity field '\(name)' needs a choice list")
                        continue
                    }
                    choices = list
                }
                // A field shown by another must come after it in the group, or it could never be decided.
                let shownBy = fieldConditions[field]
                if let (shown, mark) = shownBy, !fields.contains(where: { $0.id == shown.question }) {
                    lint.add(.unreachable, file.path, fieldNode.mark ?? mark,
                             "field '\(name)' is shown by '\(shown.question)', which group '\(map.string("id", lint: &lint) ?? "?")' does not ask before it")
                }
                fields.append(Question(id: field.rawValue, type: field.questionType, text: label, note: nil,
                                       required: field == .name, choices: choices, scale: nil, showIf: shownBy?.0))
            }
            if !fields.contains(where: { $0.id == ActivityField.name.rawValue }) {
                lint.add(.invalidInstrument, file.path, map.value("fields")?.mark ?? map.mark, "group '\(id)' must ask for the activity's 'name'")
            }
            if bank.questions[id] != nil || bank.groups[id] != nil {
                lint.add(.duplicateID, file.path, map.value("id")?.mark, "the id '\(id)' is used twice")
                continue
            }
            guard let kind, let prompt, let more else { continue }
            let showIf = condition(map, lint: &lint)?.0
            bank.groups[id] = (RepeatingGroup(id: id, theme: theme ?? .practiceModels, kind: kind, prompt: prompt, more: more,
                                              note: note, fields: fields, showIf: showIf), map.mark)
            if theme == nil, map.value("theme") != nil {
                lint.add(.unknownReference, file.path, map.value("theme")?.mark, "unknown theme")
            }
        }
        return bank
    }

    private mutating func choice(_ node: Node) -> Choice? {
        let map = YAMLMap(node: node, file: file.path)
        guard let value = map.string("value", lint: &lint) else { return nil }
        var label = Label(en: "", cy: "")
        for language in ["en", "cy"] {
            let text = map.value(language)?.string ?? ""
            if text.isEmpty {
                lint.add(.missingLabel, file.path, node.mark, "choice '\(value)' has no \(language == "en" ? "English" : "Welsh") ('\(language)') text")
            }
            if language == "en" { label.en = text } else { label.cy = text }
        }
        return Choice(value: value, label: label)
    }

    private mutating func question(_ map: YAMLMap, lists: [String: [Choice]]) -> Question? {
        guard let id = map.string("id", lint: &lint) else { return nil }
        guard let typeName = map.string("type", lint: &lint) else { return nil }
        guard let type = QuestionType(rawValue: typeName) else {
            lint.add(.invalidInstrument, file.path, map.value("type")?.mark,
                             "'\(typeName)' is not a question type; types are \(QuestionType.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        let text = map.label("text", lint: &lint) ?? Label(en: "", cy: "")
        let note = map.label("note", lint: &lint, required: false)
        var choices: [Choice] = []
        if type.hasChoices {
            if let listName = map.value("choices")?.string {
                if let list = lists[listName] { choices = list } else {
                    lint.add(.missingChoices, file.path, map.value("choices")?.mark, "no choice list called '\(listName)'")
                }
            } else if let inline = map.value("choices")?.sequence {
                choices = inline.compactMap { choice($0) }
            } else {
                lint.add(.missingChoices, file.path, map.keyMark("type"), "question '\(id)' is \(typeName) but has no 'choices'")
            }
        }
        var scale: Scale?
        if type == .scale {
            let minimum = map.value("min")?.int ?? 1
            let maximum = map.value("max")?.int ?? 5
            if maximum <= minimum {
                lint.add(.invalidInstrument, file.path, map.mark, "scale '\(id)' needs max greater than min")
            }
            scale = Scale(min: minimum, max: maximum, minLabel: map.label("min_label", lint: &lint, required: false),
                          maxLabel: map.label("max_label", lint: &lint, required: false))
        }
        var range: NumberRange?
        if type == .number, map.value("min") != nil || map.value("max") != nil || map.value("whole") != nil {
            let minimum = map.value("min")?.float, maximum = map.value("max")?.float
            if let minimum, let maximum, maximum < minimum {
                lint.add(.invalidInstrument, file.path, map.mark, "number '\(id)' needs max no smaller than min")
            }
            range = NumberRange(min: minimum, max: maximum, whole: map.value("whole")?.bool ?? false)
        } else if type != .number, type != .scale, map.value("whole") != nil {
            lint.add(.invalidInstrument, file.path, map.keyMark("whole"), "'whole' applies to number questions only")
        }
        var expected: NumberRange?
        if let node = map.value("expect") {
            let inner = YAMLMap(node: node, file: map.file)
            let low = inner.value("min")?.float, high = inner.value("max")?.float
            if type != .number {
                lint.add(.invalidInstrument, file.path, map.keyMark("expect"), "'expect' (a soft check) applies to number questions only")
            } else if node.mapping == nil || (low == nil && high == nil) {
                lint.add(.invalidInstrument, file.path, node.mark, "'expect' needs 'min', 'max' or both: the usual range, outside which the interviewer confirms with a reason")
            } else if let low, let high, high < low {
                lint.add(.invalidInstrument, file.path, node.mark, "number '\(id)' expects max no smaller than min")
            } else if let hard = range, !hard.holds(low) || !hard.holds(high) {
                lint.add(.invalidInstrument, file.path, node.mark, "number '\(id)': the expected range must lie inside min and max, or the soft check could never be met")
            } else {
                expected = NumberRange(min: low, max: high)
            }
        }
        let required = map.value("required")?.bool ?? false
        var question = Question(id: id, type: type, text: text, note: note, required: required, choices: choices, scale: scale,
                                showIf: condition(map, lint: &lint)?.0)
        question.range = range
        question.expected = expected
        return question
    }
}

struct ScheduleReader {
    let file: SourceFile
    let bank: Bank
    var lint = Lint()

    mutating func read() -> (Instrument, Mark?)? {
        guard let root = parseYAML(file, lint: &lint) else { return nil }
        guard let typeName = root.string("organisation_type", lint: &lint) else { return nil }
        guard let type = OrganisationType(rawValue: typeName) else {
            lint.add(.unknownReference, file.path, root.value("organisation_type")?.mark,
                             "'\(typeName)' is not an organisation type; types are \(OrganisationType.scheduled.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        let title = root.label("title", lint: &lint) ?? Label(en: "", cy: "")
        var sections: [Section] = []
        var itemMarks: [String: Mark?] = [:]
        var conditionMarks: [String: Mark?] = [:]
        var sectionIDs = Set<String>()
        for sectionNode in root.sequence("sections", lint: &lint) {
            let map = YAMLMap(node: sectionNode, file: file.path)
            guard let id = map.string("id", lint: &lint) else { continue }
            if !sectionIDs.insert(id).inserted {
                lint.add(.duplicateID, file.path, map.value("id")?.mark, "the section id '\(id)' is used twice")
            }
            guard let themeName = map.string("theme", lint: &lint) else { continue }
            guard let theme = Theme(rawValue: themeName) else {
                lint.add(.unknownReference, file.path, map.value("theme")?.mark,
                                 "'\(themeName)' is not a theme; themes are \(Theme.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            let sectionTitle = map.label("title", lint: &lint) ?? Label(en: "", cy: "")
            var items: [Item] = []
            for itemNode in map.sequence("items", lint: &lint) {
                let item = YAMLMap(node: itemNode, file: file.path)
                let localCondition = condition(item, lint: &lint)
                var resolved: Item
                var mark: Mark?
                if let id = item.value("question")?.string {
                    mark = item.value("question")?.mark
                    guard let (question, _) = bank.questions[id] else {
                        lint.add(.unknownReference, file.path, mark, "no question '\(id)' in the bank")
                        continue
                    }
                    resolved = .question(question)
                } else if let id = item.value("group")?.string {
                    mark = item.value("group")?.mark
                    guard var (group, _) = bank.groups[id] else {
                        lint.add(.unknownReference, file.path, mark, "no group '\(id)' in the bank")
                        continue
                    }
                    if item.value("theme") == nil { group.theme = theme }
                    resolved = .group(group)
                } else {
                    lint.add(.invalidInstrument, file.path, item.mark, "an item needs 'question: <id>' or 'group: <id>'")
                    continue
                }
                if let (local, conditionMark) = localCondition {
                    switch resolved {
                    case .question(var question): question.showIf = local; resolved = .question(question)
                    case .group(var group): group.showIf = local; resolved = .group(group)
                    }
                    conditionMarks[resolved.id] = conditionMark
                }
                if itemMarks[resolved.id] != nil {
                    lint.add(.duplicateID, file.path, mark, "'\(resolved.id)' is asked twice in this schedule")
                    continue
                }
                itemMarks[resolved.id] = mark
                items.append(resolved)
            }
            sections.append(Section(id: id, theme: theme, title: sectionTitle, items: items))
        }
        let instrument = Instrument(organisationType: type, version: "", title: title, sections: sections)
        checkConditions(instrument, itemMarks: itemMarks, conditionMarks: conditionMarks)
        return (instrument, root.value("organisation_type")?.mark)
    }

    /// Conditions may only look back, at a question that exists, for a value it can have.
    /// A question whose condition can never hold, or that depends on one that never shows, is unreachable.
    private mutating func checkConditions(_ instrument: Instrument, itemMarks: [String: Mark?], conditionMarks: [String: Mark?]) {
        var earlier: [String: Question] = [:]
        var unreachable = Set<String>()
        let all = instrument.sections.flatMap(\.items)
        let allIDs = Set(all.map(\.id))
        for item in all {
            defer { if case .question(let question) = item { earlier[question.id] = question } }
            guard let condition = item.showIf else { continue }
            let mark = (conditionMarks[item.id] ?? nil) ?? (itemMarks[item.id] ?? nil)
            guard let target = earlier[condition.question] else {
                if allIDs.contains(condition.question) {
                    lint.add(.badCondition, file.path, mark,
                                     "'\(item.id)' depends on '\(condition.question)', which is asked later; a condition can only look back")
                } else {
                    lint.add(.badCondition, file.path, mark,
                                     "'\(item.id)' depends on '\(condition.question)', which is not in this schedule")
                }
                unreachable.insert(item.id)
                continue
            }
            if unreachable.contains(target.id) {
                lint.add(.unreachable, file.path, mark,
                                 "'\(item.id)' can never be shown: it depends on '\(target.id)', which is never shown")
                unreachable.insert(item.id)
                continue
            }
            let possible: Set<String>? = switch target.type {
            case .yesNo: ["yes", "no"]
            case .singleChoice, .multipleChoice: Set(target.choices.map(\.value))
            case .scale: target.scale.map { Set(($0.min...max($0.min, $0.max)).map(String.init)) }
            default: nil
            }
            if let possible, !condition.negated, possible.isDisjoint(with: condition.values) {
                lint.add(.unreachable, file.path, mark,
                                 "'\(item.id)' can never be shown: '\(target.id)' cannot be \(condition.values.map { "'\($0)'" }.joined(separator: " or ")); its answers are \(possible.sorted().joined(separator: ", "))")
                unreachable.insert(item.id)
            }
        }
    }
}
