import Foundation
import Yams

// Coding review: a researcher confirms, corrects, rejects or adds activities, and the decisions
// live in the study as `coding/<return>.yaml`, one plain diffable file per return. They are
// applied when the data map is aggregated, so a rebuild, a new pipeline version or an edit
// elsewhere in the return keeps them; a decision whose passage has gone is reported, never
// applied to other text.

/// One coder's decision on one activity of one return.
public struct CodingDecision: Codable, Sendable, Hashable {
    public enum Action: String, Codable, Sendable, CaseIterable {
        case accept, correct, reject, add
    }

    public var action: Action
    /// The anchor: the passage the decision is about, as the anonymised record quotes it (the
    /// activity's name, or for an added activity the line picked), and the line it was on.
    public var quote: String
    public var line: Int
    /// For `correct` and `add`: the values the coder gave.
    public var values: CodedValues?
    /// For `reject`: why ("not an activity: a job title").
    public var reason: String?

    public init(action: Action, quote: String, line: Int, values: CodedValues? = nil, reason: String? = nil) {
        self.action = action
        self.quote = quote
        self.line = line
        self.values = values
        self.reason = reason
    }

    /// Two decisions on the same passage by different coders.
    public func sameAnchor(_ other: CodingDecision) -> Bool {
        Coding.normalise(quote) == Coding.normalise(other.quote) && line == other.line
    }
}

/// The values a coder sets. Absent means "as the reader found it".
public struct CodedValues: Codable, Sendable, Hashable {
    public var name: String?
    public var owner: String?
    public var kind: ActivityKind?
    public var pilot: Bool?
    public var theme: Theme?
    public var status: ActivityStatus?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; the phrase in the return's own words.
    public var start: String?
    public var end: String?
    public var evaluation: EvaluationType?
    public var evaluator: String?
    public var partners: [String]?

    public init(name: String? = nil, owner: String? = nil, kind: ActivityKind? = nil, pilot: Bool? = nil, theme: Theme? = nil,
                status: ActivityStatus? = nil, start: String? = nil, end: String? = nil, evaluation: EvaluationType? = nil,
                evaluator: String? = nil, partners: [String]? = nil) {
        self.name = name
        self.owner = owner
        self.kind = kind
        self.pilot = pilot
        self.theme = theme
        self.status = status
        self.start = start
        self.end = end
        self.evaluation = evaluation
        self.evaluator = evaluator
        self.partners = partners
    }

    /// The fields set, by their names in the data map's origin column.
    public var fieldNames: [String] {
        var names: [String] = []
        if name != nil { names.append("name") }
        if owner != nil { names.append("owner") }
        if kind != nil { names.append("kind") }
        if pilot != nil { names.append("pilot") }
        if theme != nil { names.append("theme") }
        if status != nil { names.append("status") }
        if start != nil || end != nil { names.append("timescale") }
        if evaluation != nil || evaluator != nil { names.append("evaluation") }
        if partners != nil { names.append("partners") }
        return names
    }

    /// Later values over earlier ones, field by field.
    public func merged(over earlier: CodedValues?) -> CodedValues {
        guard var result = earlier else { return self }
        if let name { result.name = name }
        if let owner { result.owner = owner }
        if let kind { result.kind = kind }
        if let pilot { result.pilot = pilot }
        if let theme { result.theme = theme }
        if let status { result.status = status }
        if let start { result.start = start }
        if let end { result.end = end }
        if let evaluation { result.evaluation = evaluation }
        if let evaluator { result.evaluator = evaluator }
        if let partners { result.partners = partners }
        return result
    }
}

/// `coding/<return>.yaml`: every coder's decisions on one return, and the values agreed where
/// they differed.
public struct CodingFile: Codable, Sendable, Hashable {
    /// The return, as `inbox/…`.
    public var source: String
    public var coders: [String: [CodingDecision]]
    /// Written by `datamap review --reconcile`: the decision the coders settled on, per passage.
    public var agreed: [CodingDecision]?

