import Foundation

/// What a study's report is built from: every table, computed once from the anonymised data map.
public struct Analysis: Sendable {
    /// "Signs of Safety: Cardiff (full); Swansea (full); Carmarthenshire (part — assessment only)".
    public struct Approach: Sendable, Hashable, Codable {
        public struct Participant: Sendable, Hashable, Codable {
            public var organisation: String
            public var type: OrganisationType
            public var extent: String
            public var nameAsGiven: String
            public var recordID: String
        }
        public var name: String
        public var kind: String
        public var participants: [Participant]
    }

    /// One organisation × theme cell of the Framework matrix.
    public struct MatrixCell: Sendable, Hashable, Codable {
        public var organisation: String
        public var theme: Theme
        public var summary: String
        public var recordIDs: [String]
    }

    public struct Count: Sendable, Hashable, Codable {
        public var type: OrganisationType
        public var theme: Theme
        public var activities: Int
        public var organisations: Int
    }

    public struct Coverage: Sendable, Hashable, Codable {
        public var type: OrganisationType
        public var organisations: Int
        public var withPilot: Int
        public var withoutPilot: [String]
    }

    public struct EvaluationShare: Sendable, Hashable, Codable {
        public var type: OrganisationType
        public var pilots: Int
        public var evaluated: Int
    }

    public struct Partnership: Sendable, Hashable, Codable {
        public var first: String
        public var second: String
        public var activities: [String]
        public var recordIDs: [String]
    }

    public struct Participant: Sendable, Hashable, Codable {
        public var organisation: String
        public var type: OrganisationType
        public var region: String?
        public var respondents: [String]
        public var methods: [String]
        public var activities: Int
        public var pilots: Int
        public var sources: [String]
    }

    /// Named approaches from the taxonomy, one row each, every organisation once.
    public var approaches: [Approach] = []
    /// Approaches named in returns that the taxonomy does not hold, for a person to add or leave.
    public var otherApproaches: [Approach] = []
    public var matrix: [MatrixCell] = []
    public var counts: [Count] = []
    public var coverage: [Coverage] = []
    public var evaluation: [EvaluationShare] = []
    public var partnerships: [Partnership] = []
    public var participants: [Participant] = []

    /// A pilot counts as evaluated when someone evaluates it, in-house or outside, or monitors it.
    public static func isEvaluated(_ activity: ActivityRecord) -> Bool {
        guard let type = activity.evaluation?.type else { return false }
        return type != .none && type != .planned
    }

