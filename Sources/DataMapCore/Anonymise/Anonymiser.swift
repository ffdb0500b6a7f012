import Crypto
import Foundation

/// The study's secret. Pseudonyms are keyed with it, so someone holding the published data map
/// and a list of candidate names still cannot recompute who is who.
public struct StudyKey: Sendable, Equatable {
    public static let byteCount = 32
    private let bytes: Data

    public init?(bytes: Data) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A new key from the random source the caller supplies (the system's in production).
    public static func generate(using random: inout some RandomNumberGenerator) -> (StudyKey, Data) {
        var bytes = Data(count: byteCount)
        for index in bytes.indices { bytes[index] = UInt8.random(in: .min ... .max, using: &random) }
        return (StudyKey(bytes: bytes)!, bytes)
    }

    /// Identifies the key without revealing it, so the store can tell when the key changed.
    public var fingerprint: String {
        hexString(SHA256.hash(data: bytes).prefix(8))
    }

    public static func == (lhs: StudyKey, rhs: StudyKey) -> Bool { lhs.fingerprint == rhs.fingerprint }
}

/// Turns a person into the same token wherever they appear: HMAC-SHA256 over a normalised identity.
public struct Pseudonymiser: Sendable {
    let key: StudyKey
    private let keyed: KeyedHMAC

    public init(key: StudyKey) {
        self.key = key
        keyed = KeyedHMAC(state: HMAC<SHA256>(key: key.key))
    }

    /// `P-` and eight hex digits. The name is the identity when there is one, so a person who
    /// gives an email in one return and not in another still gets one token; failing a name,
    /// the email, then the phone number.
    public func pseudonym(for respondent: Respondent) -> String {
        let identity: String
        let name = Self.normalisedName(respondent.name)
        if !name.isEmpty {
            identity = "name:" + name
        } else if let email = respondent.email?.trimmed.lowercased(), !email.isEmpty {
            identity = "email:" + email
        } else if !NameParts.phoneDigits(respondent.phone ?? "").isEmpty {
            identity = "phone:" + NameParts.phoneDigits(respondent.phone ?? "")
        } else {
            // A written report with no named author has no person to pseudonymise.
            return "P-NONE"
        }
        var hmac = keyed.state
        hmac.update(data: Data(identity.utf8))
        let mac = hmac.finalize()
        return "P-" + hexString(mac.prefix(4), uppercase: true)
    }

    /// Folds case, accents, titles and spacing, so "Dr Siân ap Rhys" and "sian ap rhys" match.
    static func normalisedName(_ name: String) -> String {
        // ASCII words, most of them, fold to their lower case without Foundation.
        NameParts.nameWords(name).map {
            $0.utf8.allSatisfy { $0 < 0x80 } ? $0.lowercased() : $0.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        }.joined(separator: " ")
    }
}

/// An HMAC already keyed, shared read-only between threads: a copy of it is a fresh HMAC
/// without hashing the key again per name, and each use works on its own copy.
struct KeyedHMAC: @unchecked Sendable {
    let state: HMAC<SHA256>
}

/// How names and numbers are taken apart, shared by the pseudonymiser and the recognisers.
public enum NameParts {
    /// Honorifics and ranks written before a name; they are not part of the identity.
    static let titles: Set<String> = ["dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "cllr",
                                      "councillor", "rev", "revd", "sir", "dame", "chief", "inspector",
                                      "superintendent", "sergeant", "constable", "detective", "dci", "di",
                                      "ds", "pc", "insp", "supt", "sgt", "det"]
    /// Welsh patronymic and common surname particles: part of a name, never a name alone.
    static let particles: Set<String> = ["ap", "ab", "ferch", "verch", "de", "van", "von", "der", "la", "le", "da", "di", "bin", "bint"]

    /// The words of a name without titles or punctuation: "Dr. Siân ap Rhys-Jones" gives
    /// ["Siân", "ap", "Rhys-Jones"].
    static func nameWords(_ name: String) -> [String] {
        name.utf8.allSatisfy({ $0 < 0x80 }) ? asciiNameWords(name) : characterNameWords(name)
    }

