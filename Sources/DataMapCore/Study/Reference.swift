import Foundation
import Yams

/// Folds the ways people write one name: case, accents, '&', punctuation, spacing and a leading "the".
public func canonicalKey(_ text: String) -> String {
    // ASCII, the common case, is folded and split byte by byte; only other text goes through Foundation.
    text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiCanonicalKey(text) : foldedCanonicalKey(text)
}

/// Any text: folded by Foundation, then split into words by character.
func foldedCanonicalKey(_ text: String) -> String {
    let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    var words: [Substring] = []
    var current = ""
    for character in folded {
        if character.isLetter || character.isNumber {
            current.append(character)
        } else {
            if !current.isEmpty { words.append(Substring(current)); current = "" }
            if character == "&" { words.append("and") }
        }
    }
    if !current.isEmpty { words.append(Substring(current)) }
    if words.first == "the" { words.removeFirst() }
    return words.joined(separator: " ")
}

/// `canonicalKey` for ASCII text: the same words, without decoding characters.
private func asciiCanonicalKey(_ text: String) -> String {
    var words: [Range<Int>] = []
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 8)
    var start = 0
    for byte in text.utf8 {
        switch byte {
        case 0x41...0x5A: bytes.append(byte | 0x20)
        case 0x61...0x7A, 0x30...0x39: bytes.append(byte)
        default:
            if bytes.count > start { words.append(start..<bytes.count) }
            start = bytes.count
            if byte == 0x26 {
                bytes += [0x61, 0x6E, 0x64]
                words.append(start..<bytes.count)
                start = bytes.count
            }
        }
    }
    if bytes.count > start { words.append(start..<bytes.count) }
    if let first = words.first, bytes[first].elementsEqual([0x74, 0x68, 0x65]) { words.removeFirst() }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + words.count)
    for (index, word) in words.enumerated() {
        if index > 0 { out.append(0x20) }
        out += bytes[word]
    }
    return String(decoding: out, as: UTF8.self)
}

/// Named models and programmes with their aliases: the report merges activities under one name.
public struct Taxonomy: Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var name: String
        public var kind: String
        public var aliases: [String]?
        public var about: String?
    }

    public private(set) var entries: [Entry] = []
    private var byKey: [String: Int] = [:]
    /// Aliases long enough to be found inside a longer name, by their canonical key.
    private var phrases: [String: Int] = [:]
    private var longestPhrase = 0
    /// The most words in a phrase that starts with a word: a run is looked up only where a phrase could start.
    private var longestPhraseStarting: [String: Int] = [:]
    /// The most words in any name or alias, for scanning prose.
    public private(set) var longestKey = 0
    /// The most words in a key that starts with a word (a one-word key also under its plural,
    /// for acronyms such as "FDACs"): prose is only looked up where a key could start.
    private(set) var longestKeyStarting: [String: Int] = [:]

    public init(entries: [Entry] = []) {
        self.entries = entries
        for (index, entry) in entries.enumerated() {
            for form in [entry.name] + (entry.aliases ?? []) {
                let key = canonicalKey(form)
                guard !key.isEmpty, byKey[key] == nil else { continue }
                byKey[key] = index
                longestKey = max(longestKey, key.split(separator: " ").count)
                Self.noteStart(of: key, in: &longestKeyStarting)
                // Short aliases (MI, SoS, ACE) only match a whole name, never inside one.
                if key.count > 4, phrases[key] == nil {
                    phrases[key] = index
                    let words = key.split(separator: " ")
                    longestPhrase = max(longestPhrase, words.count)
                    longestPhraseStarting[String(words[0])] = max(longestPhraseStarting[String(words[0])] ?? 0, words.count)
                }
            }
        }
    }

    static func noteStart(of key: String, in table: inout [String: Int]) {
        let words = key.split(separator: " ")
        guard let first = words.first.map(String.init) else { return }
        table[first] = max(table[first] ?? 0, words.count)
        if words.count == 1 { table[first + "s"] = max(table[first + "s"] ?? 0, 1) }
    }

    public static func load(yaml: String, file: String = "instruments/taxonomy.yaml") throws(ReferenceProblem) -> Taxonomy {
        Taxonomy(entries: try ReferenceYAML.decode([Entry].self, from: yaml, file: file,
                                                   shape: "a list of approaches, each with 'name' and 'kind'"))
    }

    /// The entry one canonical key names exactly, short aliases included.
    public func entry(forKey key: String) -> Entry? { byKey[key].map { entries[$0] } }

    /// The canonical entry for a name as given, if the taxonomy knows it.
    public func match(_ name: String) -> Entry? {
        let key = canonicalKey(name)
        if let index = byKey[key] { return entries[index] }
        // Every run of words inside the name, longest first, so "Signs of Safety approach" finds
        // "Signs of Safety" with a handful of lookups rather than a search per alias.
        let words = key.split(separator: " ")
        // Most words start no phrase (a person's name, an ordinary word), so their runs are never joined.
        let reach = words.map { longestPhraseStarting[String($0)] ?? 0 }
        guard let farthest = reach.max(), farthest > 0 else { return nil }
        for length in stride(from: min(longestPhrase, words.count, farthest), through: 1, by: -1) {
            for start in 0...(words.count - length) where reach[start] >= length {
                if let index = phrases[words[start..<(start + length)].joined(separator: " ")] { return entries[index] }
            }
        }
        return nil
    }
}

