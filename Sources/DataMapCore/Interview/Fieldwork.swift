import Foundation

// Case management for a fieldwork period, as a CATI system keeps it: the sample of organisations
// to interview, every call attempt with its outcome, and the AAPOR dispositions and response
// rates a project lead reports. Everything here is pure: the CLI reads the files and the clock.

/// One organisation to interview, from `sample.csv` or drawn from the gazetteer.
public struct SampleCase: Sendable, Hashable {
    public var id: String
    public var organisation: String
    public var type: OrganisationType
    /// The post to ask for ("Head of Children's Services"), never a person's name.
    public var contactRole: String
    /// The interviewer the case is assigned to, by their study ID.
    public var interviewer: String

    public init(id: String, organisation: String, type: OrganisationType, contactRole: String = "", interviewer: String = "") {
        self.id = id
        self.organisation = organisation
        self.type = type
        self.contactRole = contactRole
        self.interviewer = interviewer
    }
}

/// `sample.csv`: a header row naming `organisation` and `type`, optionally `id`, `contact_role`
/// and `interviewer`, in any order. Without an `id` column cases are numbered C001, C002… by row,
/// so new rows go at the end.
public enum Sample {
    public static let file = "sample.csv"
    public static let columns = ["id", "organisation", "type", "contact_role", "interviewer"]

    /// A problem at a line and column of the sample, with what to do.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(Sample.file):\(line):\(column): \(message)" }
    }

    public static func parse(_ text: String) throws(Problem) -> [SampleCase] {
        let records = try CSVRecords.parse(text)
        guard let header = records.first else {
            throw Problem(line: 1, column: 1, message: "the sample is empty; it needs a header row naming organisation and type, then one row per organisation")
        }
        let names = header.fields.map { $0.text.trimmingSpace.lowercased().replacingOccurrences(of: " ", with: "_") }
        for (index, name) in names.enumerated() where !columns.contains(name) {
            throw Problem(line: header.line, column: header.fields[index].column,
                          message: "unknown column '\(name)'; the columns are \(columns.joined(separator: ", "))")
        }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let organisationColumn = column("organisation"), let typeColumn = column("type") else {
            throw Problem(line: header.line, column: 1, message: "the header row must name the columns organisation and type")
        }
        var cases: [SampleCase] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.text.trimmingSpace.isEmpty }) { continue }
            func value(_ index: Int?) -> String {
                guard let index, record.fields.indices.contains(index) else { return "" }
                return record.fields[index].text.trimmingSpace
            }
            func columnNumber(_ index: Int) -> Int {
                record.fields.indices.contains(index) ? record.fields[index].column : (record.fields.last?.column ?? 1)
            }
            let organisation = value(organisationColumn)
            guard !organisation.isEmpty else {
                throw Problem(line: record.line, column: columnNumber(organisationColumn), message: "the organisation is empty; name the organisation to interview")
            }
            let typeText = value(typeColumn)
            guard let type = OrganisationType(rawValue: typeText), type != .other else {
                throw Problem(line: record.line, column: columnNumber(typeColumn),
                              message: "'\(typeText)' is not an organisation type with a schedule; use one of \(OrganisationType.scheduled.map(\.rawValue).joined(separator: ", "))")
            }
            var id = value(column("id"))
            if id.isEmpty { id = String(format: "C%03d", cases.count + 1) }
            guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw Problem(line: record.line, column: columnNumber(column("id") ?? 0),
                              message: "case id '\(id)' may hold only letters, digits, - and _, so it can be typed after --case")
            }
            if let earlier = seen[id] {
                throw Problem(line: record.line, column: columnNumber(column("id") ?? 0),
                              message: "case id '\(id)' is already used on line \(earlier); every case needs its own id")
            }
            seen[id] = record.line
            cases.append(SampleCase(id: id, organisation: organisation, type: type,
                                    contactRole: value(column("contact_role")), interviewer: value(column("interviewer"))))
        }
        return cases
    }

    /// The gazetteer's organisations of the scheduled types (or of `types`), numbered in its order.
    public static func draw(from gazetteer: Gazetteer, types: Set<OrganisationType> = Set(OrganisationType.scheduled)) -> [SampleCase] {
        gazetteer.entries.compactMap { entry -> (Gazetteer.Entry, OrganisationType)? in
            guard let type = entry.organisationType, type != .other, types.contains(type) else { return nil }
            return (entry, type)
        }.enumerated().map { index, pair in
            SampleCase(id: String(format: "C%03d", index + 1), organisation: pair.0.name, type: pair.1)
        }
    }

    public static func csv(_ cases: [SampleCase]) -> Data {
        CSV.render(header: columns, rows: cases.map { [$0.id, $0.organisation, $0.type.rawValue, $0.contactRole, $0.interviewer] })
    }
}

