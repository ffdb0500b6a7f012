import Foundation

/// A compiled case-insensitive pattern with captured groups as strings.
struct Phrase: @unchecked Sendable {
    let regex: NSRegularExpression
    /// Words every match contains, one of them at least (lower case, ASCII).
    let required: [[UInt8]]
    /// The required words by their first byte, so a text is scanned once for all of them.
    let requiredByFirst: [[[UInt8]]]

    /// - Parameters:
    ///   - caseSensitive: for patterns that find names by their capitals; keywords inside
    ///     them use `(?i:…)`.
    ///   - requiresOneOf: words of which every match holds one: an ASCII sentence holding none
    ///     of them is passed over without running the pattern, as most sentences are.
    init(_ pattern: String, caseSensitive: Bool = false, requiresOneOf required: [String] = []) {
        // The patterns are literals in this file; a typo is a programming error caught by the tests.
        regex = try! NSRegularExpression(pattern: pattern, options: caseSensitive ? [] : [.caseInsensitive])
        self.required = required.map { Array($0.utf8) }
        var byFirst = [[[UInt8]]](repeating: [], count: 256)
        for word in self.required { if let first = word.first { byFirst[Int(first)].append(word) } }
        requiredByFirst = byFirst
    }

    /// False only when the pattern cannot match: an ASCII text without any required word.
    func couldMatch(_ text: String) -> Bool {
        guard !required.isEmpty else { return true }
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return true }
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            for index in bytes.indices {
                for word in requiredByFirst[Int(lower(bytes[index]))] where index + word.count <= bytes.count {
                    if zip(bytes[index..<(index + word.count)], word).allSatisfy({ lower($0) == $1 }) { return true }
                }
            }
            return false
        }
    }

    struct Match {
        var text: String
        var groups: [String?]
        var range: NSRange
    }

    func matches(_ text: String) -> [Match] {
        guard couldMatch(text) else { return [] }
        let ns = text as NSString
        // Word processors curl apostrophes ("haven’t"); the patterns are written with straight
        // ones. Both are one UTF-16 unit, so ranges found in the copy hold in the original.
        // The byte test first: most sentences have no E2 lead byte, and a String search per
        // pattern per sentence showed in the build's profile.
        let searched = text.utf8.contains(0xE2) && text.contains("’") ? text.replacingOccurrences(of: "’", with: "'") : text
        return regex.matches(in: searched, range: NSRange(location: 0, length: ns.length)).map { result in
            Match(text: ns.substring(with: result.range),
                  groups: (0..<result.numberOfRanges).map { index in
                      let range = result.range(at: index)
                      return range.location == NSNotFound ? nil : ns.substring(with: range)
                  },
                  range: result.range)
        }
    }

    func first(_ text: String) -> Match? { matches(text).first }
}

/// Reads timescales, evaluations, partners and status from one sentence of prose. Each reader
/// returns the exact phrase it relied on, so the extraction can be checked by a person.
enum PhraseReader {
    static let months = ["january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
                         "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
                         "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
                         "ionawr": 1, "chwefror": 2, "mawrth": 3, "ebrill": 4, "mai": 5, "mehefin": 6, "gorffennaf": 7, "awst": 8,
                         "medi": 9, "hydref": 10, "tachwedd": 11, "rhagfyr": 12]
    static let numbers = ["a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty-six": 36,
                          "dwy": 2, "dau": 2, "tair": 3, "tri": 3, "pedair": 4, "pump": 5, "chwe": 6, "deuddeg": 12]

    static func number(_ word: String?) -> Int? {
        guard let word = word?.lowercased() else { return nil }
        return Int(word) ?? numbers[word]
    }

    static let month = "(january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec|ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr)"
    static let numberWord = "(\\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty-four|thirty-six)"

    // MARK: Timescale

    struct TimescaleFinding {
        var start: PartialDate?
        var end: PartialDate?
        var duration: String?
        var planned = false
        var phrase: String
    }