    public init(_ map: DataMap, reference: StudyReference) {
        let rows = map.rows
        // (a) approaches, merged by the taxonomy's canonical name: each organisation once, with every
        // extent it gave; approaches the taxonomy does not know are listed apart, as named.
        var approaches: [String: Approach] = [:]
        var others: [String: Approach] = [:]
        for row in rows {
            let activity = row.activity
            let entry = reference.taxonomy.match(activity.name)
            let isApproach = [.practiceModel, .approach].contains(activity.kind)
            guard entry != nil || isApproach else { continue }
            let name = entry?.name ?? activity.name
            let kind = entry?.kind ?? activity.kind.rawValue
            let participant = Approach.Participant(organisation: row.organisation.name, type: row.organisation.type,
                                                   extent: activity.extent?.summary ?? "", nameAsGiven: activity.name, recordID: row.id)
            if entry != nil {
                approaches[canonicalKey(name), default: Approach(name: name, kind: kind, participants: [])].participants.append(participant)
            } else {
                others[canonicalKey(name), default: Approach(name: name, kind: kind, participants: [])].participants.append(participant)
            }
        }
        func tidy(_ found: [String: Approach]) -> [Approach] {
            found.values.map { approach in
                var merged = approach
                var byOrganisation: [String: Approach.Participant] = [:]
                for participant in approach.participants.sorted(by: { $0.recordID < $1.recordID }) {
                    guard var kept = byOrganisation[participant.organisation] else { byOrganisation[participant.organisation] = participant; continue }
                    if !participant.extent.isEmpty, !kept.extent.components(separatedBy: " / ").contains(participant.extent) {
                        kept.extent = kept.extent.isEmpty ? participant.extent : kept.extent + " / " + participant.extent
                    }
                    kept.recordID += " " + participant.recordID
                    byOrganisation[participant.organisation] = kept
                }
                merged.participants = byOrganisation.values.sorted { $0.organisation < $1.organisation }
                return merged
            }.sorted { ($0.participants.count, $1.name) > ($1.participants.count, $0.name) }
        }
        self.approaches = tidy(approaches)
        self.otherApproaches = tidy(others)

        // (b) the Framework matrix and (c) counts
        var cells: [String: MatrixCell] = [:]
        var countActivities: [String: Int] = [:]
        var countOrganisations: [String: Set<String>] = [:]
        for row in rows {
            let key = "\(row.organisation.name)\u{0}\(row.activity.theme.rawValue)"
            var cell = cells[key] ?? MatrixCell(organisation: row.organisation.name, theme: row.activity.theme, summary: "", recordIDs: [])
            let item = row.activity.status == .current ? row.activity.name : "\(row.activity.name) (\(row.activity.status.rawValue))"
            cell.summary += (cell.summary.isEmpty ? "" : "; ") + item
            cell.recordIDs.append(row.id)
            cells[key] = cell
            let countKey = "\(row.organisation.type.rawValue)\u{0}\(row.activity.theme.rawValue)"
            countActivities[countKey, default: 0] += 1
            countOrganisations[countKey, default: []].insert(row.organisation.name)
        }
        matrix = cells.values.sorted { ($0.organisation, $0.theme) < ($1.organisation, $1.theme) }
        for type in OrganisationType.allCases {
            for theme in Theme.allCases {
                let key = "\(type.rawValue)\u{0}\(theme.rawValue)"
                if let activities = countActivities[key] {
                    counts.append(Count(type: type, theme: theme, activities: activities, organisations: countOrganisations[key]?.count ?? 0))
                }
            }
        }

        // (d) coverage and (e) evaluation by sector, over the organisations that took part
        var organisationsByType: [OrganisationType: Set<String>] = [:]
        var piloting: Set<String> = []
        var pilots: [OrganisationType: (Int, Int)] = [:]
        for row in rows {
            organisationsByType[row.organisation.type, default: []].insert(row.organisation.name)
            if row.activity.kind == .pilot {
                piloting.insert(row.organisation.name)
                let evaluated = Self.isEvaluated(row.activity) ? 1 : 0
                let current = pilots[row.organisation.type] ?? (0, 0)
                pilots[row.organisation.type] = (current.0 + 1, current.1 + evaluated)
            }
        }
        for record in map.participants { organisationsByType[record.organisation.type, default: []].insert(record.organisation.name) }
        for type in OrganisationType.allCases {
            guard let names = organisationsByType[type] else { continue }
            coverage.append(Coverage(type: type, organisations: names.count, withPilot: names.filter(piloting.contains).count,
                                     withoutPilot: names.filter { !piloting.contains($0) }.sorted()))
            if let (total, evaluated) = pilots[type] {
                evaluation.append(EvaluationShare(type: type, pilots: total, evaluated: evaluated))
            }
        }

        // (f) partnership pairs, with partner names merged through the gazetteer
        var pairs: [String: Partnership] = [:]
        for row in rows {
            let own = reference.gazetteer.canonicalName(row.organisation.name)
            for partner in Set(row.activity.partners.map(reference.gazetteer.canonicalName)) where partner != own {
                let (first, second) = own < partner ? (own, partner) : (partner, own)
                let key = "\(first)\u{0}\(second)"
                var pair = pairs[key] ?? Partnership(first: first, second: second, activities: [], recordIDs: [])
                if !pair.activities.contains(row.activity.name) { pair.activities.append(row.activity.name) }
                pair.recordIDs.append(row.id)
                pairs[key] = pair
            }
        }
        partnerships = pairs.values.sorted { ($0.recordIDs.count, $1.first, $1.second) > ($1.recordIDs.count, $0.first, $0.second) }

        // Participants: every organisation that sent a return or gave an interview.
        var participants: [String: Participant] = [:]
        for record in map.participants {
            let key = record.organisation.name
            var participant = participants[key] ?? Participant(
                organisation: key, type: record.organisation.type, region: record.organisation.region,
                respondents: [], methods: [], activities: 0, pilots: 0, sources: [])
            if !participant.respondents.contains(record.respondent) { participant.respondents.append(record.respondent) }
            if !participant.methods.contains(record.method) { participant.methods.append(record.method) }
            participant.sources.append(record.source)
            participants[key] = participant
        }
        for row in rows {
            participants[row.organisation.name]?.activities += 1
            if row.activity.kind == .pilot { participants[row.organisation.name]?.pilots += 1 }
        }
        self.participants = participants.values.sorted { ($0.type, $0.organisation) < ($1.type, $1.organisation) }
    }
}

