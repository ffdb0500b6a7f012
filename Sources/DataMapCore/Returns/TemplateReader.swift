import Foundation

/// Reads a filled-in template back into the answers an interviewer would have typed, then runs
/// them through the same interview session, so a template and an interview give the same records.
struct TemplateReader {
    let instrument: Instrument
    let language: Language
    let source: String

    /// Raw text found for one step, and the lines it came from.
    struct Found {
        var text: String
        var line: Int
        var endLine: Int
    }

    struct Block {
        var group: RepeatingGroup
        var number: Int
        var line: Int
        var endLine: Int
        var fields: [ActivityField: Found] = [:]
    }

    // A regex literal is parsed each time it is evaluated, so the patterns read per line are built once.
    nonisolated(unsafe) static let markerPattern = #/^\W*(Template|Templed)\s*:\s*([a-z-]+)@([0-9A-Za-z._-]*)\s*\((en|cy)\)/#
    nonisolated(unsafe) static let questionNumber = #/^(\d+)\.(\d+)\s+(.*)$/#

    static func marker(in lines: [String]) -> (OrganisationType, String, Language, Int)? {
        for (index, line) in lines.prefix(60).enumerated() {
            if let match = line.firstMatch(of: markerPattern), let type = OrganisationType(rawValue: String(match.2)),
               let language = Language(rawValue: String(match.4)) {
                return (type, String(match.3), language, index + 1)
            }
        }
        return nil
    }

    static let nonResponses: [String: Answer.NonResponse] = {
        var map: [String: Answer.NonResponse] = [:]
        for form in ["don't know", "dont know", "do not know", "dk", "ddim yn gwybod", "ddim yn gwbod"] { map[canonicalKey(form)] = .dontKnow }
        for form in ["refused", "gwrthod", "prefer not to say", "gwell gennyf beidio a dweud"] { map[canonicalKey(form)] = .refused }
        for form in ["not applicable", "n/a", "na", "amherthnasol", "amh"] { map[canonicalKey(form)] = .notApplicable }
        return map
    }()

