import Foundation

/// The web return form's logic, on the same `InterviewSession` the telephone interview uses, so
/// both ask the same questions under the same conditions and checks. One page per section; the
/// server renders what this decides and journals what it returns. Pure: no clock, no disk.
public enum WebForm {
    public enum Page: Hashable, Sendable {
        /// The respondent's details and consent.
        case about
        /// A section of the instrument, by index.
        case section(Int)
        /// "Check your answers".
        case check

        /// As a path segment: "about", "section-3", "check".
        public var slug: String {
            switch self {
            case .about: "about"
            case .section(let index): "section-\(index + 1)"
            case .check: "check"
            }
        }

        public init?(slug: String) {
            switch slug {
            case "about": self = .about
            case "check": self = .check
            default:
                guard slug.hasPrefix("section-"), let number = Int(slug.dropFirst(8)), number >= 1, number <= 1000 else { return nil }
                self = .section(number - 1)
            }
        }
    }

    /// The pages that apply now: about, each section with a question to ask, and the check page.
    /// Without consent there is nothing more to ask.
    public static func pages(_ session: InterviewSession) -> [Page] {
        let sections = Set(session.steps().compactMap(\.section))
        return [.about] + session.instrument.sections.indices.filter { sections.contains($0) }.map(Page.section) + [.check]
    }

    /// The steps a page asks, in order.
    public static func steps(on page: Page, _ session: InterviewSession) -> [Step] {
        switch page {
        case .about: session.steps().filter { $0.role == .start }.map(respondentWording)
        case .section(let index): session.steps().filter { $0.section == index }
        case .check: []
        }
    }

    /// The page after this one, or the check page.
    public static func next(after page: Page, _ session: InterviewSession) -> Page {
        let all = pages(session)
        guard let index = all.firstIndex(of: page), index + 1 < all.count else { return .check }
        return all[index + 1]
    }

    /// The first page with a required question still unanswered, if any: where "Check your
    /// answers" sends a respondent who tries to submit too soon.
    public static func firstGap(_ session: InterviewSession) -> (Page, Step)? {
        for page in pages(session) {
            for step in steps(on: page, session) where mustAnswer(step) && session.answers[step.key] == nil {
                return (page, step)
            }
        }
        return nil
    }

    /// "Is there another pilot?" and required questions need an answer before submitting.
    public static func mustAnswer(_ step: Step) -> Bool {
        if case .more = step.role { return true }
        return step.question.required
    }

    // MARK: Saving a page

    /// What one post of a page means.
    public struct Outcome: Sendable {
        /// New or changed answers, and notes, in order; the caller journals them.
        public var events: [JournalEvent] = []
        /// The fields that could not be taken, by step key, in page order.
        public var problems: [(key: String, problem: InputProblem)] = []
        /// True when an answer brought new questions onto this page ("another pilot": yes),
        /// so the page is shown again rather than moving on.
        public var appeared = false
        /// What was typed, by key, to show again beside a problem.
        public var typed: [String: [String]] = [:]
    }

    /// Reads a posted page. `shown` lists the keys the page displayed, so a radio group left
    /// unanswered (which browsers do not send) is told from a question that appeared since.
    /// A soft check ("that is unusual") is shown once; posting the same value again with the
    /// confirmation box ticked keeps it, with a note saying the respondent confirmed it.
    public static func save(_ fields: FormFields, page: Page, shown: Set<String>, to session: InterviewSession, at time: Date) -> Outcome {
        var outcome = Outcome()
        var working = session
        var index = 0
        while true {
            let steps = self.steps(on: page, working)
            guard index < steps.count else { break }
            let step = steps[index]
            index += 1
            guard shown.contains(step.key) else {
                if working.answers[step.key] == nil { outcome.appeared = true }
                continue
            }
            let values = fields.all(step.key).map(clean).filter { !$0.isEmpty }
            outcome.typed[step.key] = values
            var problem: InputProblem?
            var parsed: AnswerValue?
            switch read(values, for: step, language: session.language) {
            case .failure(let failure): problem = failure
            case .success(let value):
                parsed = value
                problem = working.crossCheck(value, for: step)
                if problem == nil, let soft = working.softCheck(value, for: step) {
                    let confirmed = fields.first("confirm:" + step.key) == "yes"
                    if confirmed {
                        if working.answers[step.key]?.value != value {
                            outcome.events.append(.noted(step: step.key, text: "Confirmed by the respondent: " + soft.message(.en),
                                                         at: time, offset: nil))
                        }
                    } else {
                        problem = soft
                    }
                }
            }
            if let problem {
                outcome.problems.append((step.key, problem))
                continue
            }
            guard let parsed, working.answers[step.key]?.value != parsed else { continue }
            let event = JournalEvent.answered(step: step.key, value: parsed, at: time, offset: nil)
            outcome.events.append(event)
            working.apply(event)
        }
        return outcome
    }

