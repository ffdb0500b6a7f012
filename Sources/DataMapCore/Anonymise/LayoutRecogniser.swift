import Foundation

/// People and job titles that a letter's or an email's layout gives away, whatever the name:
/// the lines after "Yours sincerely", "From:" and "Completed by:" fields, "Name | Role |
/// Organisation" signatures, a lone first name signing off a message, and "(Kayleigh, 19)".
/// None of them needs the name to be in a list. Names found here become known people for the
/// whole return, so a later first name alone ("Seun") is hidden too.
enum LayoutRecogniser {
    struct Found {
        var range: NSRange
        var type: EntityType
        var text: String
    }

    nonisolated(unsafe) static let signOff = #/^(?i:yours (?:sincerely|faithfully|truly)|kind regards|best regards|warm regards|regards|best wishes|with best wishes|many thanks|thanks(?: again)?|diolch(?: yn fawr)?|yn gywir|yr eiddoch yn gywir|cofion(?: gorau| cynnes)?|all the best)[,.!]?$/#
    nonisolated(unsafe) static let personField = #/^(?i:from|to|cc|sent by|completed by|contact|contact officer|contact name|author|prepared by|signed|name|your name|enw|oddi wrth|gan|cyswllt|respondent|please ask for|ask for|enquiries to|enquiries|gofynnwch am|ymholiadau i)\s*:\s*(.+)$/#
    /// A name said of someone in running prose: "Carys, who co-ordinates the project,", "Jac, aged
    /// 14,", "One parent, Leanne, told us", "Iwan sy'n cydlynu'r cynllun", "Mae Ffion yn cysgu".
    static let namedInProse = icu(#"\b((?:[A-Z]|0(?=\p{Ll}))[\p{Ll}'’]+(?:-[A-Z][\p{Ll}'’]+)?),\s+(?:who\b|aged\s+\d|age\s+\d|sy['’]n\b|sydd\b)"#)
    static let apposedName = icu(#"\b(?i:parent|mother|father|mum|dad|carer|grandmother|grandfather|grandparent|son|daughter|young person|young woman|young man|girl|boy|woman|man|pupil|learner|care leaver|foster carer|rhiant|mam|tad|gofalwr)\s*,\s+([A-Z][\p{Ll}'’]+(?:\s+[A-Z][\p{Ll}'’]+)?)\s*,"#)
    static let apposingNouns = ["parent", "mother", "father", "mum", "dad", "carer", "grandmother", "grandfather", "grandparent", "son",
                                "daughter", "young person", "young woman", "young man", "girl", "boy", "woman", "man", "pupil",
                                "learner", "care leaver", "foster carer", "rhiant", "mam", "tad", "gofalwr"]
    static let welshSubject = icu(#"\b(?:Mae|Roedd|Bydd|Dywedodd|Meddai)\s+([A-Z][\p{Ll}'’]+)\s+(?:yn|wedi|ddim)\b|\b([A-Z][\p{Ll}'’]+)\s+sy['’]n\b"#)
    /// The job a relative clause gives a person: "who co-ordinates the project".
    static let jobClause = icu(#"^,\s+(who\s+(?:co-ordinates|coordinates|manages|leads|runs|chairs|heads|supervises|oversees|organises|organizes)\s+[^,.;]{3,60})"#)
    /// Minutes name people by initials in their actions: "Action: GT to circulate", "GT/RL to draft".
    static let actionInitials = icu(#"\b([A-Z]{2,3})(?:\s*(?:/|and|&)\s*([A-Z]{2,3}))?\s+to\s+\p{Ll}"#)
    static let childAge = icu(#"\(([A-Z][\p{Ll}'’-]+),\s*(?:aged\s+)?\d{1,2}\)"#)
    /// A name where one stands (a signature, a contact field). A scan reads a capital I as l and
    /// an O as 0 ("leuan Rees", "K 0wusu"), so a word may open with either before a small letter.
    nonisolated(unsafe) static let titleThenName = #/^(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Cllr|Councillor|Rev|DCI|DI|DS|PC|Sgt)\.?\s+)?(?:[A-Z]\.?\s*)*(?:[A-Z]|l(?=[aeiouy])|0(?=\p{Ll}))[\p{Ll}\p{Lu}'’0-9]*(?:-[A-Z][\p{Ll}'’]+)?(?:\s+(?:ap|ab|ferch|verch|de|van|von|der|da|bin|el|al|le|la|[A-Z]\.|(?:[A-Z]|0(?=\p{Ll}))[\p{Ll}\p{Lu}'’0-9]*(?:-[A-Z][\p{Ll}'’]+)?)){0,3}$/#
    /// ICU's matcher for the patterns run on many lines: Swift's Regex was several times slower here.
    static func icu(_ pattern: String) -> NSRegularExpression { .literal(pattern) }

    /// Each match's capture groups as slices of `line` (nil for a group that took no part).
    static func groups(_ pattern: NSRegularExpression, in line: Substring, first: Bool = false) -> [[Substring?]] {
        let string = String(line)
        let utf16 = line.utf16
        let results = first
            ? [pattern.firstMatch(in: string, range: NSRange(location: 0, length: string.utf16.count))].compactMap { $0 }
            : pattern.matches(in: string, range: NSRange(location: 0, length: string.utf16.count))
        return results.map { result in
            (0..<result.numberOfRanges).map { index in
                let range = result.range(at: index)
                guard range.location != NSNotFound else { return nil }
                let start = utf16.index(line.startIndex, offsetBy: range.location)
                return line[start..<utf16.index(start, offsetBy: range.length)]
            }
        }
    }

    static let roleHeads: Set<String> = ["manager", "director", "officer", "lead", "head", "coordinator", "co-ordinator", "psychologist",
                                         "doctor", "nurse", "executive", "member", "chair", "worker", "practitioner", "consultant",
                                         "swyddog", "rheolwr", "cyfarwyddwr", "weithredwr", "pennaeth", "cadeirydd", "adviser", "advisor",
                                         "administrator", "secretary", "commissioner", "inspector", "superintendent", "sergeant", "convener",
                                         "convenor", "supervisor", "therapist", "analyst", "clerk", "chairperson", "governor"]

    /// A job title in running text, in title case ("the Head of Public Protection", "Cabinet Member for
    /// Social Care and Wellbeing", "Assistant Director (South East Wales)") or in lower case when it is
    /// placed at an organisation ("the safeguarding lead at Powys", "the team manager in Newport").
    static let titledRole = try! NSRegularExpression(pattern: #"(?:\b(?:[Tt]he|[Oo]ur|[Ee]in)\s+)?(?:[A-Z][\p{L}'’-]*\s+(?:(?:of|and|for)\s+)?){0,4}(?:Manager|Director|Officer|Lead|Head|Coordinator|Co-ordinator|Psychologist|Doctor|Nurse|Executive|Member|Chair|Swyddog|Rheolwr|Cyfarwyddwr|Weithredwr|Pennaeth)\b(?:\s+(?:of|for|in)\s+(?:[A-Z][\p{L}'’-]*)(?:\s+(?:[A-Z][\p{L}'’-]*|and|of|for|the))*)?(?:\s*\([A-Z][^()\n]{1,40}\))?"#)
    static let placedRole = try! NSRegularExpression(pattern: #"\b(?:[Tt]he|[Oo]ur)\s+(?:[\p{Ll}'’-]+\s+|[A-Z][\p{L}'’-]*\s+(?:of\s+)?){0,5}(?:manager|director|lead|officer|nurse|coordinator|co-ordinator|head)\s+(?:[\p{Ll}'’-]+\s+){0,4}(?:at|in|for)\s+(?:the\s+)?[A-Z][\p{L}'’-]*(?:\s+[A-Z][\p{L}'’-]*){0,5}"#)

    /// Capitalised heads of `titledRole`; a line holding none of them is not searched.
    static let titleHeads = ["Manager", "Director", "Officer", "Lead", "Head", "Coordinator", "Co-ordinator", "Psychologist",
                             "Doctor", "Nurse", "Executive", "Member", "Chair", "Swyddog", "Rheolwr", "Cyfarwyddwr", "Weithredwr",
                             "Pennaeth"]
    static let placedHeads = ["manager", "director", "lead", "officer", "nurse", "coordinator", "co-ordinator", "head"]
    static let titleHeadFilter = WordFilter(titleHeads)
    static let placedHeadFilter = WordFilter(placedHeads)
    static let placeWordFilter = WordFilter(["at", "in", "for"])
    static let apposingNounSet = Set(apposingNouns)

    static func roles(in line: Substring, gazetteer: Gazetteer) -> [Substring] {
        var found: [Substring] = []
        // The patterns backtrack; most lines hold no title at all, and a plain search says so first.
        let bytes = LineBytes(line)
        let titled = bytes.containsWord(of: titleHeadFilter)
        let placed = bytes.containsWord(of: placeWordFilter) && bytes.containsWord(of: placedHeadFilter)
        guard titled || placed else { return [] }
        // ICU's matcher: Swift's own Regex backtracked many times slower on these patterns.
        let string = String(line)
        let whole = NSRange(location: 0, length: string.utf16.count)
        func ranges(_ pattern: NSRegularExpression) -> [Range<String.Index>] {
            pattern.matches(in: string, range: whole).map { result in
                let start = line.utf16.index(line.startIndex, offsetBy: result.range.location)
                return start..<line.utf16.index(start, offsetBy: result.range.length)
            }
        }
        for range in placed ? ranges(placedRole) : [] {
            let match = (output: line[range], range: range)
            // Only where what follows "at" is an organisation: "the lead nurse at Hywel Dda".
            let tail = match.output.split(separator: " ").suffix(6).joined(separator: " ")
            guard PhraseReader.organisations(tail, gazetteer: gazetteer).isEmpty == false || gazetteer.resolve(String(tail)) != nil else { continue }
            // The title is hidden, the organisation it is placed at is kept: "the [ROLE] at Powys".
            var role = match.output
            if let place = [" at ", " in ", " for "].compactMap({ role.range(of: $0, options: .backwards) }).max(by: { $0.lowerBound < $1.lowerBound }) {
                role = role[..<place.lowerBound]
            }
            found.append(withoutArticle(role))
        }
        for range in titled ? ranges(titledRole) : [] where !found.contains(where: { $0.startIndex < range.upperBound && range.lowerBound < $0.endIndex }) {
            var role = line[range]
            // "the Director's annual report": an office's document, not a person.
            if !role.dropFirst(4).contains(" "), line[range.upperBound...].hasPrefix("'s") || line[range.upperBound...].hasPrefix("’s") { continue }
            // "Signs of Safety Lead Practitioner" aside, a capitalised run that is itself an organisation is not a title.
            if gazetteer.resolve(String(role)) != nil { continue }
            // A one-word title in running text ("the Director said") points at a person only with "the" or "our".
            if !role.contains(" ") { continue }
            // "Director of Social Services Annual Report" is a document's title, not a person's.
            if let last = role.split(separator: " ").last?.lowercased(),
               ["report", "reports", "strategy", "plan", "review", "meeting", "meetings", "group", "board", "team", "forum"].contains(last) { continue }
            while let last = role.split(separator: " ").last, ["and", "of", "for", "the", "in"].contains(last) {
                role = role[..<last.startIndex].dropLast(0)
                while role.last == " " { role = role.dropLast() }
            }
            found.append(withoutArticle(role))
        }
        return found
    }

    /// "the Head of Public Protection" → "Head of Public Protection": the article stays in the text.
    static func withoutArticle(_ role: Substring) -> Substring {
        for article in ["the ", "The ", "our ", "Our ", "ein ", "Ein "] where role.hasPrefix(article) { return role.dropFirst(article.count) }
        return role
    }

    static func find(in text: String, gazetteer: Gazetteer, names: NameList = NameList()) -> [Found] {
        var found: [Found] = []
        var offset = 0
        var lines: [(text: Substring, start: Int)] = []
        // Lines split on the bytes, which is the same as on characters unless a carriage return
        // makes "\r\n" one character.
        let pieces = text.utf8.contains(0x0D) ? text.split(separator: "\n", omittingEmptySubsequences: false)
            : text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
        for line in pieces {
            lines.append((line, offset))
            offset += line.utf16.count + 1
        }
        func add(_ piece: Substring, in line: (text: Substring, start: Int), _ type: EntityType) {
            let trimmed = piece.trimmingCharacters(in: CharacterSet(charactersIn: " \t,;–-_*"))
            guard !trimmed.isEmpty, let range = line.text.range(of: trimmed) else { return }
            let start = line.start + line.text.utf16.distance(from: line.text.startIndex, to: range.lowerBound)
            found.append(Found(range: NSRange(location: start, length: trimmed.utf16.count), type: type, text: trimmed))
        }
        func isBlank(_ index: Int) -> Bool { index >= lines.count || lines[index].text.allSatisfy(\.isWhitespace) }
        /// "Name, Role, Organisation" or "Name | Role | Organisation": the name, then titles until an organisation.
        func nameAndRoles(_ value: Substring, line: (text: Substring, start: Int)) {
            var value = value
            if let angle = value.firstIndex(of: "<") { value = value[..<angle] }
            let separators = CharacterSet(charactersIn: "|,(")
            let parts = value.components(separatedBy: separators).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " )\t_*")) }
                .filter { !$0.isEmpty }
            guard let first = parts.first else { return }
            // "Nowak, Agnieszka": surname, first name.
            if parts.count >= 2, isName(first), isName(parts[1]), parts[1].split(separator: " ").count == 1, first.split(separator: " ").count == 1,
               !looksLikeRole(parts[1]) {
                add(Substring(first + ", " + parts[1]), in: line, .person)
                add(Substring(parts[1] + " " + first), in: line, .person)
                return
            }
            guard isName(first), gazetteer.resolve(first) == nil else { return }
            add(Substring(first), in: line, .person)
            // The rest up to the organisation is the role, as one span: "Consultant Clinical Psychologist, LAC CAMHS (Central)".
            let rest = parts.dropFirst().prefix { gazetteer.resolve($0) == nil && !Authorship.organisationShaped($0, gazetteer) || looksLikeRole($0) }
            if let firstRole = rest.first, looksLikeRole(firstRole), let from = line.text.range(of: firstRole),
               let lastPiece = rest.last, let to = line.text.range(of: lastPiece, range: from.lowerBound..<line.text.endIndex) {
                var upper = to.upperBound
                if upper < line.text.endIndex, line.text[upper] == ")" { upper = line.text.index(after: upper) }
                add(line.text[from.lowerBound..<upper], in: line, .role)
            }
        }
        /// A name said of someone in prose: not an organisation, a place or a common capitalised word.
        func personalName(_ word: Substring) -> Bool {
            let text = String(word)
            return !Recognisers.notNames.contains(text) && gazetteer.match(text) == nil && !Authorship.organisationShaped(text, gazetteer)
                && !ProseExtractor.weakCapitals.contains(text.lowercased()) && text.count >= 2
        }
        for (index, line) in lines.enumerated() {
            let bytes = LineBytes(line.text)
            let lower = LineBytes(line.text, lowercased: true)
            let mayName = bytes.has(", ") && (lower.has(", who") || lower.has(", age") || lower.has(" sy"))
            for match in mayName ? Self.groups(namedInProse, in: line.text) : [] {
                guard let name = match[1], personalName(name) else { continue }
                add(name, in: line, .person)
                let after = line.text[name.endIndex...]
                if let job = Self.groups(jobClause, in: after, first: true).first?[1] { add(job, in: line, .role) }
            }
            // "parent, Leanne," needs a comma, white space and a capital, then another comma.
            let mayAppose = bytes.hasCommaBeforeCapital && lower.wordsBeforeCommas.contains { Self.apposingNounSet.contains($0) }
            for match in mayAppose ? Self.groups(apposedName, in: line.text) : [] {
                guard let name = match[1], personalName(name.split(separator: " ")[0]) else { continue }
                add(name, in: line, .person)
            }
            let mayBeWelsh = ["Mae ", "Roedd ", "Bydd ", "Dywedodd ", "Meddai ", " sy'n", " sy’n"].contains { bytes.has($0) }
            for match in mayBeWelsh ? Self.groups(welshSubject, in: line.text) : [] {
                // Welsh verbs are followed by places and bodies too ("Mae Conwy yn…"): only a known first name counts.
                guard let name = match[1] ?? match[2], personalName(name), names.givenNames.contains(String(name)) else { continue }
                add(name, in: line, .person)
            }
            // A letterhead sets fields side by side: "Our Ref: LAC/RR/0318      Please ask for: Ieuan Rees".
            let columns = bytes.has("\t") || bytes.has("   ")
                ? line.text.split(separator: "\t").flatMap { $0.components(separatedBy: "   ") }
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } : []
            if columns.count > 1 {
                for column in columns {
                    if let match = column.wholeMatch(of: personField) { nameAndRoles(Substring(String(match.1)), line: line) }
                }
            }
            let trimmed = String(Self.trimmed(line.text))
            let clean = trimmed.utf8.first == 0x5F || trimmed.utf8.first == 0x2A || trimmed.utf8.last == 0x5F || trimmed.utf8.last == 0x2A
                ? trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "_*")) : trimmed
            // The field and sign-off patterns are anchored to the whole line: a long line, or one
            // with no colon, cannot be either, and is not run through them.
            let fieldMatch = clean.utf8.count <= 200 && clean.utf8.contains(0x3A) ? clean.wholeMatch(of: personField) : nil
            if let match = fieldMatch {
                nameAndRoles(Substring(String(match.1)), line: line)
            } else if clean.utf8.count <= 40, clean.wholeMatch(of: signOff) != nil {
                // The signature: a name, then its titles, until a blank or contact line.
                var next = index + 1
                while next < lines.count, isBlank(next), next < index + 3 { next += 1 }
                guard next < lines.count else { continue }
                let nameLine = lines[next].text.trimmingCharacters(in: .whitespaces)
                if isName(nameLine) || nameLine.contains("|") || nameLine.contains(",") {
                    nameAndRoles(Substring(nameLine), line: lines[next])
                    var roleIndex = next + 1
                    while roleIndex < lines.count, !isBlank(roleIndex), roleIndex <= next + 2 {
                        let role = lines[roleIndex].text.trimmingCharacters(in: .whitespaces)
                        if looksLikeRole(role), !role.contains("@"), !role.contains(where: \.isNumber) { add(Substring(role), in: lines[roleIndex], .role) }
                        roleIndex += 1
                    }
                }
            } else if bytes.has("|"), trimmed.split(separator: "|").count >= 2,
                      let first = trimmed.split(separator: "|").first.map({ $0.trimmingCharacters(in: .whitespaces) }), isName(first),
                      // A table's first column ("Area | …", "Total | 11 | 16") is not a signature: a
                      // name there has two words, or is a first name the lists know.
                      first.split(separator: " ").count >= 2 || names.givenNames.contains(first),
                      gazetteer.resolve(first) == nil, !Authorship.organisationShaped(first, gazetteer) {
                nameAndRoles(Substring(trimmed), line: line)
            } else if index >= 3, isBlank(index - 1), isBlank(index + 1),
                      !trimmed.isEmpty, trimmed.utf8.count <= 40, trimmed.utf8.lazy.filter({ $0 == 0x20 }).count <= 1,
                      isName(trimmed), !looksLikeRole(trimmed),
                      gazetteer.resolve(trimmed) == nil, closesAMessage(after: index, lines: lines.map(\.text)) {
                // "Dafydd" alone before "Sent from my iPhone", a forwarded header or the end.
                add(Substring(trimmed), in: line, .person)
            }
            // A signature block with no sign-off: a name standing alone on its line, then its title
            // ("Councillor Mohammed Iqbal⏎Convener, Child and Family Services Scrutiny Performance Panel").
            // Cheap tests first: a short line, then a short next line holding a job word; only
            // then the name pattern and the gazetteer.
            if index + 1 < lines.count, trimmed.utf8.count <= 60, trimmed.utf8.first.map({ $0 >= 0x41 && $0 <= 0x5A }) == true,
               trimmed.utf8.contains(0x20), lines[index + 1].text.utf8.count <= 120, !lines[index + 1].text.hasSuffix("."),
               !lines[index + 1].text.utf8.contains(0x40) {
                let role = String(Self.trimmed(lines[index + 1].text))
                let head = role.split(separator: ",", maxSplits: 1).first.map(String.init) ?? role
                if !role.isEmpty, looksLikeRole(head), isName(trimmed), gazetteer.resolve(trimmed) == nil,
                   !Authorship.organisationShaped(trimmed, gazetteer) {
                    // Overlapping spans are merged later, so adding again is harmless.
                    add(Substring(trimmed), in: line, .person)
                    add(Substring(role), in: lines[index + 1], .role)
                }
            }
            // "(Jac, 14)": only a bracket opening on a capital can start one.
            if bytes.opensOnCapital {
                for match in Self.groups(childAge, in: line.text) { if let name = match[1] { add(name, in: line, .person) } }
            }
            if lower.has("action"), bytes.has(" to ") {
                for match in Self.groups(actionInitials, in: line.text) {
                    // A body's abbreviation ("NWP to circulate") is the body: two letters are a
                    // person's initials, three only when the minutes define them ("Rhodri Lewis Jones (RLJ)").
                    for initials in [match[1], match[2]].compactMap({ $0 }) where gazetteer.match(String(initials)) == nil {
                        if initials.count == 2 || text.contains("(\(initials))") { add(initials, in: line, .person) }
                    }
                }
            }
            if line.text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) || !line.text.utf8.allSatisfy({ $0 < 0x80 }) {
                for role in roles(in: line.text, gazetteer: gazetteer) where !found.contains(where: { $0.type == .role && $0.text == role }) {
                    add(role, in: line, .role)
                }
            }
        }
        return found
    }

    /// A lone name closes a message when what follows is the end, a client's footer, a forwarded
    /// message or another message's header.
    static func closesAMessage(after index: Int, lines: [Substring]) -> Bool {
        for next in lines.indices.dropFirst(index + 1) {
            let text = lines[next].trimmingCharacters(in: .whitespaces).lowercased()
            if text.isEmpty { continue }
            return text.hasPrefix("sent from") || text.hasPrefix("---") || text.hasPrefix("from:") || text.hasPrefix("on ")
                || text.hasPrefix("anfonwyd") || text.hasPrefix(">")
        }
        return true
    }

    /// Spaces and tabs off both ends, without Foundation's character sets.
    static func trimmed(_ text: Substring) -> Substring {
        var start = text.startIndex, end = text.endIndex
        while start < end, text[start] == " " || text[start] == "\t" { start = text.index(after: start) }
        while end > start, text[text.index(before: end)] == " " || text[text.index(before: end)] == "\t" { end = text.index(before: end) }
        return text[start..<end]
    }

    static func isName(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // "OFFICIAL", "CONFIDENTIAL": a marking in capitals, not a person.
        let letters = trimmed.filter(\.isLetter)
        if letters.count >= 4, letters.allSatisfy(\.isUppercase) { return false }
        guard trimmed.count <= 40, trimmed.wholeMatch(of: titleThenName) != nil else { return false }
        let words = trimmed.split(separator: " ").map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
        return !words.contains { roleHeads.contains($0) || Recognisers.notNames.contains($0.prefix(1).uppercased() + $0.dropFirst()) }
    }

    static func looksLikeRole(_ text: String) -> Bool {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "-" })
        return words.contains { roleHeads.contains(String($0)) }
    }
}

