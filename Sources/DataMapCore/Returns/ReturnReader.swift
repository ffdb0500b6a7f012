import Foundation
import LibXML

/// The compiled version 1 schema, shipped inside the package.
public enum ReturnSchema {
    public static let namespace = "urn:x-datamap:return:1"

    /// The XSD's bytes, as shipped; tests hand the same file to xmllint.
    public static var xsd: Data {
        get throws(ReaderSetupError) {
            guard let url = Bundle.module.url(forResource: "return-v1", withExtension: "xsd"),
                  let data = try? Data(contentsOf: url) else { throw ReaderSetupError.schemaMissing }
            return data
        }
    }

    /// Every element and attribute name the return format declares. A name outside it is the
    /// sender's own text (`<ClementineWrigglesworth>`), and messages do not repeat it.
    public static let vocabulary: Set<String> = {
        guard let data = try? xsd, let text = String(data: data, encoding: .utf8) else { return [] }
        let pattern = try! NSRegularExpression(pattern: #"\bname="([A-Za-z_][\w.-]*)""#)
        let ns = text as NSString
        return Set(pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 1)) })
    }()

    /// "Element 'ClementineWrigglesworth': …" becomes "Element '…': …"; the format's own names stay.
    static func hideForeignNames(_ message: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"((?:Element|element|Attribute|attribute) ')([^']*)(')"#)
        let ns = message as NSString
        var result = message
        for match in pattern.matches(in: message, range: NSRange(location: 0, length: ns.length)).reversed() {
            let name = ns.substring(with: match.range(at: 2))
            let local = name.split(separator: "}").last.map(String.init) ?? name
            if vocabulary.contains(local) || local == "…" { continue }
            result = (result as NSString).replacingCharacters(in: match.range(at: 2), with: "…")
        }
        return result
    }

    public static func compiled() throws(ReaderSetupError) -> XMLSchema {
        let bytes = try xsd
        do { return try XMLSchema(xsd: bytes) } catch {
            throw ReaderSetupError.schemaInvalid(error.message)
        }
    }
}

public enum ReaderSetupError: Error, Equatable, CustomStringConvertible {
    case schemaMissing
    case schemaInvalid(String)

    public var description: String {
        switch self {
        case .schemaMissing: "the return schema (return-v1.xsd) is missing from the installation; rebuild datamap"
        case .schemaInvalid(let message): "the shipped return schema does not compile: \(message)"
        }
    }
}

/// Reads one XML return: safe parse, schema validation, then the typed `Return`.
public struct ReturnReader: Sendable {
    private let schema: XMLSchema

    public init(schema: XMLSchema) {
        self.schema = schema
    }

    /// - Parameter source: the path relative to the study root, used in provenance and diagnostics.
    public func read(_ data: Data, source: String) -> Result<Return, Rejection> {
        switch SafeXMLParser.parse(data, schema: schema) {
        case .failure(let problems):
            return .failure(Rejection(problems.all.map { Self.diagnostic($0, source: source) }))
        case .success(let document):
            if let encoding = document.declaredEncoding,
               !["UTF-8", "UTF8"].contains(encoding.uppercased()) {
                return .failure(Rejection([Diagnostic(
                    code: .encoding, location: SourceLocation(file: source, line: 1, column: 1),
                    message: "the XML declaration names encoding '\(encoding)', but returns must be UTF-8")]))
            }
            return Decoder(source: source, closingLines: Self.closingLines(of: "activity", in: data)).decode(document.root)
        }
    }