    /// Line ends as "\n", and no control characters, which XML cannot carry and nobody types.
    static func clean(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return String(String.UnicodeScalarView(unified.unicodeScalars.filter {
            $0 == "\n" || $0 == "\t" || !($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0xFFFE || $0.value == 0xFFFF)
        })).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Form values into an answer. Choices must be among the question's own values (a forged
    /// post cannot add one); everything else goes through the interview's parser.
    static func read(_ values: [String], for step: Step, language: Language) -> Result<AnswerValue, InputProblem> {
        let question = step.question
        switch question.type {
        case .multipleChoice:
            if values.isEmpty { return question.required ? .failure(.required) : .success(.skipped) }
            var chosen: [String] = []
            for value in values {
                guard question.choices.contains(where: { $0.value == value }) else { return .failure(.choice(question.choices.count)) }
                if !chosen.contains(value) { chosen.append(value) }
            }
            return .success(.choices(chosen))
        case .singleChoice:
            guard let value = values.first else { return question.required ? .failure(.required) : .success(.skipped) }
            guard values.count == 1, question.choices.contains(where: { $0.value == value }) else { return .failure(.choice(question.choices.count)) }
            return .success(.text(value))
        case .yesNo:
            guard let value = values.first else { return question.required ? .failure(.required) : .success(.skipped) }
            guard values.count == 1, value == "yes" || value == "no" else { return .failure(.yesNo) }
            return .success(.text(value))
        default:
            guard values.count <= 1 else { return .failure(.tooLong) }
            return AnswerParser.parse(values.first ?? "", for: question, language: language)
        }
    }

    /// The start steps are worded for an interviewer ("Their role"); on the web the respondent reads them.
    static func respondentWording(_ step: Step) -> Step {
        var step = step
        switch step.key {
        case StartStep.name:
            step.question.text = Label(en: "Your name", cy: "Eich enw")
            step.question.note = Label(en: "Kept private: the published data map never shows it.",
                                       cy: "Yn breifat: nid yw'r map data cyhoeddedig byth yn ei ddangos.")
        case StartStep.role: step.question.text = Label(en: "Your job title or role (optional)", cy: "Teitl eich swydd neu'ch rôl (dewisol)")
        case StartStep.email: step.question.text = Label(en: "Your email address (optional)", cy: "Eich cyfeiriad e-bost (dewisol)")
        case StartStep.phone: step.question.text = Label(en: "Your telephone number (optional)", cy: "Eich rhif ffôn (dewisol)")
        case StartStep.consent:
            step.question.text = Label(en: "Do you agree to take part, with your answers used in the study?",
                                       cy: "Ydych chi'n cytuno i gymryd rhan, gyda'ch atebion yn cael eu defnyddio yn yr astudiaeth?")
            step.question.note = Label(
                en: "This study maps services for children in care and on the edge of care. Your answers will be used in its data map and report. "
                    + "You will not be named unless you agree, and your name and contact details are kept apart from your answers. "
                    + "If you say no, nothing you enter is kept.",
                cy: "Mae'r astudiaeth hon yn mapio gwasanaethau i blant mewn gofal ac ar gyrion gofal. Bydd eich atebion yn cael eu defnyddio yn ei map data a'i hadroddiad. "
                    + "Ni fyddwch yn cael eich enwi oni bai eich bod yn cytuno, ac mae eich enw a'ch manylion cyswllt yn cael eu cadw ar wahân i'ch atebion. "
                    + "Os dywedwch na, ni chedwir dim a roddwch.")
        case StartStep.anonymity:
            step.question.text = Label(en: "May we name you in the report?", cy: "A gawn ni eich enwi yn yr adroddiad?")
            step.question.choices = [Choice(value: "anonymous", label: Label(en: "No, keep me anonymous", cy: "Na, cadwch fi'n ddienw")),
                                     Choice(value: "named", label: Label(en: "Yes, you may name me", cy: "Cewch, cewch fy enwi"))]
        default: break
        }
        return step
    }

    /// What a web respondent is told about a field; the interview's wording names keys to type.
    public static func message(_ problem: InputProblem, for question: Question, _ language: Language) -> String {
        let cy = language == .cy
        switch problem {
        case .required:
            switch question.type {
            case .yesNo, .singleChoice, .scale: return cy ? "Dewiswch un ateb" : "Select an answer"
            case .multipleChoice: return cy ? "Dewiswch o leiaf un ateb" : "Select at least one answer"
            default: return cy ? "Atebwch y cwestiwn hwn" : "Answer this question"
            }
        case .yesNo, .choice: return cy ? "Dewiswch un o'r atebion a restrir" : "Select one of the answers listed"
        case .date: return cy ? "Rhowch ddyddiad fel 2018, Mawrth 2018 neu 31/3/2018" : "Enter a date such as 2018, March 2018 or 31/3/2018"
        case .endBeforeStart(let start):
            return cy ? "Rhaid i'r diwedd fod ar ôl y dechrau (\(start))" : "The end must be after the start (\(start))"
        case .unusualNumber, .startAfterInterview:
            return problem.message(language).replacingOccurrences(of: " Check it with the respondent.", with: "")
                .replacingOccurrences(of: " Gwiriwch gyda'r ymatebydd.", with: "")
                + (cy ? " Gwiriwch ef, a thiciwch y blwch os yw'n gywir." : " Check it, and tick the box if it is right.")
        case .tooLong where question.type != .shortText: return cy ? "Rhowch un ateb yn unig" : "Give one answer only"
        default: return problem.message(language)
        }
    }

    // MARK: Paradata

    /// The browser's family from its user-agent, and nothing finer: a version or platform could
    /// help single a respondent out.
    public static func agentFamily(_ userAgent: String?) -> String {
        guard let agent = userAgent else { return "unknown" }
        if agent.contains("Edg/") { return "Edge" }
        if agent.contains("OPR/") { return "Opera" }
        if agent.contains("Firefox/") { return "Firefox" }
        if agent.contains("Chrome/") || agent.contains("Chromium/") { return "Chrome" }
        if agent.contains("Safari/") { return "Safari" }
        if agent.range(of: "curl|python|wget|bot", options: [.regularExpression, .caseInsensitive]) != nil { return "automated" }
        return "other"
    }

    /// A short reference to quote in any correspondence about a submission, from the draft's
    /// id: it names no organisation and cannot be turned back into the link.
    public static func reference(for id: String) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        var characters: [Character] = []
        for _ in 0..<8 {
            characters.append(alphabet[Int(hash % UInt64(alphabet.count))])
            hash /= UInt64(alphabet.count)
        }
        return "DM-" + String(characters[0..<4]) + "-" + String(characters[4..<8])
    }
}