    static let durationPhrase = Phrase("\\b(?:for|over|lasting|last|lasts|run(?:s|ning)? for|funded for|funding for|a period of|period of|spans?)\\s+(?:a\\s+|an\\s+|the\\s+|about\\s+|around\\s+|up to\\s+|at least\\s+)?(?:initial\\s+|further\\s+)?(?:\(numberWord)\\s*(?:to|-|–|or)\\s*)?\(numberWord)[ -](year|month|week)s?\\b", requiresOneOf: ["year", "month", "week"])
    static let durationAdjective = Phrase("\\b\(numberWord)[ -](year|month|week)s?[ -](?:long\\s+)?(?:pilot|project|programme|scheme|funding|grant|contract|period|trial|initiative|service|fixed-term)\\b", requiresOneOf: ["year", "month", "week"])
    static let between = Phrase("\\b(?:between|from)\\s+(?:(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?\(month)\\s+)?((?:19|20)\\d{2})(?:\\s*/\\s*(\\d{2}))?\\s+(?:and|to|until|till|-|–)\\s+(?:(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?\(month)\\s+)?((?:19|20)\\d{2})(?:\\s*/\\s*(\\d{2}))?\\b", requiresOneOf: ["19", "20"])
    /// "from October to December 2017", "between March and June 2018": the first month takes the
    /// year written once at the end (the year before, when it comes later in the calendar).
    static let monthSpan = Phrase("\\b(?:between|from)\\s+\(month)\\s+(?:and|to|until|till|-|–)\\s+\(month)\\s+((?:19|20)\\d{2})\\b", requiresOneOf: ["19", "20"])
    static let since = Phrase("\\b(since|from|starting|started|starting in|started in|began|began in|begun in|launched|launched in|commenced|commenced in|introduced in|set up in|established in|opened in|beginning)\\s+(?:in\\s+)?(?:(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?\(month)\\s+)?((?:19|20)\\d{2})(?:\\s*/\\s*(\\d{2,4}))?\\b", requiresOneOf: ["19", "20"])
    static let until = Phrase("\\b(until|till|runs? (?:to|until)|ends? in|ending in|due to end in|will end in|funded (?:until|to)|funding (?:until|ends in)|through to|up to|to the end of|by the end of|finishes in|finishing in|concludes? in)\\s+(?:the end of\\s+)?(?:(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?\(month)\\s+)?((?:19|20)\\d{2})(?:\\s*/\\s*(\\d{2,4}))?\\b", requiresOneOf: ["19", "20"])
    /// Welsh: "hyd at fis Awst 2019", "tan fis Mawrth 2020" (until).
    static let untilWelsh = Phrase("\\b(hyd at|tan|hyd)\\s+(?:fis\\s+|diwedd\\s+)?(?:(?:\\d{1,2}(?:st|nd|rd|th)?\\s+)?\(month)\\s+)?((?:19|20)\\d{2})\\b", requiresOneOf: ["19", "20"])
    /// Welsh lengths after a word that makes them the activity's own: "cynllun peilot dwy flynedd", "am ddeuddeg mis".
    static let durationWelsh = Phrase("\\b(?:am|peilot|prosiect|cynllun|cyfnod o)\\s+(?:gyfnod o\\s+)?(un|dwy|dau|ddwy|ddau|tair|tri|dair|dri|pedair|pump|chwe|chwech|deuddeg|ddeuddeg|\\d{1,2})\\s+(blynedd|flynedd|mlynedd|blwyddyn|flwyddyn|mis|wythnos)\\b", requiresOneOf: ["blynedd", "flynedd", "mlynedd", "blwyddyn", "flwyddyn", "mis", "wythnos"])
    /// A span written short, as clinicians do: "(Apr 18 – Mar 19)".
    static let shortSpan = Phrase("\\b\(month)\\s+(\\d{2})\\s*(?:-|–|—|to)\\s*\(month)\\s+(\\d{2})\\b", requiresOneOf: ["-", "–", "—", "to"])
    static let ago = Phrase("\\b\(numberWord)\\s+(year|month|week)s?\\s+ago\\b", requiresOneOf: ["ago"])
    static let lastPeriod = Phrase("\\b(?:started|began|launched|introduced|set up|established)\\s+(?:in\\s+)?last\\s+(year|month)\\b", requiresOneOf: ["last"])
    static let aboutToStart = Phrase("\\b(about to (?:start|begin|launch|commence|go live)|due to (?:start|begin|launch|commence|go live)|yet to (?:start|begin|launch)|will (?:start|begin|launch|commence|go live)|(?:is|are) (?:starting|launching) (?:soon|shortly|next)|not (?:yet )?started|on the point of starting|ar fin dechrau)\\b", requiresOneOf: ["start", "begin", "launch", "commenc", "go live", "dechrau"])

