import Foundation

/// How much a capitalised word looks like part of a person's name, from public name statistics
/// (`scripts/name-model/SOURCES.md`): how common it is as a given name and as a surname, whether
/// it is also an ordinary word ("Hall", "Grant", "Members"), and, for a word in none of the
/// tables, the shape of its letters. Hand-kept lists cannot know every name a return holds; the
/// model lets a name it has never seen ("Dilwyn Okafor") be taken beside a name it has.
public struct NameModel: Sendable {
    struct Entry: Sendable {
        var given: UInt8
        var surname: UInt8
        var ordinary: Bool
    }

    private var words: [String: Entry] = [:]
    /// Log-odds ×10 per letter triple, indexed by `tripleKey`.
    private var triples: [Int8] = Array(repeating: .min, count: 32 * 32 * 32)
    private var unseen: Int8 = 0

    public init() {}

    /// The model built into datamap; empty (every word unknown, every shape neutral) if the
    /// installation lacks it, so a missing file weakens recall rather than stopping a build.
    public static let shipped: NameModel = {
        guard let url = Bundle.module.url(forResource: "name-model", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return NameModel() }
        return NameModel(parsing: text)
    }()

    public init(parsing text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            switch fields.first {
            case "w" where fields.count == 5:
                guard let given = UInt8(fields[2]), let surname = UInt8(fields[3]) else { continue }
                words[String(fields[1])] = Entry(given: given, surname: surname, ordinary: fields[4] == "1")
            case "t" where fields.count == 3:
                guard let odds = Int8(fields[2]), let key = Self.tripleKey(Array(fields[1].unicodeScalars)) else { continue }
                triples[key] = odds
            case "u" where fields.count == 2:
                unseen = Int8(fields[1]) ?? 0
            default:
                continue
            }
        }
    }

    public var isEmpty: Bool { words.isEmpty }

    /// A given name that is not also an ordinary word ("Gethin", not "Will").
    public func isGivenName(_ word: String) -> Bool {
        guard let entry = words[word] else { return false }
        return entry.given > 0 && !entry.ordinary
    }

    /// A surname that is not also an ordinary word ("Jenkins", not "Hall").
    public func isSurname(_ word: String) -> Bool {
        guard let entry = words[word] else { return false }
        return entry.surname > 0 && !entry.ordinary
    }

    /// A word that is plainly not a name: an ordinary word that is at most a rare surname
    /// ("People", "Staff"), or a word the tables lack whose letters are unlike a name's ("Social").
    public func isPlainWord(_ word: String) -> Bool {
        if let entry = words[word] { return entry.ordinary && max(entry.given, entry.surname) <= 4 }
        return shape(word) <= -10
    }

    /// Evidence, as log-odds ×10, that a capitalised word is a name word: high for a common name,
    /// low for an ordinary word, and the letter shape for a word the tables do not hold.
    public func score(_ word: String) -> Int {
        if let entry = words[word] {
            let common = Int(max(entry.given, entry.surname)) * 4
            return entry.ordinary ? common - 30 : max(common, shape(word))
        }
        return shape(word)
    }

    /// The mean letter-triple log-odds, with the word's ends marked; accents fold to ASCII.
    public func shape(_ word: String) -> Int {
        let folded = Recognisers.asciiShadow(word).lowercased()
        var scalars: [Unicode.Scalar] = ["^"]
        scalars.append(contentsOf: folded.unicodeScalars)
        scalars.append("$")
        guard scalars.count >= 3 else { return 0 }
        var total = 0
        for start in 0...(scalars.count - 3) {
            guard let key = Self.tripleKey(Array(scalars[start..<(start + 3)])) else { return 0 }
            let odds = triples[key]
            total += Int(odds == .min ? unseen : odds)
        }
        return total / (scalars.count - 2)
    }

    /// a–z as 1–26, `^` 27, `$` 28; nil for anything else (a word with digits has no shape).
    private static func tripleKey(_ scalars: [Unicode.Scalar]) -> Int? {
        guard scalars.count == 3 else { return nil }
        var key = 0
        for scalar in scalars {
            let code: Int
            switch scalar {
            case "a"..."z": code = Int(scalar.value) - 96
            case "^": code = 27
            case "$": code = 28
            default: return nil
            }
            key = key * 32 + code
        }
        return key
    }
}
