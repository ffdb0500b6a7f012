import Foundation

/// Reads a written return in plain text or Markdown (or the text of a Word file): a filled-in
/// template when it carries the template line, free prose otherwise.
public struct TextReturnReader: Sendable {
    public var reference: StudyReference
    /// How long reading one file's prose may take before it is refused as `too-complex`: the caps
    /// on size and lines bound the work, and this bounds what slips past them.
    public var timeLimit: Duration?
    /// The monotonic clock the limit is measured on; tests pass one that jumps.
    public var now: @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }

    public init(reference: StudyReference, timeLimit: Duration? = nil) {
        self.reference = reference
        self.timeLimit = timeLimit
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

    /// A 400-page report is some 20,000 lines. Every line becomes a block with its own strings, so
    /// this keeps a text return's reading within the build's memory bound, counted on the bytes
    /// before anything is decoded.
    public static let maximumLines = 100_000

    public func read(_ data: Data, source: String, fileDate: PartialDate? = nil) -> Result<Reading, Rejection> {
        let lineCount = data.withUnsafeBytes { raw in raw.reduce(into: 0) { count, byte in if byte == 0x0A { count += 1 } } }
        if lineCount > Self.maximumLines {
            return .failure(Rejection([Diagnostic(code: .tooComplex, location: SourceLocation(file: source, line: 1, column: 1),
                                                  message: "the file has more than \(Self.maximumLines) lines, far more than any return")]))
        }
        switch PlainText.decode(data) {
        case .failure(let failure):
            return .failure(Rejection([Diagnostic(code: failure.code, location: SourceLocation(file: source, line: 1, column: 1),
                                                  message: failure.message)]))
        case .success(let decoded):
            return read(lines: decoded.lines, encoding: decoded.encoding, source: source, fileDate: fileDate)
        }
    }

    /// The text of a Word file: paragraphs as lines.
    public func readWord(_ data: Data, source: String, fileDate: PartialDate? = nil) -> Result<Reading, Rejection> {
        switch WordDocument.lines(data) {
        case .failure(let failure):
            var line = 1, column = 1
            if case .xml(let l, let c, _) = failure { line = l; column = c }
            let code: Diagnostic.Code = switch failure {
            case .tooLarge: .tooLarge
            case .tooComplex: .tooComplex
            default: .badDocument
            }
            return .failure(Rejection([Diagnostic(code: code, location: SourceLocation(file: source, line: line, column: column),
                                                  message: failure.message)]))
        case .success(let lines):
            guard lines.contains(where: { !$0.isEmpty }) else {
                return .failure(Rejection([Diagnostic(code: .empty, location: SourceLocation(file: source, line: 1, column: 1),
                                                      message: "the Word document has no text")]))
            }
            return read(lines: lines, encoding: nil, source: source, paragraphPerLine: true, fileDate: fileDate)
        }
    }

    public func read(lines: [String], encoding: PlainText.Encoding?, source: String,
                     paragraphPerLine: Bool = false, fileDate: PartialDate? = nil) -> Result<Reading, Rejection> {
        // Running headers, footers and page numbers of a printed report are not the author's text.
        let blocks = ProseBlocks.parse(paragraphPerLine ? lines : PageFurniture.blankOut(lines), paragraphPerLine: paragraphPerLine)
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
            let submitted: PartialDate
            switch check(&header, lines: lines, source: source, blocks: blocks, fileDate: fileDate, outline: outline) {
            case .failure(let problem): return .failure(problem)
            case .success(let date): submitted = date
            }
            let reader = TemplateReader(instrument: instrument, language: header.language ?? language, source: source)
            return reader.read(lines, header: header, submitted: submitted).map { record in
                var record = record
                record.submittedFrom = header.submittedFrom
                record.intake = header.notes
                return Reading(record: record, mode: .template, encoding: encoding, outline: outline)
            }
        }
        var header = ReturnHeader.read(lines, limit: 60)
        let submitted: PartialDate
        switch check(&header, lines: lines, source: source, blocks: blocks, fileDate: fileDate, outline: outline) {
        case .failure(let problem): return .failure(problem)
        case .success(let date): submitted = date
        }
        var extractor = ProseExtractor(taxonomy: reference.taxonomy, gazetteer: reference.gazetteer)
        if let timeLimit {
            let deadline = now() + timeLimit, clock = now
            extractor.outOfTime = { clock() > deadline }
        }
        guard let activities = extractor.extract(blocks, outline: outline, context: ProseExtractor.Context(
            source: source, submitted: submitted, organisation: header.organisation)) else {
            let seconds = timeLimit.map { $0.components.seconds } ?? 0
            return .failure(Rejection([Diagnostic(code: .tooComplex, location: SourceLocation(file: source, line: 1, column: 1),
                                                  message: "reading this file took longer than the \(seconds) s a return may take",
                                                  hint: "check where this file came from, or split it; the limit is reading_time_limit in study.yaml")]))
        }
        var answers: [Answer] = []
        for (index, section) in outline.sections.enumerated() where !ProseOutline.isBackMatter(section.title + " " + (section.subtitle ?? "")) {
            let title = [section.title, section.subtitle].compactMap { $0 }.joined(separator: ": ")
            answers.append(Answer(question: "outline.\(index + 1)", text: title, line: section.line))
            for item in section.items {
                answers.append(Answer(question: "outline.\(index + 1).\(item.number)", text: item.title, line: item.line))
            }
        }
        var record = Return(
            source: source,
            organisation: Organisation(name: header.organisation ?? "", type: header.type ?? .thirdSector, region: header.region),
            respondent: Respondent(name: header.name ?? "", role: header.role, email: header.email, phone: header.phone),
            consent: Consent(given: header.consent, anonymity: header.anonymity), submitted: submitted,
            language: header.language ?? Self.language(of: blocks), answers: answers, activities: activities)
        record.submittedFrom = header.submittedFrom
        record.intake = header.notes
        return .success(Reading(record: record, mode: .prose, encoding: encoding, outline: outline))
    }

    /// Fills what the header left out from the text itself, or says what the author must add.
    private func check(_ header: inout ReturnHeader, lines: [String], source: String, blocks: [ProseBlock], fileDate: PartialDate?,
                       outline: ProseOutline) -> Result<PartialDate, Rejection> {
        if !header.consent {
            return .failure(Rejection([Diagnostic(code: .consent, location: SourceLocation(file: source, line: header.consentLine ?? 1, column: 1),
                                         message: "the return says consent was not given",
                                         hint: "a return without consent cannot be used; move it out of inbox/")]))
        }
        let front = (Array(blocks[outline.preamble].prefix(12)) + Array(blocks.prefix(3))).map(\.text)
        if header.organisation == nil, let found = Authorship.find(lines, gazetteer: reference.gazetteer, front: front) {
            header.organisation = found.name
            header.lines[.organisation] = found.line
            header.notes.append(IntakeNote(code: "organisation-found", line: found.line,
                                           message: "the return has no 'Organisation:' line; '\(found.name)' was \(found.how)"))
        }
        if let name = header.organisation {
            let line = header.lines[.organisation] ?? 1
            if let (entry, how) = reference.gazetteer.resolve(name, typeHint: header.type ?? Gazetteer.inferType(name)) {
                if how != .exact || entry.name != name {
                    header.notes.append(IntakeNote(code: "organisation-matched", line: line,
                                                   message: "'\(name)' is taken to be \(entry.name) (\(how.rawValue) in the gazetteer)"))
                }
                header.organisation = entry.name
                if header.type == nil { header.type = OrganisationType(rawValue: entry.type) ?? .other }
                if header.region == nil { header.region = entry.region }
            } else {
                if header.type == nil { header.type = Gazetteer.inferType(name) ?? .other }
                header.notes.append(IntakeNote(code: "organisation-unknown", line: line,
                                               message: "'\(name)' is not in instruments/organisations.yaml; it is taken as \(header.type!.rawValue). Add it there to give it a region and aliases"))
            }
        }
        if header.organisation == nil || header.type == nil {
            let line = header.lines[.organisation] ?? header.lines[.type] ?? 1
            let message = header.organisation == nil
                ? "datamap cannot tell which organisation this return is from"
                : "datamap cannot tell what type of organisation this return is from"
            return .failure(Rejection([Diagnostic(code: .unknownOrganisation, location: SourceLocation(file: source, line: line, column: 1),
                                         message: message)]))
        }
        guard let submitted = date(&header, lines: lines, fileDate: fileDate) else {
            let line = header.lines[.submitted] ?? 1
            let said = header.lines[.submitted] == nil ? "the return has no date" : "the return's date cannot be read"
            return .failure(Rejection([Diagnostic(code: .undated, location: SourceLocation(file: source, line: line, column: 1),
                                         message: "\(said), and the study gives no collection period to date it by",
                                         hint: "add 'Date: 8 May 2018' to the return, or a collection period to study.yaml ('collection: {start: 2018-01-01, end: 2018-12-31}')")]))
        }
        return .success(submitted)
    }

    /// Dates the return as a careful reader would: its own date line ("Date:", "Sent:"), a dateline
    /// standing alone near the top, or a date closing the title ("… – 19 January 2018"). Failing
    /// those, the study's collection period or the file's date, with a note saying so; never a
    /// year picked out of a phone number or a reference.
    private func date(_ header: inout ReturnHeader, lines: [String], fileDate: PartialDate?) -> PartialDate? {
        if let stated = header.statedDate { return stated }
        if let line = header.lines[.submitted] {
            header.notes.append(IntakeNote(code: "unreadable-date", line: line,
                                           message: "the date line cannot be read as a date; write it as '8 May 2018' or 2018-05-08"))
        } else {
            var seen = 0
            for (index, raw) in lines.enumerated() where !raw.allSatisfy(\.isWhitespace) {
                seen += 1
                if seen > 15 { break }
                let line = ProseBlocks.clean(raw.trimmingSpace)
                let tail = line.split(whereSeparator: { "–—(),|".contains($0) }).last.map(String.init) ?? line
                let candidates = [line, tail.trimmingSpace] + line.components(separatedBy: " - ").suffix(1)
                if let found = candidates.first(where: DateReader.isDateLine).flatMap(DateReader.date(in:)) {
                    header.statedDate = found
                    header.lines[.submitted] = index + 1
                    return found
                }
            }
        }
        guard let (date, source) = reference.settings.fallbackDate(fileDate: fileDate) else { return nil }
        header.statedDate = date
        header.submittedFrom = source
        let why = source == .collectionPeriod ? "the last day of the study's collection period" : "the day the file was last changed"
        header.notes.append(IntakeNote(code: "undated-return", line: header.lines[.submitted] ?? 1,
                                       message: "the return gives no date it can be read by, so it is dated \(date), \(why)"))
        return date
    }

    /// Welsh prose is full of short function words English never uses.
    static func language(of blocks: [ProseBlock]) -> Language {
        let welsh: Set<String> = ["y", "yr", "yn", "mae", "ac", "ei", "eu", "gyda", "ar", "i'r", "ydy", "bod", "hefyd", "wedi", "ond", "hyn"]
        let english: Set<String> = ["the", "and", "is", "of", "to", "in", "that", "with", "for", "are", "we", "this"]
        var scores = (cy: 0, en: 0)
        for block in blocks.prefix(200) {
            let lower = block.text.lowercased()
            // ASCII, most text, is split on its bytes; a Character's letter test costs a property lookup.
            let words = lower.utf8.allSatisfy({ $0 < 0x80 })
                ? lower.utf8.split(whereSeparator: { !(($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x27) }).map { Substring($0) }
                : lower.split(whereSeparator: { !$0.isLetter && $0 != "'" })
            for word in words {
                if welsh.contains(String(word)) { scores.cy += 1 }
                if english.contains(String(word)) { scores.en += 1 }
            }
        }
        return scores.cy > scores.en ? .cy : .en
    }
}
