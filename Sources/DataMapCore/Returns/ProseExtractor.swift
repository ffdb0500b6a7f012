import Foundation

/// A sentence of a prose return, with what is needed to trace a phrase back to its line.
struct ProseSentence {
    var text: String
    var block: Int
    /// Character offset of the sentence inside its block's text.
    var offset: Int
    var line: Int
    var endLine: Int
    /// The heading chain above it, lowercased, for theme cues.
    var heading: String
}

/// One word of a sentence: its folded form for matching, and where it sits.
struct ProseToken {
    var folded: String
    var original: Substring
    var range: Range<String.Index>

    var isCapitalised: Bool { original.first?.isUppercase ?? false }
    var isAcronym: Bool {
        let letters = original.filter(\.isLetter)
        let stem = letters.hasSuffix("s") ? letters.dropLast() : Substring(letters)
        return stem.count >= 2 && stem.allSatisfy(\.isUppercase)
    }
}

enum ProseTokens {
    static func split(_ text: String) -> [ProseToken] {
        var tokens: [ProseToken] = []
        var start: String.Index?
        var index = text.startIndex
        func close(_ end: String.Index) {
            guard let begin = start else { return }
            let original = text[begin..<end]
            let lower = original.lowercased()
            let folded = lower.utf8.allSatisfy { $0 < 0x80 } ? lower
                : lower.folding(options: [.diacriticInsensitive], locale: nil)
            tokens.append(ProseToken(folded: folded, original: original, range: begin..<end))
            start = nil
        }
        // ASCII text, most of it, is read byte by byte: a byte is a character there, and asking a
        // Character whether it is a letter costs a Unicode property lookup each time.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            let bytes = text.utf8
            while index < bytes.endIndex {
                let byte = bytes[index]
                if ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    if start == nil { start = index }
                } else {
                    close(index)
                    if byte == 0x26 {
                        let next = bytes.index(after: index)
                        tokens.append(ProseToken(folded: "and", original: text[index..<next], range: index..<next))
                    }
                }
                index = bytes.index(after: index)
            }
            close(text.endIndex)
            return tokens
        }
        while index < text.endIndex {
            let character = text[index]
            if character.isLetter || character.isNumber {
                if start == nil { start = index }
            } else {
                close(index)
                if character == "&" {
                    tokens.append(ProseToken(folded: "and", original: text[index...index], range: index..<text.index(after: index)))
                }
            }
            index = text.index(after: index)
        }
        close(text.endIndex)
        return tokens
    }

    /// Names from a list found in a run of words: the longest at each position, left to right.
    /// `lookup` gets the folded words and the tokens, and says what they name, if anything.
    /// - Parameter longest: the most words of a key that starts with a word; 0 where none does.
    static func longestMatches<Entry>(_ tokens: [ProseToken], longest: (String) -> Int,
                                      lookup: (String, ArraySlice<ProseToken>) -> Entry?) -> [(Entry, Range<Int>)] {
        var matches: [(Entry, Range<Int>)] = []
        var position = 0
        scan: while position < tokens.count {
            for length in stride(from: min(longest(tokens[position].folded), tokens.count - position), through: 1, by: -1) {
                let slice = tokens[position..<(position + length)]
                guard let entry = lookup(slice.map(\.folded).joined(separator: " "), slice) else { continue }
                matches.append((entry, position..<(position + length)))
                position += length
                continue scan
            }
            position += 1
        }
        return matches
    }

    /// Taxonomy names in a run of words. Short aliases (MI, SoS, FDAC, and FDACs as a plural)
    /// count only when written as an acronym.
    static func taxonomyMatches(_ tokens: [ProseToken], taxonomy: Taxonomy,
                                where accept: (Taxonomy.Entry) -> Bool) -> [(Taxonomy.Entry, Range<Int>)] {
        longestMatches(tokens, longest: { taxonomy.longestKeyStarting[$0] ?? 0 }) { folded, slice in
            var key = folded
            if slice.count == 1, slice.first!.isAcronym, key.hasSuffix("s"), taxonomy.entry(forKey: key) == nil { key.removeLast() }
            guard let entry = taxonomy.entry(forKey: key), accept(entry) else { return nil }
            if key.count <= 4 && !slice.allSatisfy({ $0.isAcronym || $0.original == entry.name }) { return nil }
            // A one-word name is also an ordinary word ("budgets must reflect need", "children thrive"):
            // it names the programme only when written with its capital.
            if slice.count == 1, let token = slice.first, !token.isCapitalised, !entry.name.contains(" ") { return nil }
            return entry
        }
    }

    /// Sentence boundaries: ". ", "? " or "! " before a capital, a digit or a quote, except after
    /// abbreviations such as "et al." and "e.g.".
    static func sentences(_ text: String) -> [Range<String.Index>] {
        let abbreviations: Set<String> = ["al", "eg", "e.g", "ie", "i.e", "dr", "mr", "mrs", "ms", "prof", "cllr", "st", "no", "approx",
                                          "etc", "vs", "cf", "fig", "ch", "p", "pp", "vol", "ed", "eds"]
        var ranges: [Range<String.Index>] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "." || character == "?" || character == "!" {
                var after = text.index(after: index)
                while after < text.endIndex, "\"'”’)".contains(text[after]) { after = text.index(after: after) }
                if after < text.endIndex, text[after] == " " {
                    let next = text.index(after: after)
                    let nextIsStart = next < text.endIndex && (text[next].isUppercase || text[next].isNumber || "\"'“‘(".contains(text[next]))
                    var wordStart = index
                    while wordStart > start, !text[text.index(before: wordStart)].isWhitespace { wordStart = text.index(before: wordStart) }
                    let word = text[wordStart..<index].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "(\"'"))
                    let abbreviated = character == "." && (abbreviations.contains(word) || (word.count == 1 && word.first!.isLetter))
                    if nextIsStart && !abbreviated {
                        ranges.append(start..<after)
                        start = next
                        index = next
                        continue
                    }
                }
            }
            index = text.index(after: index)
        }
        if start < text.endIndex { ranges.append(start..<text.endIndex) }
        return ranges
    }
}

/// Finds activities in prose that follows no template, and reads what the prose says of each:
/// timescale, evaluation, partners and status, every value with the phrase it came from.
public struct ProseExtractor: Sendable {
    public var taxonomy: Taxonomy
    public var gazetteer: Gazetteer

    public init(taxonomy: Taxonomy, gazetteer: Gazetteer) {
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
    }

    /// What is being found: a taxonomy entry or a named initiative, by canonical key.
    struct Mention {
        var key: String
        var name: String
        var kind: ActivityKind
        var fromTaxonomy: Bool
        var sentence: Int
        var phrase: String
        var isPilot: Bool
        /// Named only to compare: "based on North Yorkshire's No Wrong Door", "services such as IFST".
        var comparator = false
    }

    public struct Context: Sendable {
        public var source: String
        public var submitted: PartialDate
        /// The organisation the return is from, never counted as its own partner.
        public var organisation: String?