    static func timescale(_ text: String, submitted: PartialDate) -> [TimescaleFinding] {
        var found: [TimescaleFinding] = []
        var used: [NSRange] = []
        func free(_ range: NSRange) -> Bool { !used.contains { NSIntersectionRange($0, range).length > 0 } }
        for match in between.matches(text) {
            guard let startYear = Int(match.groups[2] ?? ""), let endYear = Int(match.groups[5] ?? "") else { continue }
            var finding = TimescaleFinding(phrase: match.text)
            finding.start = date(year: startYear, month: match.groups[1], financialSuffix: match.groups[3], start: true)
            finding.end = date(year: endYear, month: match.groups[4], financialSuffix: match.groups[6], start: false)
            found.append(finding)
            used.append(match.range)
        }
        for match in monthSpan.matches(text) where free(match.range) {
            guard let year = Int(match.groups[3] ?? ""), let first = match.groups[1].flatMap({ months[$0.lowercased()] }),
                  let last = match.groups[2].flatMap({ months[$0.lowercased()] }) else { continue }
            var finding = TimescaleFinding(phrase: match.text)
            finding.start = PartialDate(year: first <= last ? year : year - 1, month: first)
            finding.end = PartialDate(year: year, month: last)
            found.append(finding)
            used.append(match.range)
        }
        for match in since.matches(text) where free(match.range) {
            guard let year = Int(match.groups[3] ?? "") else { continue }
            found.append(TimescaleFinding(start: date(year: year, month: match.groups[2], financialSuffix: match.groups[4], start: true),
                                          phrase: match.text))
            used.append(match.range)
        }
        for match in until.matches(text) where free(match.range) {
            guard let year = Int(match.groups[3] ?? "") else { continue }
            found.append(TimescaleFinding(end: date(year: year, month: match.groups[2], financialSuffix: match.groups[4], start: false),
                                          phrase: match.text))
            used.append(match.range)
        }
        for match in shortSpan.matches(text) where free(match.range) {
            guard let startYear = Int(match.groups[2] ?? ""), let endYear = Int(match.groups[4] ?? "") else { continue }
            var finding = TimescaleFinding(phrase: match.text)
            finding.start = date(year: 2000 + startYear, month: match.groups[1], financialSuffix: nil, start: true)
            finding.end = date(year: 2000 + endYear, month: match.groups[3], financialSuffix: nil, start: false)
            found.append(finding)
            used.append(match.range)
        }
        for match in untilWelsh.matches(text) where free(match.range) {
            guard let year = Int(match.groups[3] ?? "") else { continue }
            found.append(TimescaleFinding(end: date(year: year, month: match.groups[2], financialSuffix: nil, start: false), phrase: match.text))
            used.append(match.range)
        }
        for match in durationWelsh.matches(text) where free(match.range) {
            let welshNumbers = ["un": 1, "dwy": 2, "dau": 2, "ddwy": 2, "ddau": 2, "tair": 3, "tri": 3, "dair": 3, "dri": 3, "pedair": 4,
                                "pump": 5, "chwe": 6, "chwech": 6, "deuddeg": 12, "ddeuddeg": 12]
            let word = match.groups[1]?.lowercased() ?? ""
            guard let count = welshNumbers[word] ?? Int(word) else { continue }
            let unit = match.groups[2]?.lowercased() ?? ""
            let letter = unit == "mis" ? "M" : unit == "wythnos" ? "W" : "Y"
            found.append(TimescaleFinding(duration: "P\(count)\(letter)", phrase: match.text))
            used.append(match.range)
        }
        for match in durationPhrase.matches(text) + durationAdjective.matches(text) where free(match.range) {
            // How long each person is helped is not how long the activity runs.
            if isInterventionLength(match, in: text) { used.append(match.range); continue }
            let unitIndex = match.groups.count - 1
            let unit = match.groups[unitIndex]?.lowercased() ?? "year"
            let letter = unit.hasPrefix("year") ? "Y" : unit.hasPrefix("month") ? "M" : "W"
            guard let high = number(match.groups[unitIndex - 1]) else { continue }
            var duration = "P\(high)\(letter)"
            if match.groups.count > 3, let low = number(match.groups[unitIndex - 2]) { duration = "P\(low)\(letter)/P\(high)\(letter)" }
            found.append(TimescaleFinding(duration: duration, phrase: match.text))
            used.append(match.range)
        }
        for match in ago.matches(text) where free(match.range) {
            guard let count = number(match.groups[1]) else { continue }
            let unit = match.groups[2]?.lowercased() ?? "month"
            found.append(TimescaleFinding(start: shift(submitted, by: count, unit: unit), phrase: match.text))
            used.append(match.range)
        }
        for match in lastPeriod.matches(text) where free(match.range) {
            found.append(TimescaleFinding(start: shift(submitted, by: 1, unit: match.groups[1]?.lowercased() ?? "year"), phrase: match.text))
        }
        for match in aboutToStart.matches(text) {
            found.append(TimescaleFinding(planned: true, phrase: match.text))
        }
        return found
    }