/// Counts that small could point at one person: they are shown as "<N".
/// Small-cell suppression protects people, not named bodies. A count of people (respondents)
/// below the threshold is shown as "<3". A count of organisations is hidden only where the
/// organisations are masked: beside the names it counts, hiding it protects nobody. Activities
/// are neither, unless study.yaml says so (`small_cell_applies_to`).
public struct SmallCells: Sendable {
    /// A threshold above this would hide every count a study could have; larger values are
    /// refused where they are read (the flag and study.yaml), and clamped here so no arithmetic
    /// on a threshold can overflow.
    public static let largestThreshold = 1_000

    public enum Subject: String, Sendable, CaseIterable {
        case people, organisations, activities
    }

    public var threshold: Int {
        didSet { threshold = min(max(threshold, 1), Self.largestThreshold) }
    }
    public var subjects: Set<Subject>
    /// Organisation names are replaced by labels (`--mask-organisations`).
    public var organisationsMasked: Bool

    public static let defaultSubjects: Set<Subject> = [.people, .organisations]

    public init(threshold: Int = 3, subjects: Set<Subject> = SmallCells.defaultSubjects, organisationsMasked: Bool = false) {
        self.threshold = min(max(threshold, 1), Self.largestThreshold)
        self.subjects = subjects
        self.organisationsMasked = organisationsMasked
    }

    /// Whether counts of this subject are protected in this study.
    public func protects(_ subject: Subject) -> Bool {
        subjects.contains(subject) && (subject != .organisations || organisationsMasked)
    }

    public func isSmall(_ count: Int, _ subject: Subject = .people) -> Bool { protects(subject) && count > 0 && count < threshold }

    public func show(_ count: Int, _ subject: Subject = .people) -> String {
        isSmall(count, subject) ? "<\(threshold)" : String(count)
    }

    /// A share is hidden too when either count behind it, or the rest of the whole, is small:
    /// "<3 of 9" would give the rest away.
    public func share(_ part: Int, of whole: Int, _ subject: Subject = .people, language: Language = .en) -> String {
        guard whole > 0 else { return "–" }
        let cy = language == .cy
        if isSmall(part, subject) || isSmall(whole, subject) || isSmall(whole - part, subject) {
            if isSmall(whole, subject) { return "\(show(whole, subject))" + (cy ? " i gyd" : " in all") }
            return (cy ? "cuddiedig (niferoedd bach) o " : "hidden (small numbers) of ") + String(whole)
        }
        return "\(part) \(cy ? "o" : "of") \(whole) (\(Int((Double(part) / Double(whole) * 100).rounded()))%)"
    }

    /// Complementary suppression for a column with a total: when one cell alone is hidden, the
    /// total would reveal it, so the next smallest is hidden as well. Returns the hidden indices.
    public func hidden(_ counts: [Int], _ subject: Subject) -> Set<Int> {
        var hidden = Set(counts.indices.filter { isSmall(counts[$0], subject) })
        if hidden.count == 1, let next = counts.indices.filter({ !hidden.contains($0) && counts[$0] > 0 }).min(by: { counts[$0] < counts[$1] }) {
            hidden.insert(next)
        }
        return hidden
    }
}
