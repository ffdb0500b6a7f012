import Foundation

/// Something the validator found in the data map, located at its source like a compiler warning.
public struct Finding: Codable, Sendable, Hashable {
    public var rule: String
    public var severity: Diagnostic.Severity
    public var location: SourceLocation
    public var endLine: Int?
    public var organisation: String
    public var recordID: String?
    public var activity: String?
    public var message: String
    public var reason: String?
    public var suggestion: String?

    /// `file:line:1: warning: message [rule]`, then the reason, the span and the suggestion.
    public var rendered: String {
        var text = "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message) [\(rule)]"
        if let reason { text += "\n    reason: \(reason)" }
        if let endLine, endLine > location.line { text += "\n    source: \(location.file), lines \(location.line)–\(endLine)" }
        if let suggestion { text += "\n    suggestion: \(suggestion)" }
        return text
    }
}

/// What every rule sees: the whole map, so rules can compare returns with each other.
public struct ValidationContext: Sendable {
    public var map: DataMap
    public var reference: StudyReference

    public init(map: DataMap, reference: StudyReference) {
        self.map = map
        self.reference = reference
    }
}

/// A self-describing rule. Its examples are data the rule must (and must not) fire on;
/// the test suite runs every one, so the documentation cannot drift from the behaviour.
public struct ValidationRule: Sendable {
    public struct Example: Sendable {
        public var returns: [AnonymisedReturn]
        public var fires: Bool

        /// The example's own small gazetteer, taxonomy and instrument, so it needs no files.
        public var context: ValidationContext {
            ValidationContext(map: DataMap(returns: returns), reference: Validator.exampleReference)
        }
    }

    public let id: String
    public let severity: Diagnostic.Severity
    public let summary: String
    public let examples: [Example]
    let check: @Sendable (ValidationContext, ValidationRule) -> [Finding]

    public func run(_ context: ValidationContext) -> [Finding] { check(context, self) }

    func finding(_ row: DataMap.Row, _ message: String, reason: String? = nil, suggestion: String? = nil,
                 severity: Diagnostic.Severity? = nil) -> Finding {
        let provenance = row.activity.provenance
        return Finding(rule: id, severity: severity ?? self.severity,
                       location: SourceLocation(file: provenance.file, line: max(provenance.line, 1), column: 1),
                       endLine: provenance.endLine, organisation: row.organisation.name, recordID: row.id,
                       activity: row.activity.name, message: message, reason: reason, suggestion: suggestion)
    }

    func finding(_ participant: DataMap.ParticipantRow, line: Int, _ message: String, suggestion: String? = nil,
                 severity: Diagnostic.Severity? = nil) -> Finding {
        Finding(rule: id, severity: severity ?? self.severity,
                location: SourceLocation(file: participant.source, line: max(line, 1), column: 1),
                organisation: participant.organisation.name, message: message, suggestion: suggestion)
    }
}

public enum Validator {
    public static func run(_ context: ValidationContext) -> [Finding] {
        let found = rules.flatMap { $0.run(context) }
        // Indices are sorted, not findings: moving a finding copies ten fields.
        return found.indices.sorted {
            (found[$0].location, found[$0].rule, found[$0].message) < (found[$1].location, found[$1].rule, found[$1].message)
        }.map { found[$0] }
    }

    static let newInitiative = "without a defined period and evaluation this is better called a new initiative than a pilot: reclassify it, or record"

