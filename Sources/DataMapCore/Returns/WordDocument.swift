import Foundation
import LibXML

/// The text of a Word (.docx) return: one line per paragraph, headings marked as Markdown
/// headings and list paragraphs as list items, so the text reader handles it like any other.
/// Line N of the result is paragraph N of the document, which is how provenance counts.
public enum WordDocument {
    /// The document part of a real return is a few megabytes; anything far larger is a zip bomb.
    public static let maximumDocumentSize = 64 * 1024 * 1024
    /// Word writes ten to thirty elements a paragraph, so this is some 20,000 paragraphs, a
    /// 400-page report; it keeps the parsed tree within the build's memory bound.
    public static let maximumElements = 500_000

    public enum Failure: Error, Equatable, Sendable {
        case notZip
        case noDocument
        /// The package's own directory disagrees with its bytes: cut short, or tampered with.
        case damaged(String)
        case encrypted
        case unsupportedCompression(UInt16)
        case tooLarge
        case tooComplex
        case xml(line: Int, column: Int, message: String)

        public var message: String {
            switch self {
            case .notZip: "the file is named .docx but is not a Word document (it is not a ZIP package)"
            case .noDocument: "the Word package has no word/document.xml part"
            case .damaged(let what): "the Word package is damaged, as a cut-short download or attachment is: \(what)"
            case .encrypted: "the Word document is password-protected, so its text cannot be read"
            case .unsupportedCompression(let method):
                "the Word document's text is packed with compression method \(method), which Word does not use"
            case .tooLarge: "the Word document's text part unpacks to more than \(maximumDocumentSize / (1024 * 1024)) MB"
            case .tooComplex: "the Word document has more than \(maximumElements) elements, far more than a return holds"
            case .xml(_, _, let message): "the Word document's XML is damaged: \(message)"
            }
        }
    }

    public static func lines(_ data: Data) -> Result<[String], Failure> {
        guard data.starts(with: [0x50, 0x4B]) else { return .failure(.notZip) }
        // Every stated extent is checked against the bytes before anything is unpacked.
        let container: ZipContainer
        do { container = try ZipContainer(data) } catch { return .failure(failure(error)) }
        guard let part = container.entries.first(where: { $0.name == "word/document.xml" }) else { return .failure(.noDocument) }
        let xml: Data
        do { xml = try container.contents(of: part, in: data, limit: maximumDocumentSize) } catch { return .failure(failure(error)) }
        switch SafeXMLParser.parse(xml, elementLimit: maximumElements) {
        case .failure(let problems) where problems.all.first?.kind == .tooComplex:
            return .failure(.tooComplex)
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

    private static func failure(_ problem: ZipContainer.Problem) -> Failure {
        switch problem {
        case .noDirectory: .damaged("the end of the file, where its list of parts belongs, is missing")
        case .truncated(let what): .damaged(what)
        case .multipleDisks: .damaged("it claims to be split over several disks")
        case .zip64: .damaged("it uses the ZIP64 layout, which no Word return needs")
        case .encrypted: .encrypted
        case .unsupportedCompression(_, let method): .unsupportedCompression(method)
        case .tooLarge: .tooLarge
        case .corrupted(let what): .damaged(what)
        }
    }

    private static func collect(_ element: XMLElement, into lines: inout [String]) {
        for child in element.children {
            switch child.name {
            case "p": lines.append(paragraph(child))
            case "tbl":
                // A row per line, its cells between bars, so the text reader reads the table as one.
                for row in child.children where row.name == "tr" {
                    let cells = row.children.filter { $0.name == "tc" }.map { cell -> String in
                        var inner: [String] = []
                        collect(cell, into: &inner)
                        return inner.filter { !$0.isEmpty }.joined(separator: " ").replacingOccurrences(of: "|", with: "/")
                    }
                    lines.append(cells.count >= 2 ? "| " + cells.joined(separator: " | ") + " |" : cells.joined(separator: " "))
                }
            case "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "smartTag":
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
