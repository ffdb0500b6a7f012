import Foundation
import Yams

/// Study-wide settings from `study.yaml` at the study root: what a project lead sets once for
/// a whole fieldwork period, rather than as options on every command.
///
/// ```yaml
/// title: Innovation for looked-after children in Wales
/// collection:
///   start: 2018-01-01
///   end: 2018-12-31
/// language: en
/// small_cell: 3
/// small_cell_applies_to: [people, organisations]
/// reading_time_limit: 60
/// allow_symlinked_folders: false
/// pilots:
///   new_initiative_when: [missing-timescale, missing-evaluation]
///   outcome_measures: note
/// ```
public struct StudySettings: Sendable, Hashable {
    /// The study's own rule for pilots. The default is the first study's: a pilot with no defined
    /// timescale, or no evaluation at all, is better called a new initiative; an evaluation that
    /// names no outcome measures is worth a note, not a flag.
    public struct PilotRule: Sendable, Hashable {
        public static let flags = ["missing-timescale", "missing-evaluation", "missing-outcome-measures"]
        public var newInitiativeWhen: Set<String> = ["missing-timescale", "missing-evaluation"]
        /// The severity of `pilot-missing-outcome-measures`; nil when the study turns it off.
        public var outcomeMeasures: Diagnostic.Severity? = .note

        public init() {}

        /// Whether a finding of this rule makes its pilot a new initiative.
        public func reclassifies(_ rule: String) -> Bool {
            rule.hasPrefix("pilot-") && newInitiativeWhen.contains(String(rule.dropFirst("pilot-".count)))
        }
    }

    public var pilots = PilotRule()
    public var web = WebFormSettings()
    public var title: String?
    /// Returns are dated inside this period when they carry no date of their own.
    public var collectionStart: PartialDate?
    public var collectionEnd: PartialDate?
    public var language: Language?
    public var smallCell: Int?
    /// What small-cell suppression protects (`small_cell_applies_to`): people always make sense;
    /// organisations only matter where their names are masked.
    public var smallCellSubjects: Set<SmallCells.Subject> = SmallCells.defaultSubjects
    /// An inbox/, outbox/ or .datamap/ that is a link is refused unless the owner says so here:
    /// a link can send outputs, or the key, somewhere nobody meant.
    public var allowSymlinkedFolders = false
    /// Seconds one file's prose may take to read before it is refused as `too-complex`.
    public var readingTimeLimit: Int?
    public static let defaultReadingTimeLimit = 60

