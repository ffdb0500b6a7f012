import Foundation

/// Text returns arrive from word processors and mail clients in whatever encoding they chose.
/// This turns their bytes into lines of Unicode, or says plainly why it cannot.
public enum PlainText {
    public enum Encoding: String, Sendable, Hashable {
        case utf8 = "UTF-8"
        case utf16LE = "UTF-16LE"
        case utf16BE = "UTF-16BE"
        case windows1252 = "Windows-1252"
    }

    public struct Decoded: Sendable, Hashable {
        public var encoding: Encoding
        /// Lines without their endings; CRLF, CR and LF all end a line.
        public var lines: [String]
    }

    public enum Failure: Error, Equatable, Sendable {
        case empty
        case blank
        case binary(String)
        case badUTF16(line: Int)

        public var code: Diagnostic.Code {
            switch self {
            case .empty, .blank: .empty
            case .binary: .unsupported
            case .badUTF16: .encoding
            }
        }

        public var message: String {
            switch self {
            case .empty: "the file is empty"
            case .blank: "the file holds only white space"
            case .binary(let kind): "this is not a text file (\(kind)); save the return as plain text, Markdown or Word (.docx)"
            case .badUTF16: "the file starts with a UTF-16 byte-order mark but is not valid UTF-16; save it again as UTF-8"
            }
        }
    }

    public static func decode(_ data: Data) -> Result<Decoded, Failure> {
        if data.isEmpty { return .failure(.empty) }
        let bytes = [UInt8](data)
        if let kind = binaryKind(bytes) { return .failure(.binary(kind)) }
        let encoding: Encoding
        var text: String
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            encoding = little ? .utf16LE : .utf16BE
            guard let decoded = utf16(bytes.dropFirst(2), littleEndian: little) else {
                return .failure(.badUTF16(line: 1))
            }
            text = decoded
        } else {
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
            if let utf8 = String(validating: body, as: UTF8.self) {
                encoding = .utf8
                text = utf8
            } else {
                encoding = .windows1252
                text = windows1252(body)
            }
        }
        if text.contains("\u{0}") { return .failure(.binary("it contains NUL characters")) }
        let lines = splitLines(text)
        if lines.allSatisfy({ $0.allSatisfy(\.isWhitespace) }) { return .failure(.blank) }
        text = ""
        return .success(Decoded(encoding: encoding, lines: lines))
    }

    /// Files that are plainly something else, named `.txt` or `.md` by mistake.
    static func binaryKind(_ bytes: [UInt8]) -> String? {
        let signatures: [([UInt8], String)] = [
            ([0x89, 0x50, 0x4E, 0x47], "it is a PNG image"),
            ([0xFF, 0xD8, 0xFF], "it is a JPEG image"),
            ([0x25, 0x50, 0x44, 0x46], "it is a PDF"),
            ([0x50, 0x4B, 0x03, 0x04], "it is a ZIP archive, perhaps a Word file; name Word files .docx"),
            ([0xD0, 0xCF, 0x11, 0xE0], "it is an old binary Word or Excel file; save it as .docx"),
            ([0x7B, 0x5C, 0x72, 0x74, 0x66], "it is an RTF file; save it as plain text or .docx"),
        ]
        for (signature, kind) in signatures where bytes.starts(with: signature) { return kind }
        // UTF-16 without a mark shows as NULs between letters; other binaries as runs of controls.
        let sample = bytes.prefix(8192)
        let utf16Like = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        if utf16Like { return nil }
        var controls = 0
        for byte in sample where byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C {
            if byte == 0 { return "it contains NUL bytes" }
            controls += 1
        }
        return controls * 20 > sample.count ? "it is mostly control characters" : nil
    }

    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            index += 2
        }
        var result = ""
        var iterator = units.makeIterator()
        var decoder = UTF16()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): result.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return result
    }

    /// The bytes 0x80–0x9F hold curly quotes, dashes and the euro sign in Windows-1252;
    /// everything else maps as Latin-1.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = (0x80...0x9F).contains(byte) ? windows1252High[Int(byte) - 0x80] : UInt32(byte)
            scalars.append(Unicode.Scalar(value)!)
        }
        return String(scalars)
    }

    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousCR { lines.append(String(current)); current = String.UnicodeScalarView() }
                previousCR = false
            } else if scalar == "\r" {
                lines.append(String(current)); current = String.UnicodeScalarView()
                previousCR = true
            } else {
                // Control characters (terminal escapes, bells, form feeds) carry no meaning in a
                // return and would reach terminals and outputs; a tab stays, for tables.
                if scalar.value >= 0x20 && !(0x7F...0x9F).contains(scalar.value) || scalar == "\t" { current.append(scalar) }
                previousCR = false
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