    static func characterNameWords(_ name: String) -> [String] {
        let edges: Set<Character> = [".", "(", ")", "\""]
        return name.split(whereSeparator: { $0.isWhitespace || $0 == "," }).compactMap { word -> String? in
            var trimmed = Substring(word)
            while let first = trimmed.first, edges.contains(first) { trimmed = trimmed.dropFirst() }
            while let last = trimmed.last, edges.contains(last) { trimmed = trimmed.dropLast() }
            guard !trimmed.isEmpty, !titles.contains(trimmed.lowercased()) else { return nil }
            return String(trimmed)
        }
    }

    /// `nameWords` for ASCII names, byte by byte: ASCII white space is 09–0D and the space.
    static func asciiNameWords(_ name: String) -> [String] {
        func isEdge(_ byte: UInt8) -> Bool { byte == 0x2E || byte == 0x28 || byte == 0x29 || byte == 0x22 }
        var words: [String] = []
        var bytes = Array(name.utf8)
        bytes.append(0x20)
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x20 || byte == 0x2C || (byte >= 0x09 && byte <= 0x0D) {
            var first = start, last = index
            start = index + 1
            while first < last, isEdge(bytes[first]) { first += 1 }
            while last > first, isEdge(bytes[last - 1]) { last -= 1 }
            guard first < last else { continue }
            let word = String(decoding: bytes[first..<last], as: UTF8.self)
            if !titles.contains(word.lowercased()) { words.append(word) }
        }
        return words
    }

    /// National form: "+44 (0)7700 900123" and "07700 900123" both give "07700900123".
    static func phoneDigits(_ phone: String) -> String {
        var digits = phone.filter(\.isASCII).filter(\.isNumber)
        if digits.hasPrefix("440") { digits = "0" + digits.dropFirst(3) }
        else if digits.hasPrefix("44") && phone.contains("+") { digits = "0" + digits.dropFirst(2) }
        return digits
    }
}

/// File names are chosen by people, sometimes after people ("jane-jones-return.xml"), and they
/// travel into provenance; the respondent's name parts become the pseudonym, in any case.
public struct SourcePathScrubber: Sendable {
    private let pseudonym: String
    private let parts: [String]

    public init(respondent: Respondent, pseudonym: String) {
        self.pseudonym = pseudonym
        parts = NameParts.nameWords(respondent.name)
            .filter { !NameParts.particles.contains($0.lowercased()) }
            .flatMap { $0.split(separator: "-").map(String.init) }
            .filter { $0.count >= 3 }
            .sorted { $0.count > $1.count }
    }

    public func scrub(_ path: String) -> String {
        parts.reduce(path) { replaceWord($1, in: $0) }
    }

