import Foundation

/// What a printed page puts around its text: a running header or footer repeated on every page
/// ("Director of Social Services Annual Report 2017/18   Page 11 of 40", "OFFICIAL") and page
/// numbers ("Page 3 of 11", "- 4 -"). Text pasted or scanned from a report carries them into the
/// middle of its paragraphs. They are blanked, not removed, so every other line keeps its number.
public enum PageFurniture {
    nonisolated(unsafe) static let pageNumber = #/^(?i:page|tudalen)\s+\d{1,4}(?:\s+(?i:of|o)\s+\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$|^\d{1,4}\s*/\s*\d{1,4}$/#
    nonisolated(unsafe) static let trailingPage = #/\s{2,}(?i:page|tudalen)\s+\d{1,4}(?:\s+(?i:of|o)\s+\d{1,4})?$/#

    public static func blankOut(_ lines: [String]) -> [String] {
        var counts: [String: Int] = [:]
        let keys = lines.map(key)
        for key in keys where !key.isEmpty { counts[key, default: 0] += 1 }
        return zip(lines, keys).map { line, key in
            let trimmed = line.trimmingSpace
            // The patterns run only on lines that could hold a page number: a digit, and either
            // short or holding "page"/"tudalen".
            if trimmed.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                if trimmed.utf8.count <= 24, trimmed.wholeMatch(of: pageNumber) != nil { return "" }
                let bytes = LineBytes(Substring(trimmed), lowercased: true)
                if bytes.has("page ") || bytes.has("tudalen "), trimmed.firstMatch(of: trailingPage) != nil { return "" }
            }
            // A line repeated on three or more pages is the page's, not the author's.
            if !key.isEmpty, counts[key, default: 0] >= 3 { return "" }
            return line
        }
    }

    /// A line as a running header repeats it: digits folded (page numbers change), spaces squeezed.
    /// Lines that could be content repeated on purpose (list items, table rows, rules, a word or two
    /// of a form) give no key, so they are never blanked for repeating.
    static func key(_ line: String) -> String {
        let trimmed = line.trimmingSpace
        guard trimmed.count >= 6, trimmed.count <= 120, !trimmed.contains("|"), !trimmed.contains("\t"),
              let first = trimmed.first, first.isLetter || first.isNumber else { return "" }
        if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.allSatisfy({ $0 == "_" || $0 == "-" || $0 == "=" }) { return "" }
        // A sub-heading repeated under each project ("Evaluation") is structure, not furniture: one
        // word counts only in capitals, as a protective marking is written ("OFFICIAL").
        let letters = trimmed.filter(\.isLetter)
        guard trimmed.contains(where: \.isUppercase),
              trimmed.split(separator: " ").count >= 3 || (!letters.isEmpty && letters.allSatisfy(\.isUppercase)) else { return "" }
        var result = ""
        var lastSpace = false
        for character in trimmed {
            if character.isNumber { result.append("#"); lastSpace = false } else if character.isWhitespace {
                if !lastSpace { result.append(" ") }
                lastSpace = true
            } else { result.append(character); lastSpace = false }
        }
        return result
    }
}
