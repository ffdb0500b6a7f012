import Foundation

/// Reads the dates people write in UK and Welsh letters, emails and reports: "8 May 2018",
/// "8th May 2018", "Wednesday, 2 May 2018", "May 8, 2018", "May 2018", "08.05.18", "02/03/18",
/// "8 Mai 2018", "20 Chwefror / February 2018", and OCR's "5th Feb 20l8".
///
/// Numeric dates are day first, as in the UK. A date that names an impossible day is not read:
/// a wrong date published is worse than none.
public enum DateReader {
    /// English and Welsh month names and their usual short forms, with Welsh soft and nasal
    /// mutations ("o Fawrth", "ym Mehefin" keep the radical here; "Fawrth" and "Ngorffennaf" do not).
    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let english = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                       "october", "november", "december"]
        let welsh = [["ionawr"], ["chwefror"], ["mawrth", "fawrth"], ["ebrill"], ["mai", "fai"], ["mehefin", "fehefin"],
                     ["gorffennaf", "orffennaf", "ngorffennaf"], ["awst"], ["medi", "fedi"], ["hydref"],
                     ["tachwedd", "dachwedd", "nhachwedd"], ["rhagfyr"]]
        for (index, name) in english.enumerated() {
            table[name] = index + 1
            table[String(name.prefix(3))] = index + 1
        }
        table["sept"] = 9
        for (index, names) in welsh.enumerated() { for name in names { table[name] = index + 1 } }
        return table
    }()

    /// Words that may stand before or inside a date and say nothing about which day it is.
    static let fillers: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "dydd", "llun", "mawrth", "mercher", "iau", "gwener", "sadwrn", "sul", "the", "of", "mis", "fis", "on", "at", "ar",
    ]

    /// The date a short text holds, or nil. The text should be the date and little else: a header
    /// value, a dateline, or the tail of a title.
    public static func date(in text: String) -> PartialDate? {
        let cleaned = repairOCR(text)
        if let numeric = numericDate(cleaned) { return numeric }
        return wordDate(cleaned)
    }

    /// True when a whole line is a date and nothing more ("28 February 2018", "Mai / May 2019").
    public static func isDateLine(_ line: String) -> Bool {
        let words = tokens(line)
        guard !words.isEmpty, words.count <= 8, date(in: line) != nil else { return false }
        return words.allSatisfy { word in
            months[word] != nil || fillers.contains(word) || Int(stripOrdinal(word)) != nil
        }
    }

    /// OCR reads 1 as l or I and 0 as O inside numbers: "20l8", "2O18".
    static func repairOCR(_ text: String) -> String {
        guard text.contains(where: { "lIO".contains($0) }) else { return text }
        var words: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let digits = word.filter(\.isNumber).count
            if digits >= 2, word.allSatisfy({ $0.isNumber || "lIO".contains($0) }) {
                words.append(String(word.map { $0 == "O" ? "0" : ($0 == "l" || $0 == "I" ? "1" : $0) }))
            } else {
                words.append(String(word))
            }
        }
        return words.joined(separator: " ")
    }

    static func tokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// "8th" → "8", "2il" → "2", "8fed" → "8" (English and Welsh ordinal endings).
    static func stripOrdinal(_ word: String) -> String {
        for suffix in ["st", "nd", "rd", "th", "af", "il", "ydd", "fed", "ed", "eg", "ain", "on"] where word.hasSuffix(suffix) {
            let stem = word.dropLast(suffix.count)
            if !stem.isEmpty, stem.allSatisfy(\.isNumber) { return String(stem) }
        }
        return word
    }

    /// Four-digit years as written; two-digit years in this century up to 69, as people mean them.
    static func year(_ text: Substring) -> Int? {
        guard let value = Int(text) else { return nil }
        if text.count == 4, (1900...2099).contains(value) { return value }
        if text.count == 2 { return value < 70 ? 2000 + value : 1900 + value }
        return nil
    }

    static func calendarDate(year: Int, month: Int, day: Int?) -> PartialDate? {
        guard (1...12).contains(month) else { return nil }
        let date = PartialDate(year: year, month: month, day: day)
        return date.isOnTheCalendar ? date : nil
    }

    nonisolated(unsafe) static let iso = #/(?:^|[^\d])(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)/#
    nonisolated(unsafe) static let dayMonthYear = #/(?:^|[^\d/.-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])/#
    nonisolated(unsafe) static let monthYear = #/(?:^|[^\d/.-])(\d{1,2})/(\d{4})(?![\d/.-])/#

    static func numericDate(_ text: String) -> PartialDate? {
        if let match = text.firstMatch(of: iso), let year = year(match.1), let month = Int(match.2) {
            return calendarDate(year: year, month: month, day: match.3.flatMap { Int($0) })
        }
        if let match = text.firstMatch(of: dayMonthYear), let day = Int(match.1), let month = Int(match.3), let year = year(match.4) {
            return calendarDate(year: year, month: month, day: day)
        }
        if let match = text.firstMatch(of: monthYear), let month = Int(match.1), let year = year(match.2) {
            return calendarDate(year: year, month: month, day: nil)
        }
        return nil
    }

    /// "2 May 2018", "May 2, 2018", "May 2018", "Mai / May 2019": a month name with a year after
    /// it, and a day beside the month when one is written.
    static func wordDate(_ text: String) -> PartialDate? {
        let words = tokens(text)
        for (index, word) in words.enumerated() {
            guard let month = months[word], !(fillers.contains(word) && index + 1 < words.count && months[words[index + 1]] != nil) else {
                continue
            }
            // The year is the next four-digit number within a few words ("May 8, 2018"; "Chwefror / February 2018").
            var yearValue: Int?
            var yearIndex = index
            for next in words.indices.dropFirst(index + 1).prefix(4) {
                let candidate = Substring(words[next])
                if candidate.count == 4, let value = year(candidate) { yearValue = value; yearIndex = next; break }
                if months[words[next]] == nil, Int(stripOrdinal(words[next])) == nil, !fillers.contains(words[next]) { break }
            }
            guard let yearValue else { continue }
            var day: Int?
            if index > 0, let before = Int(stripOrdinal(words[index - 1])), (1...31).contains(before) {
                day = before
            } else if yearIndex > index + 1, let after = Int(stripOrdinal(words[index + 1])), (1...31).contains(after), words[index + 1].count <= 4 {
                day = after
            } else if index > 1, months[words[index - 1]] != nil, let before = Int(stripOrdinal(words[index - 2])), (1...31).contains(before) {
                day = before  // "20 Chwefror / February 2018": the day stands before the first of two names
            }
            if let date = calendarDate(year: yearValue, month: month, day: day) { return date }
            return nil
        }
        return nil
    }
}
