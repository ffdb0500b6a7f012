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
}

/// Name lists shipped as data in `instruments/names/`.
public struct NameList: Sendable {
    public var givenNames: Set<String>
    public var surnames: Set<String>

    public init(givenNames: Set<String> = [], surnames: Set<String> = []) {
        self.givenNames = givenNames
        self.surnames = surnames
    }

    /// One name per line; blank lines and `#` comments are skipped.
    public static func parse(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }
}

/// What recognisers know beyond the text: the people a return names, and the organisations and
/// programmes that must survive.
public struct RecognitionContext: Sendable {
    public var knownPeople: [String]
    public var names: NameList
    public var gazetteer: Gazetteer
    public var taxonomy: Taxonomy

    public init(knownPeople: [String] = [], names: NameList = NameList(), gazetteer: Gazetteer = Gazetteer(),
                taxonomy: Taxonomy = Taxonomy()) {
        self.knownPeople = knownPeople
        self.names = names
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
    }
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
        // The patterns are constants checked by the tests; a typo is a programming error.
        try! NSRegularExpression(pattern: pattern, options: options)
    }

    static let email = regex(#"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
    static let url = regex(#"(?:https?://|www\.|\b(?:linkedin\.com|twitter\.com|x\.com|facebook\.com|instagram\.com|tiktok\.com|youtube\.com)/)[^\s<>"')\]]*[^\s<>"')\].,;:!?]"#, .caseInsensitive)
    static let handle = regex(#"(?<![\w@.])@[A-Za-z0-9_]{2,15}\b"#)
    static let nhs = regex(#"(?<![\d-])[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?![\d-])"#)
    static let ni = regex(#"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"#)
    static let phone = regex(#"(?<![\w+/])(?:\+ ?44 ?(?:\(0\) ?)?|\(?0)\d[\d ()-]{7,14}\d(?![\d/])"#)
    static let postcode = regex(#"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY]) ?\d[ABD-HJLNP-UW-Z]{2}\b"#)
    static let date = regex(#"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr)\s+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})\b"#, .caseInsensitive)
    static let birthCue = regex(#"(?:\bborn\b|\bd\.?o\.?b\.?|\bdate of birth\b|\bbirthday\b|\bganwyd\b|\bdyddiad geni\b)[\s:,-]*(?:on\s+)?$"#, .caseInsensitive)
    static let address = regex(#"\b\d{1,4}[A-Za-z]?,?\s+(?:(?:(?:[A-Z][\p{L}'’-]+|y|yr)\s+){1,4}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Grove|Hill|Square|Walk|Row|Mews|View|Rise|Parade)\b|(?:Heol|Ffordd|Stryd|Lon|Rhodfa)(?:\s+(?:y|yr|[A-Z][\p{L}'’-]+)){1,3})(?:,\s+[A-Z][\p{Ll}'’-]+(?:\s+[A-Z][\p{Ll}'’-]+)?(?![\p{L}\d]))?"#)

    /// A capitalised name word: Siân, O'Connell, Mensah-Bonsu, McDonald.
    static let word = #"[A-Z][\p{Ll}\p{Lu}'’]*(?:-[A-Z][\p{Ll}\p{Lu}'’]+)?"#
    static let particle = #"(?:ap|ab|ferch|verch|de|van|von|der|da|di|bin|bint|el|al|le|la)"#
    static let title = #"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Cllr|Councillor|Rev|Revd|Sir|Dame|DC|DS|DI|DCI|PC|Sgt|Sergeant|Inspector)\.?"#
    static let fullName = "\(word)(?:\\s+\(particle))?(?:\\s+\(word)){0,2}"
    static let titled = regex("\\b\(title)\\s+(\(word)(?:\\s+(?:\(particle)\\s+)?\(word)){0,2})")
    static let cue = regex("(?:\\b(?:spoke|speak|spoken|talked|talking|met|meeting|contact|contacted|email|emailed|call|called|phoned|rang|asked|told|thanks|thank|according|supported|managed|led|chaired|coordinated|run|referred|introduced|signed|written|cc|from)\\b(?:\\s+(?:to|with|by|from|on))?\\s+)(\(fullName))")
    static let roleWords = #"(?:team manager|service manager|head of [\p{L} ']+?|director(?: of [\p{L} ']+?)?|assistant director|deputy director|chief executive|principal officer|social worker|family support worker|practitioner|coordinator|co-ordinator|lead|manager|officer|chair|consultant|nurse|paediatrician|psychologist|inspector|sergeant|advocate|mentor|foster carer|carer|rheolwr|pennaeth [\p{L} ']+?|cyfarwyddwr|gweithiwr cymdeithasol|swyddog)"#
    /// "X, the team manager", "X (social worker)" and "X said", in one pass over the text.
    static let described = regex("(\(fullName))(?:,\\s+(?i:(?:the|our|a|an|their|its|y|ein)\\s+\(roleWords))\\b|\\s+\\((?i:\(roleWords))|\\s+(?:said|says|explained|told|reported|noted|added|confirmed|leads|led|manages|managed|chairs|chaired|explains|described|wrote|emailed|phoned|joined|left|agreed|asked|suggested|felt|visited|attended|recommended|raised|arranged|offered|helped|dywedodd|esboniodd|cytunodd)\\b|['’]s\\s+(?:team|caseload|role|view|manager|colleague|report|work)\\b)")
    static let nameWord = regex("\\b\(word)")
    static let givenThenSurname = regex("\\b(\(word))(?:\\s+\(particle))?\\s+(\(word))")
    static let roleAtOrganisation = regex(#"\b(?:the\s+)?((?:Corporate |Assistant |Deputy |Interim )?(?:Director|Head|Chief Executive|Chief Officer|Chief Constable|Service Manager|Team Manager|Principal Officer|Cabinet Member|Lead Member|Designated Doctor|Designated Nurse|Safeguarding Lead)(?: (?:of|for) [A-Z][\p{L}' ]+?)?)\s+(?:at|for|of|in)\s+((?:the\s+)?[A-Z][\p{L}'’-]+(?:\s+(?:[A-Z][\p{L}'’-]+|of|and|the|y|yr)){0,6})"#)

    /// Capitalised words that start sentences or name things, never people on their own.
    static let notNames: Set<String> = [
        "The", "This", "That", "These", "Those", "There", "Their", "They", "We", "Our", "It", "Its", "In", "On", "At", "For",
        "From", "With", "By", "And", "But", "Or", "If", "When", "Where", "While", "After", "Before", "Since", "Until", "A", "An",
        "All", "Each", "Every", "Some", "Any", "No", "Yes", "Not", "He", "She", "His", "Her", "Him", "I", "You", "My", "Your",
        "Council", "County", "Borough", "City", "Team", "Service", "Services", "Project", "Programme", "Pilot", "Scheme", "Hub",
        "Board", "Health", "University", "Police", "Wales", "Welsh", "Cymru", "Government", "Office", "Centre", "Court", "Act",
        "Children", "Children's", "Family", "Families", "Social", "Care", "Local", "Authority", "National", "Trust", "Fund",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mr", "Mrs", "Ms", "Dr",
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
        let ns = utf16String(original)
        // Patterns run over an ASCII shadow of the text with the same UTF-16 offsets, which ICU
        // reads far faster than a bridged Unicode string; values are taken from the original.
        let text = asciiShadow(original)
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
        var hasAt = false, hasDigit = false, hasLink = false
        var previous: (UInt8, UInt8, UInt8) = (0, 0, 0)
        for byte in text.utf8 {
            if byte == 0x40 { hasAt = true } else if byte >= 0x30 && byte <= 0x39 { hasDigit = true }
            // A URL needs a slash, or "www.".
            else if byte == 0x2F || (byte == 0x2E && previous == (0x77, 0x77, 0x77)) { hasLink = true }
            previous = (previous.1, previous.2, byte)
        }
        if hasAt {
            add(email, .email)
            add(handle, .handle)
        }
        if hasLink { add(url, .url) { _, value in isPersonalURL(value) } }
        if hasDigit {
            add(nhs, .nhsNumber) { _, value in isValidNHSNumber(value) }
            add(ni, .niNumber)
            add(phone, .phone) { _, value in isUKPhone(value) }
            add(postcode, .postcode)
            add(address, .address)
        }
        for match in hasDigit ? date.matches(in: text, range: whole) : [] {
            let before = NSRange(location: max(0, match.range.location - 40), length: min(40, match.range.location))
            if birthCue.firstMatch(in: text, range: before) != nil { spans.append(RawSpan(range: match.range, type: .dateOfBirth)) }
        }
        for match in roleAtOrganisation.matches(in: text, range: whole) {
            let organisation = ns.substring(with: match.range(at: 2))
            if context.gazetteer.match(organisation) != nil || context.gazetteer.match(organisation.replacingOccurrences(of: "the ", with: "")) != nil {
                spans.append(RawSpan(range: match.range(at: 1), type: .role))
            }
        }
        spans += people(in: text, ns: ns, context: context)
        return resolve(spans)
    }

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

    static func utf16String(_ text: String) -> UTF16Text { UTF16Text(text) }

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

    /// Names: the return's own people, titled names, names from the list, names in context, and
    /// then any part of a name found anywhere in the text wherever it appears alone.
    static func people(in text: String, ns: UTF16Text, context: RecognitionContext) -> [RawSpan] {
        let whole = NSRange(location: 0, length: ns.length)
        var found: [RawSpan] = []
        var identities: [String: String] = [:]   // a name word, accents folded → the full name it belongs to

        func register(_ range: NSRange, prefer identity: String? = nil) {
            var range = range
            var value = ns.substring(with: range)
            // Trailing possessive: "Siân's" → "Siân".
            for suffix in ["'s", "’s", "'", "’"] where value.hasSuffix(suffix) {
                range.length -= (suffix as NSString).length
                value = String(value.dropLast(suffix.count))
            }
            var words = NameParts.nameWords(value)
            while let last = words.last, notNames.contains(last) || isOrganisationOrProgramme(last, context) {
                words.removeLast()
                range.length = (ns.substring(with: range) as NSString).range(of: last, options: .backwards).location
                while range.length > 0, ns.substring(with: NSRange(location: range.location + range.length - 1, length: 1)) == " " {
                    range.length -= 1
                }
            }
            guard !words.isEmpty, range.length > 0, !words.allSatisfy({ notNames.contains($0) }) else { return }
            let full = ns.substring(with: range)
            guard !isOrganisationOrProgramme(full, context) else { return }
            let identity = identity ?? Pseudonymiser.normalisedName(full)
            found.append(RawSpan(range: range, type: .person, identity: identity))
            for word in words where word.count >= 2 && !NameParts.particles.contains(word.lowercased()) {
                identities[asciiShadow(word)] = identities[asciiShadow(word)] ?? identity
            }
        }

        // 1. The people the return itself names (respondents), in any order of their words.
        for person in context.knownPeople {
            let words = NameParts.nameWords(person)
            let identity = Pseudonymiser.normalisedName(person)
            guard !identity.isEmpty else { continue }
            for word in words where word.count >= 2 && !NameParts.particles.contains(word.lowercased()) {
                identities[asciiShadow(word)] = identity
                for part in word.split(separator: "-") where part.count >= 3 { identities[asciiShadow(String(part))] = identity }
            }
            let phrase = words.joined(separator: " ")
            var search = whole
            while true {
                let range = ns.range(of: phrase, range: search)
                guard range.location != NSNotFound else { break }
                found.append(RawSpan(range: range, type: .person, identity: identity))
                search = NSRange(location: range.location + range.length, length: whole.length - range.location - range.length)
            }
        }
        // 2. Titles: "Dr Amira Haddad", "Cllr Jones".
        for match in titled.matches(in: text, range: whole) { register(match.range) }
        // 3. A listed given name followed by a capitalised word, or a capitalised word and a listed surname.
        for match in givenThenSurname.matches(in: text, range: whole) {
            let first = ns.substring(with: match.range(at: 1)), last = ns.substring(with: match.range(at: 2))
            let lastBare = last.replacingOccurrences(of: "'s", with: "").replacingOccurrences(of: "’s", with: "")
            guard !notNames.contains(first), !notNames.contains(lastBare) else { continue }
            if context.names.givenNames.contains(first) || (context.names.surnames.contains(lastBare) && !isSentenceStart(match.range.location, ns)) {
                register(match.range)
            }
        }
        // 4. Context: "spoke to X", "X, the team manager", "X (social worker)", "X said".
        for pattern in [cue, described] {
            for match in pattern.matches(in: text, range: whole) {
                let range = match.range(at: 1)
                let value = ns.substring(with: range)
                let words = NameParts.nameWords(value)
                let first = words.first ?? ""
                guard !notNames.contains(first), !isOrganisationOrProgramme(value, context) else { continue }
                // "Practitioners reported": one capitalised word opening a sentence is a name only
                // when the name lists know it.
                if pattern === described, words.count == 1, isSentenceStart(range.location, ns),
                   !context.names.givenNames.contains(first), !context.names.surnames.contains(first) { continue }
                register(range)
            }
        }
        // 5. Any word of a name found above, wherever it appears on its own.
        if !identities.isEmpty {
            for match in nameWord.matches(in: text, range: whole) {
                var value = ns.substring(with: match.range)
                var range = match.range
                for suffix in ["'s", "’s"] where value.hasSuffix(suffix) {
                    value = String(value.dropLast(2))
                    range.length -= 2
                }
                if let identity = identities[asciiShadow(value)] { found.append(RawSpan(range: range, type: .person, identity: identity)) }
            }
        }
        // A lone word of a fuller name belongs to that person, however it was first found.
        for index in found.indices where found[index].type == .person {
            let value = ns.substring(with: found[index].range)
            // "Ms Pritchard" and "Pritchard" are the person whose full name holds "Pritchard".
            let words = NameParts.nameWords(value).filter { !NameParts.particles.contains($0.lowercased()) }
            let known = Set(words.compactMap { identities[asciiShadow($0)] })
            if known.count == 1, words.allSatisfy({ identities[asciiShadow($0)] != nil }) { found[index].identity = known.first }
        }
        return found
    }

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
    let units: [UInt16]
    /// The ASCII shadow, for case-insensitive searching at the same offsets.
    let shadow: NSString

    init(_ text: String) {
        units = Array(text.utf16)
        shadow = Recognisers.asciiShadow(text) as NSString
    }

    var length: Int { units.count }

    func substring(with range: NSRange) -> String {
        String(decoding: units[range.location..<(range.location + range.length)], as: UTF16.self)
    }

    func character(at index: Int) -> UInt16 { units[index] }

    /// Case- and accent-insensitive search, done on the shadow.
    func range(of phrase: String, range: NSRange) -> NSRange {
        shadow.range(of: Recognisers.asciiShadow(phrase), options: .caseInsensitive, range: range)
    }
}
