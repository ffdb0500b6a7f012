import Foundation
import Yams

/// Folds the ways people write one name: case, accents, '&', punctuation, spacing and a leading "the".
public func canonicalKey(_ text: String) -> String {
    var folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        .replacingOccurrences(of: "&", with: " and ")
        .replacingOccurrences(of: "’", with: "'")
    folded = String(folded.map { $0.isLetter || $0.isNumber ? $0 : " " })
    var words = folded.split(separator: " ").map(String.init)
    if words.first == "the" { words.removeFirst() }
    return words.joined(separator: " ")
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
    /// Longest aliases first, so "Signs of Safety approach" beats "Signs of Safety".
    private var phrases: [(key: String, index: Int)] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
        for (index, entry) in entries.enumerated() {
            for form in [entry.name] + (entry.aliases ?? []) {
                let key = canonicalKey(form)
                guard !key.isEmpty, byKey[key] == nil else { continue }
                byKey[key] = index
                // Short aliases (MI, SoS, ACE) only match a whole name, never inside one.
                if key.count > 4 { phrases.append((key, index)) }
            }
        }
        phrases.sort { $0.key.count > $1.key.count }
    }

    public static func load(yaml: String) throws -> Taxonomy {
        Taxonomy(entries: try YAMLDecoder().decode([Entry].self, from: yaml))
    }

    /// The canonical entry for a name as given, if the taxonomy knows it.
    public func match(_ name: String) -> Entry? {
        let key = canonicalKey(name)
        if let index = byKey[key] { return entries[index] }
        let padded = " \(key) "
        for phrase in phrases where padded.contains(" \(phrase.key) ") { return entries[phrase.index] }
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

    public init(entries: [Entry] = []) {
        self.entries = entries
        for (index, entry) in entries.enumerated() {
            for form in [entry.name] + (entry.aliases ?? []) + [entry.cy].compactMap({ $0 }) {
                let key = canonicalKey(form)
                if !key.isEmpty, byKey[key] == nil { byKey[key] = index }
            }
        }
    }

    public static func load(yaml: String) throws -> Gazetteer {
        Gazetteer(entries: try YAMLDecoder().decode(File.self, from: yaml).organisations)
    }

    public func match(_ name: String) -> Entry? {
        byKey[canonicalKey(name)].map { entries[$0] }
    }

    /// The canonical spelling, or the name as given when unknown.
    public func canonicalName(_ name: String) -> String { match(name)?.name ?? name }
}

/// Everything in `instruments/` that aggregation and validation use.
public struct StudyReference: Sendable {
    public var taxonomy: Taxonomy
    public var gazetteer: Gazetteer
    public var instruments: [OrganisationType: Instrument]

    public init(taxonomy: Taxonomy = Taxonomy(), gazetteer: Gazetteer = Gazetteer(),
                instruments: [OrganisationType: Instrument] = [:]) {
        self.taxonomy = taxonomy
        self.gazetteer = gazetteer
        self.instruments = instruments
    }
}
