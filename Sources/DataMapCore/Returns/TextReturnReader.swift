import Foundation

/// Reads a written return in plain text or Markdown (or the text of a Word file): a filled-in
/// template when it carries the template line, free prose otherwise.
public struct TextReturnReader: Sendable {
    public var reference: StudyReference

    public init(reference: StudyReference) {
        self.reference = reference
    }

    public enum Mode: String, Sendable { case template, prose }

    /// Built once: a regex literal is parsed again each time it is evaluated.
    nonisolated(unsafe) static let year = #/\b(19[89]\d|20\d\d)\b/#

    /// Everything `datamap extract` shows: the return, and how the text was understood.
    public struct Reading: Sendable {
        public var record: Return
        public var mode: Mode
        public var encoding: PlainText.Encoding?
        public var outline: ProseOutline
    }

    public func read(_ data: Data, source: String) -> Result<Reading, Rejection> {
        switch PlainText.decode(data) {
        case .failure(let failure):
            return .failure(Rejection([Diagnostic(code: failure.code, location: SourceLocation(file: source, line: 1, column: 1),
                                                  message: failure.message)]))
        case .success(let decoded):
            return read(lines: decoded.lines, encoding: decoded.encoding, source: source)
        }
    }

    /// The text of a Word file: paragraphs as lines.
    public func readWord(_ data: Data, source: String) -> Result<Reading, Rejection> {
        switch WordDocument.lines(data) {
        case .failure(let failure):
            var line = 1, column = 1
            if case .xml(let l, let c, _) = failure { line = l; column = c }
            return .failure(Rejection([Diagnostic(code: .badDocument, location: SourceLocation(file: source, line: line, column: column),
                                                  message: failure.message)]))
        case .success(let lines):
            guard lines.contains(where: { !$0.isEmpty }) else {
                return .failure(Rejection([Diagnostic(code: .empty, location: SourceLocation(file: source, line: 1, column: 1),
                                                      message: "the Word document has no text")]))
            }
            return read(lines: lines, encoding: nil, source: source, paragraphPerLine: true)
        }
    }

    public func read(lines: [String], encoding: PlainText.Encoding?, source: String,
                     paragraphPerLine: Bool = false) -> Result<Reading, Rejection> {
        let blocks = ProseBlocks.parse(lines, paragraphPerLine: paragraphPerLine)
        let outline = ProseOutline.build(blocks)
        if let (type, _, language, markerLine) = TemplateReader.marker(in: lines) {
            guard let instrument = reference.instruments[type] else {
                return .failure(Rejection([Diagnostic(code: .unknownOrganisation,
                                                      location: SourceLocation(file: source, line: markerLine, column: 1),
                                                      message: "the template names organisation type '\(type.rawValue)', which has no schedule in instruments/",
                                                      hint: "add instruments/schedules/\(type.rawValue).yaml, or correct the template line")]))
            }
            var header = ReturnHeader.read(lines, limit: 80)
            if header.type == nil { header.type = type }
            if let problem = check(&header, lines: lines, source: source, blocks: blocks, outline: outline) { return .failure(problem) }
            let reader = TemplateReader(instrument: instrument, language: header.language ?? language, source: source)
            return reader.read(lines, header: header).map { Reading(record: $0, mode: .template, encoding: encoding, outline: outline) }
        }
        var header = ReturnHeader.read(lines, limit: 60)
        if let problem = check(&header, lines: lines, source: source, blocks: blocks, outline: outline) { return .failure(problem) }
        let extractor = ProseExtractor(taxonomy: reference.taxonomy, gazetteer: reference.gazetteer)
        let activities = extractor.extract(blocks, outline: outline, context: ProseExtractor.Context(
            source: source, submitted: header.submitted, organisation: header.organisation))
        var answers: [Answer] = []
        for (index, section) in outline.sections.enumerated() where !ProseOutline.isBackMatter(section.title) {
            let title = [section.title, section.subtitle].compactMap { $0 }.joined(separator: ": ")
            answers.append(Answer(question: "outline.\(index + 1)", text: title, line: section.line))
            for item in section.items {
                answers.append(Answer(question: "outline.\(index + 1).\(item.number)", text: item.title, line: item.line))
            }
        }
        let record = Return(
            source: source,
            organisation: Organisation(name: header.organisation ?? "", type: header.type ?? .thirdSector, region: header.region),
            respondent: Respondent(name: header.name ?? "", role: header.role, email: header.email, phone: header.phone),
            consent: Consent(given: header.consent, anonymity: header.anonymity), submitted: header.submitted,
            language: header.language ?? Self.language(of: blocks), answers: answers, activities: activities)
        return .success(Reading(record: record, mode: .prose, encoding: encoding, outline: outline))
    }

    /// Fills what the header left out from the text itself, or says what the author must add.
    private func check(_ header: inout ReturnHeader, lines: [String], source: String, blocks: [ProseBlock],
                       outline: ProseOutline) -> Rejection? {
        if !header.consent {
            return Rejection([Diagnostic(code: .consent, location: SourceLocation(file: source, line: header.consentLine ?? 1, column: 1),
                                         message: "the return says consent was not given",
                                         hint: "a return without consent cannot be used; move it out of inbox/")])
        }
        if header.organisation == nil {
            // A report's title page usually names who wrote it: "Evidence from … (CASCADE)".
            let front = Array(blocks[outline.preamble].prefix(12)) + Array(blocks.prefix(3))
            header.organisation = front.lazy.compactMap { block in
                PhraseReader.organisations(block.text, gazetteer: self.reference.gazetteer)
                    .first { self.reference.gazetteer.match($0.name)?.organisationType != nil }?.name
            }.first
        }
        if header.type == nil, let name = header.organisation { header.type = reference.gazetteer.match(name)?.organisationType }
        if header.organisation == nil || header.type == nil {
            let line = header.lines[.organisation] ?? header.lines[.type] ?? 1
            let message = header.organisation == nil
                ? "datamap cannot tell which organisation this return is from"
                : "datamap cannot tell what type of organisation this return is from"
            return Rejection([Diagnostic(code: .unknownOrganisation, location: SourceLocation(file: source, line: line, column: 1),
                                         message: message)])
        }
        if header.lines[.submitted] == nil {
            // Undated prose is dated by the latest year it mentions: a report cites nothing after it was written.
            let years = lines.flatMap { line in
                line.matches(of: Self.year).compactMap { Int($0.1) }
            }
            guard let latest = years.max() else {
                return Rejection([Diagnostic(code: .undated, location: SourceLocation(file: source, line: 1, column: 1),
                                             message: "the return has no date and mentions no year")])
            }
            header.submitted = PartialDate(year: latest)
        }
        return nil
    }

    /// Welsh prose is full of short function words English never uses.
    static func language(of blocks: [ProseBlock]) -> Language {
        let welsh: Set<String> = ["y", "yr", "yn", "mae", "ac", "ei", "eu", "gyda", "ar", "i'r", "ydy", "bod", "hefyd", "wedi", "ond", "hyn"]
        let english: Set<String> = ["the", "and", "is", "of", "to", "in", "that", "with", "for", "are", "we", "this"]
        var scores = (cy: 0, en: 0)
        for block in blocks.prefix(200) {
            for word in block.text.lowercased().split(whereSeparator: { !$0.isLetter && $0 != "'" }) {
                if welsh.contains(String(word)) { scores.cy += 1 }
                if english.contains(String(word)) { scores.en += 1 }
            }
        }
        return scores.cy > scores.en ? .cy : .en
    }
}
