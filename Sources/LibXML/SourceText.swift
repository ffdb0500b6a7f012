import Foundation

/// Checks the bytes before the root element, so a DOCTYPE or a non-UTF-8 byte order mark
/// is refused before libxml2 reads a single declaration.
enum Prolog {
    static func check(_ data: Data) -> XMLProblem? {
        let bytes = [UInt8](data.prefix(64 * 1024))
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return XMLProblem(kind: .empty, line: 1, column: 1,
                              message: data.isEmpty ? "the file is empty" : "the file holds only white space")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
            || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || (bytes.count > 1 && (bytes[0] == 0 || bytes[1] == 0)) {
            return XMLProblem(kind: .encoding, line: 1, column: 1,
                              message: "the file is UTF-16 or UTF-32, but returns must be UTF-8")
        }
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var lineStart = index
        func at(_ text: String) -> Bool { bytes[index...].starts(with: Array(text.utf8)) }
        func skip(past terminator: String) -> Bool {
            let needle = Array(terminator.utf8)
            while index < bytes.count {
                if bytes[index...].starts(with: needle) { index += needle.count; return true }
                if bytes[index] == 0x0A { line += 1; lineStart = index + 1 }
                index += 1
            }
            return false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1; lineStart = index + 1; index += 1; continue }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D { index += 1; continue }
            if at("<!DOCTYPE") || at("<!doctype") {
                return XMLProblem(kind: .forbidden, line: line, column: index - lineStart + 1,
                                  message: "DOCTYPE declarations are not allowed in returns (they can declare entities)")
            }
            if at("<!--") { guard skip(past: "-->") else { return nil }; continue }
            if at("<?") { guard skip(past: "?>") else { return nil }; continue }
            return nil
        }
        return nil
    }
}

/// Finds the column libxml2's validator does not give, from the element or attribute it names.
enum SourceColumns {
    static func column(in source: Data, line: Int, message: String) -> Int {
        guard let text = lineText(in: source, line: line) else { return 1 }
        let element = quoted(after: "Element '", in: message).map(localName)
        let attribute = quoted(after: "attribute '", in: message)
        if let element, let tag = text.range(of: "<" + element) ?? text.range(of: ":" + element) {
            if let attribute, let attr = text[tag.upperBound...].range(of: attribute + "=") {
                return text.unicodeScalars.distance(from: text.startIndex, to: attr.lowerBound) + 1
            }
            let start = text[tag.lowerBound] == ":" ? (text[..<tag.lowerBound].lastIndex(of: "<") ?? tag.lowerBound) : tag.lowerBound
            return text.unicodeScalars.distance(from: text.startIndex, to: start) + 1
        }
        return text.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count + 1
    }

    static func lineText(in source: Data, line: Int) -> String? {
        guard line >= 1 else { return nil }
        var current = 1
        var start = source.startIndex
        var index = source.startIndex
        while index < source.endIndex, current < line {
            if source[index] == 0x0A { current += 1; start = source.index(after: index) }
            index = source.index(after: index)
        }
        guard current == line else { return nil }
        let end = source[start...].firstIndex(of: 0x0A) ?? source.endIndex
        return String(decoding: source[start..<end], as: UTF8.self)
    }

    static func quoted(after marker: String, in message: String) -> String? {
        guard let open = message.range(of: marker) else { return nil }
        guard let close = message[open.upperBound...].firstIndex(of: "'") else { return nil }
        return String(message[open.upperBound..<close])
    }

    static func localName(_ qualified: String) -> String {
        if let brace = qualified.lastIndex(of: "}") { return String(qualified[qualified.index(after: brace)...]) }
        return qualified
    }
}

/// Keeps libxml2's message but removes anything copied from the document's content.
///
/// Schema errors quote the offending value ("The value 'Jane Jones' is not ..."), and
/// encoding errors dump raw bytes. Names of elements, attributes, facets and types are
/// kept, because they come from the schema and tell the user what to fix; every other
/// quoted string becomes '…'.
public enum MessageRedaction {
    private static let structuralPrefixes = [
        "Element ", "element ", "attribute ", "Attribute ", "facet ", "type ", "content type is ", "pattern ",
    ]

    public static func redact(_ raw: String) -> String {
        var message = raw
        if let bytes = message.range(of: "\nBytes:") { message = String(message[..<bytes.lowerBound]) }
        message = message.replacingOccurrences(of: #"\{[A-Za-z][A-Za-z0-9+.-]*:[^}'\s]*\}"#, with: "",
                                               options: .regularExpression)
        var result = ""
        var rest = Substring(message)
        var insideSet = false
        while let open = rest.firstIndex(of: "'") {
            let before = rest[..<open]
            result += before
            if before.contains("{") { insideSet = true }
            if before.contains("}") { insideSet = false }
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "'") else {
                result += "'…"
                rest = ""
                break
            }
            let keep = insideSet || structuralPrefixes.contains { result.hasSuffix($0) }
            result += keep ? "'" + rest[afterOpen..<close] + "'" : "'…'"
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