    public init(source: String, coders: [String: [CodingDecision]] = [:], agreed: [CodingDecision]? = nil) {
        self.source = source
        self.coders = coders
        self.agreed = agreed
    }

    /// `inbox/north/conwy.txt` is coded in `coding/north/conwy.txt.yaml`.
    public static func path(for source: String) -> String {
        "coding/" + (source.hasPrefix("inbox/") ? String(source.dropFirst("inbox/".count)) : source) + ".yaml"
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(file):\(line):\(column): \(message)" }
    }

    public static func load(yaml: String, file: String) throws(Problem) -> CodingFile {
        do {
            return try YAMLDecoder().decode(CodingFile.self, from: yaml)
        } catch let error as YamlError {
            let mark = Self.mark(error)
            throw Problem(file: file, line: mark.0, column: mark.1, message: "not well-formed YAML; fix the file or review the return again")
        } catch let DecodingError.dataCorrupted(context), let DecodingError.keyNotFound(_, context),
                let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw Problem(file: file, line: 1, column: 1,
                          message: "'\(field)' is not a coding decision datamap can read (\(context.debugDescription)); each decision has action, quote and line")
        } catch {
            throw Problem(file: file, line: 1, column: 1, message: "not a coding file: it needs 'source' and 'coders'")
        }
    }

    private static func mark(_ error: YamlError) -> (Int, Int) {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): (mark.line, mark.column)
        default: (1, 1)
        }
    }

    /// Keys sorted and one decision per block, so two versions diff line by line.
    public func yaml() -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        encoder.options.allowUnicode = true
        encoder.options.width = -1
        return "# datamap coding decisions: written by 'datamap review', read by 'datamap build'.\n"
            + ((try? encoder.encode(self)) ?? "")
    }
}

/// Where an activity's values came from, once a coder has looked at it.
public struct CodingOrigin: Codable, Sendable, Hashable {
    public enum Origin: String, Codable, Sendable {
        case confirmed, corrected, added
    }

    public var origin: Origin
    public var coders: [String]
    /// The fields a coder changed; every other value is as extracted and confirmed.
    public var fields: [String]
}

public enum Coding {
    public static let anchorLost = "coding-anchor-lost"
    public static let disagreement = "coding-disagreement"

    public static func normalise(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "’", with: "'").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The decisions that stand for a return: the agreed ones; else, with one coder, theirs; with
    /// several, those on which every coder who decided the passage agrees. The rest are findings.
    public static func standing(_ file: CodingFile) -> (decisions: [(CodingDecision, [String])], disputed: [CodingDecision]) {
        if let agreed = file.agreed {
            let agreedCoders = file.coders.keys.sorted()
            var result = agreed.map { ($0, agreedCoders) }
            // Passages the reconciliation did not cover still stand where the coders agree.
            let rest = standing(CodingFile(source: file.source, coders: file.coders))
            result += rest.decisions.filter { decision in !agreed.contains { $0.sameAnchor(decision.0) } }
            return (result, rest.disputed.filter { disputed in !agreed.contains { $0.sameAnchor(disputed) } })
        }
        var anchors: [CodingDecision] = []
        for coder in file.coders.keys.sorted() {
            for decision in file.coders[coder] ?? [] where !anchors.contains(where: { $0.sameAnchor(decision) }) { anchors.append(decision) }
        }
        var decisions: [(CodingDecision, [String])] = []
        var disputed: [CodingDecision] = []
        for anchor in anchors {
            var given: [(String, CodingDecision)] = []
            for coder in file.coders.keys.sorted() {
                if let decision = file.coders[coder]?.last(where: { $0.sameAnchor(anchor) }) { given.append((coder, decision)) }
            }
            let first = given[0].1
            if given.allSatisfy({ Self.agree($0.1, first) }) {
                decisions.append((first, given.map(\.0)))
            } else {
                disputed.append(anchor)
            }
        }
        return (decisions, disputed)
    }