/// RFC 4180 records with the line and column of every field, for located errors.
enum CSVRecords {
    struct Field { var text: String; var column: Int }
    struct Record { var line: Int; var fields: [Field] }

    static func parse(_ text: String) throws(Sample.Problem) -> [Record] {
        var records: [Record] = []
        var fields: [Field] = []
        var field = ""
        var fieldColumn = 1
        var recordLine = 1
        var line = 1
        var column = 1
        var quoted = false
        var wasQuoted = false
        var quoteLine = 1
        var quoteColumn = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endField() { fields.append(Field(text: field, column: fieldColumn)); field = ""; wasQuoted = false }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if quoted {
                if scalar == "\"" {
                    if index < scalars.count, scalars[index] == "\"" { field.unicodeScalars.append("\""); index += 1; column += 2; continue }
                    quoted = false
                } else {
                    field.unicodeScalars.append(scalar)
                    if scalar == "\n" { line += 1; column = 0 }
                }
                column += 1
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !wasQuoted:
                quoted = true
                wasQuoted = true
                quoteLine = line
                quoteColumn = column
                column += 1
            case ",":
                endField()
                column += 1
                fieldColumn = column
            case "\r":
                column += 1
            case "\n":
                endField()
                records.append(Record(line: recordLine, fields: fields))
                fields = []
                line += 1
                column = 1
                fieldColumn = 1
                recordLine = line
            default:
                if wasQuoted {
                    throw Sample.Problem(line: line, column: column, message: "text after a closing quote; a quoted field ends at its quote, and a quote inside it is written twice (\"\")")
                }
                field.unicodeScalars.append(scalar)
                column += 1
            }
        }
        if quoted {
            throw Sample.Problem(line: quoteLine, column: quoteColumn, message: "a quoted field is never closed; add the closing quote")
        }
        if !field.isEmpty || !fields.isEmpty || wasQuoted {
            endField()
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}

/// What happened on one call, in the interviewer's words, with its AAPOR telephone disposition.
public enum CallOutcome: String, Codable, Sendable, CaseIterable {
    case noAnswer = "no-answer"
    case busy
    case answeringMachine = "answering-machine"
    /// Someone at the organisation set a date and time to call back.
    case appointment
    case refusal
    /// The interview began and stopped before the end (paused or interrupted).
    case breakOff = "break-off"
    case complete
    /// Given up after trying: no interview will be had this fieldwork period.
    case unreachable
    /// The organisation is out of scope (closed, merged, no such service).
    case ineligible

    /// The AAPOR telephone code the call itself earns, temporary or final: what the interviewer
    /// sees against each call. The case's final code is settled from all its calls.
    public var aapor: String {
        switch self {
        case .noAnswer: "3.13"
        case .busy: "3.12"
        case .answeringMachine: "3.14"
        case .appointment: "2.21"
        case .refusal: "2.11"
        case .breakOff: "2.12"
        case .complete: "1.1"
        case .unreachable: "2.20"
        case .ineligible: "4.10"
        }
    }

    /// Final outcomes close the case; the others are temporary and the case is called again.
    public var isFinal: Bool { [.refusal, .complete, .unreachable, .ineligible].contains(self) }

    public var label: String {
        switch self {
        case .noAnswer: "no answer"
        case .busy: "busy"
        case .answeringMachine: "answering machine"
        case .appointment: "appointment"
        case .refusal: "refusal"
        case .breakOff: "break-off"
        case .complete: "complete"
        case .unreachable: "unreachable"
        case .ineligible: "not eligible"
        }
    }
}

public struct CallAttempt: Codable, Sendable, Hashable {
    public var caseID: String
    public var at: Date
    public var outcome: CallOutcome
    public var interviewer: String
    /// For an appointment: when to call back.
    public var appointment: Date?
    /// The interview the call ran, if any.
    public var interview: String?

    public init(caseID: String, at: Date, outcome: CallOutcome, interviewer: String, appointment: Date? = nil, interview: String? = nil) {
        self.caseID = caseID
        self.at = at
        self.outcome = outcome
        self.interviewer = interviewer
        self.appointment = appointment
        self.interview = interview
    }
}

/// The call log's lines: append-only, like an interview's journal.
public enum CaseEvent: Codable, Sendable, Hashable {
    case call(CallAttempt)
    case discarded(caseID: String, at: Date, reason: String)

    public var caseID: String {
        switch self {
        case .call(let attempt): attempt.caseID
        case .discarded(let id, _, _): id
        }
    }
}

/// What the journals say of one interview, enough to place it in a case.
public struct InterviewProgress: Sendable, Hashable {
    public var id: String
    public var caseID: String?
    public var organisation: String
    public var finished: Bool
    /// Questions answered (don't know and refused count; skipped does not) of those asked.
    public var answered: Int
    public var asked: Int

