/// A place in a source file, 1-based, as editors count.
public struct SourceLocation: Codable, Sendable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A finding about an input, shaped like a compiler diagnostic: where, what, and what to do.
///
/// Messages never quote the input's content, because that content may identify a person.
public struct Diagnostic: Codable, Sendable, Hashable {
    public enum Severity: String, Codable, Sendable, Hashable { case error, warning, note }

    /// Why a return was refused; stable identifiers that scripts and `rejected.csv` can rely on.
    public enum Code: String, Codable, Sendable, Hashable, CaseIterable {
        case malformed = "malformed-xml"
        case schema = "schema"
        case encoding = "encoding"
        case forbidden = "forbidden-construct"
        case empty = "empty-file"
        case consent = "no-consent"
        case unsupported = "unsupported-file"
        case unreadable = "unreadable-file"
        case tooLarge = "too-large"
        case tooComplex = "too-complex"
        case symlink = "symbolic-link"
        case duplicate = "duplicate-content"
        case unknownOrganisation = "unknown-organisation"
        case undated = "no-date"
        case badDocument = "unreadable-document"
        // Instruments
        case yaml = "instrument-yaml"
        case invalidInstrument = "invalid-instrument"
        case duplicateID = "duplicate-id"
        case badCondition = "bad-condition"
        case unreachable = "unreachable-question"
        case missingChoices = "missing-choices"
        case missingLabel = "missing-label"
        case unknownReference = "unknown-reference"
        case missingSchedule = "missing-schedule"
    }

    public var severity: Severity
    public var code: Code
    public var location: SourceLocation
    public var message: String
    public var hint: String

    public init(severity: Severity = .error, code: Code, location: SourceLocation, message: String, hint: String? = nil) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.hint = hint ?? code.defaultHint
    }
}

extension Diagnostic.Code {
    /// What the person holding the file should do next.
    public var defaultHint: String {
        switch self {
        case .malformed:
            "fix the XML at this point (an XML-aware editor shows the mismatch), then run 'datamap build' again"
        case .schema:
            "the return format is described in docs/return-format.md; correct this element or attribute"
        case .encoding:
            "save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8) and run 'datamap build' again"
        case .forbidden:
            "remove the DOCTYPE or entity declaration; returns never need one"
        case .empty:
            "the file has no content: export the return again, or move it out of inbox/"
        case .consent:
            "a return without consent cannot be used; move it out of inbox/ or record consent given=\"true\""
        case .unsupported:
            "datamap reads .xml, .txt, .md and .docx returns; convert the file, or move it out of inbox/"
        case .unknownOrganisation:
            "add the lines 'Organisation: <name>' and 'Organisation type: <type>' at the top (types: "
                + OrganisationType.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case .undated:
            "add a line 'Date: YYYY-MM-DD' at the top, giving when the return was written"
        case .badDocument:
            "open the file in Word or LibreOffice and save it again as .docx, or save it as plain text"
        case .unreadable:
            "check the file's permissions (it must be readable by you), then run 'datamap build' again"
        case .tooLarge:
            "a single return this large is almost certainly not a return; check the file"
        case .tooComplex:
            "a return holds a few thousand elements or paragraphs at most; check where this file came from, or split it"
        case .duplicate:
            "the same return is in inbox/ twice; only the first copy (in name order) is used, so remove the other"
        case .yaml:
            "fix the YAML at this point; indentation and a missing ':' are the usual causes"
        case .invalidInstrument:
            "see instruments/README.md for the instrument format"
        case .duplicateID:
            "give each question, group and section its own id"
        case .badCondition:
            "a show_if must name a question asked earlier in the same schedule"
        case .unreachable:
            "change the condition so it can hold, or remove the question"
        case .missingChoices:
            "add 'choices:' naming a list in the bank's choice_lists, or list the choices inline"
        case .missingLabel:
            "every text needs both 'en' and 'cy'"
        case .unknownReference:
            "check the spelling against the bank and the fixed vocabularies"
        case .missingSchedule:
            "add instruments/schedules/<type>.yaml for this organisation type"
        case .symlink:
            "copy the file itself into inbox/; links are not followed, so nothing outside inbox/ is read"
        }
    }
}

extension Diagnostic {
    /// `inbox/a.xml:3:7: error: message [code]` and an indented hint, like a compiler.
    public var rendered: String {
        "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message) [\(code.rawValue)]\n"
            + "    hint: \(hint)"
    }
}

/// Why one input was refused: one or more located diagnostics.
public struct Rejection: Error, Sendable, Equatable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}