    /// A length that belongs to the people helped or to the past, not to the activity: an age
    /// ("16 to 21-year-olds"), a course ("over a 12-week course"), a look back ("over the last
    /// eighteen months"), or a clause whose subject is the families or young people helped
    /// ("families are seen for 9 to 12 months", "young people stay for up to three months").
    static func isInterventionLength(_ match: Phrase.Match, in text: String) -> Bool {
        let ns = text as NSString
        let after = ns.substring(from: match.range.location + match.range.length).lowercased()
        if after.hasPrefix("-old") || after.hasPrefix(" old") || after.hasPrefix("s old") || after.hasPrefix("s-old") { return true }
        if after.range(of: #"^[ -](long\s+)?(course|programme of|block|intervention|placement|stay|sessions?)\b"#, options: .regularExpression) != nil
            || after.range(of: #"^\s+(course|programme of|block|intervention)\b"#, options: .regularExpression) != nil { return true }
        let before = ns.substring(to: match.range.location).lowercased()
        if before.hasSuffix("the ") || before.hasSuffix("past ") { return true }
        // "offers intensive help … for up to twelve weeks": a ceiling on each case, unless the
        // sentence is about the pilot's own funding or term ("funded for up to two years").
        if match.text.lowercased().contains("up to"),
           before.range(of: #"\b(pilot|project|scheme|funded|funding|contract|trial|initiative|programme)\b"#, options: .regularExpression) == nil {
            return true
        }
        // The clause the length sits in: from the last comma or semicolon.
        let clause = before.components(separatedBy: CharacterSet(charactersIn: ",;")).last ?? before
        let people = #"\b(families|family|young people|young person|children|child|parents|parent|participants|fathers|mothers|carers|each|they|pupils|learners|women|men)\b"#
        let activity = #"\b(pilot|project|scheme|programme|service|funded|funding|contract|initiative|trial|team|hub|it|this)\b"#
        return clause.range(of: people, options: .regularExpression) != nil && clause.range(of: activity, options: .regularExpression) == nil
    }

    /// "2010/11" is a financial year: it starts in April 2010 and ends in March 2011.
    static func date(year: Int, month: String?, financialSuffix: String?, start: Bool) -> PartialDate {
        if let month, let number = months[month.lowercased()] { return PartialDate(year: year, month: number) }
        if let suffix = financialSuffix, let value = Int(suffix) {
            let second = suffix.count == 2 ? (year / 100) * 100 + value : value
            if second == year + 1 { return start ? PartialDate(year: year, month: 4) : PartialDate(year: second, month: 3) }
        }
        return PartialDate(year: year)
    }

    static func shift(_ date: PartialDate, by count: Int, unit: String) -> PartialDate {
        if unit.hasPrefix("year") { return PartialDate(year: date.year - count, month: date.month) }
        let months = unit.hasPrefix("week") ? max(0, count / 4) : count
        let total = date.year * 12 + ((date.month ?? 1) - 1) - months
        return PartialDate(year: total / 12, month: total % 12 + 1)
    }

    // MARK: Evaluation

    struct EvaluationFinding {
        var evaluation: Evaluation
        var phrase: String
        /// "An evaluation of a similar project elsewhere": about something else.
        var aboutAnother: Bool
    }

    static let noEvaluation = Phrase("\\b(no (?:formal |independent |external |proper |real |planned |built-in )?(?:evaluation|evaluations|outcome measures|plans? to evaluate|way of measuring)|(?:(?:has|have|had|is|are|was|were|will) not|hasn't|haven't|isn't|aren't|wasn't|weren't|won't)(?: yet)?(?: been| be)? (?:formally |independently |properly )?evaluated|not (?:been |being |yet )?(?:formally |independently )?evaluated|(?:still|yet to|not yet|are|is) (?:developing|deciding|decided|agreed|determined|working out|work out|to decide|to agree|to develop|considering|thinking about) how (?:this|it|we|the \\w+|they)(?: will| would| should| might| can| could)?(?: be)? (?:evaluat\\w*|measur\\w*|assess\\w*)|(?:we'll|we will|we|we're going to|going to) (?:just )?see how (?:it|things|this) go(?:es)?|without (?:any |an )?(?:formal )?evaluation|nothing formal|dim gwerthusiad|heb (?:ei|eu) (?:werthuso|gwerthuso)|(?:nid oes|does dim|does) (?:dim )?(?:gwerthusiad|cynllun gwerthuso)|nid (?:yw|ydym|ydyn|oes)(?:['’]r \\w+)? (?:wedi(?:['’]i| ei)? )?(?:werthuso|gwerthuso)|(?:would|'d) like to (?:evaluate|have (?:it |this )?evaluated|see (?:it|this) evaluated)|hope to evaluate|(?:haven't|have not|has not|hasn't|not yet) (?:yet )?(?:set up|started|commissioned|arranged|planned|agreed) (?:an |any )?evaluation)")
    /// Any sign that an activity's results are looked at: evaluated, monitored, audited, reviewed,
    /// measured, reported on a schedule, or asked of the people it serves. The gold standard counts
    /// routine monitoring and feedback as a (weak or moderate) evaluation; so does a careful reader.
    static let evaluationCue = Phrase("\\b(evaluat\\w*|outcome measures?|randomi[sz]ed|controlled trial|\\bRCT\\b|monitor(?:s|ed|ing)?|performance (?:figures|indicators|data)|KPIs?|re-referral|measured (?:using|with|by)|gwerthus\\w*|monitro|(?:outcomes?|figures|data|results|progress|take-up)\\s+(?:are|is|were|will be)\\s+(?:reported|tracked|collected|monitored|reviewed)|report(?:s|ed|ing)?\\s+(?:\\w+\\s+){0,3}(?:quarterly|monthly|annually|each (?:month|quarter|year)|every)|(?:quarterly|monthly|annual) (?:monitoring|reports?|returns?)|(?:case(?: file)?|practice) audits?|audit(?:s|ed)? (?:of|each|every|monthly|quarterly)|questionnaires?|feedback|survey(?:s|ed)?|(?:a|an|the) (?:\\w+ )?review of|(?:is|are) being reviewed|under review|write (?:a|an) (?:\\w+ )?report|checked through|holiadur\\w*|adborth|adolygiad|adolygu)", requiresOneOf: ["evaluat", "outcome", "randomi", "controlled trial", "rct", "monitor", "performance", "kpi", "re-referral", "measured", "gwerthus", "monitro", "figures", "data", "results", "progress", "take-up", "report", "audit", "questionnaire", "feedback", "survey", "review", "checked", "holiadur", "adborth", "adolyg"])
    /// A negator before the verb: "we do not evaluate", "we have not tried to evaluate", "we
    /// haven't worked out yet how we'll evaluate", "not yet agreed with the board how it will be evaluated".
    static let negatedEvaluation = Phrase("(?:\\b(?:do|does|did|can|could)(?: not|n['’]t|nt) (?:\\w+ )?evaluat\\w*|\\b(?:have|has|had)(?: not|n['’]t)(?: yet)? (?:tried|attempted|managed|been able|got round|had (?:the )?(?:chance|time|capacity|money|funding)) to evaluat\\w*|(?:\\bnot|n['’]t)(?: yet)? (?:worked out|agreed|decided|settled|sorted out|planned|determined|confirmed)(?: yet)?(?: [\\w'’-]+){0,5}? how (?:[\\w'’]+ ){0,4}?(?:evaluat\\w*|measur\\w*))", requiresOneOf: ["evaluat", "measur"])
    /// Reviews and audits an author commits to: "an internal review at the end of the pilot",
    /// "will be reviewed by the corporate parenting panel", "we will audit attendance", "we track this every quarter".
    static let reviewCue = Phrase("\\b((?:internal|external|independent|formal|final|annual|end-of-pilot|end of pilot) review|(?:will|is to|are to) be reviewed|(?:will|we|to|and) audit|(?:track|count|record|measure)(?:s|ed|ing)? (?:[\\w'’-]+ ){0,5}?(?:every|each|quarterly|monthly|annually|termly)|(?:are|is|we|will be|have been) (?:tracking|recording|counting) (?:whether|how many|how long|the number|the proportion|the rate)|self-assessment|feedback session|(?:will|shall|intends? to|plans? to|(?:are|is) going to) review (?:the|this|it|its|our)\\b)\\b", requiresOneOf: ["review", "audit", "track", "count", "record", "measur", "self-assessment", "feedback"])
    /// Completing or scoring a named tool: "each family completes the Family Star Plus".
    static let measuredWith = Phrase("\\b(complet(?:e|es|ed|ing)|score[sd]?|scoring|measured|using|uses|use|fills? in|filled in)\\b", requiresOneOf: ["complet", "score", "scoring", "measured", "using", "use", "fill"])
    static let evaluatedBy = Phrase("(?i:\\b(?:evaluated|evaluating|assessed|reviewed) by )((?:the )?[A-Z][\\w'’&-]*(?:\\s+(?:of|and|for|&|the)?\\s*[A-Z][\\w'’&-]*)*)|\\b((?:the )?[A-Z][\\w'’&-]*(?:\\s+(?:of|and|for|&|the)?\\s*[A-Z][\\w'’&-]*)*)\\s+(?i:(?:is|are|has been|have been|will be|was|were)\\s+(?:(?:commissioned|funded|contracted|appointed|asked)\\s+)?(?:to evaluate|evaluating|carrying out (?:an|the) evaluation))|(?i:evaluation (?:is being |will be |was |has been )?(?:carried out|conducted|undertaken|led|done) by )((?:the )?[A-Z][\\w'’&-]*(?:\\s+(?:of|and|for|&|the)?\\s*[A-Z][\\w'’&-]*)*)", caseSensitive: true, requiresOneOf: ["evaluat", "assessed by", "reviewed by"])
    static let ownEvaluation = Phrase("\\b(we|we're|we are|we have|our)\\b[^.]{0,100}\\b(evaluat\\w*|realist review|randomi[sz]ed)", requiresOneOf: ["evaluat", "realist review", "randomi"])
    static let citation = Phrase("\\bet al\\b|\\([A-Z][A-Za-z-]+(?: and [A-Z][A-Za-z-]+)?,? (?:19|20)\\d{2}\\)", requiresOneOf: ["et al", "19", "20"])
    static let external = Phrase("\\b(external(?:ly)?|independent(?:ly)?|universit(?:y|ies)|consultan\\w+|research centre|randomi[sz]ed|controlled trial|realist evaluations?|prifysgol)\\b", requiresOneOf: ["external", "independent", "universit", "consultan", "research centre", "randomi", "controlled trial", "realist evaluation", "prifysgol"])
    static let internalCue = Phrase("\\b(internal(?:ly)?|in-house|in house|ourselves|our own|own staff|self-evaluat\\w*)\\b", requiresOneOf: ["internal", "in-house", "in house", "ourselves", "our own", "own staff", "self-evaluat"])
    static let monitoring = Phrase("\\b(monitor(?:s|ed|ing)?|monitro|quarterly|monthly|annually|each (?:month|quarter|year)|performance (?:figures|indicators|data|measures)|KPIs?|re-referral(?:s| rates?)?|dashboard|audits?|questionnaires?|holiadur\\w*|feedback|adborth|survey(?:s|ed)?|review|adolyg\\w*|report(?:s|ed)?|checked)\\b", requiresOneOf: ["monitor", "monitro", "quarterly", "monthly", "annually", "each ", "performance", "kpi", "re-referral", "dashboard", "audit", "questionnaire", "holiadur", "feedback", "adborth", "survey", "review", "adolyg", "report", "checked"])
    /// An evaluation only thought about: "an evaluation of the pilot is being considered", "we may evaluate it".
    static let consideredEvaluation = Phrase("\\b(evaluation (?:of [\\w' -]{1,40} )?(?:is|was) (?:being |still )?(?:considered|discussed|explored)|(?:considering|exploring|discussing) (?:an |whether to |how to |options for )?(?:evaluat\\w*)|(?:may|might|could) (?:be )?evaluat\\w*)", requiresOneOf: ["evaluat"])
    static let plannedEvaluation = Phrase("\\b(will be evaluated|plan(?:s|ned|ning)? to evaluate|intend(?:s)? to evaluate|evaluation (?:is|will be) planned|an evaluation is being (?:designed|planned|commissioned)|to be evaluated)\\b", requiresOneOf: ["evaluat"])
    static let resultsDue = Phrase("\\b(?:results|report|findings|final report|interim report|evaluation report|outcomes)\\s+(?:are |is |will be )?(?:due|expected|available|published|reported)\\s+(?:in|by)\\s+(?:the end of\\s+)?(?:(?:spring|summer|autumn|winter)\\s+)?(?:\(month)\\s+)?((?:19|20)\\d{2})", requiresOneOf: ["19", "20"])
    static let elsewhere = Phrase("\\b(similar (?:project|scheme|service|pilot|programme|model)s?|another (?:local authority|area|authority|council|organisation|project|scheme)|other (?:local authorities|areas|authorities|councils|projects)|elsewhere|in England|in Scotland|in the US|in the United States|in America|internationally|international evidence)\\b", requiresOneOf: ["similar", "other", "elsewhere", "england", "scotland", "in the us", "united states", "america", "international"])

    /// - Parameter organisation: who wrote the return; "our evaluation" is theirs.
    static func evaluation(_ text: String, taxonomy: Taxonomy, gazetteer: Gazetteer, organisation: String? = nil) -> EvaluationFinding? {
        if let negative = noEvaluation.first(text) ?? negatedEvaluation.first(text) ?? consideredEvaluation.first(text) {
            // "We have not evaluated the arrangement as such, but we monitor each month…": what
            // the author does after the "but" stands.
            let rest = (text as NSString).substring(from: min((text as NSString).length, negative.range.location + negative.range.length))
            if let but = rest.range(of: #"\bbut\b"#, options: [.regularExpression, .caseInsensitive]),
               let positive = evaluation(String(rest[but.upperBound...]), taxonomy: taxonomy, gazetteer: gazetteer, organisation: organisation),
               positive.evaluation.type != .none {
                return positive
            }
            return EvaluationFinding(evaluation: Evaluation(type: .none, note: negative.text), phrase: negative.text, aboutAnother: false)
        }
        // A named outcome tool that people complete is measurement, which the study counts as evaluation.
        let tools = measureNames(text, taxonomy: taxonomy)
        guard let cue = evaluationCue.first(text) ?? reviewCue.first(text) ?? (tools.isEmpty ? nil : measuredWith.first(text)) else {
            return nil
        }
        var evaluation = Evaluation(type: .internal)
        var phrase = cue.text
        if let by = evaluatedBy.first(text) {
            let who = (by.groups[1] ?? by.groups[2] ?? by.groups[3])?.trimmingSpace
            if let who, !["It", "This", "The", "We", "They", "Our", "That", "These"].contains(who) {
                evaluation.evaluator = gazetteer.canonicalName(who.hasPrefix("the ") ? String(who.dropFirst(4)) : who)
            }
            phrase = by.text
        }
        if evaluation.evaluator == nil, let organisation, let own = ownEvaluation.first(text) {
            evaluation.evaluator = gazetteer.canonicalName(organisation)
            phrase = own.text
        }
        let evaluatorIsResearcher = evaluation.evaluator.flatMap { gazetteer.match($0)?.type == "research-body" } ?? false
        if evaluatorIsResearcher || external.first(text) != nil || citation.first(text) != nil { evaluation.type = .external }
        else if internalCue.first(text) != nil { evaluation.type = .internal }
        else if evaluation.evaluator == nil, plannedEvaluation.first(text) != nil { evaluation.type = .planned }
        else if evaluation.evaluator == nil, monitoring.first(text) != nil, text.lowercased().range(of: "evaluat") == nil { evaluation.type = .monitoring }
        // Validated measures named in the sentence.
        for token in Set(measureNames(text, taxonomy: taxonomy)) where !evaluation.measures.contains(token) {
            evaluation.measures.append(token)
        }
        evaluation.measures.sort()
        if evaluation.type == .internal, !evaluation.measures.isEmpty { evaluation.type = .validatedTool }
        if let due = resultsDue.first(text), let year = Int(due.groups[2] ?? "") {
            evaluation.resultsDue = date(year: year, month: due.groups[1], financialSuffix: nil, start: false)
        }
        let aboutAnother = elsewhere.first(text) != nil
        return EvaluationFinding(evaluation: evaluation, phrase: phrase, aboutAnother: aboutAnother)
    }

    /// Outcome measures named in a sentence, by their taxonomy names.
    static func measureNames(_ text: String, taxonomy: Taxonomy) -> [String] {
        ProseTokens.taxonomyMatches(ProseTokens.split(text), taxonomy: taxonomy) { $0.kind == "measure" }.map(\.0.name)
    }

    /// When a sentence names several activities, is the evaluation in it about `name`? It is about
    /// the one named straight after "evaluation of", or else the one named last before the cue.
    static func evaluationIsAbout(_ name: String?, among names: [String], in text: String) -> Bool {
        guard let name else { return false }
        let lower = text.lowercased()
        guard let cue = lower.range(of: "evaluat") else { return false }
        let positions = names.compactMap { other in lower.range(of: other.lowercased()).map { (other, $0) } }
        if let after = positions.filter({ $0.1.lowerBound >= cue.lowerBound && lower.distance(from: cue.lowerBound, to: $0.1.lowerBound) < 40 })
            .min(by: { $0.1.lowerBound < $1.1.lowerBound }), lower[cue.lowerBound...].hasPrefix("evaluation of") || lower[cue.lowerBound...].hasPrefix("evaluating") {
            return after.0 == name
        }
        if let before = positions.filter({ $0.1.upperBound <= cue.lowerBound }).max(by: { $0.1.upperBound < $1.1.upperBound }) {
            return before.0 == name
        }
        return positions.min(by: { $0.1.lowerBound < $1.1.lowerBound })?.0 == name
    }

    static func merge(_ old: Evaluation?, _ new: Evaluation) -> Evaluation {
        guard var result = old else { return new }
        // A stated evaluation outranks a vaguer or negative one.
        let rank: [EvaluationType: Int] = [.none: 0, .planned: 1, .monitoring: 2, .internal: 3, .validatedTool: 4, .external: 5]
        if rank[new.type, default: 0] > rank[result.type, default: 0] { result.type = new.type; result.note = new.note ?? result.note }
        if result.evaluator == nil { result.evaluator = new.evaluator }
        for measure in new.measures where !result.measures.contains(measure) { result.measures.append(measure) }
        if result.resultsDue == nil { result.resultsDue = new.resultsDue }
        return result
    }

    // MARK: Partners and funders

    struct OrganisationMention {
        var name: String
        var phrase: String
        var partner: Bool
        var funder: Bool
    }

    static let partnerCue = Phrase("\\b(partner(?:s|ship|ing)?|with|alongside|together|jointly|joint|collaborat\\w*|co-produc\\w*|delivered by|run by|provided by|commissioned from|involv\\w*)\\b", requiresOneOf: ["partner", "with", "alongside", "together", "joint", "collaborat", "co-produc", "delivered by", "run by", "provided by", "commissioned from", "involv"])

    static let nameConnectors: Set<String> = ["and", "of", "the", "s", "for", "in", "from", "on", "at", "to", "y", "yr", "a", "ac", "ar", "o"]

    static func organisations(_ text: String, gazetteer: Gazetteer) -> [OrganisationMention] {
        let tokens = ProseTokens.split(text)
        let matches = ProseTokens.longestMatches(tokens, longest: { gazetteer.longestKeyStarting[$0] ?? 0 }) { key, slice in
            // Short aliases (OCC, NPT, CIW) and one-word place names count only when capitalised;
            // the small words inside a name ("Action for Children", "Children in Wales") need not be.
            slice.first?.isCapitalised == true && slice.last?.isCapitalised == true
                && slice.allSatisfy({ $0.isCapitalised || Self.nameConnectors.contains($0.folded) }) ? gazetteer.entry(forKey: key) : nil
        }
        var found: [OrganisationMention] = []
        var previousEnd: String.Index?
        for (entry, range) in matches {
            let phraseStart = tokens[range.lowerBound].range.lowerBound
            let phraseEnd = tokens[range.upperBound - 1].range.upperBound
            let before = text[text.startIndex..<phraseStart].lowercased().suffix(40)
            // A partner is named close after a word that says so: "in partnership with", "delivered by".
            let near = String(before.suffix(25))
            let funder = before.range(of: #"funded by (the )?$|funding from (the )?$|grant from (the )?$"#, options: .regularExpression) != nil
                || before.range(of: #"(funded|funding|grant)[^.;]{0,30} by (the )?$"#, options: .regularExpression) != nil
            // "with Barnardo's Cymru and Cardiff University": a list after the cue shares it.
            let listed = previousEnd.map { end in
                found.last?.partner == true && ["", ",", "and", "&", ", and"].contains(text[end..<phraseStart].trimmingSpace)
            } ?? false
            found.append(OrganisationMention(name: entry.name, phrase: String(text[phraseStart..<phraseEnd]),
                                             partner: listed || partnerCue.first(near) != nil, funder: funder))
            previousEnd = phraseEnd
        }
        return found
    }

    // MARK: Status and kind

    static let plannedStatus = Phrase("\\b(plan(?:s|ned|ning)? to (?:start|launch|introduce|set up|pilot|run|develop|roll out)|(?:is|are|will be) (?:being )?(?:planned|proposed)|will (?:start|begin|launch|be launched|be introduced|be piloted|go live)|due to (?:start|begin|launch|go live)|about to (?:start|begin|launch)|from next (?:year|month|april)|in development|being set up|yn y dyfodol)\\b", requiresOneOf: ["plan", "propos", "will", "due to", "about to", "from next", "in development", "being set up", "yn y dyfodol"])
    static let completedStatus = Phrase("\\b(ended in|has ended|came to an end|finished in|has finished|was completed|has been completed|completed in|no longer (?:running|runs|operating))\\b", requiresOneOf: ["end", "finish", "complet", "no longer"])
    static let withdrawnStatus = Phrase("\\b(withdrawn|was stopped|has stopped|was discontinued|decommissioned|funding (?:ended|was cut|was withdrawn))\\b", requiresOneOf: ["withdrawn", "stopped", "discontinued", "decommissioned", "funding"])

    static func status(_ text: String) -> (ActivityStatus, String)? {
        if let match = withdrawnStatus.first(text) { return (.withdrawn, match.text) }
        if let match = completedStatus.first(text) { return (.completed, match.text) }
        if let match = plannedStatus.first(text) { return (.planned, match.text) }
        return nil
    }

    static let pilotingCue = Phrase("\\b(pilot(?:ed|ing|s)?|peilot\\w*|trial(?:led|ling|ed|ing)?|being tested|test(?:ing)? (?:out )?(?:a|the|this))\\b", requiresOneOf: ["pilot", "peilot", "trial", "test"])

    /// "being piloted in Wales", "a pilot of it": the activity is a pilot even if its name does not say so.
    static func piloting(_ lower: String, _ text: String) -> String? {
        guard let match = pilotingCue.first(text) else { return nil }
        // "randomised controlled trial" is an evaluation, not a pilot.
        if match.text.lowercased().hasPrefix("trial"), lower.range(of: "controlled trial") != nil || lower.range(of: "randomi") != nil {
            return nil
        }
        if lower.range(of: "pilot study") != nil { return nil }
        // "not a pilot but we've started…": the author says it is not one.
        if lower.range(of: #"\b(?:not|isn't|is not|wasn't) (?:a |really a |strictly a )?(?:pilot|trial)\b"#, options: .regularExpression) != nil { return nil }
        return match.text
    }
}
