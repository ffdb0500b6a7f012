import Foundation

/// How far anonymisation goes beyond its defaults.
public struct AnonymisationOptions: Sendable, Hashable {
    /// Replace job titles with grades ("a senior manager"), not only the ones tied to an organisation.
    public var generaliseRoles: Bool

    public init(generaliseRoles: Bool = false) {
        self.generaliseRoles = generaliseRoles
    }
}

/// A place a reviewer should look at: located, typed, but without the text itself.
public struct ReviewSpan: Codable, Sendable, Hashable {
    public var field: String
    public var start: Int
    public var end: Int
    public var kind: String
    /// How much the kept words look like a person's name, 0 to 100: a reviewer reads the likeliest first.
    public var likelihood: Int?
}

/// What one text's anonymisation found.
public struct Scrubbed: Sendable {
    public var text: String
    /// Offsets in the original text, in code points.
    public var spans: [EntitySpan]
    public var review: [(start: Int, end: Int, kind: String, likelihood: Int)]
}

/// Replaces every identifier in free text: people with their keyed pseudonym, everything else
/// with a typed placeholder.
public struct TextAnonymiser: Sendable {
    let pseudonymiser: Pseudonymiser
    let options: AnonymisationOptions

    public init(key: StudyKey, options: AnonymisationOptions = AnonymisationOptions()) {
        pseudonymiser = Pseudonymiser(key: key)
        self.options = options
    }

    public func pseudonym(forIdentity identity: String) -> String { pseudonymiser.pseudonym(forIdentity: identity) }

    /// - Parameter review: also look for spans a person should review (the residual-risk report needs them).
    public func scrub(_ text: String, context: RecognitionContext, review: Bool = true) -> Scrubbed {
        scrub(text, context: context, review: review, contextual: nil)
    }

    /// - Parameter contextual: the text's names found by their context, when already known.
    func scrub(_ text: String, context: RecognitionContext, review: Bool, contextual: [ContextualName]?) -> Scrubbed {
        guard !text.isEmpty else { return Scrubbed(text: text, spans: [], review: []) }
        let ns = UTF16Text(text)
        var spans = Recognisers.find(in: ns, context: context, contextual: contextual)
        if options.generaliseRoles { spans = Recognisers.resolve(spans + Self.jobTitles(in: text)) }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var pseudonyms: [String: String] = [:]   // one HMAC per person per text, however often they are named
        var cursor = 0
        for span in spans {
            output += ns.slice(from: cursor, to: span.range.location)
            let original = ns.substring(with: span.range)
            if span.type == .person {
                let identity = span.identity ?? Pseudonymiser.normalisedName(original)
                if let known = pseudonyms[identity] { output += known } else {
                    let value = pseudonymiser.pseudonym(forIdentity: identity)
                    pseudonyms[identity] = value
                    output += value
                }
            } else {
                output += replacement(for: span, original: original)
            }
            cursor = span.range.location + span.range.length
        }
        output += ns.slice(from: cursor, to: ns.length)
        let offsets = CodePointOffsets(text)
        return Scrubbed(
            text: output,
            spans: spans.map { EntitySpan(start: offsets[$0.range.location], end: offsets[$0.range.location + $0.range.length], type: $0.type) },
            review: (review ? Self.review(text, ns: ns, found: spans, context: context) : []).map {
                (offsets[$0.range.location], offsets[$0.range.location + $0.range.length], $0.kind, $0.likelihood)
            })
    }

    /// Everything but people, who get their pseudonym in `scrub`.
    func replacement(for span: RawSpan, original: String) -> String {
        span.type == .role && options.generaliseRoles ? Self.grade(original) : span.type.placeholder
    }

