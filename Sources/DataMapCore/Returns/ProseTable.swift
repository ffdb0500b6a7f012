import Foundation

/// Tables in a return: pipe tables (Markdown, or a Word table's rows), and tab-separated rows
/// pasted from a spreadsheet. A table of projects ("Project | Status | Start | End | Evaluation")
/// is a list of activities, one per row, each value under its column's header.
public enum ProseTable {
    /// The cells of a table row, or nil when the line is not one.
    public static func cells(_ line: String) -> [String]? {
        let trimmed = line.trimmingSpace
        if trimmed.hasPrefix("|"), trimmed.dropFirst().contains("|") {
            var inner = Substring(trimmed.dropFirst())
            if inner.hasSuffix("|") { inner = inner.dropLast() }
            return inner.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpace }
        }
        if line.contains("\t") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).trimmingSpace }
            // "Date:<tab>12 March 2018" is a field set out with a tab, not a table's row.
            if parts.first?.hasSuffix(":") == true { return nil }
            if parts.filter({ !$0.isEmpty }).count >= 2 { return parts }
        }
        return nil
    }

    /// "|---|:---:|" under a Markdown header.
    static func isRule(_ cells: [String]) -> Bool {
        cells.allSatisfy { cell in !cell.isEmpty && cell.allSatisfy { $0 == "-" || $0 == ":" || $0 == " " } }
    }

    /// What a column holds, by its header's words.
    enum Column: Equatable {
        case name, start, end, dates, duration, evaluation, status, partners, other(String)
    }

    static func column(_ header: String) -> Column {
        let words = Set(canonicalKey(header).split(separator: " ").map(String.init))
        func has(_ list: [String]) -> Bool { !words.isDisjoint(with: list) }
        if has(["project", "projects", "name", "activity", "initiative", "service", "programme", "pilot", "scheme", "model",
                "prosiect", "enw", "gwasanaeth", "cynllun", "rhaglen"]) { return .name }
        if has(["start", "started", "began", "begin", "from", "dechrau", "launched"]) { return .start }
        if has(["end", "ends", "until", "finish", "diwedd", "to"]) { return .end }
        if has(["dates", "date", "when", "timescale", "timeline", "dyddiadau"]) { return .dates }
        if has(["duration", "length", "period", "hyd"]) { return .duration }
        if has(["evaluation", "evaluated", "evaluator", "gwerthuso", "gwerthusiad", "outcomes", "measures"]) { return .evaluation }
        if has(["status", "type", "kind", "stage", "statws", "math"]) { return .status }
        if has(["lead", "partners", "partner", "with", "owner", "partneriaid", "arweinydd"]) { return .partners }
        return .other(header)
    }

    /// A table is a list of activities when a column names them, or its columns are an activity's
    /// facts (start, end, evaluation, status); a table of counts by area is not.
    static func isActivityTable(_ header: [String]) -> Bool {
        let columns = header.map(column)
        if columns.first == .name { return true }
        let facts = columns.filter { [.start, .end, .dates, .duration, .evaluation, .status].contains($0) }.count
        return facts >= 2
    }

    /// A row said in the words the phrase readers know, with its name first: "Kinship Hub. It
    /// started in Feb 2018. Its evaluation: carer feedback." Values nobody gave ("–", "tbc") are left out.
    static func sentence(_ row: [String], header: [String]) -> (name: String, text: String)? {
        let columns = header.map(column)
        let nameIndex = columns.firstIndex(of: .name) ?? 0
        guard nameIndex < row.count else { return nil }
        var name = ProseBlocks.clean(row[nameIndex])
        // "Family Help at Home (pilot)": the bracket says what it is, not what it is called.
        var bracketedPilot = false
        if let open = name.lastIndex(of: "("), name.hasSuffix(")"),
           ["pilot", "trial", "peilot", "pilot project", "test of change"].contains(name[name.index(after: open)..<name.index(before: name.endIndex)].lowercased()) {
            name = String(name[..<open]).trimmingSpace
            bracketedPilot = true
        }
        guard !name.isEmpty else { return nil }
        var parts = [name.hasSuffix(".") ? String(name.dropLast()) : name]
        if bracketedPilot { parts.append("It is a pilot") }
        // A column headed "Pilot" or "Pilots" lists pilots.
        if nameIndex < header.count, ["pilot", "pilots", "peilot", "peilotau", "trial", "trials"].contains(header[nameIndex].lowercased().trimmingSpace) {
            parts.append("It is a pilot")
        }
        let unknown: Set<String> = ["", "-", "–", "—", "n/a", "na", "tbc", "tbd", "unknown", "?", "ongoing", "not known"]
        for (index, value) in row.enumerated() where index != nameIndex && index < columns.count {
            let cell = ProseBlocks.clean(value)
            let lower = cell.lowercased()
            // "None yet", "Not set", "No end date": a cell that says there is nothing.
            let missing = unknown.contains(lower) || lower.hasPrefix("none") || lower.hasPrefix("not ") || lower.hasPrefix("no ")
                || lower == "no" || lower.hasPrefix("dim ") || lower.hasPrefix("heb ")
            switch columns[index] {
            case .name: continue
            case .start: if !missing { parts.append("It started in \(cell)") }
            case .end: if !missing { parts.append("It runs until \(cell)") }
            case .duration: if !missing { parts.append("It runs for \(cell)") }
            case .dates:
                guard !missing else { continue }
                // "Oct 2017 – Sep 2019" is a start and an end; "From Jan 2018" a start alone.
                let pieces = cell.components(separatedBy: CharacterSet(charactersIn: "–—")).flatMap { $0.components(separatedBy: " - ") }
                    .map(\.trimmingSpace).filter { !$0.isEmpty }
                if pieces.count == 2 {
                    parts.append("It runs from \(pieces[0]) to \(pieces[1])")
                } else if lower.hasPrefix("from ") || lower.hasPrefix("since ") {
                    parts.append("It started \(lower.hasPrefix("from ") ? "in " + cell.dropFirst(5) : cell)")
                } else {
                    parts.append("Dates: \(cell)")
                }
            case .evaluation:
                if missing {
                    parts.append("There is no formal evaluation")
                } else {
                    parts.append("Its evaluation: \(cell)")
                }
            case .status: if !missing { parts.append(lower.contains("pilot") ? "It is a pilot" : "Status: \(cell)") }
            case .partners: if !missing { parts.append("Led with \(cell)") }
            case .other(let header): if !missing { parts.append("\(header): \(cell)") }
            }
        }
        return (name, parts.joined(separator: ". ") + ".")
    }
}