/// The organisations datamap knows, for checking types and merging partner names.
public struct Gazetteer: Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var name: String
        /// An organisation type, or `other` for bodies outside the study's nine types.
        public var type: String
        public var cy: String?
        public var aliases: [String]?
        public var region: String?

        public var organisationType: OrganisationType? { OrganisationType(rawValue: type) }
    }

    struct File: Codable { var organisations: [Entry] }

    public private(set) var entries: [Entry] = []
    private var byKey: [String: Int] = [:]
    /// Entries whose English name or alias begins with these words: the short forms ("Gwent").
    private var byLeadingWords: [String: [Int]] = [:]
    /// Keys by their length in characters, so a near spelling is only compared with keys it could be.
    private var keysByLength: [Int: [(String, Int)]] = [:]
    public private(set) var longestKey = 0
    /// The most words in a key that starts with a word: prose is only looked up where a key could start.
    private(set) var longestKeyStarting: [String: Int] = [:]

    public init(entries: [Entry] = []) {
        self.entries = entries
        for (index, entry) in entries.enumerated() {
            for form in [entry.name] + (entry.aliases ?? []) + [entry.cy].compactMap({ $0 }) {
                let key = canonicalKey(form)
                if !key.isEmpty, byKey[key] == nil {
                    byKey[key] = index
                    keysByLength[key.count, default: []].append((key, index))
                }
                longestKey = max(longestKey, key.split(separator: " ").count)
                Taxonomy.noteStart(of: key, in: &longestKeyStarting)
            }
            for form in [entry.name] + (entry.aliases ?? []) {
                let words = canonicalKey(form).split(separator: " ")
                for count in stride(from: 1, to: words.count, by: 1) {
                    let prefix = words.prefix(count).joined(separator: " ")
                    if byLeadingWords[prefix]?.contains(index) != true { byLeadingWords[prefix, default: []].append(index) }
                }
            }
        }
    }

    public static func load(yaml: String, file: String = "instruments/organisations.yaml") throws(ReferenceProblem) -> Gazetteer {
        Gazetteer(entries: try ReferenceYAML.decode(File.self, from: yaml, file: file,
                                                    shape: "'organisations:' followed by a list, each with 'name' and 'type'").organisations)
    }

    public func match(_ name: String) -> Entry? {
        byKey[canonicalKey(name)].map { entries[$0] }
    }

    public func entry(forKey key: String) -> Entry? { byKey[key].map { entries[$0] } }

    /// The canonical spelling, or the name as given when unknown.
    public func canonicalName(_ name: String) -> String { match(name)?.name ?? name }

    /// How a name written in a return was matched, for the note that tells a person.
    public enum MatchKind: String, Sendable { case exact, part, shortForm = "short form", nearSpelling = "near spelling" }

    /// Matches a name as organisations write their own: exactly (name, alias or Welsh name), one
    /// side of a bilingual "Cyngor Sir Penfro / Pembrokeshire County Council", without a national
    /// suffix ("Action for Children Cymru"), a short form that leaves one candidate once the
    /// context's type is known ("Gwent" beside "Police"), or a near spelling ("Abertawe Bro
    /// Morganwg" with one n). Nil rather than a guess when more than one would fit.
    public func resolve(_ name: String, typeHint: OrganisationType? = nil) -> (entry: Entry, how: MatchKind)? {
        if let entry = match(name) { return (entry, .exact) }
        let sides = name.components(separatedBy: CharacterSet(charactersIn: "/|")).map(\.trimmingSpace).filter { !$0.isEmpty }
        if sides.count > 1, let entry = sides.lazy.compactMap(match).first { return (entry, .part) }
        var key = canonicalKey(name)
        for prefix in ["the "] where key.hasPrefix(prefix) { key.removeFirst(prefix.count) }
        for suffix in [" in wales", " cymru", " wales", " uk"] where key.hasSuffix(suffix) {
            if let index = byKey[String(key.dropLast(suffix.count))] { return (entries[index], .part) }
        }
        if let index = byKey[key] { return (entries[index], .exact) }
        guard !key.isEmpty else { return nil }
        // A short form: every canonical name that starts with it, narrowed by the type the context names.
        let starting = (byLeadingWords[key] ?? []).map { entries[$0] }
        let fitting = typeHint.map { hint in starting.filter { $0.organisationType == hint } } ?? starting
        if fitting.count == 1 { return (fitting[0], .shortForm) }
        // A near spelling: one or two letters out in a long name, and only one name that close.
        guard key.count >= 8 else { return nil }
        let allowed = key.count >= 16 ? 2 : 1
        var best: (Int, Int)?
        var tied = false
        let nearby = ((key.count - allowed)...(key.count + allowed)).flatMap { keysByLength[$0] ?? [] }
        for (form, index) in nearby where form.count >= 8 {
            let distance = editDistance(form, key, limit: allowed)
            guard distance <= allowed else { continue }
            if let current = best, current.0 == distance, entries[current.1].name != entries[index].name { tied = true }
            if best == nil || distance < best!.0 { best = (distance, index); tied = false }
        }
        guard let best, !tied else { return nil }
        return (entries[best.1], .nearSpelling)
    }

    /// The organisation type a name's own words say, for a body the gazetteer does not know.
    public static func inferType(_ name: String) -> OrganisationType? {
        let words = Set(canonicalKey(name).split(separator: " ").map(String.init))
        if !words.isDisjoint(with: ["university", "prifysgol", "research", "ymchwil", "institute", "centre", "canolfan"]) { return .researchBody }
        if !words.isDisjoint(with: ["police", "heddlu", "constabulary"]) { return .police }
        if words.contains("health") && words.contains("board") || words.contains("bwrdd") && words.contains("iechyd") { return .healthBoard }
        if !words.isDisjoint(with: ["council", "cyngor", "borough"]) { return .localAuthority }
        if !words.isDisjoint(with: ["ltd", "limited", "plc", "llp"]) { return .privateProvider }
        if !words.isDisjoint(with: ["charity", "advocacy", "trust", "foundation", "society", "association", "elusen", "cymdeithas",
                                    "project", "prosiect", "partnership", "network", "forum", "rhwydwaith", "voices"]) { return .thirdSector }
        return nil
    }
}