    func read(_ lines: [String], header: ReturnHeader, submitted: PartialDate) -> Result<Return, Rejection> {
        var answers: [String: Found] = [:]
        var blocks: [Block] = []
        var sectionIndex: Int?
        // What continuation lines add to: a question's answer, or a block's field.
        enum Target { case none, question(String), field(Int, ActivityField), awaitingAnswer(String) }
        var target = Target.none

        let sectionTitles = instrument.sections.map { [canonicalKey($0.title.en), canonicalKey($0.title.cy)] }
        func structural(_ cleaned: String) -> Bool {
            cleaned.range(of: #"^\d+\.\d+\s"#, options: .regularExpression) != nil
        }

        for (index, raw) in lines.enumerated() {
            let number = index + 1
            let stripped = raw.trimmingSpace
            var cleaned = ProseBlocks.clean(stripped)
            while cleaned.hasPrefix("#") { cleaned.removeFirst() }
            cleaned = cleaned.trimmingSpace
            if cleaned.isEmpty || ProseBlocks.isRule(stripped) { continue }

            // "2. Pilot projects": a section heading.
            // A number outside the schedule ("0.", "99.") is prose, not a section (found by fuzzing).
            if let (sectionNumber, title) = ProseBlocks.leadingNumber(cleaned), instrument.sections.indices.contains(sectionNumber - 1),
               sectionTitles[sectionNumber - 1].contains(canonicalKey(title)) {
                sectionIndex = sectionNumber - 1
                target = .none
                continue
            }
            // "2.1 Have you run…": a question or a group.
            if let match = cleaned.firstMatch(of: Self.questionNumber), let s = Int(match.1), let i = Int(match.2),
               instrument.sections.indices.contains(s - 1), instrument.sections[s - 1].items.indices.contains(i - 1) {
                sectionIndex = s - 1
                switch instrument.sections[s - 1].items[i - 1] {
                case .question(let question): target = .awaitingAnswer(question.id)
                case .group: target = .none
                }
                continue
            }
            if let sectionIndex, let block = blockHeading(cleaned, section: instrument.sections[sectionIndex]) {
                blocks.append(Block(group: block.0, number: block.1, line: number, endLine: number))
                target = .none
                continue
            }
            if cleaned.range(of: #"^[-*•]?\s*\d+\s*=\s"#, options: .regularExpression) != nil { continue }
            if let field = ProseBlocks.fieldLine(cleaned) {
                let label = canonicalKey(TemplateText.withoutHint(field.name))
                if label == "answer" || label == "ateb" {
                    switch target {
                    case .awaitingAnswer(let id), .question(let id):
                        answers[id] = Found(text: field.value, line: number, endLine: number)
                        target = .question(id)
                    default: break
                    }
                    continue
                }
                if let activityField = ReturnField.match(field.name), !blocks.isEmpty,
                   blocks[blocks.count - 1].group.fields.contains(where: { $0.id == activityField.rawValue }) {
                    blocks[blocks.count - 1].fields[activityField] = Found(text: field.value, line: number, endLine: number)
                    blocks[blocks.count - 1].endLine = number
                    target = .field(blocks.count - 1, activityField)
                    continue
                }
                if ReturnField.Header.match(field.name) != nil { continue }
            }
            if structural(cleaned) { continue }
            // A continuation line: more of the answer or field above it.
            switch target {
            case .question(let id), .awaitingAnswer(let id):
                if var found = answers[id] {
                    found.text += found.text.isEmpty ? cleaned : "\n" + cleaned
                    found.endLine = number
                    answers[id] = found
                } else {
                    answers[id] = Found(text: cleaned, line: number, endLine: number)
                }
                target = .question(id)
            case .field(let blockIndex, let field):
                var found = blocks[blockIndex].fields[field]!
                found.text += found.text.isEmpty ? cleaned : "\n" + cleaned
                found.endLine = number
                blocks[blockIndex].fields[field] = found
                blocks[blockIndex].endLine = number
            case .none:
                continue
            }
        }
        return .success(makeReturn(answers: answers, blocks: blocks, header: header, submitted: submitted))
    }

    /// "Pilot 2" or "Peilot 2" under the section that holds that group.
    private func blockHeading(_ text: String, section: Section) -> (RepeatingGroup, Int)? {
        for case .group(let group) in section.items {
            for language in [Language.en, .cy] {
                let label = TemplateText.blockLabel(group, language)
                guard text.lowercased().hasPrefix(label.lowercased()) else { continue }
                let rest = text.dropFirst(label.count).trimmingSpace
                if rest.isEmpty { return (group, 0) }
                if let number = Int(rest.prefix { $0.isNumber }), rest.prefix(while: { $0.isNumber }).count == rest.count {
                    return (group, number)
                }
            }
        }
        return nil
    }

    private func makeReturn(answers: [String: Found], blocks: [Block], header: ReturnHeader, submitted: PartialDate) -> Return {
        var raw = answers
        var blockSpans: [String: (Int, Int)] = [:]
        var repetitions: [String: Int] = [:]
        for block in blocks where block.fields.values.contains(where: { !$0.text.isEmpty }) {
            let repetition = repetitions[block.group.id, default: 0] + 1
            repetitions[block.group.id] = repetition
            let key = "\(block.group.id)[\(repetition)]"
            raw[key] = Found(text: "yes", line: block.line, endLine: block.endLine)
            blockSpans[key] = (block.line, block.endLine)
            for (field, found) in block.fields { raw["\(key).\(field.rawValue)"] = found }
        }
        for (group, count) in repetitions { raw["\(group)[\(count + 1)]"] = Found(text: "no", line: 0, endLine: 0) }

        // The session wants a moment; the return keeps only the date, so noon UTC on it will do.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let startedAt = calendar.date(from: DateComponents(year: submitted.year, month: submitted.month ?? 1,
                                                           day: submitted.day ?? 1, hour: 12)) ?? Date(timeIntervalSince1970: 0)
        let organisation = Organisation(name: header.organisation ?? "", type: instrument.organisationType, region: header.region)
        var session = InterviewSession(header: InterviewHeader(id: source, instrument: instrument, organisation: organisation,
                                                               language: language, startedAt: startedAt))
        for (key, value) in [(StartStep.name, header.name), (StartStep.role, header.role), (StartStep.email, header.email),
                             (StartStep.phone, header.phone), (StartStep.consent, "yes"),
                             (StartStep.anonymity, header.anonymity.rawValue)] {
            if let value, !value.isEmpty { session.apply(.answered(step: key, value: .text(value), at: startedAt, offset: nil)) }
        }
        // Answers can reveal later steps (a condition, another repetition), so apply until nothing new appears.
        var applied: Set<String> = []
        var unreadable: [Answer] = []
        var progress = true
        while progress {
            progress = false
            for step in session.steps() where !applied.contains(step.key) {
                guard let found = raw[step.key] else { continue }
                applied.insert(step.key)
                progress = true
                let value: AnswerValue
                if let code = Self.nonResponses[canonicalKey(found.text)], !found.text.isEmpty, step.question.type != .yesNo
                    || canonicalKey(found.text) != "na" {
                    value = .nonResponse(code)
                } else {
                    switch AnswerParser.parse(found.text, for: step.question, language: language) {
                    case .success(let parsed): value = parsed
                    case .failure:
                        // Kept, not dropped: the project lead sees it in answers.csv and can correct it.
                        unreadable.append(Answer(question: step.key, text: found.text, line: found.line))
                        continue
                    }
                }
                session.apply(.answered(step: step.key, value: value, at: startedAt, offset: nil))
            }
        }
        var record = session.makeReturn(finishedAt: startedAt, source: source)
        record.interview = nil
        record.submitted = submitted
        record.consent = Consent(given: header.consent, anonymity: header.anonymity)
        record.answers = record.answers.map { answer in
            var copy = answer
            copy.line = raw[answer.question]?.line ?? 0
            copy.at = nil
            copy.offset = nil
            return copy
        } + unreadable
        // makeReturn lists activities in step order, which is block order within each group.
        let spans = session.steps().compactMap { step -> (Int, Int)? in
            guard case .more = step.role, session.answers[step.key]?.value == .text("yes") else { return nil }
            return blockSpans[step.key]
        }
        for (index, span) in zip(record.activities.indices, spans) {
            record.activities[index].provenance = Provenance(method: .writtenReturn, file: source, line: span.0, endLine: span.1)
        }
        return record
    }
}

