import Foundation

/// One unit of a text return: a heading, a list item or a paragraph, with the lines it spans.
public struct ProseBlock: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Markdown `#` depth, 7 for a line that is only bold text, 8 for a plain-text title line.
        case heading(level: Int)
        case listItem
        case paragraph
        case field(name: String)
    }

    public var kind: Kind
    /// Markup removed: no `#`, list markers or emphasis.
    public var text: String
    /// "1" for "1. Housing" or "- 1. Housing"; nil when unnumbered.
    public var number: Int?
    public var line: Int
    public var endLine: Int
    /// Where each source line after the first begins in `text`, in characters, so a phrase can
    /// be traced to its line.
    public var lineBreaks: [Int] = []
    /// For a row of a table of activities: the activity its name column gives.
    public var tableName: String?

    /// The source line holding character `offset` of `text`.
    public func line(at offset: Int) -> Int {
        line + lineBreaks.prefix { $0 <= offset }.count
    }

    public var isHeading: Bool { if case .heading = kind { true } else { false } }
    public var headingLevel: Int? { if case .heading(let level) = kind { level } else { nil } }
}

/// Splits decoded lines into blocks. It is forgiving on purpose: text pasted out of PDFs and
/// word processors mixes Markdown, bold-only headings and stray emphasis.
public enum ProseBlocks {
    /// - Parameter paragraphPerLine: true for text taken from Word, where each line is a whole paragraph.
    public static func parse(_ lines: [String], paragraphPerLine: Bool = false) -> [ProseBlock] {
        var blocks: [ProseBlock] = []
        var paragraph: [String] = []
        var paragraphStart = 0
        var paragraphEnd = 0
        var inFence = false
        /// The character count of the last block's text while it is a list item taking continuations.
        var listLength = 0
        /// The table being read: its header, whether its rows are activities, and its last line.
        var tableHeader: [String]?
        var tableOfActivities = false
        var lastTableLine = -1

        func flush() {
            guard !paragraph.isEmpty else { return }
            var text = ""
            var breaks: [Int] = []
            // Lengths are kept as they grow: asking a String its count walks it, and doing that
            // per line made a long paragraph quadratic.
            var length = 0
            for (offset, line) in paragraph.enumerated() {
                let cleaned = clean(line)
                // A word broken over a line by a scan or a narrow column ("possi-⏎ble", "CHILD-⏎REN")
                // is mended: the hyphen goes and the halves join.
                if offset > 0, text.hasSuffix("-"), text.dropLast().last?.isLetter == true, let next = cleaned.first,
                   next.isLowercase || (next.isUppercase && text.dropLast().last?.isUppercase == true) {
                    text.removeLast()
                    length -= 1
                    breaks.append(length)
                } else if offset > 0 {
                    text += " "; length += 1; breaks.append(length)
                }
                text += cleaned
                length += cleaned.count
            }
            if !text.isEmpty {
                var block = ProseBlock(kind: .paragraph, text: text, number: leadingNumber(text)?.0, line: paragraphStart,
                                       endLine: paragraphEnd)
                block.lineBreaks = breaks
                blocks.append(block)
            }
            paragraph = []
        }

        for (index, raw) in lines.enumerated() {
            let number = index + 1
            let line = raw.trimmingSpace
            if line.hasPrefix("```") { flush(); inFence.toggle(); continue }
            if inFence { continue }
            if let cells = ProseTable.cells(raw) {
                flush()
                defer { lastTableLine = number }
                if tableHeader == nil || lastTableLine != number - 1 {
                    tableHeader = cells
                    tableOfActivities = ProseTable.isActivityTable(cells)
                    continue
                }
                if ProseTable.isRule(cells) { continue }
                if tableOfActivities, let header = tableHeader, let row = ProseTable.sentence(cells, header: header) {
                    var block = ProseBlock(kind: .listItem, text: row.text, number: nil, line: number, endLine: number)
                    block.tableName = row.name
                    blocks.append(block)
                } else {
                    // Counts by area and the like: the cells as one line, so numbers are not sentences.
                    let text = cells.map(clean).filter { !$0.isEmpty }.joined(separator: "; ")
                    if !text.isEmpty { blocks.append(ProseBlock(kind: .paragraph, text: text, number: nil, line: number, endLine: number)) }
                }
                continue
            }
            if line.isEmpty || line.hasPrefix("<!--") || isRule(line) {
                // A setext underline turns the one-line paragraph above it into a heading.
                if isRule(line), paragraph.count == 1, line.first == "=" || line.first == "-" {
                    let text = clean(paragraph[0])
                    paragraph = []
                    blocks.append(ProseBlock(kind: .heading(level: line.first == "=" ? 1 : 2), text: text,
                                             number: leadingNumber(text)?.0, line: paragraphStart, endLine: number))
                    continue
                }
                flush()
                continue
            }
            if let (level, text) = atxHeading(line) {
                flush()
                let cleaned = clean(text)
                if !cleaned.isEmpty {
                    blocks.append(ProseBlock(kind: .heading(level: level), text: cleaned, number: leadingNumber(cleaned)?.0,
                                             line: number, endLine: number))
                }
                continue
            }
            if let text = listItem(line) {
                flush()
                let cleaned = clean(text.body)
                listLength = cleaned.count
                blocks.append(ProseBlock(kind: .listItem, text: cleaned, number: text.number ?? leadingNumber(cleaned)?.0,
                                         line: number, endLine: number))
                continue
            }
            // A line in capitals ("OPERATION OF OUT OF COUNTY PLACEMENTS") is a heading, as a reader sees it.
            if !paragraphPerLine, isCapitalsHeading(line) {
                flush()
                blocks.append(ProseBlock(kind: .heading(level: 7), text: clean(line), number: leadingNumber(line)?.0,
                                         line: number, endLine: number))
                continue
            }
            // A short first line with no closing punctuation, then a sentence on the next line, is a
            // title over its paragraph ("Camau Bach / Little Steps" above "Camau Bach is a pilot…").
            if paragraph.count == 1, isTitleLine(paragraph[0]), line.first?.isUppercase == true,
               line.count > paragraph[0].count {
                let title = clean(paragraph[0])
                blocks.append(ProseBlock(kind: .heading(level: 7), text: title, number: leadingNumber(title)?.0,
                                         line: paragraphStart, endLine: paragraphStart))
                paragraph = []
            }
            if isBoldOnly(line) {
                flush()
                let cleaned = clean(line)
                blocks.append(ProseBlock(kind: .heading(level: 7), text: cleaned, number: leadingNumber(cleaned)?.0,
                                         line: number, endLine: number))
                continue
            }
            if let field = fieldLine(line) {
                flush()
                blocks.append(ProseBlock(kind: .field(name: field.name), text: field.value, number: nil, line: number, endLine: number))
                continue
            }
            // A list item's wrapped continuation lines stay with it.
            if paragraph.isEmpty, let last = blocks.last, last.kind == .listItem, last.endLine == number - 1,
               raw.first == " " || raw.first == "\t" {
                let cleaned = clean(line)
                blocks[blocks.count - 1].text += " "
                listLength += 1
                blocks[blocks.count - 1].lineBreaks.append(listLength)
                blocks[blocks.count - 1].text += cleaned
                listLength += cleaned.count
                blocks[blocks.count - 1].endLine = number
                continue
            }
            if paragraph.isEmpty { paragraphStart = number }
            paragraph.append(line)
            paragraphEnd = number
            if paragraphPerLine { flush() }
        }
        flush()
        // "2. Operation Encompass" over "2.1 Operation Encompass was introduced…": a numbered
        // title followed by prose is the section's heading, not an item of a list.
        for index in blocks.indices.dropLast() where blocks[index].kind == .listItem && blocks[index].number != nil {
            let next = blocks[index + 1]
            guard next.kind == .paragraph, blocks[index].tableName == nil, isTitleLine(blocks[index].text),
                  next.text.count > blocks[index].text.count else { continue }
            blocks[index].kind = .heading(level: 2)
        }
        return blocks
    }