        public init(source: String, submitted: PartialDate, organisation: String? = nil) {
            self.source = source
            self.submitted = submitted
            self.organisation = organisation
        }
    }

    /// Asked now and then while reading; true ends the reading with nothing (`extract` gives nil).
    public var outOfTime: @Sendable () -> Bool = { false }

    /// The activities the prose names, or nil when `outOfTime` said so before the end.
    public func extract(_ blocks: [ProseBlock], outline: ProseOutline, context: Context) -> [ActivityRecord]? {
        let sentences = Self.sentences(blocks, outline: outline)
        let entries = Self.entryHeadings(blocks)
        var mentions: [Mention] = []
        for (index, sentence) in sentences.enumerated() {
            if index % 64 == 0, outOfTime() { return nil }
            var here = self.mentions(in: sentence.text, sentence: index)
            // A list entry: a heading, then "Participants:" or "Lead:" lines. The heading names the
            // activity, whatever words it uses ("Keeping Families Together").
            if sentence.offset == 0, entries.contains(sentence.block), let entry = tableRow(blocks[sentence.block].text, sentence: index),
               !here.contains(where: { $0.key == entry.key }) {
                here.removeAll { blocks[sentence.block].text.contains($0.phrase) }
                here.insert(entry, at: 0)
            }
            // A row of a table of activities names one in its name column, whatever words it uses.
            if sentence.offset == 0, let name = blocks[sentence.block].tableName, let row = tableRow(name, sentence: index),
               !here.contains(where: { $0.key == row.key }) {
                here.removeAll { name.contains($0.phrase) }
                here.insert(row, at: 0)
            }
            if sentence.offset == 0, let lead = leadTitle(sentence, index: index, heading: blocks[sentence.block].headingLevel != nil),
               !here.contains(where: { $0.key == lead.key || lead.phrase.contains($0.phrase) }) {
                here.insert(lead, at: 0)
            }
            mentions += here
        }
        // The team a letter is addressed to ("To: Rapid Review Team", "Dear Research Team", the
        // inside address above "Dear …") is the reader of the return, not an activity of its author.
        let addressed = Set(Self.addresseeBlocks(blocks, sentences: sentences).flatMap { block in
            mentions.filter { sentences[$0.sentence].block == block }.map(\.key)
        })
        mentions.removeAll { addressed.contains($0.key) }
        // One activity, two names in one return ("Practice leadership pilot for team managers", later
        // "the practice leadership programme"): named initiatives whose distinctive words, two at
        // least, are all among an earlier one's are that one.
        var aliasOf: [String: String] = [:]
        var cores: [(key: String, words: Set<String>)] = []
        for mention in mentions where !mention.fromTaxonomy && aliasOf[mention.key] == nil && !cores.contains(where: { $0.key == mention.key }) {
            let words = Self.coreWords(mention.name)
            if words.count >= 2, let earlier = cores.first(where: { $0.words.count >= 2 && (words.isSubset(of: $0.words) || $0.words.isSubset(of: words)) }) {
                aliasOf[mention.key] = earlier.key
            } else {
                cores.append((mention.key, words))
            }
        }
        for index in mentions.indices {
            if let canonical = aliasOf[mentions[index].key] {
                mentions[index].key = canonical
                if let first = mentions.first(where: { $0.key == canonical && aliasOf[$0.key] == nil }) { mentions[index].name = first.name }
            }
        }
        // Group mentions by activity, in order of first appearance.
        var order: [String] = []
        var byKey: [String: [Mention]] = [:]
        // An activity named only as a comparator is someone else's, not the author's.
        let claimed = Set(mentions.filter { !$0.comparator }.map(\.key))
        mentions.removeAll { !claimed.contains($0.key) }
        for mention in mentions {
            if byKey[mention.key] == nil { order.append(mention.key) }
            byKey[mention.key, default: []].append(mention)
        }
        let bySentence = Dictionary(grouping: mentions, by: \.sentence)
        let headingBlocks = Set(blocks.indices.filter { blocks[$0].headingLevel != nil })
        let rowBlocks = Set(blocks.indices.filter { blocks[$0].tableName != nil })
        let topics = Self.topics(sentences, mentions: bySentence, headings: headingBlocks, rows: rowBlocks)
        var records: [ActivityRecord] = []
        for (number, key) in order.enumerated() {
            if number % 16 == 0, outOfTime() { return nil }
            var record = record(for: byKey[key]!, sentences: sentences, topics: topics, allMentions: bySentence, context: context)
            // An entry's "Lead:" line names its owner.
            let first = sentences[byKey[key]![0].sentence].block
            if entries.contains(first), let lead = Self.entryField(after: first, in: blocks, named: Self.leadFields),
               let entry = gazetteer.resolve(lead)?.entry, entry.name != context.organisation.map(gazetteer.canonicalName) {
                record.owner = Organisation(name: entry.name, type: entry.organisationType ?? .other, region: entry.region)
                // The lead is the owner, not its own partner.
                record.partners.removeAll { $0 == entry.name }
            }
            records.append(record)
        }
        return records
    }

    /// A name's distinctive words: without the naming words (pilot, service…), articles and connectors.
    static func coreWords(_ name: String) -> Set<String> {
        Set(ProseTokens.split(name).map(\.folded).filter { word in
            singularTriggers[word] == nil && !connectors.contains(word) && !weakCapitals.contains(word) && !determiners.contains(word)
                && !(word.hasSuffix("s") && singularTriggers[String(word.dropLast())] != nil)
        })
    }

    static let leadFields: Set<String> = ["lead", "lead organisation", "lead agency", "lead body", "led by", "arweinydd", "corff arweiniol"]
    static let entryFields: Set<String> = leadFields.union(["participants", "partners", "partner organisations", "timescale", "duration",
                                                            "evaluation", "funding", "status", "cyfranogwyr", "partneriaid", "hyd", "gwerthuso"])

    /// Headings straight followed by an entry's field lines ("Participants:", "Lead:").
    static func entryHeadings(_ blocks: [ProseBlock]) -> Set<Int> {
        var result = Set<Int>()
        for index in blocks.indices where blocks[index].headingLevel != nil && index + 1 < blocks.count {
            if case .field(let name) = blocks[index + 1].kind, entryFields.contains(name.lowercased().trimmingSpace) { result.insert(index) }
        }
        return result
    }

    /// The value of an entry's field among the field lines under its heading.
    static func entryField(after heading: Int, in blocks: [ProseBlock], named names: Set<String>) -> String? {
        var index = heading + 1
        while index < blocks.count, case .field(let name) = blocks[index].kind {
            if names.contains(name.lowercased().trimmingSpace) { return blocks[index].text }
            index += 1
        }
        return nil
    }