    static let titlePattern = try! NSRegularExpression(
        pattern: #"\b(?:(?:[Tt]he|[Aa]n?|[Oo]ur)\s+)?(?:(?:Corporate|Assistant|Deputy|Interim)\s+)?(?:Director(?:\s+of\s+[A-Z][\p{L}']+(?:\s+[A-Z][\p{L}']+){0,3})?|Head\s+of\s+[A-Z][\p{L}']+(?:\s+[A-Z][\p{L}']+){0,3}|Chief\s+Executive|Chief\s+Constable|Service\s+Manager|Team\s+Manager|Team\s+Leader|Principal\s+Officer|Practice\s+Lead|Safeguarding\s+Lead)\b"#)

    static func jobTitles(in text: String) -> [RawSpan] {
        titlePattern.matches(in: Recognisers.asciiShadow(text), range: NSRange(location: 0, length: (text as NSString).length))
            .map { RawSpan(range: $0.range, type: .role) }
    }

    /// A job title, with any article before it, as a grade that no longer points at one post;
    /// capitalised when the title opened a sentence.
    static func grade(_ title: String) -> String {
        let lower = title.lowercased()
        var grade = "an officer"
        if lower.contains("director") || lower.contains("head of") || lower.contains("chief") { grade = "a senior manager" }
        else if lower.contains("manager") || lower.contains("leader") || lower.contains("lead") { grade = "a manager" }
        let opensWithArticle = ["the ", "a ", "an ", "our "].contains { lower.hasPrefix($0) }
        return opensWithArticle && title.first?.isUppercase == true ? grade.prefix(1).uppercased() + grade.dropFirst() : grade
    }

    static let reviewPattern = try! NSRegularExpression(pattern: #"\b[A-Z][\p{Ll}'’]+(?:\s+[A-Z][\p{Ll}'’]+)+|\b\d{9,}\b"#)

    /// Capitalised word runs and long numbers that no recogniser claimed and that are not a known
    /// organisation or programme: a person should look, because they might identify someone.
    static func review(_ text: String, ns: UTF16Text, found: [RawSpan], context: RecognitionContext)
        -> [(range: NSRange, kind: String, likelihood: Int)] {
        reviewPattern.matches(in: ns.shadow as String, range: NSRange(location: 0, length: ns.length)).compactMap { match in
            let range = match.range
            guard !found.contains(where: { NSIntersectionRange($0.range, range).length > 0 }) else { return nil }
            let value = ns.substring(with: range)
            if value.first?.isNumber == true { return (range, "possible-number", 50) }
            let words = value.split(separator: " ").map(String.init)
            guard !Recognisers.isSentenceStart(range.location, ns) || words.count > 2 else { return nil }
            // Each test below leaves the run alone, so the cheap set lookup goes first: a run holding
            // a common capitalised word ("Edge of Care Pilot"), a body or an approach is no one's name.
            if words.contains(where: { Recognisers.notNames.contains($0) }) { return nil }
            guard context.gazetteer.match(value) == nil, context.taxonomy.match(value) == nil,
                  !words.contains(where: { context.gazetteer.match($0) != nil }) else { return nil }
            return (range, "possible-name", nameLikeness(words, at: range, in: ns, context: context))
        }
    }

    /// A kept run of capitals scored by what makes a name likely: words the name lists or the
    /// name model know (an ordinary word such as "Hall" scores below a name), the
    /// length of a name (two or three words), name-shaped words (a capital then three to twelve
    /// small letters), and a cue before it ("spoke to", "thanks to", "Dr") or a description after.
    static func nameLikeness(_ words: [String], at range: NSRange, in ns: UTF16Text, context: RecognitionContext) -> Int {
        var score = 0
        for word in words {
            if context.names.isGiven(word) { score += 25 } else if context.names.isSurname(word) { score += 20 }
            else { score += min(15, max(-15, context.names.model.score(word))) }
            let rest = word.dropFirst()
            if (3...12).contains(rest.count + 1), rest.allSatisfy(\.isLowercase) { score += 5 }
        }
        if (2...3).contains(words.count) { score += 15 }
        let before = ns.substring(with: NSRange(location: max(0, range.location - 24), length: min(24, range.location))).lowercased()
        let cue = before.split(whereSeparator: { !$0.isLetter }).last.map(String.init) ?? ""
        if Recognisers.cueWordSet.contains(cue) || Recognisers.titles.map({ $0.lowercased() }).contains(cue) { score += 25 }
        let afterLength = min(16, ns.length - range.location - range.length)
        let after = afterLength > 0 ? ns.substring(with: NSRange(location: range.location + range.length, length: afterLength)) : ""
        if after.hasPrefix(" said") || after.hasPrefix(" told") || after.hasPrefix(", who") || after.hasPrefix(" (") { score += 20 }
        return min(100, max(0, score))
    }
}

/// UTF-16 offsets (NSString) to code-point offsets, for spans other tools can read.
struct CodePointOffsets {
    private var table: [Int]

    init(_ text: String) {
        table = []
        table.reserveCapacity(text.utf16.count + 1)
        var points = 0
        for scalar in text.unicodeScalars {
            table.append(points)
            if scalar.utf16.count == 2 { table.append(points) }
            points += 1
        }
        table.append(points)
    }

    subscript(utf16Offset: Int) -> Int { table[min(max(utf16Offset, 0), table.count - 1)] }
}

extension Pseudonymiser {
    /// The pseudonym of an already-normalised identity, such as a name found in prose.
    public func pseudonym(forIdentity identity: String) -> String {
        pseudonym(for: Respondent(name: identity))
    }
}
