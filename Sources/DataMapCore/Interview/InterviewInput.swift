import Foundation

/// What a line typed at an interview prompt means.
public enum InterviewInput: Equatable, Sendable {
    case answer(String)
    case nonResponse(Answer.NonResponse)
    case back
    case skip
    case note(String)
    case review
    case pause
    case help
    /// `:section 3`: go to the first question of section 3.
    case section(Int)

    /// Commands start with ':' and have Welsh forms too; a lone '?', '!' or '/' is a non-response.
    public static func parse(_ line: String) -> InterviewInput {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch text {
        case "?": return .nonResponse(.dontKnow)
        case "!": return .nonResponse(.refused)
        case "/": return .nonResponse(.notApplicable)
        default: break
        }
        guard text.hasPrefix(":") else { return .answer(line) }
        let parts = text.dropFirst().split(separator: " ", maxSplits: 1)
        let command = parts.first.map { $0.lowercased() } ?? ""
        let rest = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        switch command {
        case "back", "b", "nol", "nôl", "yn-ol": return .back
        case "skip", "s", "hepgor": return .skip
        case "note", "n", "nodyn": return .note(rest)
        case "review", "r", "adolygu": return .review
        case "pause", "p", "oedi": return .pause
        case "help", "h", "cymorth": return .help
        case "section", "sec", "adran":
            guard let number = Int(rest), number >= 1 else { return .answer(line) }
            return .section(number)
        case "dk", "dont-know": return .nonResponse(.dontKnow)
        case "refused", "gwrthod": return .nonResponse(.refused)
        case "na", "not-applicable", "amh": return .nonResponse(.notApplicable)
        default: return .answer(line)
        }
    }
}

