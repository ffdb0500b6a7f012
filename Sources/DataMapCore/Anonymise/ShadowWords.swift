import Foundation

/// The words of a text's ASCII shadow, found in one pass. Name and context patterns are costly
/// when a regular expression tries them at every capital letter, so the recognisers look at
/// words instead and run a pattern only in a short window where a cue word makes a match possible.
struct ShadowWords {
    /// A run of letters, digits, apostrophes and inner hyphens; offsets are UTF-16 units of the original.
    struct Word {
        var start: Int
        var end: Int
    }

    let bytes: [UInt8]
    let words: [Word]

    init(shadow: String) {
        bytes = Array(shadow.utf8)
        var words: [Word] = []
        words.reserveCapacity(bytes.count / 5)
        var index = 0
        let count = bytes.count
        while index < count {
            guard Self.isAlphanumeric(bytes[index]) else { index += 1; continue }
            let start = index
            while index < count, Self.isAlphanumeric(bytes[index]) || bytes[index] == 0x27 || bytes[index] == 0x2D { index += 1 }
            var end = index
            while end > start + 1, bytes[end - 1] == 0x2D { end -= 1 }
            words.append(Word(start: start, end: end))
        }
        self.words = words
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    func text(_ word: Word) -> String {
        String(decoding: bytes[word.start..<word.end], as: UTF8.self)
    }

    func range(_ word: Word) -> NSRange { NSRange(location: word.start, length: word.end - word.start) }

    func isCapitalised(_ word: Word) -> Bool { bytes[word.start] >= 0x41 && bytes[word.start] <= 0x5A }

    /// How much of the word a capitalised name word covers: `[A-Z][A-Za-z']*(-[A-Z][A-Za-z']+)?`,
    /// so "Mensah-Bonsu" whole and "Jean-luc" only as "Jean".
    func nameLength(_ word: Word) -> Int {
        guard isCapitalised(word) else { return 0 }
        var index = word.start + 1
        func isNameLetter(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x27
        }
        while index < word.end, isNameLetter(bytes[index]) { index += 1 }
        if index + 2 < word.end, bytes[index] == 0x2D, bytes[index + 1] >= 0x41, bytes[index + 1] <= 0x5A,
           isNameLetter(bytes[index + 2]) {
            index += 2
            while index < word.end, isNameLetter(bytes[index]) { index += 1 }
        }
        return index - word.start
    }

    /// A whole word that is a capitalised name word.
    func isWholeName(_ word: Word) -> Bool { nameLength(word) == word.end - word.start }

    /// Only white space, at least one character of it, between two offsets.
    /// Blank between two words of one name: spaces and tabs only. A name never runs over a line
    /// break ("Cc: Probert, Rhian⏎Subject: …" is not a person called Rhian Subject).
    func isSpace(from start: Int, to end: Int) -> Bool {
        guard end > start else { return false }
        for index in start..<end where bytes[index] != 0x20 && bytes[index] != 0x09 { return false }
        return true
    }

    func equals(_ word: Word, _ literal: String) -> Bool {
        literal.utf8.count == word.end - word.start && literal.utf8.elementsEqual(bytes[word.start..<word.end])
    }

    /// The letters a word opens with: "Street" of "Street's", "Hill" of "Hill-side".
    func leadingLetters(_ word: Word) -> Word {
        var end = word.start
        while end < word.end, (bytes[end] | 0x20) >= 0x61, (bytes[end] | 0x20) <= 0x7A { end += 1 }
        return Word(start: word.start, end: max(end, word.start + 1))
    }

    /// Whether the word is one of the filter's: most words are not, and a string and a hash per
    /// word showed in the profile.
    func isOne(of filter: WordFilter, _ word: Word) -> Bool { filter.contains(bytes[word.start..<word.end]) }

    /// `isOne(of:)` in lower case, for a filter of lower-case words.
    func isOne(ofLowercased filter: WordFilter, _ word: Word) -> Bool {
        filter.contains(bytes[word.start..<word.end], lowercased: true)
    }

    func lowercased(_ word: Word) -> String {
        String(decoding: bytes[word.start..<word.end].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// Where the words from `index` on spell `phrase` (lower case, white space between words),
    /// ignoring case; the last word may carry a possessive "'s", which the match leaves out.
    func match(_ phrase: [String], from index: Int) -> Int? {
        guard index + phrase.count <= words.count else { return nil }
        var end = 0
        for (offset, expected) in phrase.enumerated() {
            let word = words[index + offset]
            if offset > 0, !isSpace(from: words[index + offset - 1].end, to: word.start) { return nil }
            let length = expected.utf8.count
            guard word.end - word.start >= length, zip(expected.utf8, bytes[word.start..<(word.start + length)]).allSatisfy({
                $0 == ($1 >= 0x41 && $1 <= 0x5A ? $1 + 0x20 : $1)
            }) else { return nil }
            let rest = word.end - word.start - length
            let possessive = rest == 2 && bytes[word.start + length] == 0x27 && bytes[word.start + length + 1] == 0x73
            guard rest == 0 || (offset == phrase.count - 1 && (possessive || (rest == 1 && bytes[word.start + length] == 0x27))) else { return nil }
            end = word.start + length
        }
        return end
    }

    /// The start of the word `back` words before index `index`, so a window can take in a name
    /// written before its cue.
    func start(of index: Int, back: Int) -> Int {
        words[max(0, index - back)].start
    }
}

extension NSRegularExpression {
    /// Matches inside a short window of the shadow. The window never ends inside a word, so a
    /// name is not cut short; `after` keeps overlapping windows from finding one match twice;
    /// `anchored` asks for a match at the window's start only.
    func matches(in text: String, words: ShadowWords, from start: Int, to end: Int, after: inout Int,
                 anchored: Bool = false) -> [NSTextCheckingResult] {
        let lower = max(start, after)
        var upper = min(end, words.bytes.count)
        while upper < words.bytes.count, upper > 0, ShadowWords.isAlphanumeric(words.bytes[upper - 1]),
              ShadowWords.isAlphanumeric(words.bytes[upper]) || words.bytes[upper] == 0x27 || words.bytes[upper] == 0x2D {
            upper += 1
        }
        guard upper > lower else { return [] }
        let range = NSRange(location: lower, length: upper - lower)
        let found = anchored ? firstMatch(in: text, options: .anchored, range: range).map { [$0] } ?? []
                             : matches(in: text, range: range)
        if let last = found.last { after = last.range.location + last.range.length }
        return found
    }
}

/// A set of words with the lengths and first bytes they can have, so a line's words are
/// compared without making a string of each.
struct WordFilter: Sendable {
    let words: Set<String>
    let lengths: ClosedRange<Int>
    let firstBytes: [Bool]

    init(_ list: [String]) {
        words = Set(list)
        let counts = list.map(\.utf8.count)
        lengths = (counts.min() ?? 0)...(counts.max() ?? 0)
        var firsts = [Bool](repeating: false, count: 256)
        for word in list { if let first = word.utf8.first { firsts[Int(first)] = true } }
        firstBytes = firsts
    }

    /// Whether the word's bytes (lower-cased first, for a filter of lower-case words) are one of
    /// the filter's, making a string only when the length and first byte could match.
    func contains(_ word: ArraySlice<UInt8>, lowercased: Bool = false) -> Bool {
        guard let first = word.first, lengths.contains(word.count) else { return false }
        func lower(_ byte: UInt8) -> UInt8 { lowercased && byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        guard firstBytes[Int(lower(first))] else { return false }
        return words.contains(String(decoding: lowercased ? word.map(lower)[...] : word, as: UTF8.self))
    }
}
