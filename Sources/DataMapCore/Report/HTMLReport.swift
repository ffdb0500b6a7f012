import Foundation

/// `outbox/report.html`: one self-contained page, no scripts and no network, so it can be
/// mailed or archived and opens the same anywhere.
public enum HTMLReport {
    /// One colour per organisation type, readable on white and distinct in greyscale order.
    static let palette = ["#1b6ca8", "#e07a1f", "#2e9e5b", "#c23b3b", "#7b4fb3", "#8c6239", "#d45fa0", "#6b6b6b", "#b5a81f", "#1f8a8a"]

    public static func render(_ report: Report, isInternal: Bool = false) -> Data { OutputSink.collect { write(report, to: $0, isInternal: isInternal) } }

    /// Section by section into the sink: a large study's report is never whole in memory.
    /// - Parameter isInternal: `report-internal.html`, for the team: with file paths, record ids and
    ///   respondents' pseudonyms, which the published `report.html` leaves out.
    public static func write(_ report: Report, to html: OutputSink, isInternal: Bool = false) {
        html.write("""
            <!DOCTYPE html>
            <html lang="\(report.language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(report.w("Data map report", "Adroddiad y map data"))\(isInternal ? " (internal)" : "")</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d1d1d}
            h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
            table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
            th,td{border:1px solid #d0d0d0;padding:.3rem .45rem;text-align:left;vertical-align:top}
            th{background:#f0f3f6}tr:nth-child(even) td{background:#fafafa}
            .flag{color:#a12626;font-weight:600}.note{color:#555;font-size:.85rem}
            svg{max-width:100%;height:auto}figure{margin:1rem 0}figcaption{font-size:.85rem;color:#444}
            </style></head><body>
            <main>
            <h1>\(report.w("Data map report", "Adroddiad y map data"))\(isInternal ? " (internal: not for publication)" : "")</h1>

            """)
        let map = report.map
        let pilots = map.rows.filter { $0.activity.kind == .pilot }
        let flagged = report.pilotFlags
        let w = report.w
        var intro = "<p>" + w("\(map.participants.count) returns from \(report.analysis.participants.count) organisations; ",
                              "\(map.participants.count) ffurflen gan \(report.analysis.participants.count) sefydliad; ")
        intro += w("\(map.rows.count) activities, of which \(pilots.count) pilots; \(report.newInitiatives.count) of them better called new initiatives (\(escape(report.newInitiativeRule))). ",
                   "\(map.rows.count) gweithgaredd, gan gynnwys \(pilots.count) peilot; gwell galw \(report.newInitiatives.count) ohonynt yn fentrau newydd (\(escape(report.newInitiativeRule))). ")
        intro += w("Counts of people below \(report.cells.threshold) are shown as “&lt;\(report.cells.threshold)”",
                   "Dangosir cyfrifon o bobl o dan \(report.cells.threshold) fel “&lt;\(report.cells.threshold)”")
        intro += report.cells.protects(.organisations) ? w(", and so are counts of organisations, whose names are masked", ", a chyfrifon o sefydliadau hefyd, gan fod eu henwau wedi'u cuddio")
            : w("; organisations are named, so their counts are given in full", "; enwir y sefydliadau, felly rhoddir eu cyfrifon yn llawn")
        if report.cells.protects(.activities) {
            intro += w("; small counts of activities are hidden too, and their bars hatched at the threshold's length",
                       "; cuddir cyfrifon bach o weithgareddau hefyd, a lliwir eu barrau â llinellau hyd at y trothwy")
        }
        html.write("<h2>\(w("Summary", "Crynodeb"))</h2>\n" + intro + ".</p>\n")
        html.write("<h2>\(w("Methods", "Dulliau"))</h2>\n<p>\(escape(report.methods))</p>\n")
        func section(_ name: String) {
            guard let table = report.table(name).map(report.localised) else { return }
            html.write("<h2>\(escape(table.title))</h2>\n")
            write(isInternal ? table : table.publicView(), to: html, none: w("None.", "Dim."), language: report.language)
        }
        section("sectors")

        for (title, approaches) in [(w("Approaches", "Ymagweddau"), report.analysis.approaches),
                                    (w("Other approaches named", "Ymagweddau eraill a enwyd"), report.analysis.otherApproaches)] {
            html.write("<h2>\(title)</h2>\n")
            guard !approaches.isEmpty else { html.write("<p>\(w("None.", "Dim."))</p>\n"); continue }
            html.write("<ul>\n")
            for approach in approaches {
                let list = approach.participants.map { $0.extent.isEmpty ? escape($0.organisation) : "\(escape($0.organisation)) (\(escape($0.extent)))" }
                html.write("<li><strong>\(escape(approach.name))</strong> (\(approach.participants.count)): \(list.joined(separator: "; "))</li>\n")
            }
            html.write("</ul>\n")
        }

        html.write("<h2>\(w("Activities by theme and organisation type", "Gweithgareddau yn ôl thema a math o sefydliad"))</h2>\n")
        html.write("<figure>\(themeChart(report))<figcaption>\(w("Activities reported under each theme, by type of organisation; the table after it gives the numbers.", "Y gweithgareddau a adroddwyd o dan bob thema, yn ôl math o sefydliad; mae'r tabl ar ei ôl yn rhoi'r niferoedd."))</figcaption></figure>\n")
        section("counts")

        html.write("<h2>\(w("Local authorities", "Awdurdodau lleol"))</h2>\n")
        if report.cells.organisationsMasked {
            html.write("<p>\(w("No map is drawn: organisations are masked, and a map would name them.", "Ni luniwyd map: mae'r sefydliadau wedi'u cuddio, a byddai map yn eu henwi."))</p>\n")
        } else {
            let caption = report.language == .cy
                ? "Y gweithgareddau a adroddwyd gan bob un o 22 awdurdod lleol Cymru; <span lang=\"en\">activities reported by each of Wales's 22 local authorities</span>. Mae'r tabl ar ei ôl yn rhoi'r niferoedd."
                : "Activities reported by each of Wales's 22 local authorities; <span lang=\"cy\">gweithgareddau a adroddwyd gan bob un o 22 awdurdod lleol Cymru</span>. The table after it gives the numbers."
            html.write("<figure>\(WalesMap.svg(report.map, cells: report.cells))<figcaption>\(caption)</figcaption></figure>\n")
            write(report.localised(WalesMap.table(report.map, cells: report.cells)), to: html, none: w("None.", "Dim."))
        }

        html.write("<h2>\(w("Pilots and new initiatives", "Peilotau a mentrau newydd"))</h2>\n")
        html.write("<figure>\(flagChart(report))<figcaption>\(w("Pilots lacking a defined timescale or an evaluation; each is described below.", "Peilotau heb amserlen wedi'i diffinio neu heb werthuso; disgrifir pob un isod."))</figcaption></figure>\n")
        let described = report.pilotDescriptions
        if described.isEmpty {
            html.write("<p>\(w("No pilot was reported.", "Ni adroddwyd unrhyw beilot."))</p>\n")
        } else {
            html.write("<ul>\n")
            for pilot in described {
                // A name from a return written in the other language is marked as such, for screen readers.
                let marked = pilot.language != report.language ? " lang=\"\(pilot.language.rawValue)\"" : ""
                html.write("<li><strong\(marked)>\(escape(pilot.name))</strong> (\(escape(pilot.organisation))): \(escape(pilot.text))</li>\n")
            }
            html.write("</ul>\n")
        }
        if isInternal {
            let flaggedRows = pilots.filter { report.newInitiatives.contains($0.id) }
            html.write("<h3>New initiatives, with their sources</h3>\n")
            html.write("<table><thead><tr><th>Organisation</th><th>Pilot</th><th>Why</th><th>Source</th></tr></thead><tbody>\n")
            for row in flaggedRows {
                let reasons = (flagged[row.id] ?? []).map { "<span class=\"flag\">\(escape($0.message))</span>: \(escape($0.reason ?? ""))" }
                let provenance = row.activity.provenance
                html.write("<tr><td>\(escape(row.organisation.name))</td><td>\(escape(row.activity.name))</td><td>\(reasons.joined(separator: "<br>"))</td>"
                    + "<td>\(escape(provenance.file)):\(provenance.line)\(provenance.endLine.map { "–\($0)" } ?? "")</td></tr>\n")
            }
            html.write("</tbody></table>\n")
        }
        for name in ["coverage", "evaluation", "partnerships", "findings", "participants", "matrix", "pilots", "coding"] { section(name) }
        html.write("<p class=\"note\">\(w("Made by datamap from anonymised records. No participant is named; organisations are.", "Gwnaed gan datamap o gofnodion dienw. Nid enwir unrhyw gyfranogwr; enwir y sefydliadau."))</p>\n</main>\n</body></html>\n")
    }

    static func write(_ table: ReportTable, to html: OutputSink, none: String = "None.", language: Language = .en) {
        guard table.count > 0 else { return html.write("<p>\(none)</p>\n") }
        let written = Set(table.columns.indices.filter { ReportTable.writtenColumns.contains(table.columns[$0]) })
        html.write("<table><thead><tr>" + table.columns.map { "<th>\(escape($0.replacingOccurrences(of: "_", with: " ")))</th>" }.joined()
            + "</tr></thead><tbody>\n")
        for (index, row) in table.rows.enumerated() {
            html.write("<tr>")
            let other = table.rowLanguage.map { $0(index) }.flatMap { $0 != language ? $0 : nil }
            for (column, value) in row.enumerated() {
                html.write(other != nil && written.contains(column) ? "<td lang=\"\(other!.rawValue)\">" : "<td>")
                html.write(escape(value))
                html.write("</td>")
            }
            html.write("</tr>\n")
        }
        html.write("</tbody></table>\n")
    }

    /// Horizontal stacked bars: one bar per theme, one segment per organisation type.
    static func themeChart(_ report: Report) -> String {
        let counts = report.analysis.counts
        let types = OrganisationType.allCases.filter { type in counts.contains { $0.type == type } }
        let totals = Theme.allCases.map { theme in counts.filter { $0.theme == theme }.reduce(0) { $0 + $1.activities } }
        let drawn = { (count: Int) in report.cells.isSmall(count, .activities) ? report.cells.threshold : count }
        let maximum = max(Theme.allCases.map { theme in counts.filter { $0.theme == theme }.reduce(0) { $0 + drawn($1.activities) } }.max() ?? 1, 1)
        let labelWidth = 330.0, barWidth = 560.0, rowHeight = 30.0
        let height = Double(Theme.allCases.count) * rowHeight + 30 + Double((types.count + 2) / 3) * 22
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"\(Int(height))\" viewBox=\"0 0 960 \(Int(height))\" role=\"img\" aria-label=\"\(report.w("Activities by theme and organisation type", "Gweithgareddau yn ôl thema a math o sefydliad"))\">"
            + smallCellPattern("small-theme")
        for (row, theme) in Theme.allCases.enumerated() {
            let y = Double(row) * rowHeight + 10
            svg += "<text x=\"\(Int(labelWidth - 8))\" y=\"\(Int(y + 17))\" text-anchor=\"end\" font-size=\"13\">\(escape(report.language == .cy ? theme.labelCy : theme.label))</text>"
            var x = labelWidth
            for (typeIndex, type) in OrganisationType.allCases.enumerated() {
                guard let count = counts.first(where: { $0.type == type && $0.theme == theme })?.activities else { continue }
                let width = barWidth * Double(drawn(count)) / Double(maximum)
                svg += "<rect x=\"\(format(x))\" y=\"\(Int(y + 4))\" width=\"\(format(width))\" height=\"20\" fill=\"\(palette[typeIndex])\">"
                    + "<title>\(escape(report.language == .cy ? type.labelCy : type.label)): \(report.cells.show(count, .activities))</title></rect>"
                if report.cells.isSmall(count, .activities) {
                    svg += "<rect x=\"\(format(x))\" y=\"\(Int(y + 4))\" width=\"\(format(width))\" height=\"20\" fill=\"url(#small-theme)\"/>"
                }
                x += width
            }
            svg += "<text x=\"\(format(x + 6))\" y=\"\(Int(y + 19))\" font-size=\"12\">\(report.cells.show(totals[row], .activities))</text>"
        }
        let legendTop = Double(Theme.allCases.count) * rowHeight + 24
        for (index, type) in types.enumerated() {
            let x = 20.0 + Double(index % 3) * 310, y = legendTop + Double(index / 3) * 22
            let colour = palette[OrganisationType.allCases.firstIndex(of: type) ?? 0]
            svg += "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"14\" height=\"14\" fill=\"\(colour)\"/>"
                + "<text x=\"\(Int(x + 20))\" y=\"\(Int(y + 12))\" font-size=\"12\">\(escape(report.language == .cy ? type.labelCy : type.label))</text>"
        }
        return svg + "</svg>"
    }

    /// One bar per flag combination.
    static func flagChart(_ report: Report) -> String {
        let flags = report.pilotFlags
        var buckets: [(String, Int, String)] = [
            (report.w("Proper pilot: timescale and evaluation", "Peilot go iawn: amserlen a gwerthuso"), 0, "#2e9e5b"),
            (report.w("No defined timescale only", "Dim amserlen wedi'i diffinio yn unig"), 0, "#e07a1f"),
            (report.w("No evaluation only", "Dim gwerthuso yn unig"), 0, "#d4a017"),
            (report.w("Neither timescale nor evaluation", "Dim amserlen na gwerthuso"), 0, "#c23b3b"),
        ]
        for row in report.map.rows where row.activity.kind == .pilot {
            let rules = Set((flags[row.id] ?? []).map(\.rule))
            let index = switch (rules.contains("pilot-missing-timescale"), rules.contains("pilot-missing-evaluation")) {
            case (false, false): 0
            case (true, false): 1
            case (false, true): 2
            case (true, true): 3
            }
            buckets[index].1 += 1
        }
        let drawn = { (count: Int) in report.cells.isSmall(count, .activities) ? report.cells.threshold : count }
        let maximum = max(buckets.map { drawn($0.1) }.max() ?? 1, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"150\" viewBox=\"0 0 960 150\" role=\"img\" aria-label=\"\(report.w("Pilots by flag", "Peilotau yn ôl baner"))\">"
            + smallCellPattern("small-flags")
        for (index, bucket) in buckets.enumerated() {
            let y = Double(index) * 34 + 8
            let width = 560.0 * Double(drawn(bucket.1)) / Double(maximum)
            svg += "<text x=\"322\" y=\"\(Int(y + 17))\" text-anchor=\"end\" font-size=\"13\">\(escape(bucket.0))</text>"
                + "<rect x=\"330\" y=\"\(Int(y + 4))\" width=\"\(format(width))\" height=\"20\" fill=\"\(bucket.2)\"/>"
                + (report.cells.isSmall(bucket.1, .activities) ? "<rect x=\"330\" y=\"\(Int(y + 4))\" width=\"\(format(width))\" height=\"20\" fill=\"url(#small-flags)\"/>" : "")
                + "<text x=\"\(format(336 + width))\" y=\"\(Int(y + 19))\" font-size=\"12\">\(report.cells.show(bucket.1, .activities))</text>"
        }
        return svg + "</svg>"
    }

    /// Hatching over a bar whose count is below the small-cell threshold: it is drawn at the
    /// threshold's length, so the chart no more reveals the true count than the table does.
    static func smallCellPattern(_ id: String) -> String { "<defs><pattern id=\"\(id)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
        + "<rect width=\"3\" height=\"6\" fill=\"#ffffff\" fill-opacity=\"0.55\"/></pattern></defs>" }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        // Most text has nothing to escape; the rest only ASCII to replace, so bytes suffice.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// `outbox/summary.md`: the headline findings in words, ready to paste into a report.
public enum MarkdownSummary {
    public static func render(_ report: Report) -> Data { OutputSink.collect { write(report, to: $0) } }

    /// Text from returns as Markdown shows it literally: every character Markdown or HTML could
    /// act on is escaped, so `<script>`, `![p](http://…)` or `[x](javascript:…)` in an organisation's
    /// name is printed, never rendered or followed, and a line break cannot start a new block.
    public static func escape(_ value: String) -> String {
        value.utf8.allSatisfy({ $0 < 0x80 }) ? asciiEscape(value) : characterEscape(value)
    }

    static func characterEscape(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.count)
        for character in value {
            switch character {
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "!", "|", "~":
                result.append("\\")
                result.append(character)
            // Angle brackets as entities: a viewer that passes HTML through still shows them as text.
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r", "\t": result.append(" ")
            default:
                if character.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control }) { continue }
                result.append(character)
            }
        }
        return result
    }