    /// The line of each `</activity>` in document order, so a record's span ends where its element does.
    static func closingLines(of name: String, in data: Data) -> [Int] {
        // Bytes, not characters: "\r\n" is one Character, and a line ends at every line feed.
        let name = Array(name.utf8)
        return data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            func isNameStart(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte == 0x5F }
            func isNameByte(_ byte: UInt8) -> Bool { isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2E || byte == 0x2D }
            /// `</` then an optional `prefix:`, the name, optional white space and `>`.
            func closes(at start: Int) -> Bool {
                var index = start
                if index < bytes.count, isNameStart(bytes[index]) {
                    var end = index + 1
                    while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
                    if end < bytes.count, bytes[end] == 0x3A { index = end + 1 }
                }
                guard index + name.count <= bytes.count, bytes[index..<(index + name.count)].elementsEqual(name) else { return false }
                index += name.count
                while index < bytes.count, [0x20, 0x09, 0x0D, 0x0A].contains(bytes[index]) { index += 1 }
                return index < bytes.count && bytes[index] == 0x3E
            }
            var lines: [Int] = []
            var line = 1
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte == 0x0A { line += 1 } else if byte == 0x3C, index + 1 < bytes.count, bytes[index + 1] == 0x2F, closes(at: index + 2) {
                    lines.append(line)
                }
            }
            return lines
        }
    }

    static func diagnostic(_ problem: XMLProblem, source: String) -> Diagnostic {
        let code: Diagnostic.Code = switch problem.kind {
        case .malformed: .malformed
        case .schema: .schema
        case .encoding: .encoding
        case .forbidden: .forbidden
        case .empty: .empty
        case .tooComplex: .tooComplex
        }
        var hint: String?
        var message = ReturnSchema.hideForeignNames(problem.message)
        if message.contains("No matching global declaration available for the validation root") {
            hint = "the root element must be <return xmlns=\"\(ReturnSchema.namespace)\" version=\"1\">"
        }
        // libxml2's own advice names a parser option; say what the limit means for a return instead.
        if message.hasPrefix("Excessive depth in document") {
            message = "elements are nested more than 256 deep; a return nests only a few levels"
            hint = "this is not a datamap return (or it is damaged); check where it came from"
        } else if message.contains("huge text node") {
            message = "one text is longer than libxml2's 10 MB limit for a single text"
            hint = "no answer in a return is this long; check where the file came from, or shorten the text"
        }
        return Diagnostic(code: code, location: SourceLocation(file: source, line: problem.line, column: problem.column),
                          message: message, hint: hint)
    }
}

/// Turns a schema-valid tree into typed values. The schema has already guaranteed shape and
/// vocabularies, so a failure here means the schema and this decoder disagree: it is reported
/// as a schema problem rather than trusted.
private struct Decoder {
    let source: String
    let closingLines: [Int]

    struct Mismatch: Error {
        let line: Int
        let what: String
    }

    func decode(_ root: XMLElement) -> Result<Return, Rejection> {
        do {
            let record = try returnRecord(root)
            guard record.consent.given else {
                let line = root.child("consent")?.line ?? root.line
                return .failure(Rejection([Diagnostic(code: .consent, location: SourceLocation(file: source, line: line, column: 1),
                                            message: "the respondent did not give consent (consent given=\"false\")")]))
            }
            return .success(record)
        } catch {
            return .failure(Rejection([Diagnostic(code: .schema, location: SourceLocation(file: source, line: error.line, column: 1),
                                        message: "unexpected content: \(error.what)")]))
        }
    }

    private func returnRecord(_ root: XMLElement) throws(Mismatch) -> Return {
        let organisationElement = try required("organisation", in: root)
        let respondentElement = try required("respondent", in: root)
        let consentElement = try required("consent", in: root)
        let organisation = Organisation(
            name: try text("name", in: organisationElement),
            type: try vocabulary("type", of: organisationElement),
            region: optionalText("region", in: organisationElement))
        let respondent = Respondent(
            name: try text("name", in: respondentElement),
            role: optionalText("role", in: respondentElement),
            email: optionalText("email", in: respondentElement),
            phone: optionalText("phone", in: respondentElement))
        let consent = Consent(
            given: ["true", "1"].contains(consentElement.attributes["given"]?.trimmed ?? ""),
            anonymity: try vocabulary("anonymity", of: consentElement))
        let submittedElement = try required("submitted", in: root)
        guard let submitted = PartialDate(submittedElement.text) else {
            throw Mismatch(line: submittedElement.line, what: "submitted is not a date")
        }
        let languageElement = try required("language", in: root)
        guard let language = Language(rawValue: languageElement.text.trimmed) else {
            throw Mismatch(line: languageElement.line, what: "unknown language")
        }
        let answers = try (root.child("answers")?.children("answer") ?? []).map { element throws(Mismatch) in
            Answer(question: try attribute("question", of: element), text: element.text.trimmed,
                   nonResponse: element.attributes["code"].flatMap(Answer.NonResponse.init(rawValue:)),
                   line: element.line, at: element.attributes["at"].flatMap(XMLTime.date),
                   offset: element.attributes["offset"].flatMap(XMLTime.seconds))
        }
        var interview: InterviewInfo?
        if let element = root.child("interview") {
            guard let started = element.attributes["started"].flatMap(XMLTime.date),
                  let finished = element.attributes["finished"].flatMap(XMLTime.date) else {
                throw Mismatch(line: element.line, what: "interview times must be date-times with a time zone, such as 2018-02-14T10:00:00Z")
            }
            interview = InterviewInfo(
                instrument: try attribute("instrument", of: element), started: started, finished: finished,
                recording: element.attributes["recording"],
                notes: element.children("note").map {
                    InterviewNote(step: $0.attributes["step"] ?? "", text: $0.text.trimmed,
                                  at: $0.attributes["at"].flatMap(XMLTime.date),
                                  offset: $0.attributes["offset"].flatMap(XMLTime.seconds))
                },
                mode: element.attributes["mode"].flatMap(CaptureMode.init(rawValue:)),
                agent: element.attributes["agent"],
                pages: element.children("page").map {
                    PageTime(page: $0.attributes["id"] ?? "", seconds: $0.attributes["seconds"].flatMap(Double.init) ?? 0)
                })
        }
        let method = Provenance.Method(capturedBy: interview)
        let elements = root.child("activities")?.children("activity") ?? []
        // Self-closing activities cannot exist (a name is required), so closing tags pair one to one.
        let ends = closingLines.count == elements.count ? closingLines : elements.map(\.lastLine)
        let activities = try zip(elements, ends).map { element, end throws(Mismatch) in
            try activity(element, method: method, endLine: end)
        }
        return Return(source: source, organisation: organisation, respondent: respondent, consent: consent,
                      submitted: submitted, language: language, answers: answers, activities: activities,
                      interview: interview)
    }