    static func isRule(_ line: String) -> Bool {
        guard line.count >= 3, let first = line.first, "-=*_".contains(first) else { return false }
        return line.allSatisfy { $0 == first || $0 == " " }
    }

    static func atxHeading(_ line: String) -> (Int, String)? {
        var level = 0
        var index = line.startIndex
        while index < line.endIndex, line[index] == "#" { level += 1; index = line.index(after: index) }
        guard (1...6).contains(level), index == line.endIndex || line[index] == " " else { return nil }
        var text = String(line[index...]).trimmingSpace
        while text.hasSuffix("#") { text.removeLast() }
        return (level, text)
    }

    static func listItem(_ line: String) -> (number: Int?, body: String)? {
        if let first = line.first, "-*+•·▪–".contains(first) {
            let rest = line.dropFirst()
            guard rest.first == " " || rest.first == "\t" else { return nil }
            return (nil, String(rest).trimmingSpace)
        }
        if let (number, rest) = leadingNumber(line), !rest.isEmpty { return (number, rest) }
        return nil
    }

    /// "3. Housing", "3) Housing", "(3) Housing" → (3, "Housing").
    static func leadingNumber(_ text: String) -> (Int, String)? {
        var body = Substring(text)
        let bracketed = body.first == "("
        if bracketed { body = body.dropFirst() }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard (1...2).contains(digits.count), let number = Int(digits) else { return nil }
        body = body.dropFirst(digits.count)
        guard let mark = body.first, mark == "." || mark == ")" else { return nil }
        if bracketed && mark != ")" { return nil }
        body = body.dropFirst()
        // "1.5 million" is a number, not an item.
        guard body.first == " " || body.first == "\t" || body.isEmpty else { return nil }
        return (number, body.trimmingSpace)
    }