    /// The blocks that address the letter: a To/FAO/Attn line, the salutation, and the short
    /// block just above the salutation (the inside address), within the first blocks of a return.
    static func addresseeBlocks(_ blocks: [ProseBlock], sentences: [ProseSentence]) -> Set<Int> {
        var result = Set<Int>()
        let head = blocks.prefix(40)
        for (index, block) in head.enumerated() {
            if case .field(let name) = block.kind,
               ["to", "fao", "f.a.o", "attn", "attention", "for the attention of", "at", "i", "recipient"].contains(name.lowercased()) {
                result.insert(index)
            }
            let lower = block.text.lowercased()
            if lower.hasPrefix("dear ") || lower.hasPrefix("annwyl ") {
                result.insert(index)
                // The inside address: the block right above, when it is short.
                if index > 0, blocks[index - 1].text.count <= 120, blocks[index - 1].headingLevel == nil || blocks[index - 1].headingLevel == 7 {
                    result.insert(index - 1)
                }
                break
            }
        }
        return result
    }

    func tableRow(_ name: String, sentence index: Int) -> Mention? {
        let tokens = ProseTokens.split(name)
        guard !tokens.isEmpty else { return nil }
        let kind = Self.singularTriggers[tokens[tokens.count - 1].folded] ?? .programme
        guard var mention = mention(tokens: tokens, from: 0, to: tokens.count - 1, in: name, kind: kind, sentence: index, covered: [])
        else { return nil }
        mention.phrase = name
        return mention
    }

    /// What each sentence is about, when it names nothing itself or points back: "It runs for two
    /// years" and "This model utilises MI" are about the activity named before them in the paragraph.
    static func topics(_ sentences: [ProseSentence], mentions: [Int: [Mention]], headings: Set<Int> = [],
                       rows: Set<Int> = []) -> [Int: String] {
        var topics: [Int: String] = [:]
        var topic: String?
        // A heading that names an activity ("### Practice leadership pilot") makes it the topic of
        // everything under it, paragraph after paragraph, until the next heading.
        var headingTopic: String?
        var carried = 0
        for (index, sentence) in sentences.enumerated() {
            let lower = sentence.text.lowercased()
            let pointsBack = anaphora.contains { lower.hasPrefix($0) }
            if headings.contains(sentence.block) {
                headingTopic = mentions[index]?.first?.key
                topic = headingTopic
                carried = 0
                if let topic { topics[index] = topic }
                continue
            }
            // A new paragraph starts a new topic, unless it opens by pointing back ("It is evaluated by…")
            // or is the same paragraph cut by a page break ("…and a" ⏎ "part-time psychologist…").
            let cutByPage = index > 0 && sentences[index - 1].text.last.map { !".!?:;\"”’)".contains($0) } == true
                && sentence.text.first?.isLowercase == true
            if index > 0, sentences[index - 1].block != sentence.block, !pointsBack, !cutByPage { topic = headingTopic; carried = 0 }
            if let here = mentions[index], let first = here.first {
                if !(pointsBack && topic != nil) { topic = first.key; carried = 0 }
            } else if !rows.contains(sentence.block) {
                // A table row is about its activity to its last cell; prose drifts after a few
                // sentences, unless each keeps pointing back ("the team worked with…", "We track this figure").
                let refersBack = Self.anaphora.contains { lower.hasPrefix($0) || lower.holds(" " + $0) }
                let sameParagraph = index > 0 && sentences[index - 1].block == sentence.block
                carried = refersBack && (sameParagraph || cutByPage) ? 0 : carried + 1
                if carried > 3 { topic = headingTopic }
            }
            if let topic { topics[index] = topic }
        }
        return topics
    }

    static func sentences(_ blocks: [ProseBlock], outline: ProseOutline) -> [ProseSentence] {
        var result: [ProseSentence] = []
        // The text before the first heading counts too: a short return may have no headings at all.
        let parts = [(title: "", level: 0, blocks: outline.preamble)]
            + outline.sections.filter { !ProseOutline.isBackMatter($0.title + " " + ($0.subtitle ?? "")) }
                .map { (title: $0.title + " " + ($0.subtitle ?? ""), level: $0.level, blocks: $0.blocks) }
        for part in parts {
            var headings: [(Int, String)] = [(part.level, part.title)]
            for blockIndex in part.blocks {
                let block = blocks[blockIndex]
                // Header lines ("Organisation: Conwy") describe the return, not an activity.
                if case .field(let name) = block.kind, ReturnField.Header.match(name) != nil { continue }
                var text = block.text
                if case .field(let name) = block.kind {
                    // An entry's participants are its partners: said so, the partner reader takes them.
                    let label = name.lowercased().trimmingSpace
                    text = ["participants", "partners", "partner organisations", "cyfranogwyr", "partneriaid"].contains(label)
                        ? "Delivered in partnership with " + block.text : name + ": " + block.text
                }
                if let level = block.headingLevel {
                    headings.removeAll { $0.0 >= level }
                    headings.append((level, block.text))
                }
                let heading = headings.map(\.1).joined(separator: " / ").lowercased()
                // Offsets are counted forward from the last sentence, so a megabyte line stays linear.
                var offset = 0
                var cursor = text.startIndex
                for range in ProseTokens.sentences(text) {
                    offset += text.distance(from: cursor, to: range.lowerBound)
                    let length = text.distance(from: range.lowerBound, to: range.upperBound)
                    cursor = range.lowerBound
                    var sentence = String(text[range]).trimmingSpace
                    // "3.1 In Newport, …", "(b) Torfaen began …": the paragraph's number is not part of its first sentence.
                    if range.lowerBound == text.startIndex, let marker = sentence.firstMatch(of: Self.paragraphNumber) {
                        sentence = String(sentence[marker.range.upperBound...])
                    }
                    guard !sentence.isEmpty else { continue }
                    result.append(ProseSentence(text: sentence, block: blockIndex, offset: offset, line: block.line(at: offset),
                                                endLine: block.line(at: offset + max(0, length - 1)), heading: heading))
                }
            }
        }
        return result
    }

    /// A paragraph number, a lettered item or a code such as KF3 or R12 at the start of a block.
    nonisolated(unsafe) static let paragraphNumber = #/^(?:\d+(?:\.\d+)*\.?|\(?[a-z]\)|\(?[ivx]+\)|[A-Z]{1,3}\d{1,3}[.:]?)\s+/#

    // MARK: Finding activities