    public init(id: String, caseID: String?, organisation: String, finished: Bool, answered: Int, asked: Int) {
        self.id = id
        self.caseID = caseID
        self.organisation = organisation
        self.finished = finished
        self.answered = answered
        self.asked = asked
    }

    public init(_ session: InterviewSession) {
        let steps = session.steps()
        let answered = steps.filter { step in
            guard let answer = session.answers[step.key] else { return false }
            if case .skipped = answer.value { return false }
            return true
        }.count
        self.init(id: session.header.id, caseID: session.header.caseID, organisation: session.header.organisation.name,
                  finished: session.finished != nil, answered: answered, asked: steps.count)
    }

    /// AAPOR leaves the line between a partial and a break-off to the study; half the questions
    /// asked is the usual one.
    public var isPartial: Bool { asked > 0 && answered * 2 >= asked }
}

/// A case as the interviewer sees it now.
public enum CaseStatus: String, Sendable, CaseIterable {
    case appointment
    case inProgress = "in progress"
    case notStarted = "not started"
    case complete
    case refused
    case unreachable
    case ineligible = "not eligible"
    case discarded
}

/// AAPOR final disposition codes for telephone surveys (Standard Definitions), the subset a
/// sample of named organisations can reach.
public enum Disposition: String, Sendable, CaseIterable {
    case complete = "1.1"
    case partial = "1.2"
    case refusal = "2.11"
    case breakOff = "2.12"
    case respondentNeverAvailable = "2.21"
    case notAttempted = "3.11"
    case alwaysBusy = "3.12"
    case noAnswer = "3.13"
    case answeringMachine = "3.14"
    case outOfSample = "4.10"

    public var label: String {
        switch self {
        case .complete: "Complete interview"
        case .partial: "Partial interview"
        case .refusal: "Refusal"
        case .breakOff: "Break-off"
        case .respondentNeverAvailable: "Respondent never available (appointment not kept)"
        case .notAttempted: "Not attempted or worked"
        case .alwaysBusy: "Always busy"
        case .noAnswer: "No answer"
        case .answeringMachine: "Answering machine (eligibility not confirmed)"
        case .outOfSample: "Not eligible: out of sample"
        }
    }

    /// The term of the response-rate formulas it counts in.
    public var term: String {
        switch self {
        case .complete: "I"
        case .partial: "P"
        case .refusal, .breakOff: "R"
        case .respondentNeverAvailable: "NC"
        case .notAttempted, .alwaysBusy, .noAnswer, .answeringMachine: "UH"
        case .outOfSample: "NE"
        }
    }
}

public struct CaseState: Sendable {
    public var sample: SampleCase
    public var status: CaseStatus
    public var calls: [CallAttempt]
    public var appointment: Date?
    /// The unfinished interview to carry on, if any.
    public var openInterview: String?
    public var finishedInterview: String?
    /// Nil for a discarded case, which leaves the rates.
    public var disposition: Disposition?
}

public enum Fieldwork {
    /// Each case's status and final disposition, from the sample, the call log and the journals.
    /// An interview joins its case by the case id it was started with; one started without
    /// `--case` joins the single case of the same organisation, if there is exactly one.
    public static func states(_ sample: [SampleCase], events: [CaseEvent], interviews: [InterviewProgress]) -> [CaseState] {
        let byOrganisation = Dictionary(grouping: sample, by: \.organisation)
        var interviewsByCase: [String: [InterviewProgress]] = [:]
        for interview in interviews {
            if let id = interview.caseID {
                interviewsByCase[id, default: []].append(interview)
            } else if let only = byOrganisation[interview.organisation], only.count == 1 {
                interviewsByCase[only[0].id, default: []].append(interview)
            }
        }
        var calls: [String: [CallAttempt]] = [:]
        var discarded: Set<String> = []
        for event in events {
            switch event {
            case .call(let attempt): calls[attempt.caseID, default: []].append(attempt)
            case .discarded(let id, _, _): discarded.insert(id)
            }
        }
        return sample.map { item in
            let attempts = (calls[item.id] ?? []).sorted { $0.at < $1.at }
            let linked = interviewsByCase[item.id] ?? []
            let finished = linked.first { $0.finished }
            let open = linked.first { !$0.finished }
            let outcomes = Set(attempts.map(\.outcome))
            let last = attempts.last
            let appointment = last?.outcome == .appointment ? last?.appointment : nil
            let status: CaseStatus
            if discarded.contains(item.id) { status = .discarded }
            else if finished != nil || outcomes.contains(.complete) { status = .complete }
            else if outcomes.contains(.ineligible) { status = .ineligible }
            else if outcomes.contains(.refusal) { status = .refused }
            else if outcomes.contains(.unreachable) { status = .unreachable }
            else if appointment != nil { status = .appointment }
            else if open != nil || outcomes.contains(.breakOff) { status = .inProgress }
            else { status = .notStarted }
            return CaseState(sample: item, status: status, calls: attempts, appointment: appointment,
                             openInterview: open?.id, finishedInterview: finished?.id,
                             disposition: status == .discarded ? nil : disposition(status: status, attempts: attempts, open: open))
        }
    }