/// A line's UTF-8 bytes, for the plain searches that decide whether a pattern is worth running.
/// Foundation's `contains` on a String goes through NSString and costs far more than the
/// patterns it guards, on the many lines where it says no.
struct LineBytes {
    let bytes: [UInt8]

    init(_ text: Substring, lowercased: Bool = false) {
        bytes = lowercased ? text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } : Array(text.utf8)
    }

    /// Whether any word of the line is one of the filter's, making strings only of the words
    /// whose length and first byte could match: most lines hold none.
    func containsWord(of filter: WordFilter) -> Bool {
        var start = -1
        for index in 0...bytes.count {
            let byte = index < bytes.count ? bytes[index] : 0x20
            let inWord = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte >= 0x80
            if inWord {
                if start < 0 { start = index }
            } else if start >= 0 {
                if filter.contains(bytes[start..<index]) { return true }
                start = -1
            }
        }
        return false
    }

    /// A comma, white space and a capital letter, with another comma somewhere after: the least
    /// an apposed name ("One parent, Leanne, told us") needs.
    var hasCommaBeforeCapital: Bool {
        guard let lastComma = bytes.lastIndex(of: 0x2C) else { return false }
        for position in 0..<lastComma where bytes[position] == 0x2C {
            var next = position + 1
            // A byte past ASCII may be a no-break space, which the pattern takes as white space.
            guard ShadowWords.isSpace(bytes[next]) || bytes[next] >= 0x80 else { continue }
            while next < lastComma, ShadowWords.isSpace(bytes[next]) || bytes[next] >= 0x80 { next += 1 }
            if bytes[next] >= 0x41, bytes[next] <= 0x5A { return true }
        }
        return false
    }

    /// The one or two words just before each comma ("parent", "young person"), for apposition.
    var wordsBeforeCommas: [String] {
        var result: [String] = []
        for (index, byte) in bytes.enumerated() where byte == 0x2C {
            var end = index
            while end > 0, bytes[end - 1] == 0x20 { end -= 1 }
            var start = end
            var spaces = 0
            while start > 0 {
                let previous = bytes[start - 1]
                if previous == 0x20 { spaces += 1; if spaces == 2 { break } } else if previous < 0x41 && previous != 0x2D { break }
                start -= 1
            }
            let phrase = String(decoding: bytes[start..<end], as: UTF8.self)
            result.append(phrase)
            if let space = phrase.lastIndex(of: " ") { result.append(String(phrase[phrase.index(after: space)...])) }
        }
        return result
    }

    /// A "(" directly followed by a capital letter.
    var opensOnCapital: Bool {
        guard bytes.count > 1 else { return false }
        for index in 0..<(bytes.count - 1) where bytes[index] == 0x28 && bytes[index + 1] >= 0x41 && bytes[index + 1] <= 0x5A {
            return true
        }
        return false
    }

    func has(_ needle: String) -> Bool {
        var needle = needle
        return bytes.withUnsafeBufferPointer { text in needle.withUTF8 { Self.search(text, for: $0) } }
    }

    /// Whether `needle` occurs in `text`, byte for byte; an empty needle never does.
    static func search(_ text: UnsafeBufferPointer<UInt8>, for needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return false }
        guard needle.count <= text.count else { return false }
        var index = 0
        while index <= text.count - needle.count {
            if text[index] == first, text[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