    static let singularTriggers: [String: ActivityKind] = [
        "pilot": .pilot, "trial": .pilot, "peilot": .pilot, "project": .programme, "prosiect": .programme,
        "service": .service, "gwasanaeth": .service, "programme": .programme, "program": .programme, "rhaglen": .programme,
        "scheme": .programme, "cynllun": .programme, "team": .service, "tim": .service, "hub": .multiAgency, "hwb": .multiAgency,
        "initiative": .programme, "menter": .programme, "fund": .programme, "model": .practiceModel, "charter": .strategy,
        "clinic": .service, "siarter": .strategy, "campaign": .recruitment, "ymgyrch": .recruitment, "strategy": .strategy,
        "group": .service, "grŵp": .service,
    ]
    /// Words that begin a name rather than end it: "Project Unity", "Operation Encompass".
    static let leadingTriggers: [String: ActivityKind] = ["project": .programme, "prosiect": .programme, "operation": .multiAgency,
                                                          "programme": .programme, "rhaglen": .programme, "cynllun": .programme]
    /// Words that open a sentence by pointing back at what the last one was about.
    static let anaphora = ["this ", "these ", "it ", "it's ", "its ", "they ", "the model", "the project", "the pilot", "the service",
                           "the scheme", "the programme", "the approach", "the team", "the initiative", "such ", "mae'r "]
    /// Words that say what kind of thing follows, not which: "practice model", "core service".
    static let categoryWords: Set<String> = ["practice", "core", "main", "current", "overall", "operating", "delivery", "service",
                                             "care", "other", "existing", "preferred", "chosen", "model", "models", "arfer"]
    static let connectors: Set<String> = ["of", "and", "for", "in", "on", "the", "a", "to", "y", "yr", "a'r", "ar", "at"]
    /// Capitalised words that start sentences or name places and people, not initiatives.
    static let weakCapitals: Set<String> = ["the", "a", "an", "this", "that", "these", "those", "our", "their", "its", "his", "her",
                                            "we", "they", "it", "in", "as", "for", "each", "every", "one", "new", "another", "some",
                                            "any", "all", "y", "yr", "ein", "eu", "mae", "welsh", "government", "council",
                                            "local", "national", "regional", "wales", "cymru", "uk", "england", "current",
                                            "existing", "first", "second", "third", "other", "same", "such", "which", "what",
                                            "when", "where", "however", "although", "since", "from", "until", "there", "here"]
    static let ownershipVerbs: Set<String> = ["piloting", "piloted", "running", "run", "developing", "developed", "delivering",
                                              "delivered", "launched", "launching", "introduced", "introducing", "established",
                                              "started", "begun", "commissioned", "commissioning", "created", "set", "setting",
                                              "trialling", "trialing", "testing", "funded", "funding", "operating", "opened", "opening",
                                              "began", "ran", "runs", "start", "starts", "deliver", "delivers", "provide",
                                              "provides", "providing", "offer", "offers", "offering"]

