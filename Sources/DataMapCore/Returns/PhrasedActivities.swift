import Foundation

/// Activities that real returns name without capitals or a naming pattern. A reader finds them by
/// how the sentence is built, not by a list of names:
/// - the thing being piloted: "the team is piloting nurse-led health assessment clinics";
/// - a pilot of something: "began a pilot of a dedicated pre-birth assessment pathway";
/// - an indefinite subject that starts: "A small intensive family support pilot began in October";
/// - a name given outright: "a group work pilot called 'Moving On'", "known locally as X";
/// - a definition: "Families Plus is an early help service", "Cartref Ynys, a new group home";
/// - a title leading a list item or paragraph: "- weekend outreach trial. Small edge of care offer…".
extension ProseExtractor {
    /// Verbs that say the subject is trying something out; what follows is the thing tried.
    static let pilotingVerbs: Set<String> = ["piloting", "piloted", "trialling", "trialled", "trialing", "trialed", "testing",
                                             "tested", "peilota", "treialu"]
    /// Verbs that start an activity, after its name: "A … pilot began", "The … project started".
    static let startingVerbs: Set<String> = ["began", "begun", "started", "launched", "opened", "ran", "runs", "running", "went",
                                             "starts", "begins", "commenced", "has", "have", "was", "is", "will"]
    /// Nouns that head the description of an activity, beyond the naming triggers.
    static let activityHeads: Set<String> = ["line", "home", "unit", "pathway", "clinic", "clinics", "group", "offer", "approach",
                                             "network", "arrangement", "framework", "placement", "placements", "hub", "partnership",
                                             "panel", "forum", "flat", "base", "cartref", "grwp", "llinell"]
    /// Words that end a noun phrase: prepositions, relatives, conjunctions and verbs of linking.
    static let phraseStops: Set<String> = ["in", "for", "with", "from", "at", "to", "on", "across", "by", "which", "that", "who",
                                           "where", "since", "during", "working", "as", "so", "because", "alongside", "within",
                                           "between", "over", "under", "until", "is", "are", "was", "were", "has", "have", "will",
                                           "would", "but", "or", "if", "when", "while", "after", "before", "into", "through", "via",
                                           "ym", "yn", "yng", "ar", "gyda", "i", "o", "sy", "sydd", "and", "funded", "led", "run",
                                           "based", "using", "called", "named", "known", "about", "than", "we", "they", "it", "whether",
                                           "how", "what", "why", "whose", "not"]
    static let determiners: Set<String> = ["a", "an", "the", "our", "this", "their", "its", "new", "small", "own", "un", "y", "yr", "ein"]

    func phrasedMentions(tokens: [ProseToken], in sentence: String, sentence index: Int, covered: Set<Int>,
                         found: [Mention]) -> [Mention] {
        var result: [Mention] = []
        var taken = covered
        for mention in found {
            if let range = sentence.range(of: mention.phrase) {
                for (position, token) in tokens.enumerated() where range.overlaps(token.range) { taken.insert(position) }
            }
        }
        func add(_ from: Int, _ to: Int, kind: ActivityKind, pilot: Bool) {
            guard from <= to, from >= 0, to < tokens.count, !(from...to).contains(where: { taken.contains($0) }),
                  var mention = mention(tokens: tokens, from: from, to: to, in: sentence, kind: kind, sentence: index, covered: taken)
            else { return }
            if pilot { mention.isPilot = true; if !mention.fromTaxonomy { mention.kind = .pilot } }
            result.append(mention)
            taken.formUnion(from...to)
        }
        for (position, token) in tokens.enumerated() {
            // "is piloting nurse-led health assessment clinics", "began piloting the THRIVE framework".
            if Self.pilotingVerbs.contains(token.folded), position > 0,
               let (from, to) = nounPhrase(tokens, after: position + 1, in: sentence) {
                add(from, to, kind: .pilot, pilot: true)
            }
            // "began a pilot of a dedicated pre-birth assessment and support pathway".
            if ["pilot", "trial", "peilot"].contains(token.folded), position + 1 < tokens.count,
               ["of", "o"].contains(tokens[position + 1].folded), position > 0,
               ["a", "an", "un"].contains(tokens[position - 1].folded) || Self.ownershipVerbs.contains(tokens[position - 1].folded),
               let (from, to) = nounPhrase(tokens, after: position + 2, in: sentence) {
                add(from, to, kind: .pilot, pilot: true)
            }
            // "A small intensive family support pilot began in the north of the county".
            if let kind = Self.singularTriggers[token.folded], position + 1 < tokens.count,
               ["began", "begun", "started", "launched", "opened", "ran", "runs", "commenced"].contains(tokens[position + 1].folded) {
                let articles: Set<String> = ["a", "an", "our", "un", "ein"]
                var start = position - 1
                while start >= 0, position - start <= 6, !articles.contains(tokens[start].folded),
                      !tokens[start].isCapitalised, !Self.phraseStops.contains(tokens[start].folded) {
                    start -= 1
                }
                if start >= 0, articles.contains(tokens[start].folded) {
                    var from = start + 1
                    while from < position, Self.determiners.contains(tokens[from].folded) { from += 1 }
                    if from < position { add(from, position, kind: kind, pilot: ["pilot", "trial", "peilot"].contains(token.folded)) }
                }
            }
            // "a group work pilot for 16 to 21-year-olds called 'Moving On'", "known locally as Family Centre In-Reach".
            if ["called", "named", "entitled", "branded", "titled"].contains(token.folded)
                || (token.folded == "as" && position > 0 && tokens[position - 1].folded == "known")
                || (token.folded == "as" && position > 1 && tokens[position - 2].folded == "known" && tokens[position - 1].folded == "locally") {
                let window = tokens[max(0, position - 12)..<position]
                guard let head = window.last(where: { Self.singularTriggers[$0.folded] != nil || Self.activityHeads.contains($0.folded) })
                else { continue }
                if let (from, to) = givenName(tokens, after: position + 1, in: sentence) {
                    add(from, to, kind: Self.singularTriggers[head.folded] ?? .service,
                        pilot: window.contains { ["pilot", "trial", "peilot"].contains($0.folded) })
                }
            }
        }
        // "Families Plus is an early help and edge of care service"; "Fosterline Wales, our free advice line".
        if let (from, to) = definedName(tokens, in: sentence) {
            let head = tokens[(to + 1)...].prefix(12).first { Self.singularTriggers[$0.folded] != nil }
            add(from, to, kind: head.flatMap { Self.singularTriggers[$0.folded] } ?? .service, pilot: false)
        }
        return result
    }

