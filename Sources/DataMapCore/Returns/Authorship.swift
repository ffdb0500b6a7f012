import Foundation

/// Who sent a return, found as a reader finds it when there is no "Organisation:" line: the
/// words that say whose evidence it is ("Evidence from:", "Ymateb gan:"), the letterhead, the
/// sender's signature ("Name | Role | Organisation"), or the sender's email domain.
enum Authorship {
    struct Found {
        var name: String
        var line: Int
        var how: String
    }

    /// "Evidence from: …", "Response from …", "Submitted by …", "Ymateb gan: …".
    nonisolated(unsafe) static let cue = #/(?i)\b(?:evidence|response|submission|return|tystiolaeth|ymateb)\s+(?:from|gan)\s*:?\s+(.+)$/#
    nonisolated(unsafe) static let emailDomain = #/@([A-Za-z0-9-]+)\.(?:gov\.uk|gov\.wales|llyw\.cymru|org\.uk|org|nhs\.(?:uk|wales)|police\.uk|ac\.uk|co\.uk|cymru|wales)\b/#

    static func find(_ lines: [String], gazetteer: Gazetteer, front: [String]) -> Found? {
        let count = lines.count
        let top = Array(lines.prefix(40).enumerated())
        // 1. Words that say whose return it is; the last side of "Welsh | English" is as good as the first.
        for (index, raw) in top {
            let values = raw.components(separatedBy: "|").compactMap { side in side.firstMatch(of: cue).map { String($0.1).trimmingSpace } }
            guard !values.isEmpty else { continue }
            // The gazetteer's name when either side, or the abbreviation in brackets, is known to it.
            for value in values {
                let bracketed = value.firstMatch(of: #/\(([^()]{2,40})\)\s*$/#).map { String($0.1) }
                if let entry = ([value] + [bracketed].compactMap { $0 }).lazy.compactMap({ gazetteer.resolve($0)?.entry }).first {
                    return Found(name: entry.name, line: index + 1, how: "named as the return's author")
                }
            }
            if let value = values.last(where: { organisationShaped($0, gazetteer) }) {
                return Found(name: value, line: index + 1, how: "named as the return's author")
            }
        }
        // 2. A letterhead: a short first line with the sender's address or telephone under it.
        if let (index, first) = top.first(where: { !$0.1.allSatisfy(\.isWhitespace) }), isLetterhead(first, below: lines.dropFirst(index + 1).prefix(3)) {
            let name = presentable(first)
            return Found(name: gazetteer.resolve(name)?.entry.name ?? name, line: index + 1, how: "named in the letterhead")
        }
        // 3. The title page: the first organisation the gazetteer knows.
        for (offset, text) in front.enumerated() {
            if let mention = PhraseReader.organisations(text, gazetteer: gazetteer).first(where: { gazetteer.match($0.name) != nil }) {
                return Found(name: mention.name, line: offset + 1, how: "named in the letterhead")
            }
            if let resolved = gazetteer.resolve(text.trimmingSpace), resolved.how != .nearSpelling || text.count < 80 {
                return Found(name: resolved.entry.name, line: offset + 1, how: "named in the letterhead (\(resolved.how.rawValue))")
            }
        }
        // 4. A signature line that sets name, role and organisation apart: "Shauna O'Connell | Service Manager | Drws Agored".
        for index in stride(from: count - 1, through: max(0, count - 25), by: -1) {
            let parts = lines[index].components(separatedBy: "|").map(\.trimmingSpace).filter { !$0.isEmpty }
            guard parts.count >= 2 else { continue }
            if let last = parts.last, organisationShaped(last, gazetteer) {
                return Found(name: gazetteer.resolve(last)?.entry.name ?? last, line: index + 1, how: "named in the signature")
            }
        }
        // 5. The sender's address: "@ynysmon.gov.uk" is Ynys Môn's council.
        for (index, raw) in top {
            guard let match = raw.firstMatch(of: emailDomain) else { continue }
            let label = String(match.1).lowercased().replacingOccurrences(of: "-", with: "")
            guard label.count >= 4 else { continue }
            let fits = gazetteer.entries.filter { entry in
                ([entry.name, entry.cy].compactMap { $0 } + (entry.aliases ?? [])).contains { form in
                    let squeezed = canonicalKey(form).replacingOccurrences(of: " ", with: "")
                    return squeezed == label || (squeezed.hasPrefix(label) && label.count >= 6)
                }
            }
            if Set(fits.map(\.name)).count == 1 { return Found(name: fits[0].name, line: index + 1, how: "from the sender's email address") }
        }
        return nil
    }

    nonisolated(unsafe) static let contactLine = #/(?i)(\b(tel|ffôn|ffon|phone|switchboard|registered (charity|office)|elusen|e-?bost|email)\b|@|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b)/#

    static func isLetterhead(_ line: String, below: ArraySlice<String>) -> Bool {
        let text = line.trimmingSpace
        let words = text.split(separator: " ")
        guard (1...10).contains(words.count), text.first?.isLetter == true, !text.hasSuffix("."), !text.contains(":"),
              !DateReader.isDateLine(text), text.firstMatch(of: contactLine) == nil else { return false }
        return below.contains { $0.firstMatch(of: contactLine) != nil }
    }

    /// An all-capitals letterhead is typography, not the name: "CARTREFI CWM LTD" is Cartrefi Cwm Ltd,
    /// and "CYLCH TEULU CYMRU | FAMILY CIRCLE WALES" is Cylch Teulu Cymru (Family Circle Wales).
    static func presentable(_ line: String) -> String {
        let sides = line.components(separatedBy: "|").map(\.trimmingSpace).filter { !$0.isEmpty }
        let cased = sides.map { side -> String in
            guard side.contains(where: \.isLetter), side == side.uppercased() else { return side }
            let small: Set<String> = ["of", "and", "for", "the", "in", "y", "yr", "a", "ac", "i"]
            return side.lowercased().split(separator: " ").enumerated().map { index, word in
                if index > 0, small.contains(String(word)) { return String(word) }
                if ["ltd", "cic", "llp", "plc"].contains(word) { return word == "ltd" ? "Ltd" : word.uppercased() }
                return word.prefix(1).uppercased() + word.dropFirst()
            }.joined(separator: " ")
        }
        guard cased.count > 1 else { return cased.first ?? line }
        return cased[0] + " (" + cased.dropFirst().joined(separator: " / ") + ")"
    }

    /// A name that looks like a body rather than a person or a sentence.
    static func organisationShaped(_ text: String, _ gazetteer: Gazetteer) -> Bool {
        if gazetteer.resolve(text) != nil { return true }
        let words = text.split(separator: " ")
        guard (2...12).contains(words.count), text.first?.isUppercase == true, !text.hasSuffix(".") else { return false }
        return Gazetteer.inferType(text) != nil
    }
}
