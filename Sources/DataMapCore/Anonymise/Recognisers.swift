import Foundation

/// The kinds of identifier the anonymiser finds in free text.
public enum EntityType: String, Codable, Sendable, CaseIterable, Comparable {
    case email, url, handle
    case nhsNumber = "nhs-number"
    case niNumber = "ni-number"
    case phone, postcode
    case dateOfBirth = "date-of-birth"
    case address, role, person

    /// The placeholder for everything but people, who get pseudonyms.
    public var placeholder: String {
        switch self {
        case .email: "[EMAIL]"
        case .url: "[URL]"
        case .handle: "[HANDLE]"
        case .nhsNumber: "[NHS-NUMBER]"
        case .niNumber: "[NI-NUMBER]"
        case .phone: "[PHONE]"
        case .postcode: "[POSTCODE]"
        case .dateOfBirth: "[DATE-OF-BIRTH]"
        case .address: "[ADDRESS]"
        case .role: "[ROLE]"
        case .person: "[PERSON]"
        }
    }

    /// Earlier cases win an overlap: an email beats the name inside it.
    public static func < (lhs: EntityType, rhs: EntityType) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// A found identifier. Offsets count Unicode code points, as Python and most evaluation tools do.
public struct EntitySpan: Codable, Sendable, Hashable {
    public var start: Int
    public var end: Int
    public var type: EntityType