    /// A short title that leads a list item, a numbered paragraph or a heading and ends in a word
    /// such as pilot, service or scheme: "weekend outreach trial. Small edge of care offer…",
    /// "Res care in-reach pilot – LAC CAMHS clinician…". A heading counts only when it says pilot
    /// or trial, since section headings ("Edge of care service") often name a theme.
    func leadTitle(_ sentence: ProseSentence, index: Int, heading: Bool) -> Mention? {
        let text = sentence.text
        var lead = Substring(text)
        for separator in [" – ", " — ", " - ", ": "] {
            if let range = lead.range(of: separator) { lead = lead[..<range.lowerBound] }
        }
        if lead.hasSuffix(".") { lead = lead.dropLast() }
        // "Front door team, and the pilot …": a title has no clause break inside it.
        if lead.contains(",") || lead.contains(";") { return nil }
        let tokens = ProseTokens.split(String(lead))
        guard (2...8).contains(tokens.count), let last = tokens.last else { return nil }
        let kind: ActivityKind
        if heading {
            // "Practice leadership pilot for team managers": a heading that says pilot names one.
            guard tokens.contains(where: { ["pilot", "trial", "peilot"].contains($0.folded) }) else { return nil }
            kind = .pilot
        } else {
            guard tokens.count <= 7, let trigger = Self.singularTriggers[last.folded] else { return nil }
            kind = trigger
        }
        // A title has no verb of its own: "We ran a pilot" is a sentence, not a title.
        let verbs: Set<String> = ["is", "are", "was", "were", "has", "have", "had", "will", "we", "they", "it", "be", "been", "ran",
                                  "began", "started", "run", "runs", "mae", "roedd", "this", "that", "there"]
        guard !tokens.contains(where: { verbs.contains($0.folded) }), !Self.weakCapitals.contains(tokens[0].folded) || tokens[0].folded == "new"
        else { return nil }
        // "Practice model - we adopted Signs of Safety": a label over an answer has one ordinary
        // word before its naming word; a title has two ("Peer advocacy pilot") or a proper name.
        let core = Self.coreWords(String(lead))
        let proper = tokens.dropFirst().contains { $0.isCapitalised && Self.singularTriggers[$0.folded] == nil }
        guard core.count >= 2 || proper else { return nil }
        guard var mention = mention(tokens: tokens, from: 0, to: tokens.count - 1, in: String(lead), kind: kind, sentence: index,
                                    covered: []) else { return nil }
        mention.phrase = String(lead)
        return mention
    }

