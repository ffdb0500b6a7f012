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
              let data = try? Data(contentsOf: url) else { return NameModel() }
        return NameModel(parsing: data)
    }()

    public init(parsing text: String) { self.init(parsing: Data(text.utf8)) }

    /// Read as bytes, line by line: the model is loaded on every run, so this stays cheap.
    public init(parsing data: Data) {
        words.reserveCapacity(60_000)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                parseLine(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = end + 1
            }
        }
    }

    private mutating func parseLine(_ line: UnsafeBufferPointer<UInt8>) {
        guard line.count >= 3, line[1] == 0x20 else { return }
        var fields: [Range<Int>] = []
        var start = 2
        for index in 2...line.count where index == line.count || line[index] == 0x20 {
            fields.append(start..<index)
            start = index + 1
        }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0, negative = false
            for index in range {
                let byte = line[index]
                if byte == 0x2D, index == range.lowerBound { negative = true; continue }
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return negative ? -value : value
        }
        switch line[0] {
        case UInt8(ascii: "w") where fields.count == 4:
            guard let given = number(fields[1]), let surname = number(fields[2]), (0...9).contains(given), (0...9).contains(surname)
            else { return }
            let word = String(decoding: UnsafeBufferPointer(rebasing: line[fields[0]]), as: UTF8.self)
            words[word] = Entry(given: UInt8(given), surname: UInt8(surname), ordinary: line[fields[3].lowerBound] == 0x31)
        case UInt8(ascii: "t") where fields.count == 2 && fields[0].count == 3:
            let scalars = line[fields[0]].map { Unicode.Scalar($0) }
            guard let odds = number(fields[1]), let key = Self.tripleKey(scalars), (-127...127).contains(odds) else { return }
            triples[key] = Int8(odds)
        case UInt8(ascii: "u") where fields.count == 1:
            if let odds = number(fields[0]), (-127...127).contains(odds) { unseen = Int8(odds) }
        default:
            return
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