/// The `Field: value` lines at the top of a written return.
struct ReturnHeader {
    var organisation: String?
    var type: OrganisationType?
    var region: String?
    var name: String?
    var role: String?
    var email: String?
    var phone: String?
    var consent = true
    var consentLine: Int?
    var anonymity = Anonymity.anonymous
    /// The date the return itself gives; `submitted` is only asked for once dating is settled.
    var statedDate: PartialDate?
    var submittedFrom = Return.DateSource.stated
    var notes: [IntakeNote] = []
    var language: Language?
    var lines: [ReturnField.Header: Int] = [:]

    /// Reads header lines from the first `limit` lines; the rest of the file is the return's body.
    static func read(_ lines: [String], limit: Int) -> ReturnHeader {
        var header = ReturnHeader()
        for (index, raw) in lines.prefix(limit).enumerated() {
            let cleaned = ProseBlocks.clean(raw.trimmingSpace)
            guard let field = ProseBlocks.fieldLine(cleaned), let which = ReturnField.Header.match(field.name),
                  header.lines[which] == nil else { continue }
            let value = field.value.trimmingSpace
            guard !value.isEmpty else { continue }
            header.lines[which] = index + 1
            switch which {
            case .organisation: header.organisation = value
            case .type: header.type = OrganisationType(rawValue: value.lowercased())
                ?? OrganisationType.allCases.first { canonicalKey($0.label) == canonicalKey(value) || canonicalKey($0.labelCy) == canonicalKey(value) }
            case .region: header.region = value
            case .name: header.name = value
            case .role: header.role = value
            case .email: header.email = value
            case .phone: header.phone = value
            case .consent:
                header.consent = AnswerParser.yesNo(value) != "no"
                header.consentLine = index + 1
            case .anonymity:
                let key = canonicalKey(value)
                header.anonymity = ["named", "enwir", "enwog", "name me"].contains(key) ? .named : .anonymous
            case .submitted: header.statedDate = DateReader.date(in: value)
            case .language: header.language = Language(rawValue: value.lowercased().prefix(2).description)
                ?? (["welsh", "cymraeg"].contains(value.lowercased()) ? .cy : nil)
            }
        }
        return header
    }
}