    public static let rules: [ValidationRule] = [
        ValidationRule(
            id: "pilot-missing-timescale", severity: .warning,
            summary: "A pilot runs for a predetermined period; one with no end date or duration has no defined timescale.",
            examples: [
                .init(returns: [example(.pilot, timescale: Timescale(start: PartialDate(year: 2017, month: 11)))], fires: true),
                .init(returns: [example(.pilot, timescale: Timescale(phrase: "about to start"))], fires: true),
                .init(returns: [example(.pilot, timescale: Timescale(start: PartialDate(year: 2017), duration: "P2Y"))], fires: false),
                .init(returns: [example(.service, timescale: nil)], fires: false),
            ],
            check: { context, rule in
                context.map.rows.filter { $0.activity.kind == .pilot && !($0.activity.timescale?.isDefined ?? false) }.map { row in
                    let timescale = row.activity.timescale
                    var reason = "no start, end or duration was given"
                    if let start = timescale?.start { reason = "only a start date (\(start)) was given: no end date or duration" }
                    if let phrase = timescale?.phrase { reason += "; the words given were “\(phrase)”" }
                    return rule.finding(row, "pilot '\(row.activity.name)' has no defined timescale", reason: reason,
                                        suggestion: "\(newInitiative) its end date or duration")
                }
            }),
        ValidationRule(
            id: "pilot-missing-evaluation", severity: .warning,
            summary: "A pilot is evaluated: one with no evaluation at all, or one still being developed or not yet designed, has none defined. Any evaluation, even a planned internal one, counts (the first study's rule).",
            examples: [
                .init(returns: [example(.pilot, evaluation: nil)], fires: true),
                .init(returns: [example(.pilot, evaluation: Evaluation(type: .none, note: "we'll see how it goes"))], fires: true),
                .init(returns: [example(.pilot, evaluation: Evaluation(type: .planned, note: "still developing how this will be evaluated"))], fires: true),
                .init(returns: [example(.pilot, evaluation: Evaluation(type: .external, evaluator: "Bangor University"))], fires: false),
                .init(returns: [example(.pilot, evaluation: Evaluation(type: .internal))], fires: false),
                .init(returns: [example(.service, evaluation: nil)], fires: false),
            ],
            check: { context, rule in
                context.map.rows.compactMap { row in
                    guard row.activity.kind == .pilot else { return nil }
                    let evaluation = row.activity.evaluation
                    let reason: String
                    switch evaluation?.type {
                    case nil: reason = "no evaluation was described"
                    case .some(.none): reason = "the respondent said there is no evaluation"
                    case .some(.planned): reason = "an evaluation is intended but still being developed, not yet designed"
                    default: return nil
                    }
                    let note = evaluation?.note.map { "; noted: “\($0)”" } ?? ""
                    let reclassify = context.reference.settings.pilots.reclassifies(rule.id)
                    return rule.finding(row, "pilot '\(row.activity.name)' has no evaluation", reason: reason + note,
                                        suggestion: reclassify ? "\(newInitiative) how it is evaluated" : "record how it is evaluated, if it is")
                }
            }),
        ValidationRule(
            id: "pilot-missing-outcome-measures", severity: .note,
            summary: "An evaluated pilot names the outcome measures it uses; one that names none is noted (study.yaml pilots.outcome_measures: note, warning or off).",
            examples: [
                .init(returns: [example(.pilot, evaluation: Evaluation(type: .external, evaluator: "Bangor University"))], fires: true),
                .init(returns: [example(.pilot, evaluation: Evaluation(type: .validatedTool, measures: ["Outcome Star"]))], fires: false),
                .init(returns: [example(.pilot, evaluation: nil)], fires: false),
            ],
            check: { context, rule in
                guard let severity = context.reference.settings.pilots.outcomeMeasures else { return [] }
                return context.map.rows.compactMap { row in
                    guard row.activity.kind == .pilot, let evaluation = row.activity.evaluation,
                          evaluation.type != .none, evaluation.type != .planned, evaluation.measures.isEmpty else { return nil }
                    return rule.finding(row, "pilot '\(row.activity.name)' names no outcome measures",
                                        reason: "it is evaluated (\(evaluation.type.label.lowercased())), but no outcome measures were named",
                                        suggestion: "record the outcome measures used, if the return or the respondent gives them", severity: severity)
                }
            }),
        ValidationRule(
            id: "end-before-start", severity: .error,
            summary: "An activity cannot end before it starts.",
            examples: [
                .init(returns: [example(.pilot, timescale: Timescale(start: PartialDate(year: 2019), end: PartialDate(year: 2018, month: 3)))], fires: true),
                .init(returns: [example(.pilot, timescale: Timescale(start: PartialDate(year: 2018, month: 4), end: PartialDate(year: 2018)))], fires: false),
            ],
            check: { context, rule in
                context.map.rows.compactMap { row in
                    guard let start = row.activity.timescale?.start, let end = row.activity.timescale?.end,
                          end.definitelyBefore(start) else { return nil }
                    return rule.finding(row, "'\(row.activity.name)' ends (\(end)) before it starts (\(start))",
                                        suggestion: "check the dates with the source and correct the return")
                }
            }),
        ValidationRule(
            id: "planned-in-past", severity: .warning,
            summary: "A planned activity should start after the return was made.",
            examples: [
                .init(returns: [example(.service, status: .planned, timescale: Timescale(start: PartialDate(year: 2017, month: 6)))], fires: true),
                .init(returns: [example(.service, status: .planned, timescale: Timescale(start: PartialDate(year: 2018, month: 9)))], fires: false),
                .init(returns: [example(.service, status: .current, timescale: Timescale(start: PartialDate(year: 2017)))], fires: false),
            ],
            check: { context, rule in
                context.map.rows.compactMap { row in
                    guard row.activity.status == .planned, let start = row.activity.timescale?.start,
                          start.definitelyBefore(row.submitted) else { return nil }
                    return rule.finding(row, "'\(row.activity.name)' is planned, but its start (\(start)) is before the return's date (\(row.submitted))",
                                        suggestion: "it has probably started: mark it current, or correct the start date")
                }
            }),
        ValidationRule(
            id: "intake", severity: .note,
            summary: "What reading a written return decided for itself, for a person to check: a date supplied for an undated return, an organisation found or matched by a near spelling.",
            examples: [
                .init(returns: [example(.service).with {
                    $0.submittedFrom = .collectionPeriod
                    $0.intake = [IntakeNote(code: "undated-return", line: 1, message: "the return gives no date; it is dated 2018-12-31")]
                }], fires: true),
                .init(returns: [example(.service)], fires: false),
            ],
            check: { context, rule in
                context.map.participants.flatMap { participant in
                    participant.intake.map { note in
                        rule.finding(participant, line: note.line, note.message + " [\(note.code)]",
                                     suggestion: note.code == "undated-return" ? "if the covering email gives a date, add a 'Date:' line to the return"
                                         : "check it; add the organisation or its spelling to instruments/organisations.yaml if it is wrong")
                    }
                }
            }),
        ValidationRule(
            id: "unknown-organisation-type", severity: .warning,
            summary: "The organisation's type should agree with the gazetteer in instruments/organisations.yaml.",
            examples: [
                .init(returns: [example(.service, organisation: Organisation(name: "Gwent Police", type: .healthBoard))], fires: true),
                .init(returns: [example(.service, organisation: Organisation(name: "Nobody Known Ltd", type: .privateProvider))], fires: true),
                .init(returns: [example(.service, organisation: Organisation(name: "Gwent Police", type: .police))], fires: false),
            ],
            check: { context, rule in
                guard !context.reference.gazetteer.entries.isEmpty else { return [] }
                var seen = Set<String>()
                return context.map.participants.compactMap { participant in
                    guard seen.insert(participant.organisation.name).inserted else { return nil }
                    let name = participant.organisation.name
                    guard let entry = context.reference.gazetteer.match(name) else {
                        return rule.finding(participant, line: 3, "'\(name)' is not in the gazetteer, so its type (\(participant.organisation.type.rawValue)) cannot be checked",
                                            suggestion: "check the spelling, or add it to instruments/organisations.yaml", severity: .note)
                    }
                    guard entry.organisationType != participant.organisation.type else { return nil }
                    return rule.finding(participant, line: 3, "'\(name)' is a \(entry.type) in the gazetteer, but the return gives its type as \(participant.organisation.type.rawValue)",
                                        suggestion: "correct the organisation type in the return, or the gazetteer")
                }
            }),
        ValidationRule(
            id: "conflicting-facts", severity: .warning,
            summary: "Two partners reporting the same programme should agree on its evaluator, end date and status; each report is compared with each named partner's latest.",
            examples: [
                .init(returns: conflictExample(evaluators: ("Cardiff University", "Bangor University")), fires: true),
                .init(returns: conflictExample(evaluators: ("Cardiff University", "Cardiff University")), fires: false),
            ],
            check: { context, rule in
                let shared: Set<ActivityKind> = [.pilot, .programme, .service, .multiAgency]
                let gazetteer = context.reference.gazetteer
                // Names repeat across thousands of rows; each is looked up once.
                var keys: [String: String] = [:], canonical: [String: String] = [:]
                func key(_ name: String) -> String {
                    if let known = keys[name] { return known }
                    let value = canonicalKey(context.reference.taxonomy.match(name)?.name ?? name)
                    keys[name] = value
                    return value
                }
                func organisation(_ name: String) -> String {
                    if let known = canonical[name] { return known }
                    let value = gazetteer.canonicalName(name)
                    canonical[name] = value
                    return value
                }
                var groups: [String: [DataMap.Row]] = [:]
                for row in context.map.rows where shared.contains(row.activity.kind) {
                    groups[key(row.activity.name), default: []].append(row)
                }
                var findings: [Finding] = []
                for rows in groups.values where rows.count > 1 {
                    // A row is compared with each partner it names, as that partner last reported
                    // the activity: comparing every report of every partner would make the
                    // findings grow with the square of the rounds of returns.
                    let organisations = rows.map { organisation($0.organisation.name) }
                    var latest: [String: Int] = [:]
                    for (index, name) in organisations.enumerated() {
                        if let current = latest[name], rows[current].submitted >= rows[index].submitted { continue }
                        latest[name] = index
                    }
                    var pairs = Set<[Int]>()
                    for (index, row) in rows.enumerated() {
                        for partner in Set(row.activity.partners.map(organisation)) {
                            if let other = latest[partner], other != index { pairs.insert([min(index, other), max(index, other)]) }
                        }
                    }
                    for pair in pairs.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
                        let a = rows[pair[0]], b = rows[pair[1]]
                        guard a.organisation.name != b.organisation.name else { continue }
                        var conflicts: [String] = []
                        if let x = a.activity.evaluation?.evaluator, let y = b.activity.evaluation?.evaluator,
                           canonicalKey(x) != canonicalKey(y) { conflicts.append("evaluator “\(x)” against “\(y)”") }
                        if let x = a.activity.timescale?.end, let y = b.activity.timescale?.end, x != y {
                            conflicts.append("end \(x) against \(y)")
                        }
                        let ended: Set<ActivityStatus> = [.completed, .withdrawn]
                        if ended.contains(a.activity.status) != ended.contains(b.activity.status) {
                            conflicts.append("status \(a.activity.status.rawValue) against \(b.activity.status.rawValue)")
                        }
                        guard !conflicts.isEmpty else { continue }
                        findings.append(rule.finding(b, "'\(b.activity.name)' is reported differently by \(a.organisation.name) (return of \(a.submitted)) and \(b.organisation.name) (return of \(b.submitted))",
                                                     reason: conflicts.joined(separator: "; "),
                                                     suggestion: "check with both organisations which is right, and correct one return"))
                    }
                }
                return findings
            }),
        ValidationRule(
            id: "required-answer-missing", severity: .warning,
            summary: "Every question the schedule marks required, and that applies, has an answer (Don't know and Refused count).",
            examples: [
                .init(returns: [example(.service, answers: [Answer(question: "q.first", text: "yes", line: 20)])], fires: true),
                .init(returns: [example(.service, answers: [Answer(question: "q.first", text: "yes", line: 20),
                                                            Answer(question: "q.required", text: "", nonResponse: .refused, line: 21)])], fires: false),
            ],
            check: { context, rule in
                context.map.participants.flatMap { participant -> [Finding] in
                    guard !participant.answers.isEmpty || Provenance.Method(rawValue: participant.method)?.isStructured == true,
                          let instrument = context.reference.instruments[participant.organisation.type] else { return [] }
                    var answers: [String: AnswerValue] = [:]
                    for answer in participant.answers {
                        answers[answer.question] = answer.nonResponse.map(AnswerValue.nonResponse) ?? .text(answer.text)
                    }
                    let line = participant.answers.map(\.line).min().map { max($0 - 1, 1) } ?? 1
                    return instrument.questions.compactMap { question in
                        guard question.required, answers[question.id] == nil else { return nil }
                        if let condition = question.showIf {
                            let given = answers[condition.question]?.recorded.map { $0.components(separatedBy: "; ") } ?? []
                            let matches = !Set(given).isDisjoint(with: condition.values)
                            guard !given.isEmpty, matches != condition.negated else { return nil }
                        }
                        return rule.finding(participant, line: line, "required question '\(question.id)' has no answer",
                                            suggestion: "ask the organisation, or record Don't know or Refused")
                    }
                }
            }),
    ]

    // MARK: Example data for the rules' own examples

    static let exampleReference: StudyReference = {
        let question = { (id: String, required: Bool) in
            Question(id: id, type: .yesNo, text: Label(en: id, cy: id), note: nil, required: required,
                     choices: [], scale: nil, showIf: nil)
        }
        let instrument = Instrument(organisationType: .police, version: "example", title: Label(en: "Police", cy: "Heddlu"),
                                    sections: [Section(id: "s", theme: .pilotProjects, title: Label(en: "S", cy: "A"),
                                                       items: [.question(question("q.first", false)), .question(question("q.required", true))])])
        return StudyReference(
            taxonomy: Taxonomy(entries: [Taxonomy.Entry(name: "Family Drug and Alcohol Court", kind: "service-model", aliases: ["FDAC"])]),
            gazetteer: Gazetteer(entries: [
                Gazetteer.Entry(name: "Gwent Police", type: "police"),
                Gazetteer.Entry(name: "Cardiff Council", type: "local-authority"),
                Gazetteer.Entry(name: "CAFCASS Cymru", type: "cafcass-cymru"),
            ]),
            instruments: [.police: instrument])
    }()

    static func example(_ kind: ActivityKind, status: ActivityStatus = .current, timescale: Timescale? = nil,
                        evaluation: Evaluation? = nil, organisation: Organisation = Organisation(name: "Gwent Police", type: .police),
                        answers: [Answer] = [], partners: [String] = [], name: String = "Example activity") -> AnonymisedReturn {
        AnonymisedReturn(
            source: "inbox/example.xml", organisation: organisation, respondent: "P-00000000", anonymity: .anonymous,
            submitted: PartialDate(year: 2018, month: 2, day: 14), language: .en, answers: answers,
            activities: [ActivityRecord(theme: .pilotProjects, kind: kind, name: name, status: status, timescale: timescale,
                                        partners: partners, evaluation: evaluation,
                                        provenance: Provenance(method: .writtenReturn, file: "inbox/example.xml", line: 12, endLine: 20))])
    }

    static func conflictExample(evaluators: (String, String)) -> [AnonymisedReturn] {
        var first = example(.programme, evaluation: Evaluation(type: .external, evaluator: evaluators.0),
                            organisation: Organisation(name: "Cardiff Council", type: .localAuthority),
                            partners: ["CAFCASS Cymru"], name: "Family Drug and Alcohol Court")
        first.source = "inbox/cardiff.xml"
        let second = example(.programme, evaluation: Evaluation(type: .external, evaluator: evaluators.1),
                             organisation: Organisation(name: "CAFCASS Cymru", type: .cafcassCymru), name: "FDAC")
        return [first, second]
    }
}

extension AnonymisedReturn {
    /// A copy with a change, for writing rule examples as one expression.
    func with(_ change: (inout AnonymisedReturn) -> Void) -> AnonymisedReturn {
        var copy = self
        change(&copy)
        return copy
    }
}