    private func activity(_ element: XMLElement, method: Provenance.Method, endLine: Int) throws(Mismatch) -> ActivityRecord {
        var record = ActivityRecord(
            theme: try vocabulary("theme", of: element),
            kind: try vocabulary("kind", of: element),
            name: try text("name", in: element),
            description: optionalText("description", in: element),
            status: try vocabulary("status", of: element),
            targetGroup: optionalText("target-group", in: element),
            partners: (element.child("partners")?.children("partner") ?? []).map(\.text.trimmed),
            funding: optionalText("funding", in: element),
            outcomes: optionalText("outcomes", in: element),
            documents: (element.child("documents")?.children("document") ?? []).map(\.text.trimmed),
            provenance: Provenance(method: method, file: source, line: element.line, endLine: endLine,
                                   offset: element.attributes["offset"].flatMap(XMLTime.seconds)))
        if let extent = element.child("extent") {
            guard let scope = Extent.Scope(rawValue: extent.attributes["scope"]?.trimmed ?? "") else {
                throw Mismatch(line: extent.line, what: "extent has no scope")
            }
            record.extent = Extent(scope: scope, note: extent.text.trimmed.nilIfEmpty)
        }
        if let timescale = element.child("timescale") {
            record.timescale = Timescale(
                start: try optionalDate("start", in: timescale),
                end: try optionalDate("end", in: timescale),
                duration: optionalText("duration", in: timescale),
                phrase: optionalText("phrase", in: timescale))
        }
        if let evaluation = element.child("evaluation") {
            record.evaluation = Evaluation(
                type: try vocabulary("type", of: evaluation),
                evaluator: optionalText("evaluator", in: evaluation),
                measures: evaluation.children("measure").map(\.text.trimmed),
                resultsDue: try optionalDate("results-due", in: evaluation),
                note: optionalText("note", in: evaluation))
        }
        return record
    }

    private func required(_ name: String, in element: XMLElement) throws(Mismatch) -> XMLElement {
        guard let child = element.child(name) else { throw Mismatch(line: element.line, what: "missing <\(name)>") }
        return child
    }

    private func text(_ name: String, in element: XMLElement) throws(Mismatch) -> String {
        try required(name, in: element).text.trimmed
    }

    private func optionalText(_ name: String, in element: XMLElement) -> String? {
        element.child(name)?.text.trimmed.nilIfEmpty
    }

    private func optionalDate(_ name: String, in element: XMLElement) throws(Mismatch) -> PartialDate? {
        guard let child = element.child(name) else { return nil }
        guard let date = PartialDate(child.text) else { throw Mismatch(line: child.line, what: "<\(name)> is not a date") }
        return date
    }

    private func attribute(_ name: String, of element: XMLElement) throws(Mismatch) -> String {
        guard let value = element.attributes[name]?.trimmed, !value.isEmpty else {
            throw Mismatch(line: element.line, what: "missing attribute \(name)")
        }
        return value
    }

    private func vocabulary<V: RawRepresentable>(_ name: String, of element: XMLElement) throws(Mismatch) -> V
    where V.RawValue == String {
        guard let value = V(rawValue: try attribute(name, of: element)) else {
            throw Mismatch(line: element.line, what: "unknown value for \(name)")
        }
        return value
    }
}

extension String {
    var trimmed: String { trimmingSpace }
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension StringProtocol {
    /// White space and line breaks trimmed from both ends, in pure Swift: Foundation's bridged
    /// `trimmingCharacters` was a tenth of the time spent reading prose.
    var trimmingSpace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
