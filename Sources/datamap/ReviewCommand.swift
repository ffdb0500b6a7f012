import ArgumentParser
import DataMapCore
import Foundation

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Code the data map: confirm, correct, reject or add activities, return by return.",
        discussion: """
            Each proposed activity is shown beside its source passage, the phrases behind its values \
            marked »like this«. Decisions are saved as they are made, in coding/<return>.yaml, and \
            'datamap build' applies them. Unreviewed returns come first. --reconcile settles what two \
            coders decided differently; --report lists the most frequent corrections.
            """)

    @OptionGroup var options: StudyOptions

    @Option(help: "Your coder ID (initials or a study ID); every decision records it.")
    var coder: String?

    @Option(help: "Screen language: en or cy.")
    var language: String = "en"

    @Flag(help: "Walk each passage two coders decided differently and record the agreed decision.")
    var reconcile = false

    @Flag(help: "List the most frequent corrections by kind: where the reader should improve.")
    var report = false

    @Flag(help: "Show the proposals you have already decided too, each with your decision, to change it.")
    var again = false

    @Argument(help: "Returns to code, as paths under inbox/ (default: every return, unreviewed first).")
    var returns: [String] = []

    func validate() throws {
        if !report, (coder ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--coder ID is needed: every decision records who made it")
        }
        if let coder, !coder.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ValidationError("--coder may hold only letters, digits, - and _")
        }
        guard Language(rawValue: language) != nil else { throw ValidationError("--language must be en or cy") }
    }

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        let language = Language(rawValue: language)!
        do {
            try paths.validate()
            if report {
                for line in CodingReport.lines(try CodingFiles.load(paths).values.sorted { $0.source < $1.source }) { Console.out(line) }
                return
            }
            let term = Platform.environment("TERM") ?? ""
            let editing = Platform.isTerminal(0) && term != "dumb" && !term.isEmpty && EditLineSource.useUTF8Locale()
            let input: any LineSource = editing ? EditLineSource() : PlainLineSource()
            var session = try ReviewSession(paths: paths, coder: coder!, language: language, input: input, output: TerminalOutput.current())
            session.again = again
            let sources = try session.sources(returns)
            if reconcile { try session.reconcile(sources) } else { try session.code(sources) }
        } catch let error as PlatformError {
            Console.error(error.description)
            throw Exit.failure
        }
    }
}

/// The coding screen: one proposal at a time beside its passage. Core values come from the same
/// reading and anonymising as a build, so what is coded is what the data map holds.
struct ReviewSession {
    let paths: StudyPaths
    let coder: String
    let language: Language
    let input: any LineSource
    let output: TerminalOutput
    let anonymiser: Anonymiser
    let textReader: TextReturnReader
    let xmlReader: ReturnReader
    let reference: StudyReference
    /// The respondent of the return being coded: hidden from whatever the coder types.
    var people: [String] = []
    /// Show proposals already decided too, to change a decision.
    var again = false

    init(paths: StudyPaths, coder: String, language: Language, input: any LineSource, output: TerminalOutput) throws {
        self.paths = paths
        self.coder = coder
        self.language = language
        self.input = input
        self.output = output
        try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
        let key = try Platform.loadOrCreateKey(paths.key)
        reference = try ReferenceFiles.load(paths)
        xmlReader = ReturnReader(schema: try ReturnSchema.compiled())
        textReader = TextReturnReader(reference: reference)
        anonymiser = Anonymiser(key: key, names: ReferenceFiles.names(paths), reference: reference)
    }

    private func t(_ en: String, _ cy: String) -> String { language == .cy ? cy : en }

    /// `inbox/…` paths to code: those named, or every return; ones this coder has not finished first.
    func sources(_ named: [String]) throws -> [String] {
        var all: [String]
        if named.isEmpty {
            let entries = try DiskStudy(paths: paths).inboxEntries()
            all = entries.filter { if case .file = $0.kind { ReturnFileKind(path: $0.path) != nil } else { false } }.map(\.path).sorted()
        } else {
            all = named.map { name in
                let relative = name.hasPrefix(paths.root.path + "/") ? String(name.dropFirst(paths.root.path.count + 1)) : name
                return relative.hasPrefix("inbox/") ? relative : "inbox/" + relative
            }
        }
        func decided(_ source: String) -> Int { ((try? CodingFiles.read(source, paths))?.coders[coder]?.count) ?? 0 }
        let counts = Dictionary(uniqueKeysWithValues: all.map { ($0, decided($0)) })
        return all.sorted { (counts[$0]! > 0 ? 1 : 0, $0) < (counts[$1]! > 0 ? 1 : 0, $1) }
    }

