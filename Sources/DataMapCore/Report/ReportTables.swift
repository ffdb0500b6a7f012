import Foundation

/// One table of the report. Every output format (CSV, JSON, XLSX, HTML) renders the same
/// tables, so they cannot disagree.
public struct ReportTable: Sendable {
    /// File stem and sheet key, e.g. `approaches`.
    public var name: String
    /// Sheet and heading title.
    public var title: String
    public var columns: [String]
    public let count: Int
    /// Rows are made as each format reaches them: a large study's tables are never whole in memory.
    let row: @Sendable (Int) -> [String]

    public init(name: String, title: String, columns: [String], rows: [[String]]) {
        self.init(name: name, title: title, columns: columns, count: rows.count) { rows[$0] }
    }

    public init(name: String, title: String, columns: [String], count: Int, row: @escaping @Sendable (Int) -> [String]) {
        self.name = name
        self.title = title
        self.columns = columns
        self.count = count
        self.row = row
    }

    public var rows: LazyMapSequence<Range<Int>, [String]> { (0..<count).lazy.map(row) }

    /// The language a row's words were written in, where the row comes from one return: the
    /// report marks them (`lang="cy"` in an English report) for screen readers and translators.
    public var rowLanguage: (@Sendable (Int) -> Language)?
    /// The columns that hold a return's own words.
    static let writtenColumns: Set<String> = ["pilot", "name", "description", "timescale_phrase", "extent_note", "evaluation_note",
                                              "peilot", "enw", "disgrifiad", "geiriad yr amserlen", "nodyn graddau", "nodyn gwerthuso"]

    /// Columns that point into the study's files or records: kept in the CSV and JSON tables and
    /// the internal report, left out of what is published (report.html, summary.md, the workbook).
    static let internalColumns: Set<String> = ["id", "record_id", "record_ids", "source", "sources", "source_file", "source_line",
                                               "file", "line", "end_line", "respondent", "respondents", "recording_offset"]

    /// The table as published: no file paths, record ids or respondent pseudonyms, and a blank
    /// region said in words.
    public func publicView() -> ReportTable {
        let kept = columns.indices.filter { !Self.internalColumns.contains(columns[$0]) }
        guard kept.count < columns.count || columns.contains("region") || name == "matrix" else { return self }
        let region = columns.firstIndex(of: "region")
        let row = self.row
        let isMatrix = name == "matrix"
        var view = ReportTable(name: name, title: title, columns: kept.map { columns[$0] }, count: count) { index in
            let values = row(index)
            return kept.map { column in
                var value = values[column]
                if column == region, value.isEmpty { value = "not recorded" }
                // A matrix cell ends with the ids of the records it summarises: "… [conwy-1 conwy-2]".
                if isMatrix, value.hasSuffix("]"), let open = value.range(of: " [", options: .backwards) { value = String(value[..<open.lowerBound]) }
                return value
            }
        }
        view.rowLanguage = rowLanguage
        return view
    }

    public func writeCSV(to sink: OutputSink) {
        CSV.write(columns, to: sink)
        for values in rows { CSV.write(values, to: sink) }
    }

    /// An array of objects keyed by column, keys in column order.
    public func writeJSON(to sink: OutputSink) {
        let keys = columns.map { "    " + Self.quote($0) + ": " }
        sink.write("[\n")
        for (index, values) in rows.enumerated() {
            sink.write("  {\n")
            for (number, (key, value)) in zip(keys, values).enumerated() {
                if number > 0 { sink.write(",\n") }
                sink.write(key)
                sink.write(Self.quote(value))
            }
            sink.write(index == count - 1 ? "\n  }\n" : "\n  },\n")
        }
        sink.write("]\n")
    }