    /// `datamap anonymise --spans` output: the bytes JSONEncoder gives with `.sortedKeys` and
    /// `.withoutEscapingSlashes`, written directly, because encoding a large batch's spans through
    /// JSONEncoder took as long as finding a good share of them. A test compares the two.
    public static func json(_ documents: [(file: String, spans: [EntitySpan])]) -> Data {
        var out: [UInt8] = [0x5B]
        out.reserveCapacity(documents.reduce(64) { $0 + $1.file.utf8.count + 48 * $1.spans.count })
        for (index, document) in documents.enumerated() {
            if index > 0 { out.append(0x2C) }
            out += Array(#"{"file":"#.utf8)
            PrettyJSONEncoder.quote(document.file, into: &out)
            out += Array(#","spans":["#.utf8)
            for (number, span) in document.spans.enumerated() {
                if number > 0 { out.append(0x2C) }
                out += Array(#"{"end":"#.utf8) + Array(String(span.end).utf8)
                out += Array(#","start":"#.utf8) + Array(String(span.start).utf8)
                out += Array(#","type":"#.utf8)
                PrettyJSONEncoder.quote(span.type.rawValue, into: &out)
                out.append(0x7D)
            }
            out += [0x5D, 0x7D]
        }
        out.append(0x5D)
        return Data(out)
    }
}

/// Name lists shipped as data in `instruments/names/`, which the study may extend, and the
/// name model built from public statistics.
public struct NameList: Sendable {
    public var givenNames: Set<String>
    public var surnames: Set<String>
    public var model: NameModel

    public init(givenNames: Set<String> = [], surnames: Set<String> = [], model: NameModel = .shipped) {
        self.givenNames = givenNames
        self.surnames = surnames
        self.model = model
    }

    /// A given name by the study's list, or by the model when it is not also an ordinary word.
    func isGiven(_ word: String) -> Bool { givenNames.contains(word) || model.isGivenName(word) }
    func isSurname(_ word: String) -> Bool { surnames.contains(word) || model.isSurname(word) }
    /// Shaped like a name and not an ordinary word: enough beside a word the tables know.
    func looksLikeName(_ word: String) -> Bool { isGiven(word) || isSurname(word) || model.score(word) >= 8 }

    /// One name per line; blank lines and `#` comments are skipped.
    public static func parse(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }
}

/// What recognisers know beyond the text: the people a return names, and the organisations and
/// programmes that must survive.
public struct RecognitionContext: Sendable {
    /// Set once per return rather than name by name: each change takes every name apart again.
    public var knownPeople: [String] { didSet { (known, knownIdentities, knownByFirstWord) = Self.takeApart(knownPeople) } }
    public var names: NameList
    public var gazetteer: Gazetteer
    public var taxonomy: Taxonomy
    /// The known people, taken apart once for every text of the return.
    private(set) var known: [KnownPerson] = []
    /// Each known person's word keys → their identity; where two share a word, the later keeps it.
    private(set) var knownIdentities: [String: String] = [:]
    /// The first word of each known person's name, lower case → their places in `known`.
    private(set) var knownByFirstWord: [String: [Int]] = [:]

    public init(knownPeople: [String] = [], names: NameList = NameList(), gazetteer: Gazetteer = Gazetteer(),
                taxonomy: Taxonomy = Taxonomy()) {
        self.knownPeople = knownPeople
        self.names = names
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        (known, knownIdentities, knownByFirstWord) = Self.takeApart(knownPeople)
    }

    /// Each name once, at its last mention: where two people share a word, the later one keeps it.
    private static func takeApart(_ people: [String]) -> ([KnownPerson], [String: String], [String: [Int]]) {
        var seen = Set<String>()
        let known = people.reversed().filter { seen.insert($0).inserted }.reversed().compactMap(KnownPerson.init)
        var identities: [String: String] = [:]
        var byFirstWord: [String: [Int]] = [:]
        for (index, person) in known.enumerated() {
            for key in person.identityKeys { identities[key] = person.identity }
            byFirstWord[person.phrase[0], default: []].append(index)
        }
        return (known, identities, byFirstWord)
    }
}

/// A person a return names: their identity, the word keys that point to them, and their name's
/// words in lower case for finding the whole name in any case and spacing.
struct KnownPerson: Sendable {
    var identity: String
    var identityKeys: [String]
    var phrase: [String]

    init?(_ name: String) {
        let words = NameParts.nameWords(name)
        identity = Pseudonymiser.normalisedName(name)
        guard !identity.isEmpty, !words.isEmpty else { return nil }
        var keys: [String] = []
        for word in words where word.count >= 2 && !NameParts.particles.contains(word.lowercased()) {
            keys.append(Recognisers.asciiShadow(word))
            for part in word.split(separator: "-") where part.count >= 3 { keys.append(Recognisers.asciiShadow(String(part))) }
        }
        identityKeys = keys
        phrase = words.map { Recognisers.asciiShadow($0).lowercased() }
    }
}

/// A name found by what surrounds it, with the keys its words give for finding them alone, and
/// the rule that found it (2 titles, 3 the name lists, 4 cue words, 5 descriptions): the first
/// pass lists a return's names rule by rule, as one scan of the whole return would.
struct ContextualName {
    var span: RawSpan
    var keys: [String]
    var rule: Int
}

/// A match in UTF-16 units (NSString ranges), with the person it belongs to when it is a name.
struct RawSpan: Hashable {
    var range: NSRange
    var type: EntityType
    /// For people: the normalised full name, so every mention of one person gets one pseudonym.
    var identity: String?
}

/// Finds identifiers with patterns, checksums and context; no statistical model, so it is fast,
/// explainable and gives the same answer every time.
public enum Recognisers {
    // MARK: Patterns

    private static func regex(_ pattern: String, _ options: NSRegularExpression.Options = []) -> NSRegularExpression {
        .literal(pattern, options)
    }

    static let email = regex(#"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
    static let url = regex(#"(?:https?://|www\.|\b(?:linkedin\.com|twitter\.com|x\.com|facebook\.com|instagram\.com|tiktok\.com|youtube\.com)/)[^\s<>"')\]]*[^\s<>"')\].,;:!?]"#, .caseInsensitive)
    static let handle = regex(#"(?<![\w@.])@[A-Za-z0-9_]{2,15}\b"#)
    static let nhs = regex(#"(?<![\d-])[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?![\d-])"#)
    /// Any two letters, three pairs of digits and a letter A to D. HMRC never issues some prefixes
    /// (QQ is its specimen), but a number written in that shape is hidden all the same: a typo or
    /// a specimen in a real letter is no reason to leave a real-looking number visible.
    static let ni = regex(#"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"#)
    static let phone = regex(#"(?<![\w+/])(?:\+ ?44 ?(?:\(0\) ?)?|\(?0)\d[\d ()-]{7,14}\d(?![\d/])"#)
    static let postcode = regex(#"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY]) ?\d[ABD-HJLNP-UW-Z]{2}\b"#)
    static let date = regex(#"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr)\s+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b"#, .caseInsensitive)
    /// Words one of `birthCue`'s phrases holds ("d.o.b" is the words d, o and b).
    static let birthCueWords: Set<String> = ["born", "dob", "birth", "birthday", "ganwyd", "geni", "d"]
    static let birthCue = regex(#"(?:\bborn\b|\bd\.?o\.?b\.?|\bdate of birth\b|\bbirthday\b|\bganwyd\b|\bdyddiad geni\b)[\s:,-]*(?:on\s+)?$"#, .caseInsensitive)
    /// A Welsh address names the street kind first ("Heol y Bont", "Ffordd y Cei") and often a
    /// building before it ("Tŷ Bronwydd, ", "Uned 3, ", "Neuadd y Sir, "), with or without a number.
    static let welshAddress = regex(#"(?:\b(?:Tŷ|Ty|Uned|Adeilad|Neuadd|Canolfan|Swyddfa|Bloc|Plas|Llys)\s+(?:[\p{Lu}\d][\p{L}\d'’-]*|y|yr)(?:\s+(?:y|yr|[\p{Lu}][\p{L}'’-]*)){0,2},\s*)?(?:\b\d{1,4}[A-Za-z]?,?\s+)?\b(?:Heol|HeoI|Ffordd|Stryd|Lôn|Rhodfa|Cilgant|Teras|Parc Busnes|Ystad Ddiwydiannol|Stad Ddiwydiannol)(?:\s+(?:y|yr|[\p{Lu}][\p{L}'’-]*)){1,3}"#)
    /// The street words of `address`: it cannot match a text holding none of them.
    static let streetWordFilter = WordFilter(["Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Close", "Drive", "Way", "Court",
                                              "Crescent", "Place", "Terrace", "Gardens", "Grove", "Hill", "Square", "Walk", "Row",
                                              "Mews", "View", "Rise", "Parade", "Heol", "Ffordd", "Stryd", "Lon", "Rhodfa"])
    static let welshStreetWords: Set<String> = ["Heol", "HeoI", "Ffordd", "Stryd", "Lôn", "Rhodfa", "Cilgant", "Teras", "Parc", "Ystad", "Stad"]
    /// A phone number a scan has misread, an O for a 0 ("01632 96O 448"); checked as a number once read back.
    static let scannedPhone = regex(#"(?<![\w+/])0\d{3,4} ?[\dO]{2,4} ?[\dO]{3,4}(?![\w/])"#)
    static let address = regex(#"\b\d{1,4}[A-Za-z]?,?\s+(?:(?:(?:[A-Z][\p{L}'’-]+|y|yr)\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Grove|Hill|Square|Walk|Row|Mews|View|Rise|Parade)\b|(?:Heol|Ffordd|Stryd|Lon|Rhodfa)(?:\s+(?:y|yr|[A-Z][\p{L}'’-]+)){1,3})(?:,\s+[A-Z][\p{Ll}'’-]+(?:\s+[A-Z][\p{Ll}'’-]+)?(?![\p{L}\d]))?"#)

    /// A capitalised name word: Siân, O'Connell, Mensah-Bonsu, McDonald.
    static let word = #"[A-Z][\p{Ll}\p{Lu}'’]*(?:-[A-Z][\p{Ll}\p{Lu}'’]+)?"#
    static let particle = #"(?:ap|ab|ferch|verch|de|van|von|der|da|di|bin|bint|el|al|le|la)"#
    static let titles = ["Dr", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof", "Professor", "Cllr", "Councillor", "Rev", "Revd", "Sir",
                         "Dame", "DC", "DS", "DI", "DCI", "PC", "Sgt", "Sergeant", "Inspector"]
    static let title = "(?:\(titles.joined(separator: "|")))\\.?"
    /// Names never run over a line break: "… from Swansea Council⏎Contact officer: …" is two lines.
    static let fullName = "\(word)(?:[ \\t]+\(particle))?(?:[ \\t]+\(word)){0,2}"
    static let titled = regex("\\b\(title)[ \\t]+(\(word)(?:[ \\t]+(?:\(particle)[ \\t]+)?\(word)){0,2})")
    /// Words after which a name is likely: "spoke to X", "thanks to X".
    static let cueWords = ["spoke", "speak", "spoken", "talked", "talking", "met", "meeting", "contact", "contacted", "email",
                           "emailed", "call", "called", "phoned", "rang", "asked", "told", "thanks", "thank", "according",
                           "supported", "managed", "led", "chaired", "coordinated", "run", "referred", "introduced", "signed",
                           "written", "cc", "from"]
    static let cue = regex("(?:\\b(?:\(cueWords.joined(separator: "|")))\\b(?:[ \\t]+(?:to|with|by|from|on))?[ \\t]+)(\(fullName))")
    /// Verbs after which a capitalised word is a person: "X said".
    static let reportingVerbs = ["said", "says", "explained", "told", "reported", "noted", "added", "confirmed", "leads", "led",
                                 "manages", "managed", "chairs", "chaired", "explains", "described", "wrote", "emailed", "phoned",
                                 "joined", "left", "agreed", "asked", "suggested", "felt", "visited", "attended", "recommended",
                                 "raised", "arranged", "offered", "helped", "dywedodd", "esboniodd", "cytunodd"]
    static let describingArticles = ["the", "our", "a", "an", "their", "its", "y", "ein"]
    static let possessions = ["team", "caseload", "role", "view", "manager", "colleague", "report", "work"]
    static let roleWords = #"(?:team manager|service manager|head of [\p{L} ']+?|director(?: of [\p{L} ']+?)?|assistant director|deputy director|chief executive|principal officer|social worker|family support worker|practitioner|coordinator|co-ordinator|lead|manager|officer|chair|consultant|nurse|paediatrician|psychologist|inspector|sergeant|advocate|mentor|foster carer|carer|rheolwr|pennaeth [\p{L} ']+?|cyfarwyddwr|gweithiwr cymdeithasol|swyddog)"#
    /// "X, the team manager", "X (social worker)" and "X said", in one pass over the text.
    static let described = regex("(\(fullName))(?:,\\s+(?i:(?:\(describingArticles.joined(separator: "|")))\\s+\(roleWords))\\b|\\s+\\((?i:\(roleWords))|\\s+(?:\(reportingVerbs.joined(separator: "|")))\\b|['’]s\\s+(?:\(possessions.joined(separator: "|")))\\b)")
    /// The first words of the senior roles `roleAtOrganisation` knows.
    static let seniorRoleStarts: Set<String> = ["Corporate", "Assistant", "Deputy", "Interim", "Director", "Head", "Chief", "Service",
                                                "Team", "Principal", "Cabinet", "Lead", "Designated", "Safeguarding"]
    static let roleAtOrganisation = regex(#"\b(?:the\s+)?((?:Corporate |Assistant |Deputy |Interim )?(?:Director|Head|Chief Executive|Chief Officer|Chief Constable|Service Manager|Team Manager|Principal Officer|Cabinet Member|Lead Member|Designated Doctor|Designated Nurse|Safeguarding Lead)(?: (?:of|for) [A-Z][\p{L}' ]+?)?)\s+(?:at|for|of|in)\s+((?:the\s+)?[A-Z][\p{L}'’-]+(?:\s+(?:[A-Z][\p{L}'’-]+|of|and|the|y|yr)){0,6})"#)

    static let titleWords = Set(titles)
    static let titleWordFilter = WordFilter(titles)
    static let cueWordFilter = WordFilter(cueWords)
    static let reportingVerbFilter = WordFilter(reportingVerbs)
    static let describingArticleFilter = WordFilter(describingArticles)
    static let possessionFilter = WordFilter(possessions)
    static let seniorRoleStartFilter = WordFilter(Array(seniorRoleStarts))
    static let particleFilter = WordFilter(Array(NameParts.particles))
    static let cueWordSet = Set(cueWords)
    /// Things that are given names as people are: after "a pilot called", the name is the pilot's.
    static let namedThings: Set<String> = ["pilot", "project", "scheme", "service", "programme", "group", "initiative", "team",
                                           "campaign", "model", "app", "home", "unit", "charity", "organisation", "company",
                                           "network", "hub", "club", "course", "approach", "framework", "tool", "fund", "trial",
                                           "prosiect", "cynllun", "gwasanaeth", "rhaglen", "grwp", "grŵp"]
    static let reportingVerbSet = Set(reportingVerbs)
    static let describingArticleSet = Set(describingArticles)
    static let possessionSet = Set(possessions)

    /// Capitalised words that start sentences or name things, never people on their own.
    static let notNames: Set<String> = [
        "The", "This", "That", "These", "Those", "There", "Their", "They", "We", "Our", "It", "Its", "In", "On", "At", "For",
        "From", "With", "By", "And", "But", "Or", "If", "When", "Where", "While", "After", "Before", "Since", "Until", "A", "An",
        "All", "Each", "Every", "Some", "Any", "No", "Yes", "Not", "He", "She", "His", "Her", "Him", "I", "You", "My", "Your",
        "Council", "County", "Borough", "City", "Team", "Service", "Services", "Project", "Programme", "Pilot", "Scheme", "Hub",
        "Board", "Health", "University", "Police", "Wales", "Welsh", "Cymru", "Government", "Office", "Centre", "Court", "Act",
        "Children", "Children's", "Family", "Families", "Social", "Care", "Local", "Authority", "National", "Trust", "Fund",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Ionawr", "Chwefror",
        "Mawrth", "Ebrill", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mr", "Mrs", "Ms", "Dr",
        "Director", "Head", "Manager", "Officer", "Lead", "Chair", "Chief", "Executive", "Assistant", "Deputy", "Principal",
        "Safety", "Signs", "Group", "Conference", "Conferences", "Court", "Unit", "Panel", "Partnership", "Forum", "Network",
        "Edge", "Residential", "Foster", "Fostering", "Adoption", "Youth", "Early", "Help", "Support", "Integrated", "Multi",
        "Agency", "Safeguarding", "Review", "Report", "Strategy", "Plan", "Framework", "Model", "Approach", "Practice",
        "Cyngor", "Sir", "Bwrdd", "Iechyd", "Heddlu", "Gofal", "Cymdeithasol", "Plant", "Tîm", "Gwasanaeth", "Prosiect",
        "Also", "However", "Then", "So", "As", "Although", "Because", "Recently", "Currently", "Previously", "Following",
        "North", "South", "East", "West", "Mid", "Vale", "Western", "Bay", "English", "British", "UK", "NHS", "Please",
    ]

    // MARK: Finding

    /// Every identifier in `text`, resolved so no two overlap.
    static func find(in original: String, context: RecognitionContext) -> [RawSpan] {
        find(in: UTF16Text(original), context: context)
    }

    /// - Parameter contextual: the text's `contextualNames`, when the first pass over a return found them.
    static func find(in ns: UTF16Text, context: RecognitionContext, contextual: [ContextualName]? = nil) -> [RawSpan] {
        // Patterns run over an ASCII shadow of the text with the same UTF-16 offsets, which ICU
        // reads far faster than a bridged Unicode string; values are taken from the original.
        let text = ns.shadowText
        let whole = NSRange(location: 0, length: ns.length)
        var spans: [RawSpan] = []
        func add(_ pattern: NSRegularExpression, _ type: EntityType, group: Int = 0, accept: (NSRange, String) -> Bool = { _, _ in true }) {
            for match in pattern.matches(in: text, range: whole) {
                let range = match.range(at: group)
                guard range.location != NSNotFound else { continue }
                if accept(range, ns.substring(with: range)) { spans.append(RawSpan(range: range, type: type)) }
            }
        }
        // Cheap looks at the bytes first, so a pattern only runs where it could match.
        var hasAt = false, hasLink = false, hasInwardCode = false, digits = 0
        var previous: (UInt8, UInt8, UInt8) = (0, 0, 0)
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
        for byte in text.utf8 {
            if byte == 0x40 { hasAt = true } else if isDigit(byte) { digits += 1 }
            // A URL needs a slash, or "www.".
            else if byte == 0x2F || (byte == 0x2E && previous == (0x77, 0x77, 0x77)) { hasLink = true }
            // A postcode ends in a digit and two capitals ("1AA").
            else if isUpper(byte), isUpper(previous.2), isDigit(previous.1) { hasInwardCode = true }
            previous = (previous.1, previous.2, byte)
        }
        let hasDigit = digits > 0
        let words = ShadowWords(shadow: text)
        let length = ns.length
        func addWindow(_ pattern: NSRegularExpression, _ type: EntityType, from start: Int, to end: Int, after: inout Int,
                       accept: (String) -> Bool = { _ in true }) {
            for match in pattern.matches(in: text, words: words, from: start, to: end, after: &after)
            where accept(ns.substring(with: match.range)) {
                spans.append(RawSpan(range: match.range, type: type))
            }
        }
        if hasAt {
            // An address is the run of address characters either side of an "@".
            var after = 0
            for (index, byte) in words.bytes.enumerated() where byte == 0x40 {
                var start = index, end = index + 1
                while start > 0, Self.isEmailLocal(words.bytes[start - 1]) { start -= 1 }
                while end < length, Self.isEmailDomain(words.bytes[end]) { end += 1 }
                addWindow(email, .email, from: start, to: end, after: &after)
            }
            add(handle, .handle)
        }
        if hasLink {
            // A link has no white space in it, so each white-space-delimited run holding a "/"
            // or "www." is searched on its own.
            var after = 0, index = 0
            while index < length {
                let byte = words.bytes[index]
                let isCandidate = byte == 0x2F || ((byte | 0x20) == 0x77 && index + 3 < length
                    && (words.bytes[index + 1] | 0x20) == 0x77 && (words.bytes[index + 2] | 0x20) == 0x77 && words.bytes[index + 3] == 0x2E)
                guard isCandidate else { index += 1; continue }
                var start = index, end = index
                while start > 0, !ShadowWords.isSpace(words.bytes[start - 1]) { start -= 1 }
                while end < length, !ShadowWords.isSpace(words.bytes[end]) { end += 1 }
                addWindow(url, .url, from: start, to: end, after: &after) { isPersonalURL($0) }
                index = end
            }
        }
        // Most texts hold a year or two and nothing else numeric, so each pattern waits for
        // enough digits to match: NHS and phone numbers have ten, NI numbers six.
        if digits >= 10 {
            add(nhs, .nhsNumber) { _, value in isValidNHSNumber(value) }
            add(phone, .phone) { _, value in isUKPhone(value) }
        }
        if digits >= 6 { add(ni, .niNumber) }
        if hasInwardCode { add(postcode, .postcode) }
        // A street address holds a street word ("Road", "Heol"); most texts with a digit hold a year and none.
        if hasDigit, words.words.contains(where: { words.isCapitalised($0) && words.isOne(of: streetWordFilter, words.leadingLetters($0)) }) {
            add(address, .address)
        }
        if words.words.contains(where: { words.isCapitalised($0) && welshStreetWords.contains(words.text($0)) }) {
            add(welshAddress, .address)
        }
        // A misread 0 is an O among digits: one within two places of a digit.
        if digits >= 8, words.bytes.indices.contains(where: { index in
            words.bytes[index] == 0x4F && (max(0, index - 2)...min(length - 1, index + 2)).contains { isDigit(words.bytes[$0]) }
        }) {
            add(scannedPhone, .phone) { _, value in value.contains("O") && isUKPhone(value.replacingOccurrences(of: "O", with: "0")) }
        }
        // A date is a date of birth only after a birth cue, so dates are looked for only then.
        let hasBirthCue = hasDigit && words.words.contains { word in
            let length = word.end - word.start, first = words.bytes[word.start] | 0x20
            return (1...8).contains(length) && (first == 0x62 || first == 0x64 || first == 0x67)
                && birthCueWords.contains(words.lowercased(word))
        }
        for match in hasBirthCue ? date.matches(in: text, range: whole) : [] {
            let before = NSRange(location: max(0, match.range.location - 40), length: min(40, match.range.location))
            if birthCue.firstMatch(in: text, range: before) != nil { spans.append(RawSpan(range: match.range, type: .dateOfBirth)) }
        }
        var afterRole = 0
        for (index, word) in words.words.enumerated() where words.isCapitalised(word) && words.isOne(of: seniorRoleStartFilter, word) {
            let start = index > 0 && words.equals(words.words[index - 1], "the") ? words.words[index - 1].start : word.start
            for match in roleAtOrganisation.matches(in: text, words: words, from: start, to: word.start + 240, after: &afterRole, anchored: true) {
                let organisation = ns.substring(with: match.range(at: 2))
                if context.gazetteer.match(organisation) != nil || context.gazetteer.match(organisation.replacingOccurrences(of: "the ", with: "")) != nil {
                    spans.append(RawSpan(range: match.range(at: 1), type: .role))
                }
            }
        }
        // What the layout gives away; the names it finds are known people for the rest of the text.
        var context = context
        let laidOut = LayoutRecogniser.find(in: ns.original, gazetteer: context.gazetteer, names: context.names)
        for found in laidOut where found.range.location != NSNotFound { spans.append(RawSpan(range: found.range, type: found.type)) }
        // Full names, and single names found by what the prose says of them ("Jac, aged 14"), are
        // known people for the rest of the text ("Jac's worker").
        let named = laidOut.filter { $0.type == .person && ($0.text.contains(" ") || ($0.text.count >= 3 && !notNames.contains($0.text))) }
            .map(\.text)
        if !named.isEmpty { context.knownPeople += named }
        spans += people(in: ns, words: words, context: context, contextual: contextual).filter { !insideOrganisationName($0.range, ns, context) }
        return resolve(spans)
    }

    static func isEmailLocal(_ byte: UInt8) -> Bool {
        ShadowWords.isAlphanumeric(byte) || byte == 0x2E || byte == 0x5F || byte == 0x25 || byte == 0x2B || byte == 0x27 || byte == 0x2D
    }

    static func isEmailDomain(_ byte: UInt8) -> Bool { ShadowWords.isAlphanumeric(byte) || byte == 0x2E || byte == 0x2D }

    private static let folds: [UInt16: UInt8] = {
        var table: [UInt16: UInt8] = [:]
        let pairs = ["àáâãäåā": "a", "ÀÁÂÃÄÅĀ": "A", "çć": "c", "ÇĆ": "C", "èéêëē": "e", "ÈÉÊËĒ": "E", "ìíîïī": "i", "ÌÍÎÏĪ": "I",
                     "ñń": "n", "ÑŃ": "N", "òóôõöøō": "o", "ÒÓÔÕÖØŌ": "O", "ùúûüū": "u", "ÙÚÛÜŪ": "U", "ýÿŷ": "y", "ÝŸŶ": "Y",
                     "ŵ": "w", "Ŵ": "W", "ł": "l", "Ł": "L", "śš": "s", "ŚŠ": "S", "źżž": "z", "ŹŻŽ": "Z", "ß": "s",
                     "’‘′": "'", "“”„": "\"", "–—‐": "-", "\u{00A0}": " "]
        for (letters, replacement) in pairs {
            for unit in letters.utf16 { table[unit] = replacement.utf8.first! }
        }
        return table
    }()

    /// One ASCII character per UTF-16 unit: accents dropped, other letters kept as letters of the
    /// same case, anything else '?'. Offsets match the original exactly.
    static func asciiShadow(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf16.count)
        for unit in text.utf16 {
            if unit < 0x80 { bytes.append(UInt8(unit)); continue }
            if let folded = folds[unit] { bytes.append(folded); continue }
            if let scalar = Unicode.Scalar(unit) {
                let properties = scalar.properties
                if properties.isUppercase { bytes.append(0x41); continue }
                if properties.isAlphabetic || properties.generalCategory == .nonspacingMark { bytes.append(0x61); continue }
            }
            bytes.append(0x3F)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The people the return itself names (respondents), wherever their words stand together, in any case.
    static func knownPeople(in words: ShadowWords, context: RecognitionContext) -> [RawSpan] {
        let list = words.words
        var found: [RawSpan] = []
        let byFirstWord = context.knownByFirstWord
        if !byFirstWord.isEmpty {
            for (index, word) in list.enumerated() where words.isCapitalised(word) {
                guard let candidates = byFirstWord[words.lowercased(word)] else { continue }
                for candidate in candidates {
                    let person = context.known[candidate]
                    if let end = words.match(person.phrase, from: index) {
                        found.append(RawSpan(range: NSRange(location: word.start, length: end - word.start), type: .person,
                                             identity: person.identity))
                    }
                }
            }
        }
        return found
    }

    /// Names found by what surrounds them (titles, the name lists, cue words and descriptions),
    /// which do not depend on the people the return names: a text's are found once in the first
    /// pass over a return and used again in the second.
    static func contextualNames(in ns: UTF16Text, words: ShadowWords, context: RecognitionContext) -> [ContextualName] {
        let text = ns.shadowText
        let length = ns.length
        let list = words.words
        var found: [ContextualName] = []
        // A document names the same people and bodies again and again; each is looked up once.
        var organisations: [String: Bool] = [:], normalised: [String: String] = [:]
        func isOrganisation(_ value: String) -> Bool {
            if let known = organisations[value] { return known }
            let answer = isOrganisationOrProgramme(value, context)
            organisations[value] = answer
            return answer
        }

        func register(_ range: NSRange, rule: Int) {
            var range = range
            var value = ns.substring(with: range)
            // Trailing possessive: "Siân's" → "Siân".
            for suffix in ["'s", "’s", "'", "’"] where value.hasSuffix(suffix) {
                range.length -= (suffix as NSString).length
                value = String(value.dropLast(suffix.count))
            }
            var words = NameParts.nameWords(value)
            while let last = words.last, notNames.contains(last) || isOrganisation(last) {
                words.removeLast()
                range.length = (ns.substring(with: range) as NSString).range(of: last, options: .backwards).location
                while range.length > 0, ns.substring(with: NSRange(location: range.location + range.length - 1, length: 1)) == " " {
                    range.length -= 1
                }
            }
            guard !words.isEmpty, range.length > 0, !words.allSatisfy({ notNames.contains($0) }) else { return }
            let full = ns.substring(with: range)
            guard !isOrganisation(full) else { return }
            let plain = normalised[full] ?? Pseudonymiser.normalisedName(full)
            normalised[full] = plain
            let keys = words.filter { $0.count >= 2 && !NameParts.particles.contains($0.lowercased()) }.map(asciiShadow)
            found.append(ContextualName(span: RawSpan(range: range, type: .person, identity: plain), keys: keys, rule: rule))
        }

        // 2. Titles: "Dr Amira Haddad", "Cllr Jones".
        var after = 0
        for word in list where words.isCapitalised(word) && words.isOne(of: titleWordFilter, word) {
            for match in titled.matches(in: text, words: words, from: word.start, to: word.start + 160, after: &after, anchored: true) {
                register(match.range, rule: 2)
            }
        }
        // 3. A listed given name followed by a capitalised word, or a capitalised word and a listed surname.
        var index = 0
        while index + 1 < list.count {
            defer { index += 1 }
            let given = list[index]
            guard words.isWholeName(given) else { continue }
            var next = index + 1
            if words.isOne(of: particleFilter, list[next]), next + 1 < list.count,
               words.isSpace(from: given.end, to: list[next].start) {
                next += 1
            }
            let surname = list[next]
            let surnameLength = words.nameLength(surname)
            guard surnameLength > 0, words.isSpace(from: list[next - 1].end, to: surname.start) else { continue }
            let first = words.text(given)
            let last = String(decoding: words.bytes[surname.start..<(surname.start + surnameLength)], as: UTF8.self)
            let lastBare = last.hasSuffix("'s") ? String(last.dropLast(2)) : last
            guard !notNames.contains(first), !notNames.contains(lastBare) else { continue }
            let range = NSRange(location: given.start, length: surname.start + surnameLength - given.start)
            let firstText = ns.substring(with: words.range(given))
            let lastText = ns.substring(with: NSRange(location: surname.start, length: lastBare.utf16.count))
            let names = context.names
            // The study's lists take any capitalised word beside a listed name. The model asks
            // more: a given name it knows beside a name-like word ("Emyr Jenkins", "Gethin
            // Okonkwo"), or a name-like word before a surname it knows, not opening a sentence.
            if names.givenNames.contains(firstText)
                || (names.surnames.contains(lastText) && !isSentenceStart(given.start, ns))
                || (names.model.isGivenName(firstText) && names.looksLikeName(lastText))
                || (names.looksLikeName(firstText) && names.model.isSurname(lastText) && !isSentenceStart(given.start, ns)) {
                register(range, rule: 3)
                index = next
            }
        }
        // 4. Context: "spoke to X", then "X, the team manager", "X (social worker)", "X said" and
        // "X's team". Each pattern runs only in a window around a cue word.
        func inContext(_ match: NSTextCheckingResult, described: Bool) {
            var range = match.range(at: 1)
            var value = ns.substring(with: range)
            var nameWords = NameParts.nameWords(value)
            // "Yesterday Dilwyn phoned": a sentence's first word that no name table holds and
            // that is not shaped like a name is the sentence's, not the person's.
            if nameWords.count >= 2, isSentenceStart(range.location, ns), !context.names.isGiven(nameWords[0]),
               !context.names.isSurname(nameWords[0]), context.names.model.score(nameWords[0]) < 0,
               let space = value.firstIndex(where: { $0 == " " || $0 == "\t" }) {
                let skip = value[..<space].utf16.count + 1
                range = NSRange(location: range.location + skip, length: range.length - skip)
                value = ns.substring(with: range)
                nameWords.removeFirst()
            }
            let first = nameWords.first ?? ""
            guard !notNames.contains(first), !isOrganisation(value) else { return }
            // "Young People attended": a run holding a plainly ordinary word, and no word that is
            // only a name, is not a name ("Monty Python said" is).
            if nameWords.count >= 2,
               !nameWords.contains(where: { context.names.isGiven($0) || context.names.isSurname($0) }),
               nameWords.contains(where: { context.names.model.isPlainWord($0) }) { return }
            // "Specialist CAMHS": a word in capitals is a body's abbreviation, not part of a name.
            if nameWords.contains(where: { $0.count >= 3 && $0.allSatisfy { $0.isUppercase } }) { return }
            // "Interviews (managers)": one word before a bracket is a name only when the lists know
            // it or the bracket says who the person is ("Siân (social worker)", "Jac (14)").
            if described, nameWords.count == 1, !context.names.givenNames.contains(first), !context.names.surnames.contains(first) {
                let rest = ns.original.utf16.dropFirst(range.location + range.length).prefix(60)
                let tail = (String(rest) ?? "").lowercased()
                if tail.hasPrefix(" (") || tail.hasPrefix("("), let close = tail.firstIndex(of: ")") {
                    let inside = tail[..<close]
                    if !inside.contains(where: \.isNumber), !LayoutRecogniser.looksLikeRole(String(inside)) { return }
                }
            }
            // "Practitioners reported": one capitalised word opening a sentence is a name only
            // when the name lists know it.
            if described, nameWords.count == 1, isSentenceStart(range.location, ns),
               !context.names.givenNames.contains(first), !context.names.surnames.contains(first) { return }
            register(range, rule: described ? 5 : 4)
        }
        after = 0
        for (index, word) in list.enumerated() where words.isOne(of: cueWordFilter, word) {
            // "a small pilot called Reconnect", "a group named Seren Dads": a thing's name, not a person's.
            if ["called", "named"].contains(words.text(word)),
               list[max(0, index - 3)..<index].contains(where: { namedThings.contains(words.lowercased($0)) }) { continue }
            for match in cue.matches(in: text, words: words, from: word.start, to: word.start + 160, after: &after, anchored: true) {
                inContext(match, described: false)
            }
        }
        after = 0
        for (index, word) in list.enumerated() {
            let end = word.end
            var nameEnd: Int?
            if index > 0, words.isOne(of: reportingVerbFilter, word), words.isSpace(from: list[index - 1].end, to: word.start) {
                nameEnd = index - 1
            } else if end < length, words.bytes[end] == 0x2C, index + 1 < list.count,
                      words.isOne(ofLowercased: describingArticleFilter, list[index + 1]) {
                nameEnd = index
            } else if words.isCapitalised(word), let open = words.bytes[end...].firstIndex(where: { !ShadowWords.isSpace($0) }),
                      open > end, words.bytes[open] == 0x28 {
                nameEnd = index
            } else if end - word.start > 2, words.bytes[end - 2] == 0x27, words.bytes[end - 1] == 0x73, index + 1 < list.count,
                      words.isOne(of: possessionFilter, list[index + 1]) {
                nameEnd = index
            }
            guard let nameEnd else { continue }
            // The name ends at this word, so it starts at a capital at most three words back:
            // each is tried in turn with the pattern anchored there, the leftmost first, which
            // finds what a search of the window would without scanning all of it.
            let windowEnd = list[nameEnd].end + 120
            var position = max(words.start(of: nameEnd, back: 3), after)
            while position < list[nameEnd].end {
                if words.bytes[position] >= 0x41, words.bytes[position] <= 0x5A,
                   let match = described.matches(in: text, words: words, from: position, to: windowEnd, after: &after, anchored: true).first {
                    inContext(match, described: true)
                    break
                }
                position += 1
            }
        }
        return found
    }

    /// Names: the return's own people, titled names, names from the list, names in context, and
    /// then any part of a name found anywhere in the text wherever it appears alone.
    /// - Parameters:
    ///   - fullNamesOnly: only names of two words or more are wanted (the first pass over
    ///     a whole return), so lone words of names are not looked for.
    ///   - contextual: the text's `contextualNames`, when the first pass has already found them.
    static func people(in ns: UTF16Text, words: ShadowWords, context: RecognitionContext, fullNamesOnly: Bool = false,
                       contextual: [ContextualName]? = nil) -> [RawSpan] {
        let list = words.words
        // 1. The people the return itself names (respondents), in any order of their words.
        var found = knownPeople(in: words, context: context)
        // A name word, accents folded → the full name it belongs to; the known people's first.
        var identities = context.knownIdentities
        for name in contextual ?? contextualNames(in: ns, words: words, context: context) {
            found.append(name.span)
            for key in name.keys { identities[key] = identities[key] ?? name.span.identity }
        }
        // 5. Any word of a name found above, wherever it appears on its own.
        if !identities.isEmpty, !fullNamesOnly {
            for word in list where words.isCapitalised(word) {
                // The shadow of a word is the shadow's slice, so the lookup needs no decoding.
                var length = words.nameLength(word)
                if length > 2, words.bytes[word.start + length - 2] == 0x27, words.bytes[word.start + length - 1] == 0x73 { length -= 2 }
                let key = String(decoding: words.bytes[word.start..<(word.start + length)], as: UTF8.self)
                if let identity = identities[key] {
                    found.append(RawSpan(range: NSRange(location: word.start, length: length), type: .person, identity: identity))
                }
            }
        }
        // A lone word of a fuller name belongs to that person, however it was first found.
        for index in found.indices where found[index].type == .person && !fullNamesOnly {
            let value = ns.substring(with: found[index].range)
            // "Ms Pritchard" and "Pritchard" are the person whose full name holds "Pritchard".
            let words = NameParts.nameWords(value).filter { !NameParts.particles.contains($0.lowercased()) }
            let known = Set(words.compactMap { identities[asciiShadow($0)] })
            if known.count == 1, words.allSatisfy({ identities[asciiShadow($0)] != nil }) { found[index].identity = known.first }
        }
        return found
    }

    /// Words that end a body's name, however personal its first words: "Haydn Jones Memorial Trust",
    /// "Aneurin Bevan University Health Board", "St Thomas Family Centre", "St David's Day Fund".
    static let organisationEnds: Set<String> = ["trust", "centre", "center", "board", "council", "fund", "foundation", "university",
                                                "college", "school", "hospital", "society", "association", "institute", "charity",
                                                "partnership", "network", "unit", "service", "services", "project", "cymru", "wales",
                                                "act", "award", "awards", "lecture", "prize", "house", "court", "ltd", "limited"]
    static let organisationStarts: Set<String> = ["cyngor", "prifysgol", "canolfan", "ysgol", "ysbyty", "bwrdd", "cymdeithas",
                                                  "ymddiriedolaeth", "centre", "institute", "university", "st", "saint"]

    /// True when a person span is part of a longer capitalised name on its line that is shaped like
    /// an organisation's or is in the gazetteer, so the person's words are the body's name.
    static func insideOrganisationName(_ range: NSRange, _ ns: UTF16Text, _ context: RecognitionContext) -> Bool {
        // A body's name continues the span with a capitalised word on either side ("Haydn Jones
        // Memorial Trust", "St Thomas Family Centre"); most names in prose have neither, and are
        // settled here from the UTF-16 units without building any string.
        func capitalAt(_ index: Int) -> Bool { index >= 0 && index < ns.units.count && ns.units[index] >= 0x41 && ns.units[index] <= 0x5A }
        let end = range.location + range.length
        let capitalAfter = end < ns.units.count && ns.units[end] == 0x20 && capitalAt(end + 1)
        var back = range.location - 1
        while back >= 0, ns.units[back] == 0x20 { back -= 1 }
        var wordStart = back
        while wordStart > 0, ns.units[wordStart - 1] != 0x20, ns.units[wordStart - 1] != 0x0A { wordStart -= 1 }
        // The word before must end in a letter: "Contact: X" or "Dear X," hold no body's name.
        let letterBefore = back >= 0 && ((ns.units[back] | 0x20) >= 0x61 && (ns.units[back] | 0x20) <= 0x7A || ns.units[back] >= 0xC0)
        let capitalBefore = letterBefore && capitalAt(wordStart)
        guard capitalAfter || capitalBefore else { return false }
        // Only the words near the span matter (a body's name is a few words long), so the search
        // is bounded to 120 units either side and to the span's line: a paragraph held on one
        // long line made it cost the line's length per name. The words are read from the UTF-16
        // units, and only the few that continue the name become strings.
        let units = ns.units
        var lineStart = range.location
        while lineStart > max(0, range.location - 120), units[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = end
        while lineEnd < min(units.count, end + 120), units[lineEnd] != 0x0A { lineEnd += 1 }
        func isMark(_ unit: UInt16, _ marks: StaticString) -> Bool {
            marks.withUTF8Buffer { $0.contains(UInt8(truncatingIfNeeded: unit)) } && unit < 0x80
        }
        /// The word's units without ",.;:()" at either end, as a string; nil when nothing is left
        /// or the word cannot continue a capitalised name.
        func nameWord(from start: Int, to stop: Int) -> String? {
            var first = start, last = stop
            while first < last, isMark(units[first], ",.;:()") { first += 1 }
            while last > first, isMark(units[last - 1], ",.;:()") { last -= 1 }
            guard first < last else { return nil }
            let word = ns.substring(with: NSRange(location: first, length: last - first))
            let lead = units[first]
            if (0x41...0x5A).contains(lead) || (0x30...0x39).contains(lead) { return word }
            if lead >= 0x80, let character = word.first, character.isUppercase || character.isNumber { return word }
            return Self.nameConnectors.contains(word.lowercased()) ? word : nil
        }
        // Words after the span, then before it, while they continue a capitalised name.
        var following: [String] = []
        var cursor = end < lineEnd && units[end] == 0x20 ? end + 1 : end
        while cursor <= lineEnd {
            var stop = cursor
            while stop < lineEnd, units[stop] != 0x20 { stop += 1 }
            // "(ABUHB)" after a name closes it: the body's name ended before its abbreviation.
            if stop > cursor, units[cursor] == 0x28 { break }
            guard let word = nameWord(from: cursor, to: stop) else { break }
            following.append(word)
            if isMark(units[stop - 1], ",.;:)") { break }
            cursor = stop + 1
        }
        var preceding: [String] = []
        cursor = range.location
        while cursor > lineStart {
            while cursor > lineStart, units[cursor - 1] == 0x20 { cursor -= 1 }
            guard cursor > lineStart else { break }
            var start = cursor
            while start > lineStart, units[start - 1] != 0x20 { start -= 1 }
            guard let word = nameWord(from: start, to: cursor), !isMark(units[cursor - 1], ",.;:") else { break }
            preceding.insert(word, at: 0)
            cursor = start
        }
        while let last = following.last, Self.nameConnectors.contains(last.lowercased()) { following.removeLast() }
        // "Haydn Jones Memorial Trust for 12 months": the body's word may come before a number.
        if let last = following.last {
            var lastWord = last.lowercased()
            if lastWord.utf8.contains(where: { $0 == 0x27 || $0 == 0xE2 }) {
                lastWord = lastWord.replacingOccurrences(of: "’s", with: "").replacingOccurrences(of: "'s", with: "")
            }
            if organisationEnds.contains(lastWord) || following.contains(where: { organisationEnds.contains($0.lowercased()) }) { return true }
        }
        if let first = preceding.first {
            var firstWord = first.lowercased()[...]
            while firstWord.first == "." { firstWord = firstWord.dropFirst() }
            while firstWord.last == "." { firstWord = firstWord.dropLast() }
            if organisationStarts.contains(String(firstWord)) { return true }
        }
        guard preceding.count + following.count > 0 else { return false }
        let whole = (preceding + [ns.substring(with: range)] + following).joined(separator: " ")
        // An exact name or alias: near spellings are for reading a return's organisation line,
        // and comparing every run of capitals with every name costs more than it finds here.
        return context.gazetteer.match(whole) != nil
    }

    /// Small words a body's name may hold between its capitalised ones.
    static let nameConnectors: Set<String> = ["of", "for", "and", "the", "y", "yr", "s", "'s", "’s", "de"]

    static func isSentenceStart(_ location: Int, _ ns: UTF16Text) -> Bool {
        var index = location - 1
        while index >= 0, let scalar = UnicodeScalar(ns.character(at: index)), scalar == " " { index -= 1 }
        guard index >= 0, let scalar = UnicodeScalar(ns.character(at: index)) else { return true }
        return ".!?\n:;\"“(".unicodeScalars.contains(scalar)
    }

    static func isOrganisationOrProgramme(_ text: String, _ context: RecognitionContext) -> Bool {
        context.gazetteer.match(text) != nil || context.taxonomy.match(text).map { canonicalKey($0.name) == canonicalKey(text) } == true
    }

    /// Longest first; on equal length the stronger type; overlapping later spans are dropped.
    static func resolve(_ spans: [RawSpan]) -> [RawSpan] {
        let ordered = spans.sorted {
            if $0.range.length != $1.range.length { return $0.range.length > $1.range.length }
            if $0.type != $1.type { return $0.type < $1.type }
            return $0.range.location < $1.range.location
        }
        var kept: [RawSpan] = []
        for span in ordered where !kept.contains(where: { NSIntersectionRange($0.range, span.range).length > 0 }) {
            kept.append(span)
        }
        return kept.sorted { $0.range.location < $1.range.location }
    }

    // MARK: Checks

    static let institutional = regex(#"^(?:https?://)?(?:www\.)?[^/]*\.(?:gov\.uk|gov\.wales|llyw\.cymru|nhs\.uk|nhs\.wales|ac\.uk|police\.uk|org\.uk)(?:[/?#]|$)"#, .caseInsensitive)
    static let personalPath = regex(#"/(?:in|people|person|staff|profile|profiles|user|users|~)[/\w-]*|/~"#, .caseInsensitive)

    /// Social profiles and personal pages go; an institution's own pages stay, being about the organisation.
    static func isPersonalURL(_ value: String) -> Bool {
        let range = NSRange(location: 0, length: (value as NSString).length)
        guard institutional.firstMatch(in: value, range: range) != nil else { return true }
        return personalPath.firstMatch(in: value, range: range) != nil
    }

    /// The NHS number's mod-11 check digit.
    public static func isValidNHSNumber(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.count == 10 else { return false }
        let sum = zip(digits.prefix(9), (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
        let check = 11 - sum % 11
        if check == 10 { return false }
        return (check == 11 ? 0 : check) == digits[9]
    }

    /// UK numbers: 10 or 11 digits in national form, starting 01, 02, 03, 05, 07, 08 or 09.
    static func isUKPhone(_ text: String) -> Bool {
        let national = NameParts.phoneDigits(text)
        guard national.hasPrefix("0"), (10...11).contains(national.count) else { return false }
        let second = national.dropFirst().first
        return second.map { "1235789".contains($0) } ?? false
    }
}

/// A text held as UTF-16 units, so that the UTF-16 ranges regular expressions report can be cut
/// out directly; a bridged Swift string would translate every offset.
struct UTF16Text {
    let original: String
    let units: [UInt16]
    /// The ASCII shadow, for patterns and case-insensitive searching at the same offsets.
    let shadowText: String
    let shadow: NSString

    init(_ text: String) {
        original = text
        units = Array(text.utf16)
        shadowText = Recognisers.asciiShadow(text)
        shadow = shadowText as NSString
    }

    var length: Int { units.count }

    func substring(with range: NSRange) -> String {
        let slice = units[range.location..<(range.location + range.length)]
        // Most values are ASCII, which needs no transcoding.
        if slice.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: slice.count) { buffer in
                for (offset, unit) in slice.enumerated() { buffer[offset] = UInt8(truncatingIfNeeded: unit) }
                return slice.count
            }
        }
        return String(decoding: slice, as: UTF16.self)
    }

    /// The original text between two UTF-16 offsets, cut without transcoding.
    func slice(from start: Int, to end: Int) -> Substring {
        original[String.Index(utf16Offset: start, in: original)..<String.Index(utf16Offset: end, in: original)]
    }

    func character(at index: Int) -> UInt16 { units[index] }

    /// Case- and accent-insensitive search, done on the shadow.
    func range(of phrase: String, range: NSRange) -> NSRange {
        shadow.range(of: Recognisers.asciiShadow(phrase), options: .caseInsensitive, range: range)
    }
}