/// Levenshtein distance, giving up once every path is over `limit`.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
    let x = Array(a.utf8), y = Array(b.utf8)
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...max(1, x.count) where !x.isEmpty {
        current[0] = i
        var rowBest = current[0]
        for j in 1...max(1, y.count) where !y.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            rowBest = min(rowBest, current[j])
        }
        if rowBest > limit { return limit + 1 }
        swap(&previous, &current)
    }
    return x.isEmpty ? y.count : previous[y.count]
}

/// Everything in `instruments/` that aggregation and validation use.
public struct StudyReference: Sendable {
    public var taxonomy: Taxonomy
    public var gazetteer: Gazetteer
    public var instruments: [OrganisationType: Instrument]
    public var settings = StudySettings()

    public init(taxonomy: Taxonomy = Taxonomy(), gazetteer: Gazetteer = Gazetteer(),
                instruments: [OrganisationType: Instrument] = [:], settings: StudySettings = StudySettings()) {
        self.settings = settings
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.instruments = instruments
    }
}

/// A reference file (taxonomy, gazetteer) that cannot be used, located in it, in words a
/// researcher can act on; never a decoder's debug text.
public struct ReferenceProblem: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int = 1, column: Int = 1, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Decodes a reference file through its node tree, so that a wrong or missing field is reported
/// at the line and column of the entry that holds it.
enum ReferenceYAML {
    static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String, shape: String) throws(ReferenceProblem) -> T {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            var line = 1, column = 1, detail = "it is not valid YAML"
            if let error = error as? YamlError {
                switch error {
                case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                    (line, column, detail) = (mark.line, mark.column, "it is not valid YAML (\(problem))")
                default: break
                }
            }
            throw ReferenceProblem(file: file, line: line, column: column, message: "\(detail); check the indentation and colons")
        }
        guard let root else { throw ReferenceProblem(file: file, message: "the file is empty; it should hold \(shape)") }
        do {
            return try YAMLDecoder().decode(T.self, from: root)
        } catch let error as DecodingError {
            let (path, message): ([any CodingKey], String) = switch error {
            case .keyNotFound(let key, let context):
                (context.codingPath, "this entry has no '\(key.stringValue)'; every entry needs one")
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                (context.codingPath, "'\(context.codingPath.last?.stringValue ?? "this value")' has the wrong form here; the file should hold \(shape)")
            case .dataCorrupted(let context):
                (context.codingPath, "this value cannot be used: \(context.debugDescription)")
            @unknown default:
                ([], "the file cannot be used; it should hold \(shape)")
            }
            let mark = node(at: path, in: root)?.mark ?? root.mark
            throw ReferenceProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message)
        } catch {
            throw ReferenceProblem(file: file, message: "the file cannot be used; it should hold \(shape)")
        }
    }

    /// The deepest node the path reaches: the entry at fault, or the one missing a field.
    private static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var current = root
        for key in path {
            if let index = key.intValue, let sequence = current.sequence, index < sequence.count {
                current = sequence[index]
            } else if let mapping = current.mapping, let next = mapping[key.stringValue] {
                current = next
            } else {
                break
            }
        }
        return current
    }
}