    func mentions(in sentence: String, sentence index: Int) -> [Mention] {
        let tokens = ProseTokens.split(sentence)
        var found: [Mention] = []
        var covered = Set<Int>()
        // Taxonomy names and aliases, longest first at each position.
        for (entry, range) in ProseTokens.taxonomyMatches(tokens, taxonomy: taxonomy, where: Self.isActivity) {
            let phrase = String(sentence[tokens[range.lowerBound].range.lowerBound..<tokens[range.upperBound - 1].range.upperBound])
            found.append(Mention(key: "taxonomy:" + canonicalKey(entry.name), name: entry.name,
                                 kind: Self.kind(ofTaxonomy: entry.kind), fromTaxonomy: true, sentence: index, phrase: phrase,
                                 isPilot: false))
            covered.formUnion(range)
        }
        // In a line of capitals every word looks like a name; only taxonomy names are read there.
        let letters = sentence.filter(\.isLetter)
        if letters.count >= 6, letters.allSatisfy(\.isUppercase) { return found }
        // Named initiatives: "Basic Income Pilot", "pilot of Step Up, Step Down", "Project Unity".
        for (triggerIndex, token) in tokens.enumerated() {
            guard let kind = Self.singularTriggers[token.folded] ?? (token.isCapitalised ? Self.leadingTriggers[token.folded] : nil)
            else { continue }
            // "randomised controlled trial" is a method, not a pilot.
            if token.folded == "trial", triggerIndex > 0, ["controlled", "randomised", "randomized", "clinical"].contains(tokens[triggerIndex - 1].folded) {
                continue
            }
            // "Social Service Well-being Act": the trigger sits inside a longer proper name.
            let continuesName = triggerIndex + 1 < tokens.count && token.isCapitalised && tokens[triggerIndex + 1].isCapitalised
                && sentence[token.range.upperBound..<tokens[triggerIndex + 1].range.lowerBound].allSatisfy { $0 == " " || $0 == "-" }
            var candidates: [(Int, Int)] = []
            // For a name in apposition ("Seren Dads, a pilot group"): the words that are the name.
            var named: (Int, Int)?
            // Capitalised words before the trigger.
            var start = triggerIndex
            while start > 0 {
                let previous = tokens[start - 1]
                let gap = sentence[previous.range.upperBound..<tokens[start].range.lowerBound]
                guard gap.allSatisfy({ $0 == " " || $0 == "-" || $0 == "'" || $0 == "’" || $0 == "," }) else { break }
                if gap.contains(","), !(previous.isCapitalised && tokens[start].isCapitalised) { break }
                if previous.isCapitalised || previous.isAcronym || previous.original.first?.isNumber == true {
                    start -= 1
                } else if Self.connectors.contains(previous.folded), start >= 2, tokens[start - 2].isCapitalised,
                          start < triggerIndex {
                    start -= 1
                } else if previous.folded == "s", start >= 2, tokens[start - 2].isCapitalised {
                    start -= 1 // Barnardo's
                } else {
                    break
                }
            }
            while start < triggerIndex, Self.connectors.contains(tokens[start].folded) || Self.weakCapitals.contains(tokens[start].folded) {
                start += 1
            }
            if start < triggerIndex, !continuesName, Self.singularTriggers[token.folded] != nil { candidates.append((start, triggerIndex)) }
            // "pilot of Step Up, Step Down", "Project Unity".
            var after = triggerIndex + 1
            if after < tokens.count, (kind == .pilot && ["of", "for"].contains(tokens[after].folded))
                || ["called", "named", "known"].contains(tokens[after].folded) {
                after += tokens[after].folded == "known" && after + 1 < tokens.count && tokens[after + 1].folded == "as" ? 2 : 1
            }
            let leading = token.isCapitalised && Self.leadingTriggers[token.folded] != nil
            if leading || after > triggerIndex + 1 {
                var end = after
                while end < tokens.count, tokens[end].isCapitalised || tokens[end].isAcronym
                        || (Self.connectors.contains(tokens[end].folded) && end + 1 < tokens.count && tokens[end + 1].isCapitalised && end > after) {
                    let gap = end > after ? sentence[tokens[end - 1].range.upperBound..<tokens[end].range.lowerBound] : ""
                    if gap.contains(where: { !($0 == " " || $0 == "-" || $0 == "," || $0 == "'" || $0 == "’") }) { break }
                    end += 1
                }
                while end > after, Self.connectors.contains(tokens[end - 1].folded) { end -= 1 }
                if end > after, !Self.weakCapitals.contains(tokens[after].folded) || end - after > 1 {
                    // "Project Unity" keeps its first word; "pilot of Step Up, Step Down" does not.
                    candidates.append((after == triggerIndex + 1 && leading ? triggerIndex : after, end - 1))
                }
            }
            // "a placement stability pilot, Camu Ymlaen, for 18 months": the name in apposition.
            if candidates.isEmpty, triggerIndex + 1 < tokens.count, !token.isCapitalised,
               sentence[token.range.upperBound..<tokens[triggerIndex + 1].range.lowerBound] == ", ",
               let (from, to) = givenName(tokens, after: triggerIndex + 1, in: sentence), tokens[from].isCapitalised,
               to + 1 >= tokens.count || sentence[tokens[to].range.upperBound...].hasPrefix(",") {
                candidates.append((from, to))
            }
            // "Cartref Ynys, a new small group home": a name, then what it is.
            if candidates.isEmpty, !token.isCapitalised, triggerIndex >= 3 {
                var article = triggerIndex - 1
                while article > 0, triggerIndex - article <= 5, !["a", "an"].contains(tokens[article].folded),
                      !tokens[article].isCapitalised { article -= 1 }
                if article >= 2, ["a", "an"].contains(tokens[article].folded),
                   sentence[tokens[article - 1].range.upperBound..<tokens[article].range.lowerBound] == ", ",
                   !sentence[tokens[article].range.upperBound..<token.range.lowerBound].contains(where: { ",;:()".contains($0) }),
                   tokens[article - 1].isCapitalised {
                    var first = article - 1
                    while first > 0, tokens[first - 1].isCapitalised || Self.connectors.contains(tokens[first - 1].folded) && first >= 2 && tokens[first - 2].isCapitalised,
                          sentence[tokens[first - 1].range.upperBound..<tokens[first].range.lowerBound] == " " { first -= 1 }
                    // Not a sentence's opening word alone, nor a body ("Barnardo's Cymru, a charity").
                    let name = String(sentence[tokens[first].range.lowerBound..<tokens[article - 1].range.upperBound])
                    if !(first == 0 && first == article - 1), gazetteer.resolve(name) == nil, !Self.weakCapitals.contains(tokens[first].folded) {
                        // The span runs to the kind word, so the kind is not read again as a second name.
                        candidates.append((first, triggerIndex))
                        named = (first, article - 1)
                    }
                }
            }
            // "we are piloting a family reunification service": an unnamed initiative of their own.
            if candidates.isEmpty, kind != .practiceModel, Self.singularTriggers[token.folded] != nil {
                var back = triggerIndex - 1
                var words = 0
                while back >= 0, words < 5, !Self.ownershipVerbs.contains(tokens[back].folded), tokens[back].folded != "our",
                      tokens[back].folded != "ein" {
                    back -= 1
                    words += 1
                }
                let function: Set<String> = ["at", "to", "in", "with", "by", "is", "are", "was", "were", "has", "have", "be", "been",
                                             "which", "that", "who", "on", "from", "as", "it", "they", "we", "not", "and", "or", "but"]
                // A noun phrase ends at a clause's edge: "our duty desk, and the pilot works" names
                // nothing; the one comma allowed is a name's apposition ("we started Seren Dads, a pilot group").
                var appositive = false
                var appositiveName: (Int, Int)?
                if back >= 0, Self.ownershipVerbs.contains(tokens[back].folded), back + 1 < triggerIndex, tokens[back + 1].isCapitalised {
                    var last = back + 1
                    while last + 1 < triggerIndex, tokens[last + 1].isCapitalised || tokens[last + 1].isAcronym,
                          sentence[tokens[last].range.upperBound..<tokens[last + 1].range.lowerBound] == " " { last += 1 }
                    appositive = last + 1 < triggerIndex && sentence[tokens[last].range.upperBound..<tokens[last + 1].range.lowerBound] == ", "
                        && ["a", "an", "our"].contains(tokens[last + 1].folded)
                        && !sentence[tokens[last + 1].range.upperBound..<tokens[triggerIndex].range.lowerBound].contains(where: { ",;:()".contains($0) })
                    if appositive { appositiveName = (back + 1, last) }
                }
                // "peer-to-peer", "carer-to-carer": a word inside a hyphenated compound is not a function word.
                func inCompound(_ position: Int) -> Bool {
                    let token = tokens[position]
                    let before = token.range.lowerBound > sentence.startIndex ? sentence[sentence.index(before: token.range.lowerBound)] : " "
                    let after = token.range.upperBound < sentence.endIndex ? sentence[token.range.upperBound] : " "
                    return before == "-" && after == "-"
                }
                // "Our "Be the Difference" campaign": words inside quotation marks are a title's.
                func quoted(_ position: Int) -> Bool {
                    let before = sentence[..<tokens[position].range.lowerBound]
                    return before.filter { "\"“”".contains($0) }.count % 2 == 1
                }
                if back >= 0, Self.ownershipVerbs.contains(tokens[back].folded) || ["our", "ein"].contains(tokens[back].folded),
                   !((back + 1)..<triggerIndex).contains(where: { function.contains(tokens[$0].folded) && !inCompound($0) && !quoted($0) }),
                   appositive || !sentence[tokens[back].range.upperBound..<tokens[triggerIndex].range.lowerBound].contains(where: { ",;:()".contains($0) }) {
                    // Owned by the author ("we ran", "our"), or by a body named as the subject
                    // ("Torfaen began a reunification pilot", "the Council launched …").
                    let subjects: Set<String> = ["council", "authority", "board", "service", "team", "partnership", "department",
                                                 "trust", "charity", "organisation", "force", "region", "cyngor", "bwrdd", "tim"]
                    // "Barnardo's continue to deliver…": the subject is before the verb's helpers.
                    var subject = back - 1
                    while subject > 0, ["to", "continue", "continues", "plan", "plans", "will", "also", "now", "still"].contains(tokens[subject].folded) {
                        subject -= 1
                    }
                    let owned = tokens[back].folded == "our" || tokens[back].folded == "ein"
                        || (back > 0 && ["we", "we've", "ve", "re", "have", "are", "has", "is"].contains(tokens[back - 1].folded))
                        || (back > 1 && tokens[back - 2].folded == "we")
                        || (subject >= 0 && subject < back - 1 && (tokens[subject].folded == "we" || tokens[subject].isCapitalised))
                        || (back > 0 && (tokens[back - 1].isCapitalised || subjects.contains(tokens[back - 1].folded))
                            && !Self.weakCapitals.contains(tokens[back - 1].folded))
                    var first = back + 1
                    while first < triggerIndex, ["a", "an", "the", "new", "own", "small", "up", "our"].contains(tokens[first].folded) { first += 1 }
                    // A standing team or service of the author's ("our front door team", "our fostering
                    // service") is how it works, not an initiative, unless the sentence says it is new.
                    let initiative = ["pilot", "trial", "peilot", "project", "prosiect", "scheme", "cynllun", "initiative",
                                      "menter", "campaign", "ymgyrch"].contains(token.folded)
                    let newness = tokens.contains { Self.newnessWords.contains($0.folded) }
                    if owned, first <= triggerIndex, initiative || newness {
                        candidates.append((first, triggerIndex))
                        named = appositiveName
                    }
                }
            }
            // "Newport opened a short-stay assessment unit for teenagers in 2017 as a pilot": what
            // was opened, run or started is the pilot the sentence ends on.
            var asPilot: (Int, Int)?
            if candidates.isEmpty, ["pilot", "trial", "peilot"].contains(token.folded), triggerIndex >= 4,
               tokens[triggerIndex - 1].folded == "a", tokens[triggerIndex - 2].folded == "as" {
                var verb = triggerIndex - 3
                while verb >= 0, triggerIndex - verb < 16, !Self.ownershipVerbs.contains(tokens[verb].folded) { verb -= 1 }
                if verb >= 0, Self.ownershipVerbs.contains(tokens[verb].folded) {
                    var first = verb + 1
                    while first < triggerIndex - 2, ["a", "an", "the", "our", "new", "small"].contains(tokens[first].folded) { first += 1 }
                    let stops: Set<String> = ["in", "since", "from", "as", "on", "at", "with", "to", "during", "last", "this", "which",
                                              "that", "and", "who", "where", "when"]
                    var end = first
                    while end < triggerIndex - 2, !stops.contains(tokens[end].folded), tokens[end].original.first?.isNumber != true,
                          end == first || !sentence[tokens[end - 1].range.upperBound..<tokens[end].range.lowerBound].contains(",") {
                        end += 1
                    }
                    if end > first {
                        asPilot = (first, end - 1)
                        candidates.append((first, end - 1))
                    }
                }
            }
            for (from, to) in candidates {
                if var mention = mention(tokens: tokens, from: from, to: to, in: sentence, kind: kind, sentence: index, covered: covered) {
                    if let (pilotFrom, pilotTo) = asPilot, pilotFrom == from, pilotTo == to {
                        mention.isPilot = true
                        mention.kind = .pilot
                    }
                    // The apposition's kind words are the kind; the name is the capitalised part.
                    if let (nameFrom, nameTo) = named, nameFrom == from, !mention.fromTaxonomy {
                        let name = String(sentence[tokens[nameFrom].range.lowerBound..<tokens[nameTo].range.upperBound])
                        mention.name = name
                        mention.key = "initiative:" + canonicalKey(name)
                    }
                    found.append(mention)
                }
            }
        }
        found += phrasedMentions(tokens: tokens, in: sentence, sentence: index, covered: covered, found: found)
        // Keep one mention per activity per sentence; "the Harbour Hub pilot" is one activity,
        // not "Harbour Hub" and "Harbour Hub pilot".
        var seen = Set<String>()
        var kept = found.filter { seen.insert($0.key).inserted || $0.isPilot }
        let all = kept
        kept.removeAll { inner in
            all.contains { outer in
                outer.key != inner.key && outer.phrase.count > inner.phrase.count && !inner.fromTaxonomy
                    && outer.phrase.lowercased().hasPrefix(inner.phrase.lowercased())
            }
        }
        for index in kept.indices {
            guard let range = sentence.range(of: kept[index].phrase) else { continue }
            let before = sentence[..<range.lowerBound].lowercased().suffix(60)
            let preceding = String(before)
            kept[index].comparator = Self.comparatorCue.finds(in: preceding)
                // "bringing together our Families First team, the Flying Start health visitors…": parts of the whole.
                || Self.componentCue.finds(in: preceding)
                // "Team Around the Family sits with Families First rather than with us", "We are
                // watching how others get on with X before we decide": named, but not the author's.
                || Self.disownedCue.finds(in: sentence)
            // "Funded from the St David's Day Fund", "promoted under the National Fostering Framework",
            // "Families First funding": a source of money or a national frame, not the author's activity.
            let after = String(sentence[range.upperBound...].lowercased().prefix(20))
            if Self.fundingCue.finds(in: preceding) || Self.fundingAfter.finds(in: after) {
                kept[index].comparator = true
            }
        }
        return kept
    }