    public init(title: String? = nil, collectionStart: PartialDate? = nil, collectionEnd: PartialDate? = nil,
                language: Language? = nil, smallCell: Int? = nil) {
        self.title = title
        self.collectionStart = collectionStart
        self.collectionEnd = collectionEnd
        self.language = language
        self.smallCell = smallCell
    }

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "study.yaml:\(line):\(column): \(message)" }
    }

    public static func load(yaml text: String) throws(Problem) -> StudySettings {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            let mark = (error as? YamlError).flatMap { error -> (Int, Int)? in
                if case .scanner(_, _, let mark, _) = error { return (mark.line, mark.column) }
                if case .parser(_, _, let mark, _) = error { return (mark.line, mark.column) }
                return nil
            }
            throw Problem(line: mark?.0 ?? 1, column: mark?.1 ?? 1, message: "this is not valid YAML; check the indentation and colons")
        }
        guard let root = node else { return StudySettings() }
        guard let map = root.mapping else {
            throw Problem(line: root.mark?.line ?? 1, column: root.mark?.column ?? 1, message: "expected settings as 'name: value' lines")
        }
        var settings = StudySettings()
        func problem(_ node: Node, _ message: String) -> Problem {
            Problem(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message)
        }
        func date(_ node: Node, _ name: String) throws(Problem) -> PartialDate {
            guard let text = node.string, let value = DateReader.date(in: text) else {
                throw problem(node, "\(name) must be a date such as 2018-01-01 or 'January 2018'")
            }
            return value
        }
        for (keyNode, value) in map {
            switch keyNode.string ?? "" {
            case "title": settings.title = value.string
            case "collection", "collection_period":
                guard let period = value.mapping else { throw problem(value, "collection needs 'start:' and 'end:' dates") }
                for (name, when) in period {
                    switch name.string ?? "" {
                    case "start": settings.collectionStart = try date(when, "collection start")
                    case "end": settings.collectionEnd = try date(when, "collection end")
                    default: throw problem(name, "collection takes only 'start' and 'end'")
                    }
                }
                if let start = settings.collectionStart, let end = settings.collectionEnd, end.definitelyBefore(start) {
                    throw problem(value, "the collection period ends before it starts")
                }
            case "language":
                guard let code = value.string.flatMap(Language.init(rawValue:)) else { throw problem(value, "language must be en or cy") }
                settings.language = code
            case "small_cell":
                guard let number = value.int, (1...SmallCells.largestThreshold).contains(number) else {
                    throw problem(value, "small_cell must be a whole number from 1 to \(SmallCells.largestThreshold)")
                }
                settings.smallCell = number
            case "small_cell_applies_to":
                let names = value.sequence?.compactMap(\.string) ?? value.string.map { [$0] } ?? []
                let subjects = names.compactMap(SmallCells.Subject.init(rawValue:))
                guard !names.isEmpty, subjects.count == names.count else {
                    throw problem(value, "small_cell_applies_to lists \(SmallCells.Subject.allCases.map(\.rawValue).joined(separator: ", ")), such as [people, organisations]")
                }
                settings.smallCellSubjects = Set(subjects)
            case "reading_time_limit":
                guard let seconds = value.int, (1...3600).contains(seconds) else {
                    throw problem(value, "reading_time_limit must be a whole number of seconds from 1 to 3600")
                }
                settings.readingTimeLimit = seconds
            case "allow_symlinked_folders":
                guard let allowed = value.bool else { throw problem(value, "allow_symlinked_folders must be true or false") }
                settings.allowSymlinkedFolders = allowed
            case "pilots":
                guard let rule = value.mapping else { throw problem(value, "pilots needs 'new_initiative_when:' and/or 'outcome_measures:'") }
                for (name, setting) in rule {
                    switch name.string ?? "" {
                    case "new_initiative_when":
                        let flags = setting.sequence?.compactMap(\.string) ?? setting.string.map { [$0] } ?? []
                        guard !flags.isEmpty, flags.allSatisfy(PilotRule.flags.contains) else {
                            throw problem(setting, "new_initiative_when lists flags from \(PilotRule.flags.joined(separator: ", ")), such as [missing-timescale, missing-evaluation]")
                        }
                        settings.pilots.newInitiativeWhen = Set(flags)
                    case "outcome_measures":
                        switch setting.string ?? "" {
                        case "note": settings.pilots.outcomeMeasures = .note
                        case "warning": settings.pilots.outcomeMeasures = .warning
                        case "off": settings.pilots.outcomeMeasures = nil
                        default: throw problem(setting, "outcome_measures must be note, warning or off")
                        }
                    default: throw problem(name, "pilots takes only 'new_initiative_when' and 'outcome_measures'")
                    }
                }
            case "web":
                guard let block = value.mapping else { throw problem(value, "web needs settings such as 'allow_reopen: true'") }
                for (name, setting) in block {
                    func number(_ range: ClosedRange<Int>) throws(Problem) -> Int {
                        guard let text = setting.string, let number = Int(text), range.contains(number) else {
                            throw problem(setting, "\(name.string ?? "") must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                        }
                        return number
                    }
                    switch name.string ?? "" {
                    case "allow_reopen":
                        guard let allowed = setting.bool else { throw problem(setting, "allow_reopen must be true or false") }
                        settings.web.allowReopen = allowed
                    case "requests_per_minute_per_link": settings.web.perTokenPerMinute = try number(1...100_000)
                    case "requests_per_minute_per_address": settings.web.perAddressPerMinute = try number(1...1_000_000)
                    case "unknown_links_per_minute_per_address": settings.web.badTokensPerAddressPerMinute = try number(1...10_000)
                    case "max_answer_characters": settings.web.maxFieldBytes = try number(100...100_000)
                    default:
                        throw problem(name, "web takes allow_reopen, requests_per_minute_per_link, requests_per_minute_per_address, unknown_links_per_minute_per_address and max_answer_characters")
                    }
                }
                settings.web.maxBodyBytes = max(settings.web.maxBodyBytes, settings.web.maxFieldBytes * 4 + 16 * 1024)
            default:
                throw problem(keyNode, "unknown setting '\(keyNode.string ?? "")'; the settings are title, collection, language, small_cell, small_cell_applies_to, reading_time_limit, allow_symlinked_folders, pilots and web")
            }
        }
        return settings
    }

    /// The date an undated return is given, and why: the file's own date when it falls in the
    /// collection period, otherwise the period's last day; the file's date when there is no period.
    public func fallbackDate(fileDate: PartialDate?) -> (PartialDate, Return.DateSource)? {
        if let end = collectionEnd {
            if let fileDate, !(collectionStart.map { fileDate.definitelyBefore($0) } ?? false), !end.definitelyBefore(fileDate) {
                return (fileDate, .fileDate)
            }
            return (end, .collectionPeriod)
        }
        if let fileDate { return (fileDate, .fileDate) }
        return nil
    }
}

/// Study-wide settings of the web form, from `study.yaml`'s `web:` block.
public struct WebFormSettings: Sendable, Hashable {
    /// A submitted return may be opened again for changes with the same link.
    public var allowReopen = false
    /// Requests a minute one invitation may make, and one address.
    public var perTokenPerMinute = 120
    public var perAddressPerMinute = 3000
    /// Unknown, expired or revoked tokens a minute from one address: what guessing needs most.
    public var badTokensPerAddressPerMinute = 20
    /// The largest request body, and the longest single answer, in bytes.
    public var maxBodyBytes = 64 * 1024
    public var maxFieldBytes = 10_000
    public var maxFields = 400

    public init() {}
}