/// A form post's fields in order, as `application/x-www-form-urlencoded` sends them; a name
/// may repeat (checkboxes).
public struct FormFields: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    public static func == (a: FormFields, b: FormFields) -> Bool {
        a.pairs.map(\.name) == b.pairs.map(\.name) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }

    public enum Problem: Error, Equatable, Sendable {
        case tooManyFields(Int)
        case fieldTooLong(Int)
        case notUTF8
    }

    /// Parses a body. Limits are checked as it goes, so a forged body cannot make it do much work.
    public static func parse(_ body: [UInt8], maxFields: Int, maxFieldBytes: Int) -> Result<FormFields, Problem> {
        var pairs: [(String, String)] = []
        for part in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < maxFields else { return .failure(.tooManyFields(maxFields)) }
            guard part.count <= maxFieldBytes * 3 + 256 else { return .failure(.fieldTooLong(maxFieldBytes)) }
            let halves = part.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(halves[0]), let value = decode(halves.count > 1 ? halves[1] : []) else { return .failure(.notUTF8) }
            guard value.utf8.count <= maxFieldBytes else { return .failure(.fieldTooLong(maxFieldBytes)) }
            pairs.append((name, value))
        }
        return .success(FormFields(pairs))
    }

    /// Percent-decoding with '+' as a space; nil for bytes that are not UTF-8.
    static func decode(_ encoded: ArraySlice<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var index = encoded.startIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while index < encoded.endIndex {
            let byte = encoded[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < encoded.endIndex + 0, encoded.distance(from: index, to: encoded.endIndex) >= 3,
                      let high = hex(encoded[index + 1]), let low = hex(encoded[index + 2]) {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return String(validating: bytes, as: UTF8.self)
    }

    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
    public func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
}