/// Turns typed text into an answer of the question's type, or says in the interview's
/// language what is wrong, so the interviewer can correct it at once.
public enum AnswerParser {
    public static func parse(_ input: String, for question: Question, language: Language) -> Result<AnswerValue, InputProblem> {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            return question.required ? .failure(.required) : .success(.skipped)
        }
        switch question.type {
        case .shortText, .longText:
            if question.type == .shortText && text.count > 300 { return .failure(.tooLong) }
            if question.id == StartStep.email, text.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) == nil {
                return .failure(.email)
            }
            if question.id == StartStep.phone, text.range(of: #"^\+?[0-9 ()\-]{7,24}$"#, options: .regularExpression) == nil {
                return .failure(.phone)
            }
            if question.id.hasSuffix(".duration") {
                guard let duration = isoDuration(text) else { return .failure(.duration) }
                return .success(.text(duration))
            }
            return .success(.text(text))
        case .yesNo:
            guard let value = yesNo(text) else { return .failure(.yesNo) }
            return .success(.text(value))
        case .singleChoice:
            guard let choice = choice(text, in: question.choices) else { return .failure(.choice(question.choices.count)) }
            return .success(.text(choice))
        case .multipleChoice:
            let tokens = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
            var values: [String] = []
            for token in tokens {
                guard let value = choice(token, in: question.choices) else { return .failure(.choice(question.choices.count)) }
                if !values.contains(value) { values.append(value) }
            }
            return values.isEmpty ? .failure(.choice(question.choices.count)) : .success(.choices(values))
        case .date:
            guard let date = partialDate(text) else { return .failure(.date) }
            return .success(.text(date.description))
        case .number:
            guard let number = Double(text.replacingOccurrences(of: ",", with: "")), number.isFinite else { return .failure(.number) }
            if let range = question.range {
                if range.whole, number != number.rounded() { return .failure(.wholeNumber) }
                if let low = range.min, number < low { return .failure(.numberRange(low, range.max)) }
                if let high = range.max, number > high { return .failure(.numberRange(range.min, high)) }
            }
            return .success(.text(number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)))
        case .scale:
            let scale = question.scale ?? Scale(min: 1, max: 5)
            guard let value = Int(text), (scale.min...scale.max).contains(value) else { return .failure(.scale(scale.min, scale.max)) }
            return .success(.text(String(value)))
        }
    }

    /// English and Welsh ways of saying yes and no (Welsh answers echo the verb: ydy, oes, do…).
    public static func yesNo(_ text: String) -> String? {
        let word = text.lowercased().trimmingCharacters(in: .punctuationCharacters)
        if ["y", "yes", "ie", "i", "do", "oes", "ydy", "ydw", "ydyn", "yndy", "ydi"].contains(word) { return "yes" }
        if ["n", "no", "na", "naddo", "nac oes", "nac ydy", "nac ydw", "nac ydyn", "nage"].contains(word) { return "no" }
        return nil
    }

    static func choice(_ token: String, in choices: [Choice]) -> String? {
        if let number = Int(token), choices.indices.contains(number - 1) { return choices[number - 1].value }
        return choices.first { $0.value.caseInsensitiveCompare(token) == .orderedSame }?.value
    }

    /// `2018`, `2018-04`, `2018-04-01`, or `04/2018` and `1/4/2018` as people type them.
    public static func partialDate(_ text: String) -> PartialDate? {
        let date = typedDate(text)
        // "2018-02-30" is refused here, with the reason on screen, rather than at the end.
        guard let date, date.isOnTheCalendar else { return nil }
        return date
    }

    /// The forms people type and say: "2018-04", "04/2018", "31/3/18", "March 2018", "Mawrth 2018".
    private static func typedDate(_ text: String) -> PartialDate? {
        if let date = PartialDate(text) { return date }
        if let spoken = DateReader.date(in: text) { return spoken }
        let parts = text.split(separator: "/").map(String.init)
        if parts.count == 2, let month = Int(parts[0]), let year = Int(parts[1]), parts[1].count == 4, (1...12).contains(month) {
            return PartialDate(year: year, month: month)
        }
        if parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]), parts[2].count == 4,
           (1...12).contains(month), (1...31).contains(day) {
            return PartialDate(year: year, month: month, day: day)
        }
        return nil
    }

    /// "2 years", "18 months", "6 wythnos", "P2Y" → an ISO 8601 duration.
    static func isoDuration(_ text: String) -> String? {
        let lower = text.lowercased()
        if lower.range(of: #"^p(\d+y)?(\d+m)?(\d+w)?(\d+d)?$"#, options: .regularExpression) != nil, lower.count > 1 {
            return lower.uppercased()
        }
        let words = lower.split(separator: " ")
        guard words.count == 2, let number = Int(words[0]), number > 0 else { return nil }
        let unit = words[1]
        if ["year", "years", "yr", "yrs", "blwyddyn", "blynedd", "mlynedd", "flynedd", "flwyddyn"].contains(unit) { return "P\(number)Y" }
        if ["month", "months", "mis", "misoedd", "fis"].contains(unit) { return "P\(number)M" }
        if ["week", "weeks", "wythnos", "wythnosau"].contains(unit) { return "P\(number)W" }
        return nil
    }
}

/// Why typed text was not accepted; the terminal words it in the interview's language.
public enum InputProblem: Error, Equatable, Sendable {
    case required
    case yesNo
    case choice(Int)
    case date
    case number
    case scale(Int, Int)
    case duration
    case tooLong
    case email
    case phone
    case wholeNumber
    case numberRange(Double?, Double?)
    /// An activity's end before its start, as given earlier for the same activity.
    case endBeforeStart(String)
    /// Soft checks: allowed with a reason. A number outside the usual range, and a start later
    /// than the day of the interview for an activity said to be running now.
    case unusualNumber(Double?, Double?)
    case startAfterInterview(String)

    /// Whether the interviewer may keep the answer by giving a reason.
    public var isSoft: Bool {
        switch self {
        case .unusualNumber, .startAfterInterview: true
        default: false
        }
    }