    /// The final disposition, by AAPOR's precedence: an interview over any refusal, a contact
    /// over a non-contact, and among non-contacts what the calls most often met.
    static func disposition(status: CaseStatus, attempts: [CallAttempt], open: InterviewProgress?) -> Disposition {
        switch status {
        case .complete: return .complete
        case .ineligible: return .outOfSample
        case .refused: return .refusal
        default: break
        }
        if let open { return open.isPartial ? .partial : .breakOff }
        let outcomes = attempts.map(\.outcome)
        if outcomes.contains(.breakOff) { return .breakOff }
        if outcomes.contains(.appointment) { return .respondentNeverAvailable }
        if outcomes.contains(.answeringMachine) { return .answeringMachine }
        let busy = outcomes.filter { $0 == .busy }.count
        let noAnswer = outcomes.filter { $0 == .noAnswer }.count
        if busy + noAnswer == 0 { return .notAttempted }
        return busy > noAnswer ? .alwaysBusy : .noAnswer
    }

    /// Appointments first, soonest due first; then cases under way, then those not started, then
    /// the closed ones; by id within each.
    public static func listingOrder(_ states: [CaseState]) -> [CaseState] {
        let rank: [CaseStatus: Int] = [.appointment: 0, .inProgress: 1, .notStarted: 2, .complete: 3, .refused: 4,
                                       .unreachable: 5, .ineligible: 6, .discarded: 7]
        return states.sorted { a, b in
            if rank[a.status]! != rank[b.status]! { return rank[a.status]! < rank[b.status]! }
            if let x = a.appointment, let y = b.appointment, x != y { return x < y }
            return a.sample.id.localizedStandardCompare(b.sample.id) == .orderedAscending
        }
    }
}

/// The disposition counts and AAPOR response rates, counts only: no case, organisation or contact.
public struct FieldworkSummary: Sendable, Equatable {
    public var counts: [Disposition: Int]
    public var discarded: Int

    public init(_ states: [CaseState]) {
        var counts: [Disposition: Int] = [:]
        for state in states { if let code = state.disposition { counts[code, default: 0] += 1 } }
        self.counts = counts
        discarded = states.filter { $0.status == .discarded }.count
    }

    public func total(_ term: String) -> Int {
        counts.filter { $0.key.term == term }.reduce(0) { $0 + $1.value }
    }

    /// The estimated share of unknown-eligibility cases that are eligible: the share among cases
    /// whose eligibility was settled (AAPOR's proportional allocation). With none settled, 1.
    public var eligibilityEstimate: Double {
        let eligible = Double(total("I") + total("P") + total("R") + total("NC") + total("O"))
        let settled = eligible + Double(total("NE"))
        return settled > 0 ? eligible / settled : 1
    }

    /// RR1 = I / ((I+P) + (R+NC+O) + (UH+UO)); nil with nothing to divide by.
    public var rr1: Double? { rate(e: 1) }
    /// RR3 = I / ((I+P) + (R+NC+O) + e(UH+UO)).
    public var rr3: Double? { rate(e: eligibilityEstimate) }

    private func rate(e: Double) -> Double? {
        let denominator = Double(total("I") + total("P") + total("R") + total("NC") + total("O"))
            + e * Double(total("UH") + total("UO"))
        return denominator > 0 ? Double(total("I")) / denominator : nil
    }

    public var dispositionTable: ReportTable {
        let rows = Disposition.allCases.map { [$0.rawValue, $0.label, $0.term, String(counts[$0] ?? 0)] }
        return ReportTable(name: "dispositions", title: "Case dispositions (AAPOR final codes)",
                           columns: ["code", "disposition", "term", "cases"], rows: rows)
    }

    public var ratesTable: ReportTable {
        func show(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        let rows: [[String]] = [
            ["RR1", show(rr1), "I / ((I+P) + (R+NC+O) + (UH+UO))"],
            ["RR3", show(rr3), "I / ((I+P) + (R+NC+O) + e(UH+UO))"],
            ["e", show(eligibilityEstimate), "(I+P+R+NC+O) / (I+P+R+NC+O+NE): eligible share of cases whose eligibility is known"],
        ] + ["I", "P", "R", "NC", "O", "UH", "UO", "NE"].map { [$0, String(total($0)), "cases"] }
            + [["discarded", String(discarded), "cases discarded with a reason, outside the rates"]]
        return ReportTable(name: "response-rates", title: "AAPOR response rates", columns: ["measure", "value", "definition"], rows: rows)
    }
}