    /// Two or more words, every letter a capital, and no sentence punctuation at the end.
    static func isCapitalsHeading(_ line: String) -> Bool {
        let letters = line.filter(\.isLetter)
        guard letters.count >= 6, line.split(separator: " ").count >= 2, line.count <= 120 else { return false }
        guard let last = line.last, !".,;".contains(last) else { return false }
        return letters.allSatisfy { $0.isUppercase }
    }

    /// Short, unpunctuated, and not an address or a salutation: a title on a line of its own.
    static func isTitleLine(_ line: String) -> Bool {
        let words = line.split(separator: " ")
        guard (1...8).contains(words.count), line.count <= 60, let last = line.last, !".,;:!?)".contains(last),
              line.first?.isUppercase == true || line.first?.isNumber == true else { return false }
        let lower = line.lowercased()
        if ["dear ", "annwyl ", "yours ", "yn gywir", "regards", "kind regards", "best wishes"].contains(where: { lower.hasPrefix($0) }) {
            return false
        }
        // Address lines and phone lines carry commas or digits through them; a title rarely does.
        return !line.contains(",") && line.filter(\.isNumber).count <= 4
    }

    static func isBoldOnly(_ line: String) -> Bool {
        guard line.hasPrefix("**") || line.hasPrefix("__") else { return false }
        let inner = line.trimmingCharacters(in: CharacterSet(charactersIn: "*_ "))
        return !inner.isEmpty && (line.hasSuffix("**") || line.hasSuffix("__")) && !inner.contains("**")
    }

    /// `Name: value` lines: a short label of at most six words, then a colon.
    static func fieldLine(_ line: String) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let label = clean(String(line[..<colon]))
        // A hint in brackets ("Status (current / planned)") does not make a label long.
        let words = TemplateText.withoutHint(label).split(separator: " ")
        guard !label.isEmpty, words.count <= 8, label.count <= 80, !label.contains("http"),
              let first = label.first, first.isLetter, first.isUppercase else { return nil }
        let value = String(line[line.index(after: colon)...]).trimmingSpace
        // "Note: this matters a great deal." is prose; field values are short or empty.
        if words.count > 4 && !value.isEmpty && !label.hasSuffix(")") { return nil }
        return (label, clean(value))
    }

    /// Removes Markdown emphasis and link brackets, and folds runs of spaces.
    public static func clean(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        var previousSpace = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            switch character {
            case "*": continue
            case "_":
                // Underscores inside words (snake_case, file names) stay.
                if let last = result.last, last.isLetter || last.isNumber, let next = iterator.next() {
                    if next.isLetter || next.isNumber { result.append("_") }
                    pending = next
                }
                continue
            case "\\": continue
            case " ", "\t", "\u{A0}":
                if !previousSpace && !result.isEmpty { result.append(" ") }
                previousSpace = true
                continue
            default:
                result.append(character)
                previousSpace = false
            }
        }
        while result.last == " " { result.removeLast() }
        return result
    }
}