    /// Two decisions agree when they do the same to the same values; reasons may be worded apart.
    static func agree(_ a: CodingDecision, _ b: CodingDecision) -> Bool {
        a.action == b.action && a.values == b.values
    }

    /// The activity a decision is anchored to: one not yet taken whose name is the quote or
    /// whose evidence holds it, nearest the anchored line.
    public static func match(_ decision: CodingDecision, in activities: [ActivityRecord], taken: Set<Int>) -> Int? {
        let quote = normalise(decision.quote)
        guard !quote.isEmpty else { return nil }
        let candidates = activities.indices.filter { index in
            guard !taken.contains(index) else { return false }
            let activity = activities[index]
            return normalise(activity.name) == quote || (activity.evidence ?? []).contains { normalise($0.phrase).contains(quote) }
        }
        return candidates.min { abs(activities[$0].provenance.line - decision.line) < abs(activities[$1].provenance.line - decision.line) }
    }

    /// Applies one return's standing decisions. `lines` gives the return's anonymised lines, for
    /// checking an added activity's passage is still there (nil when the file cannot be read).
    public static func apply(_ file: CodingFile, to record: AnonymisedReturn, lines: () -> [String]?) -> (AnonymisedReturn, [Finding]) {
        var record = record
        var findings: [Finding] = []
        let (decisions, disputed) = standing(file)
        func finding(_ rule: String, _ line: Int, _ message: String, _ suggestion: String) -> Finding {
            Finding(rule: rule, severity: rule == anchorLost ? .warning : .note,
                    location: SourceLocation(file: record.source, line: max(1, line), column: 1),
                    organisation: record.organisation.name, recordID: nil, activity: nil, message: message, reason: nil,
                    suggestion: suggestion)
        }
        let codingFile = CodingFile.path(for: record.source)
        for decision in disputed {
            findings.append(finding(disagreement, decision.line, "the coders disagree about '\(decision.quote)'; the value as read is kept",
                                    "settle it with 'datamap review --reconcile \(record.source)'; the decisions are in \(codingFile)"))
        }
        var activities = record.activities
        for index in activities.indices { activities[index].storedPosition = index }
        var taken: Set<Int> = []
        var removed: Set<Int> = []
        var added: [ActivityRecord] = []
        var sourceLines: [String]??
        for (decision, coders) in decisions {
            if decision.action == .add {
                if sourceLines == nil { sourceLines = .some(lines()) }
                let quote = normalise(decision.quote)
                var found: Int?
                if let available = sourceLines ?? nil, !quote.isEmpty {
                    found = available.indices.filter { normalise(available[$0]).contains(quote) }
                        .min { abs($0 + 1 - decision.line) < abs($1 + 1 - decision.line) }
                }
                guard let found else {
                    findings.append(finding(anchorLost, decision.line, "an activity added by \(coders.joined(separator: ", ")) was anchored to '\(decision.quote)', which is no longer in the return; it is left out",
                                            "review the return again ('datamap review \(record.source)'), or remove the decision from \(codingFile)"))
                    continue
                }
                var activity = ActivityRecord(theme: decision.values?.theme ?? .pilotProjects, kind: decision.values?.kind ?? .other,
                                              name: decision.values?.name ?? decision.quote, status: decision.values?.status ?? .current,
                                              provenance: Provenance(method: record.method, file: record.source, line: found + 1))
                activity.evidence = [Evidence(field: "name", line: found + 1, phrase: decision.quote)]
                apply(decision.values, to: &activity, record: record)
                activity.coding = CodingOrigin(origin: .added, coders: coders, fields: decision.values?.fieldNames ?? [])
                added.append(activity)
                continue
            }
            guard let index = match(decision, in: activities, taken: taken) else {
                findings.append(finding(anchorLost, decision.line, "a decision by \(coders.joined(separator: ", ")) (\(decision.action.rawValue) '\(decision.quote)') matches no activity the return now gives; it is not applied",
                                        "review the return again ('datamap review \(record.source)'), or remove the decision from \(codingFile)"))
                continue
            }
            taken.insert(index)
            switch decision.action {
            case .accept:
                activities[index].coding = CodingOrigin(origin: .confirmed, coders: coders, fields: [])
            case .correct:
                apply(decision.values, to: &activities[index], record: record)
                activities[index].coding = CodingOrigin(origin: .corrected, coders: coders, fields: decision.values?.fieldNames ?? [])
            case .reject:
                removed.insert(index)
            case .add:
                break
            }
        }
        record.activities = activities.indices.filter { !removed.contains($0) }.map { activities[$0] } + added
        return (record, findings)
    }