    /// Whole-word, case- and accent-insensitive replacement.
    private func replaceWord(_ word: String, in text: String) -> String {
        var result = ""
        var rest = text[...]
        while let range = rest.range(of: word, options: [.caseInsensitive, .diacriticInsensitive]) {
            let before = range.lowerBound == rest.startIndex ? result.last : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound == rest.endIndex ? nil : rest[range.upperBound]
            let bounded = !(before?.isLetter ?? false) && !(after?.isLetter ?? false)
            result += rest[..<range.lowerBound]
            result += bounded ? pseudonym : String(rest[range])
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// The anonymise stage: a `Return` in, an `AnonymisedReturn` out, with no identity left in it.
public struct Anonymiser: Sendable {
    let pseudonymiser: Pseudonymiser
    let text: TextAnonymiser
    let names: NameList
    let reference: StudyReference

    public init(key: StudyKey, names: NameList = NameList(), reference: StudyReference = StudyReference(),
                options: AnonymisationOptions = AnonymisationOptions()) {
        pseudonymiser = Pseudonymiser(key: key)
        text = TextAnonymiser(key: key, options: options)
        self.names = names
        self.reference = reference
    }

    /// A file name as it may be printed or published: the names, numbers and addresses in it
    /// hidden, the folder and the extension kept ("inbox/letter from P-… [PHONE].txt"). A refused
    /// file's name is all there is to go on, and it is as much the sender's text as the file.
    public func scrubFileName(_ path: String) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        let dot = name.lastIndex(of: ".").flatMap { $0 > name.startIndex ? $0 : nil } ?? name.endIndex
        let context = RecognitionContext(names: names, gazetteer: reference.gazetteer, taxonomy: reference.taxonomy)
        // Word separators in file names ("monty_python-letter") read as spaces for the recognisers.
        let stem = String(name[..<dot]).replacingOccurrences(of: "_", with: " ")
        let scrubbed = text.scrub(stem, context: context, review: false).text
        return String(path[..<slash]) + scrubbed + String(name[dot...])
    }

    /// A return's lines as a coder sees them and as decisions quote them: anonymised together,
    /// so a name on one line is known on the next, and still one string per line.
    /// - Parameter people: names known to be people's, such as the respondent's.
    public func anonymiseLines(_ lines: [String], people: [String] = []) -> [String] {
        let context = RecognitionContext(knownPeople: people, names: names, gazetteer: reference.gazetteer, taxonomy: reference.taxonomy)
        let scrubbed = text.scrub(lines.joined(separator: "\n"), context: context, review: false).text
        let result = scrubbed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return result.count == lines.count ? result : lines.map { text.scrub($0, context: context, review: false).text }
    }

    /// The lines of a return file as read: a text's decoded lines, a Word document's paragraphs,
    /// an XML file's lines. Nil when it cannot be read as any of them.
    public static func sourceLines(_ data: Data, path: String) -> [String]? {
        switch ReturnFileKind(path: path) {
        case .text: return try? PlainText.decode(data).get().lines
        case .word: return try? WordDocument.lines(data).get()
        case .xml: return String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        case nil: return nil
        }
    }

    public func anonymise(_ record: Return) -> AnonymisedReturn {
        let token = pseudonymiser.pseudonym(for: record.respondent)
        let source = SourcePathScrubber(respondent: record.respondent, pseudonym: token).scrub(record.source)

        // Pass 1: every full name anywhere in the return, so a first name alone in another
        // field still maps to the same person.
        var fields: [(String, String)] = record.answers.map { ("answer:\($0.question)", $0.text) }
        for (index, activity) in record.activities.enumerated() {
            for (name, value) in Self.texts(of: activity) { fields.append(("activity[\(index + 1)].\(name)", value)) }
        }
        for note in record.interview?.notes ?? [] { fields.append(("note:\(note.step)", note.text)) }
        var context = RecognitionContext(knownPeople: [record.respondent.name], names: names,
                                         gazetteer: reference.gazetteer, taxonomy: reference.taxonomy)
        // Each text is read on its own and its names listed rule by rule, the return's own people
        // first, as one scan of all the texts would list them (a later name keeps a shared word).
        // The names found by their context do not depend on who is known, so pass 2 uses them again.
        var contextual: [String: [ContextualName]] = [:]
        var byRule: [[String]] = Array(repeating: [], count: 6)
        for (_, value) in fields {
            let ns = UTF16Text(value)
            let words = ShadowWords(shadow: ns.shadowText)
            let names = contextual[value] ?? Recognisers.contextualNames(in: ns, words: words, context: context)
            contextual[value] = names
            byRule[1] += Recognisers.knownPeople(in: words, context: context).map { ns.substring(with: $0.range) }
            for name in names { byRule[name.rule].append(ns.substring(with: name.span.range)) }
        }
        let named = byRule.joined().filter { NameParts.nameWords($0).count >= 2 }
        context.knownPeople += named

        // Pass 2: scrub each field, counting what was found and what needs a human look.
        var risk = RiskRecord()
        // A return repeats itself (an evidence phrase is a sentence of the description, a partner
        // is named in every activity), and one text scrubs the same way in every field of it.
        var scrubbed: [String: Scrubbed] = [:]
        func s(_ field: String, _ value: String) -> String {
            let result = scrubbed[value] ?? text.scrub(value, context: context, review: true, contextual: contextual[value])
            scrubbed[value] = result
            for span in result.spans { risk.counts[span.type.rawValue, default: 0] += 1 }
            risk.review += result.review.map { ReviewSpan(field: field, start: $0.start, end: $0.end, kind: $0.kind, likelihood: $0.likelihood) }
            return result.text
        }
        let activities = record.activities.enumerated().map { index, activity in
            var copy = activity
            let f = { (name: String, value: String) in s("activity[\(index + 1)].\(name)", value) }
            copy.name = f("name", activity.name)
            copy.description = activity.description.map { f("description", $0) }
            copy.extent?.note = activity.extent?.note.map { f("extent", $0) }
            copy.timescale?.phrase = activity.timescale?.phrase.map { f("timescale", $0) }
            copy.targetGroup = activity.targetGroup.map { f("target-group", $0) }
            copy.partners = activity.partners.map { f("partners", $0) }
            copy.funding = activity.funding.map { f("funding", $0) }
            copy.evaluation?.evaluator = activity.evaluation?.evaluator.map { f("evaluator", $0) }
            copy.evaluation?.measures = activity.evaluation?.measures.map { f("measures", $0) } ?? []
            copy.evaluation?.note = activity.evaluation?.note.map { f("evaluation-note", $0) }
            copy.outcomes = activity.outcomes.map { f("outcomes", $0) }
            copy.documents = activity.documents.map { f("documents", $0) }
            copy.evidence = activity.evidence?.map { item in
                var scrubbed = item
                scrubbed.phrase = f("evidence.\(item.field)", item.phrase)
                return scrubbed
            }
            copy.provenance.file = source
            return copy
        }
        let answers = record.answers.map { answer in
            var copy = answer
            copy.text = s("answer:\(answer.question)", answer.text)
            return copy
        }
        let notes = (record.interview?.notes ?? []).map { note in
            var copy = note
            copy.text = s("note:\(note.step)", note.text)
            return copy
        }
        var organisation = record.organisation
        if Self.organisationNamesAPerson(organisation.name, people: [record.respondent.name] + named, names: names, gazetteer: reference.gazetteer) {
            organisation.name = organisationLabel(organisation)
            risk.counts["organisation-named-for-person", default: 0] += 1
        }
        var result = AnonymisedReturn(
            source: source, organisation: organisation, respondent: token,
            anonymity: record.consent.anonymity, submitted: record.submitted, language: record.language,
            answers: answers, activities: activities, notes: notes,
            method: Provenance.Method(capturedBy: record.interview), instrument: record.interview?.instrument)
        risk.counts["respondent", default: 0] += 1
        result.risk = risk
        if record.submittedFrom != .stated { result.submittedFrom = record.submittedFrom }
        if !record.intake.isEmpty { result.intake = record.intake }
        return result
    }

    /// "Cornelius Birtwhistle Consulting", sent by Cornelius Birtwhistle: a body named for the
    /// person who wrote for it gives them away wherever its name is printed. A body the gazetteer
    /// knows ("Aneurin Bevan University Health Board") is public and keeps its name.
    static func organisationNamesAPerson(_ name: String, people: [String], names: NameList, gazetteer: Gazetteer) -> Bool {
        guard gazetteer.resolve(name) == nil else { return false }
        let ordered = NameParts.nameWords(name)
        // Opening on a person's name, whoever sent the return: "Tegwen Abernethy Consulting".
        if ordered.count >= 3, !Recognisers.notNames.contains(ordered[1]), !Recognisers.organisationEnds.contains(ordered[1].lowercased()),
           (names.isGiven(ordered[0]) && names.looksLikeName(ordered[1])) || (names.looksLikeName(ordered[0]) && names.isSurname(ordered[1])) {
            return true
        }
        let words = Set(ordered.map { Recognisers.asciiShadow($0).lowercased() })
        for person in people {
            let parts = NameParts.nameWords(person).filter { $0.count >= 3 && !NameParts.particles.contains($0.lowercased()) }
            // The surname, or every word of the name: "Jones Fostering" for Siân Jones.
            guard let surname = parts.last else { continue }
            if words.contains(Recognisers.asciiShadow(surname).lowercased()) { return true }
        }
        return false
    }

    /// The same label for the same body in every return: its type and a keyed code.
    func organisationLabel(_ organisation: Organisation) -> String {
        let type = OrganisationMask.shortLabel(type: organisation.type.rawValue, fallback: "Organisation")
        let code = pseudonymiser.pseudonym(forIdentity: "organisation:" + canonicalKey(organisation.name))
        return "\(type) O-" + code.dropFirst(2)
    }

    static func texts(of activity: ActivityRecord) -> [(String, String)] {
        var values: [(String, String)] = [("name", activity.name)]
        if let value = activity.description { values.append(("description", value)) }
        if let value = activity.outcomes { values.append(("outcomes", value)) }
        if let value = activity.evaluation?.note { values.append(("evaluation-note", value)) }
        if let value = activity.timescale?.phrase { values.append(("timescale", value)) }
        return values
    }
}

/// What the anonymiser found in one return: counts by type, and spans for a human to review.
public struct RiskRecord: Codable, Sendable, Hashable {
    public var counts: [String: Int] = [:]
    public var review: [ReviewSpan] = []

    public init() {}
}