/// The shape of a document as a reader would describe it: its sections (such as "Area one")
/// and the numbered items under each (its priorities).
public struct ProseOutline: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var number: Int
        public var title: String
        public var line: Int
        public var endLine: Int
    }

    public struct Section: Sendable, Hashable {
        public var title: String
        /// A heading straight under the title, such as "Before Care: Safely reducing…".
        public var subtitle: String?
        public var line: Int
        public var endLine: Int
        public var items: [Item]
        /// Indexes into the document's blocks.
        public var blocks: Range<Int>
        public var level: Int
    }

    /// The lines before the first heading, such as a title page.
    public var preamble: Range<Int>
    public var sections: [Section]

    /// Back matter that names things without describing activities.
    static let backMatter: Set<String> = ["references", "bibliography", "cyfeiriadau", "sources", "footnotes", "endnotes",
                                           "notes", "appendix", "atodiad", "glossary", "geirfa", "acknowledgements"]

    public static func build(_ blocks: [ProseBlock]) -> ProseOutline {
        var sections: [Section] = []
        var preambleEnd = blocks.count
        var hasContent = false

        func series(_ title: String) -> String? {
            let words = title.lowercased().split(separator: " ")
            guard words.count >= 2, words.count <= 4,
                  ["area", "part", "section", "theme", "chapter", "maes", "rhan", "adran", "thema", "pennod"].contains(String(words[0]))
            else { return nil }
            return String(words[0])
        }

        for (index, block) in blocks.enumerated() {
            let lastLine = block.endLine
            if let level = block.headingLevel {
                let numbered = block.number != nil
                if var current = sections.last {
                    let sameSeries = series(block.text) != nil && series(block.text) == series(current.title)
                    if !hasContent && current.subtitle == nil && !numbered && !sameSeries && current.items.isEmpty {
                        current.subtitle = block.text
                        current.endLine = lastLine
                        sections[sections.count - 1] = current
                        continue
                    }
                    if numbered, let number = block.number, number == (current.items.last?.number ?? 0) + 1 {
                        current.items.append(Item(number: number, title: stripNumber(block.text), line: block.line, endLine: lastLine))
                        current.endLine = lastLine
                        sections[sections.count - 1] = current
                        hasContent = true
                        continue
                    }
                    if !(sameSeries || level <= current.level || (series(block.text) != nil && series(current.title) == nil)) {
                        extend(&sections, to: index, line: lastLine)
                        continue
                    }
                }
                if sections.isEmpty { preambleEnd = index }
                if !sections.isEmpty { sections[sections.count - 1].blocks = sections[sections.count - 1].blocks.lowerBound..<index }
                sections.append(Section(title: block.text, subtitle: nil, line: block.line, endLine: lastLine, items: [],
                                        blocks: index..<(index + 1), level: level))
                hasContent = false
                continue
            }
            guard !sections.isEmpty else { continue }
            if block.kind == .listItem, let number = block.number, number == (sections[sections.count - 1].items.last?.number ?? 0) + 1 {
                sections[sections.count - 1].items.append(Item(number: number, title: stripNumber(block.text), line: block.line,
                                                               endLine: lastLine))
            }
            hasContent = true
            extend(&sections, to: index, line: lastLine)
        }
        if !sections.isEmpty { sections[sections.count - 1].blocks = sections[sections.count - 1].blocks.lowerBound..<blocks.count }
        return ProseOutline(preamble: 0..<preambleEnd, sections: sections)
    }

    private static func extend(_ sections: inout [Section], to index: Int, line: Int) {
        let last = sections.count - 1
        sections[last].blocks = sections[last].blocks.lowerBound..<(index + 1)
        sections[last].endLine = max(sections[last].endLine, line)
    }

    /// The item's own words without its number; a whole numbered paragraph is titled by its first sentence.
    static func stripNumber(_ text: String) -> String {
        let body = ProseBlocks.leadingNumber(text)?.1 ?? text
        guard let first = ProseTokens.sentences(body).first, first.upperBound < body.endIndex else { return body }
        return String(body[first]).trimmingSpace
    }

    /// True for References, Glossary and the like, whose contents are not the respondent's activities.
    public static func isBackMatter(_ title: String) -> Bool {
        let words = canonicalKey(title).split(separator: " ").map(String.init)
        // "References", "Appendix 2: Glossary of terms", but not "Notes from our pilot evaluation".
        return words.count <= 5 && words.contains { backMatter.contains($0) && $0 != "notes" } || backMatter.contains(words.joined(separator: " "))
    }
}