    /// The words after a verb or "pilot of": determiners and a possessor ("the NSPCC's") skipped,
    /// then up to seven words until a stop word or punctuation. One lower-case word is too little.
    func nounPhrase(_ tokens: [ProseToken], after start: Int, in sentence: String) -> (Int, Int)? {
        var from = start
        // Articles and possessives go; adjectives stay ("a small grant" is the small grant).
        let articles: Set<String> = ["a", "an", "the", "our", "this", "their", "its", "un", "y", "yr", "ein"]
        while from < tokens.count, articles.contains(tokens[from].folded) { from += 1 }
        // A possessor: "the NSPCC's Reunification Practice Framework" is the framework.
        if from + 2 < tokens.count, tokens[from + 1].folded == "s",
           sentence[tokens[from].range.upperBound..<tokens[from + 1].range.lowerBound].allSatisfy({ $0 == "'" || $0 == "’" }) {
            from += 2
        }
        var to = from - 1
        while to + 1 < tokens.count, to + 1 - from < 7 {
            let next = tokens[to + 1]
            if to >= from {
                let gap = sentence[tokens[to].range.upperBound..<next.range.lowerBound]
                if !gap.allSatisfy({ $0 == " " || $0 == "-" || $0 == "'" || $0 == "’" }) { break }
                // Inside a hyphenated word ("drop-in", "in-reach") no word ends the phrase.
                if gap == "-" { to += 1; continue }
            }
            if next.folded == "and", to >= from, to + 2 < tokens.count, !Self.phraseStops.contains(tokens[to + 2].folded),
               sentence[next.range.upperBound..<tokens[to + 2].range.lowerBound] == " " {
                to += 1
                continue
            }
            if Self.phraseStops.contains(next.folded) || next.original.first?.isNumber == true { break }
            to += 1
        }
        while to >= from, Self.connectors.contains(tokens[to].folded) { to -= 1 }
        guard to >= from else { return nil }
        if to == from, !(tokens[from].isCapitalised || tokens[from].isAcronym) { return nil }
        return (from, to)
    }

    /// A name in quotes, or a run of capitalised words, right after "called" or "known as".
    func givenName(_ tokens: [ProseToken], after start: Int, in sentence: String) -> (Int, Int)? {
        guard start < tokens.count else { return nil }
        let before = sentence[..<tokens[start].range.lowerBound].last
        if let before, "'\"‘“".contains(before) {
            var to = start
            while to + 1 < tokens.count, to - start < 8,
                  !sentence[tokens[to].range.upperBound..<tokens[to + 1].range.lowerBound].contains(where: { "'\"’”".contains($0) }) {
                to += 1
            }
            return (start, to)
        }
        guard tokens[start].isCapitalised || tokens[start].isAcronym else { return nil }
        var to = start
        while to + 1 < tokens.count, to - start < 6 {
            let next = tokens[to + 1]
            let gap = sentence[tokens[to].range.upperBound..<next.range.lowerBound]
            guard gap.allSatisfy({ $0 == " " || $0 == "-" }) else { break }
            if next.isCapitalised || next.isAcronym {
                to += 1
            } else if Self.connectors.contains(next.folded), to + 2 < tokens.count, tokens[to + 2].isCapitalised {
                to += 1
            } else {
                break
            }
        }
        return (start, to)
    }

    /// A sentence that opens by naming something and saying what it is: a capitalised name, then
    /// "is a/an/our …" or ", a/an/our …", with an activity's head noun within a few words.
    func definedName(_ tokens: [ProseToken], in sentence: String) -> (Int, Int)? {
        guard let first = tokens.first, first.isCapitalised || first.isAcronym, !Self.weakCapitals.contains(first.folded),
              sentence[..<first.range.lowerBound].allSatisfy({ $0 == " " || $0 == "'" || $0 == "\"" || $0 == "‘" || $0 == "“" })
        else { return nil }
        var to = 0
        while to + 1 < tokens.count, to < 5 {
            let next = tokens[to + 1]
            let gap = sentence[tokens[to].range.upperBound..<next.range.lowerBound]
            guard gap.allSatisfy({ $0 == " " || $0 == "-" || $0 == "'" || $0 == "’" }) else { break }
            guard next.isCapitalised || next.isAcronym || next.folded == "s"
                    || (Self.connectors.contains(next.folded) && to + 2 < tokens.count && tokens[to + 2].isCapitalised) else { break }
            to += 1
        }
        guard to + 2 < tokens.count else { return nil }
        let gap = sentence[tokens[to].range.upperBound..<tokens[to + 1].range.lowerBound]
        // "Locally, our campaign…": one capitalised word before a comma is an opening adverb, not a name.
        let linked = (gap == " " && ["is", "yw", "ydy"].contains(tokens[to + 1].folded)) || (gap.hasPrefix(",") && (to > 0 || first.isAcronym))
        let determinerAt = gap.hasPrefix(",") ? to + 1 : to + 2
        guard linked, determinerAt < tokens.count, ["a", "an", "our", "un", "ein"].contains(tokens[determinerAt].folded) else { return nil }
        let description = tokens[(determinerAt + 1)...].prefix(9)
        guard description.contains(where: { Self.singularTriggers[$0.folded] != nil || Self.activityHeads.contains($0.folded) })
        else { return nil }
        // An organisation or a person defined ("Barnardo's Cymru is a charity") is not an activity.
        let name = String(sentence[tokens[0].range.lowerBound..<tokens[to].range.upperBound])
        if gazetteer.match(name) != nil { return nil }
        return (0, to)
    }
}