    /// A candidate run of words as a mention, unless it names nothing: only trigger words, only an
    /// organisation ("Barnardo's service"), or words already taken by a taxonomy name.
    func mention(tokens: [ProseToken], from: Int, to: Int, in sentence: String, kind: ActivityKind, sentence index: Int,
                 covered: Set<Int>) -> Mention? {
        let slice = tokens[from...to]
        if (from...to).allSatisfy({ covered.contains($0) }) { return nil }
        var phrase = String(sentence[slice.first!.range.lowerBound..<slice.last!.range.upperBound])
        if phrase.hasSuffix(",") { phrase.removeLast() }
        let words = slice.map(\.folded)
        // A bare "pilot project" names nothing; "a parenting pilot" does.
        // "Pilot projects" is a heading over several; plurals of the triggers name nothing either.
        if words.allSatisfy({ Self.singularTriggers[$0] != nil || Self.connectors.contains($0)
                                || ($0.hasSuffix("s") && Self.singularTriggers[String($0.dropLast())] != nil) }) { return nil }
        let inner = slice.filter { Self.singularTriggers[$0.folded] == nil }
        // "twelve-month pilot", "a 2-year project": a length is not a name.
        if inner.allSatisfy({ Self.durationWords.contains($0.folded) || $0.original.first?.isNumber == true
                                || Self.connectors.contains($0.folded) || Self.determiners.contains($0.folded) }) { return nil }
        // "Practice model - we adopted…": a category used as a label names no activity.
        if inner.allSatisfy({ Self.categoryWords.contains($0.folded) || Self.connectors.contains($0.folded) }) { return nil }
        // A job title ("Rheolwr Gwasanaeth", "Service Manager") is a post, not an activity.
        if words.contains(where: { Self.postWords.contains($0) }) { return nil }
        // A body that runs things ("Management Team", "Steering Group") is not itself an activity.
        if let before = inner.last?.folded, Self.governanceWords.contains(before), slice.last.map({ ["team", "tim", "group"].contains($0.folded) }) == true {
            return nil
        }
        // Names made only of an organisation ("Barnardo's service") are not initiatives.
        if gazetteer.match(inner.map { String($0.original) }.joined(separator: " ")) != nil { return nil }
        // "Newport Youth Offending Service and Gwent Police have been piloting…": a name joined
        // by "and" to a body, as doers of the same verb, is a body too.
        if slice.first?.isCapitalised == true, coordinatedWithBody(tokens, from: from, to: to, in: sentence) { return nil }
        let isPilot = words.contains { ["pilot", "peilot", "trial"].contains($0) }
        // An initiative whose name holds a known model ("FDAC in Wales pilot") is that model.
        if let entry = taxonomyEntry(in: Array(slice)) {
            return Mention(key: "taxonomy:" + canonicalKey(entry.name), name: entry.name, kind: Self.kind(ofTaxonomy: entry.kind),
                           fromTaxonomy: true, sentence: index, phrase: phrase, isPilot: isPilot)
        }
        var name = phrase.prefix(1).uppercased() + phrase.dropFirst()
        // "Be the Difference" recruitment campaign: a quotation mark cut in two by the name's
        // edge would leave one half; the marks go, the words stay.
        if name.contains(where: { "\"“”".contains($0) }) {
            name = name.filter { !"\"“”".contains($0) }
            name = name.prefix(1).uppercased() + name.dropFirst()
        }
        return Mention(key: "initiative:" + canonicalKey(name), name: String(name), kind: kind,
                       fromTaxonomy: false, sentence: index, phrase: phrase, isPilot: isPilot)
    }