    public func message(_ language: Language) -> String {
        func shown(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        switch (self, language) {
        case (.wholeNumber, .en): return "Please give a whole number."
        case (.wholeNumber, .cy): return "Rhowch rif cyfan."
        case (.numberRange(let low, let high), .en):
            if let low, let high { return "Please give a number from \(shown(low)) to \(shown(high))." }
            return low.map { "Please give a number of \(shown($0)) or more." } ?? "Please give a number of \(shown(high ?? 0)) or less."
        case (.numberRange(let low, let high), .cy):
            if let low, let high { return "Rhowch rif o \(shown(low)) i \(shown(high))." }
            return low.map { "Rhowch rif o \(shown($0)) neu fwy." } ?? "Rhowch rif o \(shown(high ?? 0)) neu lai."
        case (.unusualNumber(let low, let high), .en):
            let usual = low.flatMap { low in high.map { "from \(shown(low)) to \(shown($0))" } } ?? low.map { "\(shown($0)) or more" } ?? "\(shown(high ?? 0)) or less"
            return "That is unusual: most answers are \(usual). Check it with the respondent."
        case (.unusualNumber(let low, let high), .cy):
            let usual = low.flatMap { low in high.map { "o \(shown(low)) i \(shown($0))" } } ?? low.map { "\(shown($0)) neu fwy" } ?? "\(shown(high ?? 0)) neu lai"
            return "Mae hynny'n anarferol: mae'r rhan fwyaf o atebion yn \(usual). Gwiriwch gyda'r ymatebydd."
        case (.startAfterInterview(let day), .en): return "That start is after today (\(day)), but it was said to be running now. Check it with the respondent."
        case (.startAfterInterview(let day), .cy): return "Mae'r dechrau hwnnw ar ôl heddiw (\(day)), ond dywedwyd ei fod ar waith nawr. Gwiriwch gyda'r ymatebydd."
        case (.endBeforeStart(let start), .en): return "That is before the start given for it (\(start)). Check the end, or go :back and correct the start."
        case (.endBeforeStart(let start), .cy): return "Mae hynny cyn y dechrau a roddwyd ar ei gyfer (\(start)). Gwiriwch y diwedd, neu ewch :nol a chywiro'r dechrau."
        default: break
        }
        return switch (self, language) {
        case (.required, .en): "An answer is needed here. Type it, or use ? (don't know), ! (refused), / (not applicable) or :skip."
        case (.required, .cy): "Mae angen ateb yma. Teipiwch ef, neu defnyddiwch ? (ddim yn gwybod), ! (gwrthod), / (amherthnasol) neu :hepgor."
        case (.yesNo, .en): "Please answer y (yes) or n (no)."
        case (.yesNo, .cy): "Atebwch i (ie) neu n (na)."
        case (.choice(let count), .en): "Please give a number from 1 to \(count)."
        case (.choice(let count), .cy): "Rhowch rif o 1 i \(count)."
        case (.date, .en): "That is not a date on the calendar, or not one datamap can read. Give it as 2018, March 2018, 2018-03, 31/3/2018 or 2018-03-31."
        case (.date, .cy): "Nid yw hwnnw'n ddyddiad ar y calendr, neu ni all datamap ei ddarllen. Rhowch ef fel 2018, Mawrth 2018, 2018-03, 31/3/2018 neu 2018-03-31."
        case (.number, .en): "Please give a number."
        case (.number, .cy): "Rhowch rif."
        case (.scale(let low, let high), .en): "Please give a whole number from \(low) to \(high)."
        case (.scale(let low, let high), .cy): "Rhowch rif cyfan o \(low) i \(high)."
        case (.duration, .en): "Please give a length such as '2 years', '18 months' or '6 weeks'; put other wording in the timescale field."
        case (.duration, .cy): "Rhowch hyd fel '2 flynedd', '18 mis' neu '6 wythnos'; rhowch eiriad arall yn y maes amserlen."
        case (.tooLong, .en): "Keep this under 300 characters; longer text belongs in a description."
        case (.tooLong, .cy): "Cadwch hwn o dan 300 nod; mae testun hirach yn perthyn i ddisgrifiad."
        case (.email, .en): "That does not look like an email address (name@example.org)."
        case (.email, .cy): "Nid yw hwnnw'n edrych fel cyfeiriad e-bost (enw@example.org)."
        case (.phone, .en): "Please give the phone number as digits, spaces, brackets or a leading +."
        case (.phone, .cy): "Rhowch y rhif ffôn fel digidau, bylchau, cromfachau neu + ar y dechrau."
        case (.wholeNumber, _), (.numberRange, _), (.endBeforeStart, _), (.unusualNumber, _), (.startAfterInterview, _): ""  // worded above
        }
    }
}
