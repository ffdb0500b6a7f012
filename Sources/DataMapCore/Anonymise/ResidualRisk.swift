import Crypto
import Foundation

/// The residual-risk report: what the anonymiser replaced, by type and source, and the places a
/// person should still look at. It never holds the identifying text itself.
public struct ResidualRisk: Sendable {
    public struct Count: Codable, Sendable, Hashable {
        public var source: String
        public var type: String
        public var count: Int
    }

    public struct Review: Codable, Sendable, Hashable {
        public var source: String
        public var field: String
        public var start: Int
        public var end: Int
        public var kind: String
        public var likelihood: Int?
    }

    public var counts: [Count] = []
    public var review: [Review] = []

    public init(returns: [AnonymisedReturn]) {
        for record in returns.sorted(by: { $0.source < $1.source }) {
            for (type, count) in record.risk.counts.sorted(by: { $0.key < $1.key }) {
                counts.append(Count(source: record.source, type: type, count: count))
            }
            review += record.risk.review.map {
                Review(source: record.source, field: $0.field, start: $0.start, end: $0.end, kind: $0.kind, likelihood: $0.likelihood)
            }
        }
        // The likeliest misses first, so a reviewer with little time checks what matters most.
        review = review.enumerated().sorted { ($0.element.likelihood ?? 0, -$0.offset) > ($1.element.likelihood ?? 0, -$1.offset) }
            .map(\.element)
    }

    public var countsTable: ReportTable {
        var totals: [String: Int] = [:]
        for count in counts { totals[count.type, default: 0] += count.count }
        let rows = counts.map { [$0.source, $0.type, String($0.count)] } + totals.sorted { $0.key < $1.key }.map { ["(all)", $0.key, String($0.value)] }
        return ReportTable(name: "residual-risk", title: "Residual risk", columns: ["source", "entity_type", "replaced"], rows: rows)
    }

    public var reviewTable: ReportTable {
        ReportTable(name: "review", title: "For human review", columns: ["source", "field", "start", "end", "kind", "name_likeness"],
                    count: review.count) { [review] index in
            let item = review[index]
            return [item.source, item.field, String(item.start), String(item.end), item.kind, item.likelihood.map(String.init) ?? ""]
        }
    }

    public func writeJSON(to sink: OutputSink) {
        sink.write("{\n")
        PrettyJSON.write(member: "replaced", counts, last: false, to: sink)
        PrettyJSON.write(member: "review", review, last: true, to: sink)
        sink.write("}\n")
    }
}

/// `--mask-organisations`: every organisation becomes a label such as "Local authority C",
/// lettered within its type in an order set by the study key, so labels are stable across runs.
public struct OrganisationMask: Sendable {
    let key: StudyKey
    let gazetteer: Gazetteer

    public init(key: StudyKey, gazetteer: Gazetteer) {
        self.key = key
        self.gazetteer = gazetteer
    }

    public func labels(for organisations: [Organisation]) -> [String: String] {
        // One label per organisation however a return spells it: "Cyngor Gwynedd" and
        // "Gwynedd Council" are one council.
        var byType: [String: Set<String>] = [:]
        for organisation in organisations {
            byType[organisation.type.rawValue, default: []].insert(gazetteer.canonicalName(organisation.name))
        }
        for entry in gazetteer.entries { byType[entry.type, default: []].insert(entry.name) }
        var labels: [String: String] = [:]
        for (type, names) in byType {
            let label = OrganisationType(rawValue: type)?.label.split(separator: " ").prefix(2).joined(separator: " ") ?? "Organisation"
            let ordered = names.sorted { order($0) < order($1) }
            for (index, name) in ordered.enumerated() {
                labels[name] = "\(Self.shortLabel(type: type, fallback: label)) \(Self.letters(index))"
            }
        }
        for organisation in organisations {
            labels[organisation.name] = labels[organisation.name] ?? labels[gazetteer.canonicalName(organisation.name)]
        }
        return labels
    }

    private func order(_ name: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("organisation:" + canonicalKey(name)).utf8), using: key.key)
        return hexString(mac)
    }

    static func shortLabel(type: String, fallback: String) -> String {
        switch OrganisationType(rawValue: type) {
        case .localAuthority: "Local authority"
        case .thirdSector: "Third sector organisation"
        case .privateProvider: "Private provider"
        case .healthBoard: "Health board"
        case .police: "Police force"
        case .cafcassCymru: "National body"
        case .childrensCommissioner: "National body"
        case .socialCareWales: "National body"
        case .researchBody: "Research body"
        case .other, nil: "Organisation"
        }
    }

    /// A … Z, AA, AB …
    static func letters(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : letters(index / 26 - 1) + letters(index % 26)
    }

    public func apply(_ returns: [AnonymisedReturn]) -> [AnonymisedReturn] {
        masker(for: returns.map(\.organisation)).apply(returns)
    }

    /// The labels for these organisations, and every way each is written, longest first, so
    /// "Cardiff Council" goes before "Cardiff".
    public func masker(for organisations: [Organisation]) -> Masker {
        let labels = labels(for: organisations)
        var forms: [(String, String)] = []
        for (name, label) in labels {
            let entry = gazetteer.match(name)
            for form in Set([name] + (entry?.aliases ?? []) + [entry?.name, entry?.cy].compactMap { $0 }) where form.count >= 3 {
                forms.append((form, label))
            }
        }
        // Longest first; ties in a fixed order, so that the same study always masks the same way.
        forms.sort { ($0.0.count, $1.0, $1.1) > ($1.0.count, $0.0, $0.1) }
        return Masker(labels: labels, forms: forms, gazetteer: gazetteer)
    }

    public struct Masker: Sendable {
        let labels: [String: String]
        let forms: [(String, String)]
        let gazetteer: Gazetteer

        func mask(_ text: String) -> String {
            var result = text
            for (form, label) in forms where result.contains(form) {
                result = result.replacingOccurrences(of: "\\b" + NSRegularExpression.escapedPattern(for: form) + "\\b",
                                                     with: NSRegularExpression.escapedTemplate(for: label), options: .regularExpression)
            }
            return result
        }

        /// The texts an output fetches from the store get the same masking as the records.
        public func apply(_ texts: ActivityTexts) -> ActivityTexts {
            ActivityTexts(description: texts.description.map(mask), outcomes: texts.outcomes.map(mask),
                          evidence: texts.evidence?.map { var item = $0; item.phrase = mask(item.phrase); return item })
        }

        public func apply(_ returns: [AnonymisedReturn]) -> [AnonymisedReturn] {
            returns.map { record in
                var copy = record
                copy.organisation.name = labels[record.organisation.name] ?? mask(record.organisation.name)
                copy.organisation.region = nil
                copy.answers = record.answers.map { var a = $0; a.text = mask(a.text); return a }
                copy.notes = record.notes.map { var n = $0; n.text = mask(n.text); return n }
                copy.activities = record.activities.map { activity in
                    var a = activity
                    a.name = mask(a.name)
                    a.longTexts = apply(activity.longTexts)
                    a.partners = a.partners.map { labels[gazetteer.canonicalName($0)] ?? mask($0) }
                    a.funding = a.funding.map(mask)
                    a.targetGroup = a.targetGroup.map(mask)
                    a.documents = a.documents.map(mask)
                    a.evaluation?.evaluator = activity.evaluation?.evaluator.map(mask)
                    a.evaluation?.note = activity.evaluation?.note.map(mask)
                    a.extent?.note = activity.extent?.note.map(mask)
                    a.timescale?.phrase = activity.timescale?.phrase.map(mask)
                    return a
                }
                return copy
            }
        }
    }
}
