import Foundation
import LibXML
import ZIPFoundation

/// The text of a Word (.docx) return: one line per paragraph, headings marked as Markdown
/// headings and list paragraphs as list items, so the text reader handles it like any other.
/// Line N of the result is paragraph N of the document, which is how provenance counts.
public enum WordDocument {
    /// The document part of a real return is a few megabytes; anything far larger is a zip bomb.
    public static let maximumDocumentSize = 64 * 1024 * 1024

    public enum Failure: Error, Equatable, Sendable {
        case notZip
        case noDocument
        case tooLarge
        case xml(line: Int, column: Int, message: String)

        public var message: String {
            switch self {
            case .notZip: "the file is named .docx but is not a Word document (it is not a ZIP package)"
            case .noDocument: "the Word package has no word/document.xml part"
            case .tooLarge: "the Word document's text part unpacks to more than \(maximumDocumentSize / (1024 * 1024)) MB"
            case .xml(_, _, let message): "the Word document's XML is damaged: \(message)"
            }
        }
    }

    public static func lines(_ data: Data) -> Result<[String], Failure> {
        guard data.starts(with: [0x50, 0x4B]), let archive = try? Archive(data: data, accessMode: .read, pathEncoding: nil),
              let entry = archive["word/document.xml"] else {
            return .failure(data.starts(with: [0x50, 0x4B]) ? .noDocument : .notZip)
        }
        guard entry.uncompressedSize <= UInt64(maximumDocumentSize) else { return .failure(.tooLarge) }
        var xml = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                xml.append(chunk)
                // The declared size can lie; stop reading as soon as the real size passes the limit.
                if xml.count > maximumDocumentSize { throw Failure.tooLarge }
            }
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(.noDocument)
        }
        switch SafeXMLParser.parse(xml) {
        case .failure(let problems):
            let first = problems.all.first
            return .failure(.xml(line: first?.line ?? 1, column: first?.column ?? 1, message: first?.message ?? "not well-formed"))
        case .success(let document):
            guard let body = document.root.child("body") else { return .success([]) }
            var lines: [String] = []
            collect(body, into: &lines)
            return .success(lines)
        }
    }

    private static func collect(_ element: XMLElement, into lines: inout [String]) {
        for child in element.children {
            switch child.name {
            case "p": lines.append(paragraph(child))
            case "tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "smartTag":
                collect(child, into: &lines)
            default: continue
            }
        }
    }

    private static func paragraph(_ element: XMLElement) -> String {
        var text = ""
        func runs(_ node: XMLElement) {
            for child in node.children {
                switch child.name {
                case "t": text += child.text
                case "tab": text += " "
                case "br", "cr": text += " "
                case "noBreakHyphen": text += "-"
                case "del", "delText", "instrText", "pPr", "rPr": continue
                default: runs(child)
                }
            }
        }
        runs(element)
        let properties = element.child("pPr")
        let style = properties?.child("pStyle")?.attributes["val"]?.lowercased() ?? ""
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return "" }
        if style == "title" { return "# " + trimmed }
        if style.hasPrefix("heading"), let level = Int(style.dropFirst("heading".count)), (1...6).contains(level) {
            return String(repeating: "#", count: level) + " " + trimmed
        }
        if properties?.child("numPr") != nil || style.hasPrefix("list") { return "- " + trimmed }
        return trimmed
    }
}