    /// `escape` for ASCII text, byte by byte: the same marks, where a character's category
    /// lookup for each letter of every row showed in the build's profile. "\r\n" is one
    /// character of control codes, so it goes, as in `escape`.
    static func asciiEscape(_ value: String) -> String {
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x0D where index < bytes.count && bytes[index] == 0x0A: index += 1
            case 0x5C, 0x60, 0x2A, 0x5F, 0x7B, 0x7D, 0x5B, 0x5D, 0x28, 0x29, 0x23, 0x2B, 0x21, 0x7C, 0x7E: out += [0x5C, byte]
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x26: out += Array("&amp;".utf8)
            case 0x0A, 0x0D, 0x09: out.append(0x20)
            case 0x00..<0x20, 0x7F: continue
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func write(_ report: Report, to text: OutputSink) {
        let cells = report.cells
        let e = escape
        let w = report.w
        let cy = report.language == .cy
        text.write(w("# Data map summary\n\n", "# Crynodeb y map data\n\n"))
        let pilots = report.map.rows.filter { $0.activity.kind == .pilot }
        let flagged = report.pilotFlags.filter { report.newInitiatives.contains($0.key) }
        text.write(w("- \(report.map.participants.count) returns from \(report.analysis.participants.count) organisations.\n",
                     "- \(report.map.participants.count) ffurflen gan \(report.analysis.participants.count) sefydliad.\n"))
        text.write(w("- \(report.map.rows.count) activities, of which \(pilots.count) are reported as pilots.\n",
                     "- \(report.map.rows.count) gweithgaredd, gyda \(pilots.count) ohonynt wedi'u hadrodd fel peilotau.\n"))
        text.write(w("- \(flagged.count) of those pilots have \(report.newInitiativeRule): better called new initiatives.\n",
                     "- Gwell galw \(flagged.count) o'r peilotau hynny yn fentrau newydd (\(report.newInitiativeRule)).\n"))
        let coding = report.coding
        text.write(w("- Coding review: \(coding.coded) activities checked by a coder (\(coding.confirmed) confirmed, \(coding.corrected) corrected, "
                     + "\(coding.added) added; \(coding.rejected) rejected and left out); \(coding.extracted) still as the reader found them, unchecked.\n\n",
                     "- Adolygiad codio: \(coding.coded) gweithgaredd wedi'u gwirio gan godiwr (\(coding.confirmed) wedi'u cadarnhau, \(coding.corrected) wedi'u cywiro, "
                     + "\(coding.added) wedi'u hychwanegu; \(coding.rejected) wedi'u gwrthod a'u gadael allan); \(coding.extracted) heb eu gwirio, fel y'u darllenwyd.\n\n"))
        text.write(w("## Methods\n\n", "## Dulliau\n\n") + e(report.methods) + "\n\n")
        text.write(w("## Approaches\n\n", "## Ymagweddau\n\n"))
        for approach in report.analysis.approaches {
            let list = approach.participants.map { $0.extent.isEmpty ? e($0.organisation) : "\(e($0.organisation)) (\(e($0.extent)))" }
            text.write("- **\(e(approach.name))**: \(list.joined(separator: "; "))\n")
        }
        text.write(w("\n## Pilot coverage\n\n", "\n## Cwmpas y peilotau\n\n"))
        for coverage in report.analysis.coverage {
            let hide = cells.isSmall(coverage.withPilot, .organisations) || cells.isSmall(coverage.organisations - coverage.withPilot, .organisations)
                || cells.isSmall(coverage.organisations, .organisations)
            let type = cy ? coverage.type.labelCy : coverage.type.label
            var line = "- \(type): " + (hide ? w("numbers too small to give, of \(cells.show(coverage.organisations, .organisations)) organisations,",
                                                 "niferoedd rhy fach i'w rhoi, o \(cells.show(coverage.organisations, .organisations)) sefydliad,")
                : cells.share(coverage.withPilot, of: coverage.organisations, .organisations, language: report.language))
                + w(" reported at least one pilot", " wedi adrodd o leiaf un peilot")
            if !hide, !coverage.withoutPilot.isEmpty { line += w("; not: ", "; nid: ") + coverage.withoutPilot.map(e).joined(separator: ", ") }
            text.write(line + ".\n")
        }
        text.write(w("\n## Pilot evaluation by sector\n\n", "\n## Gwerthuso peilotau fesul sector\n\n"))
        for share in report.analysis.evaluation {
            let type = cy ? share.type.labelCy : share.type.label
            text.write("- \(type): \(cells.share(share.evaluated, of: share.pilots, .activities, language: report.language))"
                       + w(" pilots have a defined evaluation.\n", " peilot â gwerthusiad wedi'i ddiffinio.\n"))
        }
        text.write(w("\n## Pilots and new initiatives\n\n", "\n## Peilotau a mentrau newydd\n\n"))
        let described = report.pilotDescriptions
        for pilot in described {
            text.write("- **\(e(pilot.name))** (\(e(pilot.organisation))): \(e(pilot.text))\n")
        }
        if described.isEmpty { text.write(w("No pilot was reported.\n", "Ni adroddwyd unrhyw beilot.\n")) }
    }
}