    /// Whether the words just after "and" (or just before it) are a body the gazetteer knows.
    func coordinatedWithBody(_ tokens: [ProseToken], from: Int, to: Int, in sentence: String) -> Bool {
        func body(_ range: ClosedRange<Int>) -> Bool {
            let words = tokens[range]
            guard words.allSatisfy({ $0.isCapitalised || $0.isAcronym || Self.connectors.contains($0.folded) }) else { return false }
            return gazetteer.match(String(sentence[words.first!.range.lowerBound..<words.last!.range.upperBound])) != nil
        }
        if to + 2 < tokens.count, ["and", "&", "a"].contains(tokens[to + 1].folded) {
            for end in (to + 2)..<min(tokens.count, to + 8) where body((to + 2)...end) { return true }
        }
        if from >= 2, ["and", "&", "a"].contains(tokens[from - 1].folded) {
            for start in stride(from: from - 2, through: max(0, from - 7), by: -1) where body(start...(from - 2)) { return true }
        }
        return false
    }

    private func taxonomyEntry(in tokens: [ProseToken]) -> Taxonomy.Entry? {
        ProseTokens.taxonomyMatches(tokens, taxonomy: taxonomy, where: Self.isActivity).first?.0
    }

    /// Laws and outcome measures are named in prose but are not activities.
    static func isActivity(_ entry: Taxonomy.Entry) -> Bool { !["legislation", "measure"].contains(entry.kind) }

    static func kind(ofTaxonomy kind: String) -> ActivityKind {
        switch kind {
        case "practice-model": .practiceModel
        case "approach": .approach
        case "programme": .programme
        case "service-model": .service
        case "multi-agency": .multiAgency
        default: .other
        }
    }

    static let durationWords: Set<String> = ["one", "two", "three", "four", "five", "six", "nine", "twelve", "eighteen", "month",
                                             "months", "year", "years", "week", "weeks", "day", "days", "short", "long", "term",
                                             "mis", "blwyddyn", "flwyddyn", "wythnos"]
    static let postWords: Set<String> = ["manager", "director", "officer", "coordinator", "co", "ordinator", "psychologist",
                                         "executive", "rheolwr", "swyddog", "cyfarwyddwr", "pennaeth", "cadeirydd", "chair", "chairperson"]
    static let governanceWords: Set<String> = ["management", "leadership", "steering", "executive", "senior", "scrutiny",
                                               "board", "committee", "rheoli", "arwain", "working", "advisory", "reference",
                                               "task", "planning", "strategic", "operational", "project", "parenting", "panel"]