    static func quote(_ value: String) -> String {
        // Bytes, not scalars: only ASCII is ever escaped, and most values need nothing.
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + value + "\"" }
        var out: [UInt8] = [0x22]
        out.reserveCapacity(value.utf8.count + 16)
        for byte in value.utf8 {
            switch byte {
            case 0x22: out += Array("\\\"".utf8)
            case 0x5C: out += Array("\\\\".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", Int(byte)).utf8)
            default: out.append(byte)
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }
}

/// The report's tables, built from the analysis and the findings.
public struct Report: Sendable {
    public var map: DataMap
    public var analysis: Analysis
    public var findings: [Finding]
    public var cells: SmallCells

    /// Flags per pilot record, from the two pilot rules.
    /// Every pilot flag, by record id.
    public let pilotFlags: [String: [Finding]]
    /// The pilots better called new initiatives under the study's rule.
    public let newInitiatives: Set<String>
    /// The language of the report's words (study.yaml `language`); the data are as written.
    public var language: Language = .en
    /// The study's rule for new initiatives in words: "no defined timescale or no evaluation".
    public var newInitiativeRule: String {
        settings.pilots.newInitiativeWhen.sorted().map { flagLabel("pilot-" + $0) }.joined(separator: w(" or ", " neu "))
    }

    /// The tables that get their own CSV and JSON files (activities are `datamap.csv`), made once
    /// and shared by every format.
    public internal(set) var tables: [ReportTable] = []

    /// How many activities coders have checked; a study with no coding shows them all as extracted.
    public private(set) var coding = CodingCounts()

    public init(map: DataMap, reference: StudyReference, findings: [Finding], cells: SmallCells, coding: CodingCounts? = nil) {
        self.map = map
        self.analysis = Analysis(map, reference: reference)
        self.findings = findings
        self.cells = cells
        var flags: [String: [Finding]] = [:]
        for finding in findings where finding.rule.hasPrefix("pilot-") {
            if let id = finding.recordID { flags[id, default: []].append(finding) }
        }
        pilotFlags = flags
        // Only the flags the study declares (study.yaml pilots.new_initiative_when) make a pilot a new initiative.
        settings = reference.settings
        let rule = reference.settings.pilots
        newInitiatives = Set(flags.filter { $0.value.contains { rule.reclassifies($0.rule) } }.keys)
        if let coding { self.coding = coding } else { self.coding.extracted = map.rows.count }
        includesCoding = coding != nil
        tables = makeTables()
    }

    private var includesCoding = false

    /// Every table, with shares worded in the report's language.
    func makeTables() -> [ReportTable] {
        [sectors, approaches, otherApproaches, pilots, participants, matrix, counts, coverage, evaluation, partnerships, findingsTable]
            + (includesCoding ? [coding.table] : [])
    }

    /// The study's settings: its title, collection period and rules, for the methods section.
    public private(set) var settings = StudySettings()

    /// The methods paragraph, written from the study's own facts: who took part and how, when,
    /// with which schedules, and how the records were made safe to publish.
    public var methods: String {
        let participants = map.participants
        guard !participants.isEmpty else { return w("No return has been read yet.", "Nid oes ffurflen wedi'i darllen eto.") }
        let interviews = participants.filter { $0.method == Provenance.Method.interview.rawValue }
        let web = participants.filter { $0.method == Provenance.Method.webForm.rawValue }
        let written = participants.filter { $0.method != Provenance.Method.interview.rawValue && $0.method != Provenance.Method.webForm.rawValue }
        let xml = written.filter { $0.source.lowercased().hasSuffix(".xml") }.count
        let dates = participants.map(\.submitted).sorted { $0.description < $1.description }
        let organisations = analysis.participants.count
        var text = w("Data were gathered from \(organisations) organisations in \(participants.count) returns",
                     "Casglwyd data gan \(organisations) sefydliad mewn \(participants.count) ffurflen")
        if let first = dates.first, let last = dates.last {
            text += first == last ? w(", dated \(first)", ", dyddiedig \(first)") : w(", dated from \(first) to \(last)", ", dyddiedig rhwng \(first) a \(last)")
        }
        if let start = settings.collectionStart, let end = settings.collectionEnd {
            text += w(" (the study's collection period ran from \(start) to \(end))", " (roedd cyfnod casglu'r astudiaeth rhwng \(start) a \(end))")
        }
        if web.isEmpty {
            text += w(": \(interviews.count) by telephone interview and \(written.count) in writing", ": \(interviews.count) drwy gyfweliad ffôn a \(written.count) yn ysgrifenedig")
        } else {
            text += w(": \(interviews.count) by telephone interview, \(web.count) on the study's web form and \(written.count) in writing",
                      ": \(interviews.count) drwy gyfweliad ffôn, \(web.count) ar ffurflen we'r astudiaeth a \(written.count) yn ysgrifenedig")
        }
        if !written.isEmpty {
            text += w(" (\(xml) as structured returns, \(written.count - xml) as letters, reports and templates in plain text, Markdown or Word)",
                      " (\(xml) fel ffurflenni strwythuredig, \(written.count - xml) fel llythyrau, adroddiadau a thempledi mewn testun plaen, Markdown neu Word)")
        }
        text += "."
        let instruments = Set((interviews + web).compactMap(\.instrument)).sorted()
        if !instruments.isEmpty {
            text += w(" Interviews followed the schedules \(instruments.joined(separator: ", ")).", " Dilynodd y cyfweliadau'r amserlenni \(instruments.joined(separator: ", ")).")
        }
        text += w(" Every return was read by datamap; each activity records the passage it came from, and names, contact details and other"
                  + " identifiers were replaced by keyed pseudonyms before anything was stored.",
                  " Darllenwyd pob ffurflen gan datamap; mae pob gweithgaredd yn cofnodi'r darn y daeth ohono, a disodlwyd enwau, manylion cyswllt"
                  + " a dynodwyr eraill gan ffugenwau wedi'u hallweddu cyn i ddim gael ei gadw.")
        if coding.coded > 0 || coding.rejected > 0 {
            text += w(" Coders checked \(coding.coded) of the \(coding.coded + coding.extracted) activities (\(coding.confirmed) confirmed, \(coding.corrected) corrected, \(coding.added) added) and set aside \(coding.rejected).",
                      " Gwiriodd codwyr \(coding.coded) o'r \(coding.coded + coding.extracted) gweithgaredd (\(coding.confirmed) wedi'u cadarnhau, \(coding.corrected) wedi'u cywiro, \(coding.added) wedi'u hychwanegu) a rhoi \(coding.rejected) o'r neilltu.")
        } else {
            text += w(" The activities are as datamap read them; no coder has checked them yet.",
                      " Mae'r gweithgareddau fel y'u darllenwyd gan datamap; nid oes codiwr wedi'u gwirio eto.")
        }
        text += w(" A pilot is called a new initiative when it has \(newInitiativeRule).", " Gelwir peilot yn fenter newydd pan fo hyn yn wir amdano: \(newInitiativeRule).")
        return text
    }

    /// Each pilot in a sentence: its owner, partners, timescale, evaluation and what it is called here.
    public var pilotDescriptions: [(organisation: String, name: String, text: String, newInitiative: Bool, language: Language)] {
        map.rows.filter { $0.activity.kind == .pilot }.map { row in
            let activity = row.activity
            var parts: [String] = []
            if !activity.partners.isEmpty { parts.append(w("with ", "gyda ") + activity.partners.joined(separator: ", ")) }
            if let timescale = activity.timescale, timescale.isDefined {
                let span = [timescale.start.map { w("from ", "o ") + $0.description }, timescale.end.map { w("to ", "hyd at ") + $0.description },
                            timescale.duration.map { w("for ", "am ") + duration($0) }].compactMap { $0 }.joined(separator: " ")
                parts.append(w("runs ", "yn rhedeg ") + span)
            } else {
                parts.append(flagLabel("pilot-missing-timescale") + (activity.timescale?.start.map { w(" (started \($0))", " (dechreuodd \($0))") } ?? ""))
            }
            switch activity.evaluation?.type {
            case nil, .some(.none): parts.append(flagLabel("pilot-missing-evaluation"))
            case .some(.planned): parts.append(w("an evaluation still being developed", "gwerthusiad sy'n dal i gael ei ddatblygu"))
            case .some(let type):
                var evaluation = w("evaluated (\(type.label.lowercased())", "wedi'i werthuso (\(type.labelCy.lowercased())")
                if let evaluator = activity.evaluation?.evaluator { evaluation += w(", by ", ", gan ") + evaluator }
                evaluation += ")"
                if let measures = activity.evaluation?.measures, !measures.isEmpty { evaluation += w(" on ", " ar ") + measures.joined(separator: ", ") }
                parts.append(evaluation)
            }
            let isNew = newInitiatives.contains(row.id)
            let flags = (pilotFlags[row.id] ?? []).map { flagLabel($0.rule) }
            var text = parts.joined(separator: "; ") + "."
            text += isNew ? w(" Better called a new initiative (\(flags.joined(separator: ", "))).", " Gwell ei alw'n fenter newydd (\(flags.joined(separator: ", "))).")
                : w(" A pilot by the study's rule.", " Peilot yn ôl rheol yr astudiaeth.")
            return (row.organisation.name, activity.name, text, isNew, row.language)
        }
    }

    /// One of `tables`, by its file stem.
    public func table(_ name: String) -> ReportTable? { tables.first { $0.name == name } }

    /// The sheet reads its rows through `texts`, one row after another; the caller checks
    /// `texts` for a failed fetch once the sheet is written.
    func activities(_ texts: RowTexts) -> ReportTable {
        nonisolated(unsafe) let rows = texts
        return ReportTable(name: "activities", title: "Activities", columns: DataMapCSV.columns.map(\.header),
                           count: rows.count) { index in
            let row = rows[index]
            return DataMapCSV.columns.map { $0.value(row) }
        }
    }

    public var approaches: ReportTable { Self.approachTable(analysis.approaches, name: "approaches", title: "Approaches") }

    public var otherApproaches: ReportTable {
        Self.approachTable(analysis.otherApproaches, name: "other-approaches", title: "Other approaches named")
    }

    /// One row per approach; the count is the number of organisations listed, always equal to the
    /// list, because the organisations are named beside it.
    static func approachTable(_ approaches: [Analysis.Approach], name: String, title: String) -> ReportTable {
        ReportTable(name: name, title: title, columns: ["approach", "kind", "organisations", "participants", "record_ids"],
                    rows: approaches.map { approach in
                        [approach.name, approach.kind, String(approach.participants.count),
                         approach.participants.map { $0.extent.isEmpty ? $0.organisation : "\($0.organisation) (\($0.extent))" }
                            .joined(separator: "; "),
                         approach.participants.map(\.recordID).joined(separator: " ")]
                    })
    }

    public var pilots: ReportTable {
        let flags = pilotFlags
        let pilotRows = map.rows.filter { $0.activity.kind == .pilot }
        var table = ReportTable(
            name: "pilots", title: "Pilots and flags",
            columns: ["record_id", "organisation", "organisation_type", "pilot", "status", "timescale_defined", "evaluation",
                      "outcome_measures", "flags", "suggested_classification", "source"],
            count: pilotRows.count) { index in
                let row = pilotRows[index]
                let found = flags[row.id] ?? []
                let provenance = row.activity.provenance
                let span = provenance.endLine.map { "\(provenance.file):\(provenance.line)-\($0)" } ?? "\(provenance.file):\(provenance.line)"
                return [row.id, row.organisation.name, row.organisation.type.rawValue, row.activity.name, row.activity.status.rawValue,
                        (row.activity.timescale?.isDefined ?? false) ? "yes" : "no",
                        row.activity.evaluation?.type.rawValue ?? "", row.activity.evaluation?.measures.joined(separator: "; ") ?? "",
                        found.map { flagLabel($0.rule) }.joined(separator: "; "),
                        newInitiatives.contains(row.id) ? "new initiative" : "pilot", span]
            }
        table.rowLanguage = { pilotRows[$0].language }
        return table
    }

    public var participants: ReportTable {
        ReportTable(name: "participants", title: "Participants",
                    columns: ["organisation", "organisation_type", "region", "method", "respondents", "activities", "pilots", "sources"],
                    rows: analysis.participants.map {
                        [$0.organisation, $0.type.rawValue, $0.region ?? "", $0.methods.joined(separator: "; "),
                         $0.respondents.joined(separator: "; "), String($0.activities), String($0.pilots), $0.sources.joined(separator: "; ")]
                    })
    }

    /// Who took part, by sector: organisations, respondents (people, so small counts are hidden,
    /// with a second cell where the total would give one away), and how they took part.
    public var sectors: ReportTable {
        let types = OrganisationType.allCases.filter { type in analysis.participants.contains { $0.type == type } }
        let rows = types.map { type -> (String, Int, Int, Int, Int, Int) in
            let found = analysis.participants.filter { $0.type == type }
            let respondents = Set(found.flatMap(\.respondents).filter { $0 != "P-NONE" }).count
            return (type.rawValue, found.count, respondents, found.filter { $0.methods.contains("interview") }.count,
                    found.filter { $0.methods.contains { $0 != "interview" } }.count, found.reduce(0) { $0 + $1.activities })
        }
        let hiddenPeople = cells.hidden(rows.map(\.2), .people)
        let hiddenOrganisations = cells.hidden(rows.map(\.1), .organisations)
        var table = rows.enumerated().map { index, row in
            [row.0, hiddenOrganisations.contains(index) ? "<\(cells.threshold)" : String(row.1),
             hiddenPeople.contains(index) ? "<\(cells.threshold)" : String(row.2),
             cells.show(row.3, .organisations), cells.show(row.4, .organisations), cells.show(row.5, .activities)]
        }
        table.append(["all", String(rows.reduce(0) { $0 + $1.1 }), String(rows.reduce(0) { $0 + $1.2 }),
                      String(rows.reduce(0) { $0 + $1.3 }), String(rows.reduce(0) { $0 + $1.4 }), String(rows.reduce(0) { $0 + $1.5 })])
        return ReportTable(name: "sectors", title: "Participants by sector",
                           columns: ["organisation_type", "organisations", "respondents", "interviewed", "wrote_in", "activities"], rows: table)
    }

    public var matrix: ReportTable {
        var byOrganisation: [String: [Theme: Analysis.MatrixCell]] = [:]
        for cell in analysis.matrix { byOrganisation[cell.organisation, default: [:]][cell.theme] = cell }
        return ReportTable(name: "matrix", title: "Matrix", columns: ["organisation", "organisation_type"] + Theme.allCases.map(\.rawValue),
                           rows: analysis.participants.map { participant in
                               [participant.organisation, participant.type.rawValue] + Theme.allCases.map { theme in
                                   guard let cell = byOrganisation[participant.organisation]?[theme] else { return "" }
                                   return "\(cell.summary) [\(cell.recordIDs.joined(separator: " "))]"
                               }
                           })
    }

    public var counts: ReportTable {
        ReportTable(name: "counts", title: "Counts by type and theme", columns: ["organisation_type", "theme", "activities", "organisations"],
                    rows: analysis.counts.map { [$0.type.rawValue, $0.theme.rawValue, cells.show($0.activities, .activities), cells.show($0.organisations, .organisations)] })
    }

    public var coverage: ReportTable {
        ReportTable(name: "coverage", title: "Pilot coverage",
                    columns: ["organisation_type", "organisations", "with_a_pilot", "share", "without_a_pilot"],
                    rows: analysis.coverage.map { [cells] coverage in
                        // Hidden together: the count, its share and the names it counts, so none gives the others away.
                        let hide = cells.isSmall(coverage.withPilot, .organisations) || cells.isSmall(coverage.organisations - coverage.withPilot, .organisations)
                            || cells.isSmall(coverage.organisations, .organisations)
                        return [coverage.type.rawValue, cells.show(coverage.organisations, .organisations),
                                hide ? "hidden (small numbers)" : String(coverage.withPilot),
                                hide ? "" : cells.share(coverage.withPilot, of: coverage.organisations, .organisations, language: language),
                                hide ? "" : coverage.withoutPilot.joined(separator: "; ")]
                    })
    }

    public var evaluation: ReportTable {
        ReportTable(name: "evaluation", title: "Pilot evaluation by sector",
                    columns: ["organisation_type", "pilots", "evaluated", "share"],
                    rows: analysis.evaluation.map {
                        [$0.type.rawValue, cells.show($0.pilots, .activities), cells.show($0.evaluated, .activities), cells.share($0.evaluated, of: $0.pilots, .activities, language: language)]
                    })
    }

    public var partnerships: ReportTable {
        ReportTable(name: "partnerships", title: "Partnership pairs", columns: ["organisation", "partner", "activities", "record_ids"],
                    rows: analysis.partnerships.map {
                        [$0.first, $0.second, $0.activities.joined(separator: "; "), $0.recordIDs.joined(separator: " ")]
                    })
    }

    public var findingsTable: ReportTable {
        ReportTable(name: "findings", title: "Findings",
                    columns: ["file", "line", "end_line", "severity", "rule", "organisation", "record_id", "message", "reason", "suggestion"],
                    count: findings.count) { [findings] index in
                        let finding = findings[index]
                        return [finding.location.file, String(finding.location.line), finding.endLine.map(String.init) ?? "",
                                finding.severity.rawValue, finding.rule, finding.organisation, finding.recordID ?? "", finding.message,
                                finding.reason ?? "", finding.suggestion ?? ""]
                    }
    }

    /// The workbook's sheets, in order.
    public func sheets(_ texts: RowTexts) -> [ReportTable] { ([activities(texts)] + tables).map { localised($0.publicView()) } }
}