    public static func apply(_ values: CodedValues?, to activity: inout ActivityRecord, record: AnonymisedReturn) {
        guard let values else { return }
        if let name = values.name { activity.name = name }
        if let owner = values.owner {
            activity.owner = owner == record.organisation.name ? nil : Organisation(name: owner, type: activity.owner?.type ?? .other)
        }
        if let kind = values.kind { activity.kind = kind }
        if let pilot = values.pilot {
            if pilot { activity.kind = .pilot } else if activity.kind == .pilot { activity.kind = values.kind ?? .service }
        }
        if let theme = values.theme { activity.theme = theme }
        if let status = values.status { activity.status = status }
        if values.start != nil || values.end != nil {
            var timescale = activity.timescale ?? Timescale()
            if let start = values.start { timescale.start = PartialDate(start) }
            if let end = values.end { timescale.end = PartialDate(end) }
            activity.timescale = timescale
        }
        if values.evaluation != nil || values.evaluator != nil {
            var evaluation = activity.evaluation ?? Evaluation(type: values.evaluation ?? .none)
            if let type = values.evaluation { evaluation.type = type }
            if let evaluator = values.evaluator { evaluation.evaluator = evaluator }
            activity.evaluation = evaluation
        }
        if let partners = values.partners { activity.partners = partners }
    }
}

/// How many activities a coder has looked at, for the report.
public struct CodingCounts: Sendable, Equatable {
    /// As the reader found them, not yet checked by anyone.
    public var extracted = 0
    public var confirmed = 0
    public var corrected = 0
    public var added = 0
    public var rejected = 0

    public init() {}

    public var coded: Int { confirmed + corrected + added }

    public var table: ReportTable {
        ReportTable(name: "coding", title: "Coding review", columns: ["origin", "activities"], rows: [
            ["extracted, not yet checked", String(extracted)],
            ["confirmed by a coder", String(confirmed)],
            ["corrected by a coder", String(corrected)],
            ["added by a coder", String(added)],
            ["rejected by a coder (left out)", String(rejected)],
        ])
    }
}