    static let fundingAfter = NSRegularExpression.literal(#"^\s*(funding|money|monies|grant|allocation|budget|cyllid|grant)\b"#)

    /// Words before a name that make it the money or the national frame behind the work.
    static let fundingCue = NSRegularExpression.literal(#"\b(funded|financed|paid for|supported)\s+(from|through|by|via|under|out of)\s+(the\s+)?$|\b(allocation|funding|money|grant|monies|bid)\s+(from|through|under)\s+(the\s+)?$|\bunder\s+the\s+$|\bthrough\s+the\s+$"#)
    /// Words that say an activity is new, so a team or service of the author's counts as one.
    static let newnessWords: Set<String> = ["new", "newly", "started", "starting", "launched", "launching", "set", "introduced",
                                            "introducing", "established", "piloting", "piloted", "began", "begun", "created",
                                            "developed", "developing", "commissioned", "start", "starts", "planned",
                                            "planning", "opening", "launch", "newydd", "sefydlu", "dechrau"]

    /// Words that set up a comparison rather than describe the author's own work.
    static let componentCue = NSRegularExpression.literal(#"\b(?:bring(?:s|ing)?|brought|pull(?:s|ing|ed)?) together\b[^.;]*$"#, .caseInsensitive)
    static let disownedCue = NSRegularExpression.literal(#"\b(?:sits with|rather than (?:with )?us|can(?:not|['’]t|no) (?:really )?comment|before we decide|(?:is|are) not (?:ours|our own|run by us)|run by another|watching how (?:other|others))\b"#, .caseInsensitive)
    static let comparatorCue = NSRegularExpression.literal(#"\b(based on|modelled on|modeled on|similar to|such as|like the|inspired by|adapted from|along the lines of|compared with|in the style of|as in)\s+(the\s+)?([A-Z]?[\w'’-]+\s+){0,4}[\w'’-]*$"#)

    /// Whose activity a sentence describes, when it says so: an organisation as the sentence's
    /// subject ("Torfaen began a reunification pilot", "In Newport, the team…"), one that owns
    /// the name ("Blaenau Gwent's strategy"), or the body a section is written by ("Appendix B –
    /// written evidence from Swansea Bay University Health Board").
    func owner(of phrase: String, in sentence: ProseSentence, author: String?) -> String? {
        let text = sentence.text
        let mentions = PhraseReader.organisations(text, gazetteer: gazetteer)
        let authorName = author.map(gazetteer.canonicalName)
        let namePosition = text.range(of: phrase)?.lowerBound ?? text.endIndex
        for mention in mentions where mention.name != authorName {
            guard let range = text.range(of: mention.phrase), range.lowerBound <= namePosition else { continue }
            let lead = text[..<range.lowerBound].trimmingSpace.lowercased()
            let subject = lead.isEmpty || lead == "in" || lead == "in the" || lead == "the" || lead == "yn" || lead == "yng" || lead == "ym"
            let after = text[range.upperBound...]
            let possessive = after.hasPrefix("'s ") || after.hasPrefix("’s ") || after.hasPrefix("' ")
            if (subject && !mention.funder && !mention.partner) || (possessive && text.distance(from: range.upperBound, to: namePosition) <= 3) {
                return mention.name
            }
        }
        // The section's own author: the deepest heading that names an organisation.
        for heading in sentence.heading.components(separatedBy: " / ").reversed() {
            let pieces = heading.components(separatedBy: CharacterSet(charactersIn: ":–—|")).flatMap { $0.components(separatedBy: " from ") }
            if let entry = pieces.lazy.compactMap({ self.gazetteer.match($0.trimmingSpace) }).first {
                return entry.name == authorName ? nil : entry.name
            }
        }
        return nil
    }

    // MARK: Reading one activity

    private func record(for mentions: [Mention], sentences: [ProseSentence], topics: [Int: String],
                        allMentions: [Int: [Mention]], context: Context) -> ActivityRecord {
        let key = mentions[0].key
        // The sentences that speak of it: those naming it, and those whose topic it is.
        var ownSet = Set(mentions.map(\.sentence))
        for (index, topic) in topics where topic == key { ownSet.insert(index) }
        var own = Array(ownSet)
        own.sort()
        let first = mentions[0]
        let firstSentence = sentences[first.sentence]
        var evidence = [Evidence(field: "name", line: firstSentence.line, endLine: firstSentence.endLine, phrase: first.phrase)]
        var isPilot = mentions.contains(where: \.isPilot)
        var kind = mentions.first(where: { !$0.fromTaxonomy })?.kind ?? first.kind
        if first.fromTaxonomy { kind = first.kind }

        var timescale = Timescale()
        var timescalePhrases: [String] = []
        var evaluation: Evaluation?
        var partners: [String] = []
        var funding: String?
        var status = ActivityStatus.current
        var statusEvidence: Evidence?

        for index in own {
            let sentence = sentences[index]
            let keysHere = Set((allMentions[index] ?? []).map(\.key) + [topics[index]].compactMap { $0 })
            let shared = keysHere.count > 1
            let lower = sentence.text.lowercased()
            func note(_ field: String, _ phrase: String) {
                // A few phrases per field are enough to check a value; a long report repeats itself.
                guard evidence.lazy.filter({ $0.field == field }).count < 4 else { return }
                evidence.append(Evidence(field: field, line: sentence.line, endLine: sentence.endLine, phrase: phrase))
            }
            let here = allMentions[index] ?? []
            if !isPilot, !shared, let phrase = PhraseReader.piloting(lower, sentence.text) {
                isPilot = true
                note("kind", phrase)
            }
            for found in PhraseReader.timescale(sentence.text, submitted: context.submitted) {
                if shared, mentions.first(where: { $0.sentence == index }) == nil { continue }
                if let start = found.start, timescale.start == nil { timescale.start = start }
                if let end = found.end, timescale.end == nil { timescale.end = end }
                if let duration = found.duration, timescale.duration == nil { timescale.duration = duration }
                if found.planned { status = .planned; statusEvidence = Evidence(field: "status", line: sentence.line, endLine: sentence.endLine, phrase: found.phrase) }
                if timescalePhrases.count < 4, !timescalePhrases.contains(found.phrase) { timescalePhrases.append(found.phrase) }
                note("timescale", found.phrase)
            }
            if let found = PhraseReader.evaluation(sentence.text, taxonomy: taxonomy, gazetteer: gazetteer,
                                                   organisation: context.organisation) {
                // In a sentence naming several activities, the evaluation is the one's it is said of;
                // a sentence that only points back gives it to its topic.
                let named = allMentions[index]?.first { $0.key == key }?.phrase
                let phrases = here.map(\.phrase)
                let aboutOther = found.aboutAnother || (shared && (named == nil
                    ? here.contains { PhraseReader.evaluationIsAbout($0.phrase, among: phrases, in: sentence.text) }
                    : !PhraseReader.evaluationIsAbout(named, among: phrases, in: sentence.text)))
                if !aboutOther {
                    evaluation = PhraseReader.merge(evaluation, found.evaluation)
                    note("evaluation", found.phrase)
                }
            }
            for organisation in PhraseReader.organisations(sentence.text, gazetteer: gazetteer) {
                if let own = context.organisation, gazetteer.canonicalName(own) == organisation.name { continue }
                if organisation.funder {
                    if funding == nil { funding = organisation.name; note("funding", organisation.phrase) }
                } else if organisation.partner, !partners.contains(organisation.name),
                          evaluation?.evaluator != organisation.name {
                    partners.append(organisation.name)
                    note("partners", organisation.phrase)
                }
            }
            if statusEvidence == nil, let (value, phrase) = PhraseReader.status(sentence.text) {
                status = value
                statusEvidence = Evidence(field: "status", line: sentence.line, endLine: sentence.endLine, phrase: phrase)
            }
        }
        if let statusEvidence { evidence.append(statusEvidence) }
        if let start = timescale.start, start.year > context.submitted.year, status == .current { status = .planned }
        if isPilot { kind = .pilot }
        let theme = Self.theme(kind: kind, sentences: own.map { sentences[$0] })
        let lastLine = own.map { sentences[$0].endLine }.max() ?? firstSentence.endLine
        let hasTimescale = timescale.start != nil || timescale.end != nil || timescale.duration != nil || !timescalePhrases.isEmpty
        if hasTimescale { timescale.phrase = timescalePhrases.joined(separator: "; ") }
        var description = firstSentence.text
        if description.count > 400 { description = String(description.prefix(397)) + "…" }
        var record = ActivityRecord(
            theme: theme, kind: kind, name: first.name, description: description, status: status,
            timescale: hasTimescale ? timescale : nil, partners: partners, funding: funding, evaluation: evaluation,
            provenance: Provenance(method: .writtenReturn, file: context.source, line: firstSentence.line,
                                   endLine: lastLine > firstSentence.line ? lastLine : nil))
        record.evidence = evidence
        record.owner = owner(of: first.phrase, in: firstSentence, author: context.organisation).map { name in
            let entry = gazetteer.match(name)
            return Organisation(name: name, type: entry.flatMap { OrganisationType(rawValue: $0.type) } ?? Gazetteer.inferType(name) ?? .other,
                                region: entry?.region)
        }
        return record
    }

    static func theme(kind: ActivityKind, sentences: [ProseSentence]) -> Theme {
        if kind == .pilot { return .pilotProjects }
        if kind == .practiceModel || kind == .approach { return .practiceModels }
        if kind == .multiAgency { return .commissioningPartnership }
        let text = (sentences.map(\.text).joined(separator: " ") + " " + (sentences.first?.heading ?? "")).lowercased()
        let cues: [(Theme, [String])] = [
            (.fosterCarerCapacity, ["foster carer", "fostering", "foster care", "gofalwyr maeth"]),
            (.residentialCare, ["residential", "children's home", "secure", "gofal preswyl"]),
            (.edgeOfCare, ["edge of care", "edge-of-care", "number of children in care", "number of children in the care", "keep families together",
                           "family support", "reunification", "care proceedings", "child protection", "stay together", "preservation",
                           "before care", "cyrion gofal"]),
            (.commissioningPartnership, ["partnership working", "in partnership", "commissioning", "multi-agency", "multi agency",
                                         "partneriaeth"]),
            (.sswbAct, ["well-being (wales) act", "wellbeing (wales) act", "2014 act", "the act"]),
        ]
        var best: (Theme, Int)?
        for (theme, words) in cues {
            let score = words.reduce(0) { $0 + text.components(separatedBy: $1).count - 1 }
            if score > 0, score > best?.1 ?? 0 { best = (theme, score) }
        }
        return best?.0 ?? .practiceModels
    }
}

extension String {
    /// Whether the text holds `needle`, byte for byte: Foundation's `contains` goes through
    /// NSString and showed in the build's profile where it was asked of every sentence.
    func holds(_ needle: String) -> Bool {
        var haystack = self, needle = needle
        return haystack.withUTF8 { text in
            needle.withUTF8 { part in
                LineBytes.search(text, for: part)
            }
        }
    }
}