    /// The return as the build stores it, and its lines anonymised.
    func read(_ source: String) -> (AnonymisedReturn, [String], [String])? {
        let url = paths.root.appendingPathComponent(source)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            output.warning(t("\(source) cannot be read; it is left for later.", "Ni ellir darllen \(source); caiff ei adael tan yn nes ymlaen."))
            return nil
        }
        let reading: Result<Return, Rejection>
        switch ReturnFileKind(path: source) {
        case .xml: reading = xmlReader.read(data, source: source)
        case .text: reading = textReader.read(data, source: source, fileDate: Console.modified(url.path)).map(\.record)
        case .word: reading = textReader.readWord(data, source: source, fileDate: Console.modified(url.path)).map(\.record)
        case nil: return nil
        }
        guard case .success(let record) = reading else {
            output.warning(t("\(source) is refused by the reader (datamap check shows why); there is nothing to code.",
                             "Mae'r darllenydd yn gwrthod \(source) (mae datamap check yn dangos pam); does dim i'w godio."))
            return nil
        }
        let people = [record.respondent.name].filter { !$0.isEmpty }
        return (anonymiser.anonymise(record), anonymiser.anonymiseLines(Anonymiser.sourceLines(data, path: source) ?? [], people: people), people)
    }

    // MARK: Coding

    mutating func code(_ sources: [String]) throws {
        output.quiet(help)
        for (number, source) in sources.enumerated() {
            guard let (record, lines, respondent) = read(source) else { continue }
            people = respondent
            var file = try CodingFiles.read(source, paths)
            var taken: Set<Int> = []
            var decided: [Int: CodingDecision] = [:]
            for decision in file.coders[coder] ?? [] where decision.action != .add {
                if let index = Coding.match(decision, in: record.activities, taken: taken) { taken.insert(index); decided[index] = decision }
            }
            // With --again every proposal is shown, each with this coder's decision so far.
            let open = record.activities.indices.filter { again || decided[$0] == nil }
            if open.isEmpty {
                output.quiet(t("\(source): every proposal already has your decision (--again shows them, to change one).",
                               "\(source): mae gan bob cynnig eich penderfyniad eisoes (mae --again yn eu dangos, i newid un)."))
                continue
            }
            for (position, index) in open.enumerated() {
                let place = t("Return \(number + 1)/\(sources.count) · \(source) · proposal \(position + 1)/\(open.count)",
                              "Ffurflen \(number + 1)/\(sources.count) · \(source) · cynnig \(position + 1)/\(open.count)")
                switch try codeProposal(index, record: record, lines: lines, file: &file, place: place, earlier: decided[index]) {
                case .next: continue
                case .quit:
                    output.line(t("Stopped; every decision so far is saved in coding/.", "Wedi stopio; mae pob penderfyniad hyd yma wedi'i gadw yn coding/."))
                    return
                }
            }
        }
        output.line(t("Done: the decisions are in coding/. Run 'datamap build' to apply them.",
                      "Wedi gorffen: mae'r penderfyniadau yn coding/. Rhedwch 'datamap build' i'w defnyddio."))
    }

    enum Step { case next, quit }

    private func anchor(_ activity: ActivityRecord) -> (String, Int) { (activity.name, activity.provenance.line) }

    /// One proposal: shown, then commands until it is decided, skipped or the coder quits.
    private mutating func codeProposal(_ index: Int, record: AnonymisedReturn, lines: [String], file: inout CodingFile, place: String,
                                       earlier: CodingDecision? = nil) throws -> Step {
        let original = record.activities[index]
        let (quote, line) = anchor(original)
        // A correction made before is where a second look starts: Enter keeps it.
        var values: CodedValues? = earlier?.action == .correct ? earlier?.values : nil
        while true {
            var shown = original
            Coding.apply(values, to: &shown, record: record)
            show(shown, record: record, lines: lines, place: place, corrected: values?.fieldNames ?? [])
            if let earlier, earlier.action == .reject {
                output.quiet(t("  You rejected this before (\(earlier.reason ?? "")); Enter now accepts it, x keeps it rejected.",
                               "  Fe wnaethoch wrthod hwn o'r blaen (\(earlier.reason ?? "")); mae Enter nawr yn ei dderbyn, mae x yn ei gadw wedi'i wrthod."))
            } else if let earlier {
                output.quiet(t("  Your decision so far: \(earlier.action.rawValue).", "  Eich penderfyniad hyd yma: \(earlier.action.rawValue)."))
            }
            guard let typed = input.read(prompt: "> ") else { return .quit }
            let command = typed.trimmingCharacters(in: .whitespaces)
            if command.isEmpty {
                let decision = values.map { CodingDecision(action: .correct, quote: quote, line: line, values: $0) }
                    ?? CodingDecision(action: .accept, quote: quote, line: line)
                try save(decision, in: &file)
                return .next
            }
            if command == "q" { return .quit }
            if command == ">" { return .next }
            if command == "?" { output.quiet(help); continue }
            let (verb, rest) = split(command)
            if verb == "l" {
                listLines(lines, from: Int(rest) ?? max(1, original.provenance.line - 8))
                guard input.read(prompt: t("(Enter to go back) ", "(Enter i fynd yn ôl) ")) != nil else { return .quit }
                continue
            }
            switch verb {
            case "x":
                let reason = rest.isEmpty ? t("not an activity", "nid yw'n weithgaredd") : scrub(rest)
                try save(CodingDecision(action: .reject, quote: quote, line: line, reason: reason), in: &file)
                return .next
            case "m":
                guard let target = Int(rest), record.activities.indices.contains(target - 1), target - 1 != index else {
                    output.warning(t("m N merges this into proposal N of this return (1 to \(record.activities.count)).",
                                     "Mae m N yn cyfuno hwn â chynnig N y ffurflen hon (1 i \(record.activities.count))."))
                    continue
                }
                let other = record.activities[target - 1]
                // What this proposal knows and the other lacks goes over with it.
                var carried = CodedValues()
                if other.timescale == nil, let timescale = shown.timescale {
                    carried.start = timescale.start?.description
                    carried.end = timescale.end?.description
                }
                if other.evaluation == nil, let evaluation = shown.evaluation { carried.evaluation = evaluation.type; carried.evaluator = evaluation.evaluator }
                if !shown.partners.isEmpty { carried.partners = Array(Set(other.partners + shown.partners)).sorted() }
                try save(CodingDecision(action: .reject, quote: quote, line: line, reason: "merged into '\(other.name)'"), in: &file)
                if !carried.fieldNames.isEmpty {
                    let (otherQuote, otherLine) = anchor(other)
                    try save(CodingDecision(action: .correct, quote: otherQuote, line: otherLine, values: carried), in: &file)
                }
                return .next
            case "split":
                guard !rest.isEmpty else { output.warning(t("split NAME: the second activity's name.", "split ENW: enw'r ail weithgaredd.")); continue }
                let passage = passageQuote(lines, line: original.provenance.line) ?? quote
                try save(values.map { CodingDecision(action: .correct, quote: quote, line: line, values: $0) }
                           ?? CodingDecision(action: .accept, quote: quote, line: line), in: &file)
                try save(CodingDecision(action: .add, quote: passage, line: original.provenance.line,
                                          values: CodedValues(name: scrub(rest), kind: original.kind, theme: original.theme, status: original.status)), in: &file)
                return .next
            case "+":
                let (lineText, name) = split(rest)
                guard let picked = Int(lineText), lines.indices.contains(picked - 1), let passage = passageQuote(lines, line: picked), !name.isEmpty else {
                    output.warning(t("+ LINE NAME adds an activity the reader missed, from a line of the return (1 to \(lines.count)) that has text.",
                                     "Mae + LLINELL ENW yn ychwanegu gweithgaredd a fethwyd, o linell o'r ffurflen (1 i \(lines.count)) sydd â thestun."))
                    continue
                }
                try save(CodingDecision(action: .add, quote: passage, line: picked,
                                          values: CodedValues(name: scrub(name), kind: .other, theme: original.theme)), in: &file)
                output.quiet(t("  Added from line \(picked).", "  Wedi'i ychwanegu o linell \(picked)."))
                continue
            default:
                switch correction(verb, rest) {
                case .success(let change): values = change.merged(over: values)
                case .failure(let message): output.warning(message)
                }
            }
        }
    }

    private func split(_ text: String) -> (String, String) {
        guard let space = text.firstIndex(of: " ") else { return (text, "") }
        return (String(text[..<space]), text[space...].trimmingCharacters(in: .whitespaces))
    }

    /// What a coder types is anonymised like the return before it is kept.
    private func scrub(_ text: String) -> String { anonymiser.anonymiseLines([text], people: people).first ?? text }

    /// A line's text, as an added activity's anchor: the words a later build looks for.
    private func passageQuote(_ lines: [String], line: Int) -> String? {
        guard lines.indices.contains(line - 1) else { return nil }
        let text = lines[line - 1].trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        return String(text.prefix(80))
    }

    enum Correction { case success(CodedValues), failure(String) }

    private func correction(_ verb: String, _ rest: String) -> Correction {
        func listed<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String) -> T? where T.RawValue == String {
            T(rawValue: text.lowercased())
        }
        func choices<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> String where T.RawValue == String {
            T.allCases.map(\.rawValue).joined(separator: ", ")
        }
        switch verb {
        case "n":
            return rest.isEmpty ? .failure(t("n NAME: the activity's name.", "n ENW: enw'r gweithgaredd.")) : .success(CodedValues(name: scrub(rest)))
        case "o":
            guard !rest.isEmpty else { return .failure(t("o OWNER: the organisation whose activity it is.", "o PERCHENNOG: y sefydliad sy'n berchen arno.")) }
            return .success(CodedValues(owner: reference.gazetteer.resolve(rest)?.entry.name ?? scrub(rest)))
        case "k":
            guard let kind = listed(ActivityKind.self, rest) else { return .failure(t("k KIND: one of \(choices(ActivityKind.self)).", "k MATH: un o \(choices(ActivityKind.self)).")) }
            return .success(CodedValues(kind: kind))
        case "p":
            guard let yes = AnswerParser.yesNo(rest) else { return .failure(t("p y or p n: whether it is a pilot.", "p i neu p n: ai peilot ydyw.")) }
            return .success(CodedValues(pilot: yes == "yes"))
        case "s":
            guard let status = listed(ActivityStatus.self, rest) else { return .failure(t("s STATUS: one of \(choices(ActivityStatus.self)).", "s STATWS: un o \(choices(ActivityStatus.self)).")) }
            return .success(CodedValues(status: status))
        case "t":
            let (startText, endText) = split(rest)
            func date(_ text: String) -> String?? {
                if text.isEmpty || text == "-" { return .some(nil) }
                guard let value = AnswerParser.partialDate(text) else { return nil }
                return .some(value.description)
            }
            guard let start = date(startText), let end = date(endText), start != nil || end != nil else {
                return .failure(t("t START END: dates such as 2018-03 or March 2018; - for none.", "t DECHRAU DIWEDD: dyddiadau fel 2018-03 neu Mawrth 2018; - am ddim."))
            }
            if let start, let end, let a = PartialDate(start), let b = PartialDate(end), b.definitelyBefore(a) {
                return .failure(t("The end is before the start.", "Mae'r diwedd cyn y dechrau."))
            }
            return .success(CodedValues(start: start ?? nil, end: end ?? nil))
        case "e":
            let (typeText, evaluator) = split(rest)
            guard let type = listed(EvaluationType.self, typeText) else { return .failure(t("e TYPE [EVALUATOR]: TYPE is one of \(choices(EvaluationType.self)).", "e MATH [GWERTHUSWR]: MATH yw un o \(choices(EvaluationType.self)).")) }
            return .success(CodedValues(evaluation: type, evaluator: evaluator.isEmpty ? nil : scrub(evaluator)))
        case "w":
            let partners = rest.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return .success(CodedValues(partners: partners.map { reference.gazetteer.resolve($0)?.entry.name ?? scrub($0) }))
        default:
            return .failure(t("Not a command here; ? shows them.", "Nid yw hwnnw'n orchymyn yma; mae ? yn eu dangos."))
        }
    }

    /// One decision per passage per coder: a new one replaces this coder's earlier one. Saved at once.
    private func save(_ decision: CodingDecision, in file: inout CodingFile) throws {
        var mine = file.coders[coder] ?? []
        mine.removeAll { $0.sameAnchor(decision) && ($0.action == .add) == (decision.action == .add) && ($0.action != .add || $0.values?.name == decision.values?.name) }
        mine.append(decision)
        file.coders[coder] = mine
        try CodingFiles.write(file, paths)
    }

    /// A few lines, none wider than 80 columns.
    private var help: String {
        t("Enter accept · x REASON reject · m N merge into N · split NAME · > skip · q stop\n"
          + "Correct: n NAME · o OWNER · k KIND · p y/n (pilot) · t START END · s STATUS\n"
          + "         e TYPE [WHO] · w A; B (partners) · + LINE NAME add · l N lines · ? help",
          "Enter derbyn · x RHESWM gwrthod · m N cyfuno â N · split ENW · > hepgor · q stop\n"
          + "Cywiro: n ENW · o PERCHENNOG · k MATH · p i/n (peilot) · s STATWS\n"
          + "        t DECHRAU DIWEDD · e MATH [PWY] · w A; B (partneriaid)\n"
          + "+ LLINELL ENW ychwanegu · l N llinellau · ? cymorth")
    }

    /// Sixteen lines of the return from `first`, to pick a passage the reader missed.
    private func listLines(_ lines: [String], from first: Int) {
        guard !lines.isEmpty else { return }
        let start = max(1, min(first, lines.count))
        for number in start...min(lines.count, start + 15) {
            let text = lines[number - 1]
            output.line(String(format: "%5d  ", number) + (text.count > 73 ? String(text.prefix(72)) + "…" : text))
        }
        if start + 15 < lines.count { output.quiet(t("  l \(start + 16) for more", "  l \(start + 16) am ragor")) }
    }

    /// The proposal in at most 24 lines of 80 columns: its values, each with the phrase it came
    /// from, then up to seven lines of the passage with those phrases marked »like this«.
    private func show(_ activity: ActivityRecord, record: AnonymisedReturn, lines: [String], place: String, corrected: [String]) {
        func cut(_ text: String, _ width: Int) -> String { text.count > width ? String(text.prefix(width - 1)) + "…" : text }
        output.line()
        output.strong(cut("── \(place) ──", 80))
        output.strong(cut("\(activity.name)  [\(activity.kind.rawValue) · \(activity.theme.rawValue) · \(activity.status.rawValue)]  \(t("line", "llinell")) \(activity.provenance.line)", 80))
        let evidence = Dictionary(grouping: activity.evidence ?? [], by: \.field)
        func row(_ field: String, _ label: String, _ value: String) {
            let mark = corrected.contains(field) ? "*" : " "
            var text = "\(mark) \(label.padding(toLength: 11, withPad: " ", startingAt: 0)) \(value.isEmpty ? "—" : value)"
            if let phrase = evidence[field]?.first { text += "  ← “\(phrase.phrase)”" }
            output.line(cut(text, 80))
        }
        row("owner", t("owner", "perchennog"), activity.owner?.name ?? record.organisation.name)
        let timescale = activity.timescale.map { "\($0.start?.description ?? "?") – \($0.end?.description ?? "?")" + ($0.phrase.map { " (\($0))" } ?? "") } ?? ""
        row("timescale", t("timescale", "amserlen"), timescale)
        row("evaluation", t("evaluation", "gwerthuso"), activity.evaluation.map { [$0.type.rawValue, $0.evaluator].compactMap { $0 }.joined(separator: ", ") } ?? "")
        row("partners", t("partners", "partneriaid"), activity.partners.joined(separator: "; "))
        row("pilot", t("pilot", "peilot"), activity.kind == .pilot ? t("yes", "ie") : t("no", "na"))
        guard !lines.isEmpty else { return }
        let centre = max(1, min(activity.provenance.line, lines.count))
        let first = max(1, centre - 2), last = min(lines.count, max(centre + 4, activity.provenance.endLine ?? centre))
        let phrases = (activity.evidence ?? []).map(\.phrase).filter { $0.count >= 3 }
        output.quiet(t("Source:", "Ffynhonnell:"))
        // Eight rows at most: the activity's own lines wrapped whole, so a marked phrase is never
        // cut off, and the lines around them cut at the screen's edge.
        var rows = 0
        for number in first...last where rows < 8 {
            var text = lines[number - 1]
            for phrase in phrases { text = text.replacingOccurrences(of: phrase, with: "»\(phrase)«") }
            let own = number >= centre && number <= (activity.provenance.endLine ?? centre)
            let pieces = own ? InterviewRunner.wrap(text, width: 72) : [cut(text, 73)]
            for (index, piece) in pieces.enumerated() where rows < 8 {
                output.line((index == 0 ? String(format: "%5d  ", number) : "       ") + piece)
                rows += 1
            }
        }
    }

    // MARK: Reconciling

    mutating func reconcile(_ sources: [String]) throws {
        var settled = 0
        for source in sources {
            var file = try CodingFiles.read(source, paths)
            guard file.coders.count >= 2 else { continue }
            let disputed = Coding.standing(file).disputed
            for anchor in disputed {
                let given = file.coders.keys.sorted().compactMap { coder in file.coders[coder]?.last { $0.sameAnchor(anchor) }.map { (coder, $0) } }
                output.line()
                output.strong(String("── \(source), \(t("line", "llinell")) \(anchor.line): “\(anchor.quote)” ──".prefix(80)))
                for (number, (coder, decision)) in given.enumerated() {
                    var text = "  \(number + 1). \(coder): \(decision.action.rawValue)"
                    if let values = decision.values { text += " " + describe(values) }
                    if let reason = decision.reason { text += " (\(reason))" }
                    output.line(String(text.prefix(80)))
                }
                output.quiet(t("Type the number of the decision to keep, > to leave it, or q to stop.",
                               "Teipiwch rif y penderfyniad i'w gadw, > i'w adael, neu q i stopio."))
                while true {
                    guard let typed = input.read(prompt: "> ")?.trimmingCharacters(in: .whitespaces), typed != "q" else {
                        output.line(t("Stopped; \(settled) settled.", "Wedi stopio; \(settled) wedi'u setlo."))
                        return
                    }
                    if typed == ">" { break }
                    guard let number = Int(typed), given.indices.contains(number - 1) else {
                        output.warning(t("Type a number from 1 to \(given.count).", "Teipiwch rif o 1 i \(given.count)."))
                        continue
                    }
                    var agreed = file.agreed ?? []
                    agreed.removeAll { $0.sameAnchor(anchor) }
                    agreed.append(given[number - 1].1)
                    file.agreed = agreed
                    try CodingFiles.write(file, paths)
                    settled += 1
                    break
                }
            }
        }
        output.line(t("\(settled) disagreements settled; 'datamap build' applies them.", "\(settled) anghytundeb wedi'u setlo; mae 'datamap build' yn eu defnyddio."))
    }

    private func describe(_ values: CodedValues) -> String {
        var parts: [String] = []
        if let name = values.name { parts.append("name=\(name)") }
        if let owner = values.owner { parts.append("owner=\(owner)") }
        if let kind = values.kind { parts.append("kind=\(kind.rawValue)") }
        if let pilot = values.pilot { parts.append("pilot=\(pilot ? "yes" : "no")") }
        if values.start != nil || values.end != nil { parts.append("timescale=\(values.start ?? "?")–\(values.end ?? "?")") }
        if let evaluation = values.evaluation { parts.append("evaluation=\(evaluation.rawValue)") }
        if let partners = values.partners { parts.append("partners=\(partners.joined(separator: "; "))") }
        if let status = values.status { parts.append("status=\(status.rawValue)") }
        return parts.joined(separator: ", ")
    }
}

/// `datamap review --report`: what coders changed most, so the reader's weak points show.
enum CodingReport {
    static func lines(_ files: [CodingFile]) -> [String] {
        var counts: [String: Int] = [:]
        var decisions = 0
        for file in files {
            for decision in file.coders.values.joined() {
                decisions += 1
                switch decision.action {
                case .accept: counts["confirmed as read", default: 0] += 1
                case .add: counts["activities the reader missed, added", default: 0] += 1
                case .reject:
                    let reason = Coding.normalise(decision.reason ?? "not an activity")
                    counts["rejected: \(reason)", default: 0] += 1
                case .correct:
                    for field in decision.values?.fieldNames ?? [] { counts["\(field) corrected", default: 0] += 1 }
                }
            }
        }
        guard decisions > 0 else { return ["No coding decisions yet: 'datamap review --coder ID' makes them."] }
        return ["\(decisions) decisions in \(files.count) coding files; most frequent first:"]
            + counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "  \($0.key): \($0.value)" }
    }
}