/// Agreement between two coders who coded the same returns: per field, the share of passages
/// they decided alike and Cohen's kappa, which discounts the agreement chance alone would give.
public struct Agreement: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var coders: String
        public var field: String
        public var items: Int
        public var agreed: Int
        public var kappa: Double?
        /// Returns on which the two differ about this field.
        public var disagreements: [String]
    }

    public static let fields = ["activity", "name", "owner", "kind", "pilot", "timescale", "evaluation", "partners", "status"]

    public private(set) var rows: [Row] = []

    public init(_ coded: [(CodingFile, AnonymisedReturn)]) {
        var coderPairs: Set<[String]> = []
        for (file, _) in coded {
            let coders = file.coders.keys.sorted()
            for (i, a) in coders.enumerated() { for b in coders.dropFirst(i + 1) { coderPairs.insert([a, b]) } }
        }
        for pair in coderPairs.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            var ratings: [String: [(String, String, String)]] = [:]  // field → (return, a's value, b's value)
            for (file, record) in coded {
                guard let a = file.coders[pair[0]], let b = file.coders[pair[1]] else { continue }
                let viewA = Self.view(a, record), viewB = Self.view(b, record)
                for (item, valuesA) in viewA.sorted(by: { $0.key < $1.key }) {
                    guard let valuesB = viewB[item] else { continue }
                    for field in Self.fields {
                        guard let x = valuesA[field], let y = valuesB[field] else { continue }
                        ratings[field, default: []].append((record.source, x, y))
                    }
                }
            }
            for field in Self.fields {
                guard let pairsRated = ratings[field], !pairsRated.isEmpty else { continue }
                let agreed = pairsRated.filter { $0.1 == $0.2 }.count
                let differing = Set(pairsRated.filter { $0.1 != $0.2 }.map(\.0)).sorted()
                rows.append(Row(coders: pair.joined(separator: " / "), field: field, items: pairsRated.count, agreed: agreed,
                                kappa: Self.kappa(pairsRated.map { ($0.1, $0.2) }), disagreements: differing))
            }
        }
    }

    /// Cohen's kappa: (p_o − p_e) / (1 − p_e), with p_e from each coder's own category shares.
    /// Nil when chance alone would agree every time (one category only), where it is undefined.
    public static func kappa(_ ratings: [(String, String)]) -> Double? {
        guard !ratings.isEmpty else { return nil }
        let n = Double(ratings.count)
        let observed = Double(ratings.filter { $0.0 == $0.1 }.count) / n
        var first: [String: Double] = [:], second: [String: Double] = [:]
        for (a, b) in ratings { first[a, default: 0] += 1; second[b, default: 0] += 1 }
        let expected = Set(first.keys).union(second.keys).reduce(0.0) { $0 + (first[$1] ?? 0) / n * (second[$1] ?? 0) / n }
        guard expected < 1 else { return nil }
        return (observed - expected) / (1 - expected)
    }

    /// What one coder's decisions make of each passage they decided: whether it is an activity
    /// and, when it is, each field's value.
    static func view(_ decisions: [CodingDecision], _ record: AnonymisedReturn) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        var taken: Set<Int> = []
        for decision in decisions {
            let item = Coding.normalise(decision.quote) + "@\(decision.line)"
            var activity: ActivityRecord
            if decision.action == .add {
                activity = ActivityRecord(theme: .pilotProjects, kind: .other, name: decision.quote, status: .current,
                                          provenance: Provenance(method: record.method, file: record.source, line: decision.line))
            } else {
                guard let index = Coding.match(decision, in: record.activities, taken: taken) else { continue }
                taken.insert(index)
                activity = record.activities[index]
            }
            if decision.action == .reject {
                result[item] = ["activity": "rejected"]
                continue
            }
            Coding.apply(decision.values, to: &activity, record: record)
            result[item] = [
                "activity": "kept",
                "name": Coding.normalise(activity.name),
                "owner": activity.owner?.name ?? record.organisation.name,
                "kind": activity.kind.rawValue,
                "pilot": activity.kind == .pilot ? "yes" : "no",
                "timescale": "\(activity.timescale?.start?.description ?? "")–\(activity.timescale?.end?.description ?? "")",
                "evaluation": activity.evaluation?.type.rawValue ?? "",
                "partners": activity.partners.map(Coding.normalise).sorted().joined(separator: "; "),
                "status": activity.status.rawValue,
            ]
        }
        return result
    }

    public var table: ReportTable {
        ReportTable(name: "agreement", title: "Agreement between coders",
                    columns: ["coders", "field", "passages", "agreed", "agreement", "kappa", "returns_with_disagreements"],
                    rows: rows.map { row in
                        [row.coders, row.field, String(row.items), String(row.agreed),
                         String(format: "%.3f", Double(row.agreed) / Double(max(1, row.items))),
                         row.kappa.map { String(format: "%.3f", $0) } ?? "", row.disagreements.joined(separator: "; ")]
                    })
    }
}
