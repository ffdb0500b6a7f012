import CLibXML2
import Foundation

/// A compiled XSD. libxml2 allows one schema to serve many validation contexts at once,
/// so a single instance is shared across threads; it is immutable after init.
public final class XMLSchema: @unchecked Sendable {
    fileprivate let pointer: xmlSchemaPtr

    /// Compiles an XSD held in memory. The schema may not import or include other files:
    /// the external-entity loader refuses every load.
    public init(xsd: Data) throws(XMLProblem) {
        LibXMLRuntime.ensureInitialised()
        let collector = ProblemCollector(source: xsd, kind: .schema)
        let compiled: xmlSchemaPtr? = xsd.withUnsafeBytes { raw -> xmlSchemaPtr? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            guard let parserContext = xmlSchemaNewMemParserCtxt(base, Int32(raw.count)) else { return nil }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            return collector.collecting {
                xmlSchemaSetParserStructuredErrors(parserContext, collectProblem, $0)
                return xmlSchemaParse(parserContext)
            }
        }
        guard let compiled else {
            throw collector.problems.first
                ?? XMLProblem(kind: .schema, line: 0, column: 0, message: "the schema could not be compiled")
        }
        pointer = compiled
    }

    deinit { xmlSchemaFree(pointer) }
}

/// Parses untrusted XML with every dangerous libxml2 feature off.
///
/// Returns come from outside, so: no network (`XML_PARSE_NONET` and a loader that refuses
/// everything), no DTD loading, no entity substitution, and any DOCTYPE is refused before
/// libxml2 sees the document, so no entity can ever be declared, let alone expanded.
/// libxml2's own limits (depth 256, 10 MB text nodes) stay on: `XML_PARSE_HUGE` is never set.
public enum SafeXMLParser {
    /// Problems reported per document, at most; a broken file can raise thousands.
    public static let problemLimit = 20

    /// Start tags a document may hold. The tree costs a few hundred bytes per element, in libxml2
    /// and again in Swift, so this bounds memory: 200,000 elements is some 150 MB, and a real
    /// return holds a few thousand. Beyond it the document is refused before libxml2 sees it.
    public static let defaultElementLimit = 200_000

    public static func parse(_ data: Data, schema: XMLSchema? = nil,
                             elementLimit: Int = defaultElementLimit) -> Result<XMLDocument, XMLProblems> {
        LibXMLRuntime.ensureInitialised()
        if let problem = Prolog.check(data) { return .failure(XMLProblems([problem])) }
        if startTags(in: data, moreThan: elementLimit) {
            return .failure(XMLProblems([XMLProblem(kind: .tooComplex, line: 1, column: 1,
                message: "the document has more than \(elementLimit) elements, far more than any return needs")]))
        }

        let collector = ProblemCollector(source: data, kind: .malformed)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue
            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            return collector.collecting { context in
                xmlSetStructuredErrorFunc(context, collectProblem)
                defer { xmlSetStructuredErrorFunc(nil, nil) }
                return xmlReadMemory(base, Int32(raw.count), "return.xml", nil, options)
            }
        }
        guard let document else {
            return .failure(XMLProblems(collector.problemsOrDefault("the document is not well-formed XML")))
        }
        defer { xmlFreeDoc(document) }
        if !collector.problems.isEmpty { return .failure(XMLProblems(collector.problems)) }

        if document.pointee.intSubset != nil || document.pointee.extSubset != nil {
            return .failure(XMLProblems([XMLProblem(kind: .forbidden, line: 1, column: 1,
                                        message: "DOCTYPE declarations are not allowed")]))
        }
        guard let rootNode = xmlDocGetRootElement(document) else {
            return .failure(XMLProblems([XMLProblem(kind: .empty, line: 1, column: 1, message: "the document has no root element")]))
        }

        if let schema {
            let validator = ProblemCollector(source: data, kind: .schema)
            let outcome: Int32 = validator.collecting { context in
                guard let validation = xmlSchemaNewValidCtxt(schema.pointer) else { return -1 }
                defer { xmlSchemaFreeValidCtxt(validation) }
                xmlSchemaSetValidStructuredErrors(validation, collectProblem, context)
                return xmlSchemaValidateDoc(validation, document)
            }
            if outcome != 0 {
                return .failure(XMLProblems(validator.problemsOrDefault("the document does not match the schema")))
            }
        }

        let encoding = document.pointee.encoding.map { String(cString: $0) }
        return .success(XMLDocument(root: TreeBuilder.element(rootNode), declaredEncoding: encoding))
    }
}

extension SafeXMLParser {
    /// One linear pass over the bytes: every `<` not followed by `/`, `!` or `?` opens an element
    /// (inside a comment or CDATA it may not, so this over-counts, which errs on the safe side).
    static func startTags(in data: Data, moreThan limit: Int) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            var count = 0
            var index = 0
            let end = bytes.count
            while index < end {
                if bytes[index] == 0x3C, index + 1 < end {
                    let next = bytes[index + 1]
                    if next != 0x2F && next != 0x21 && next != 0x3F {
                        count += 1
                        if count > limit { return true }
                    }
                }
                index += 1
            }
            return false
        }
    }
}

/// One-time process setup: initialise libxml2 and install the loader that refuses all I/O.
enum LibXMLRuntime {
    private static let initialised: Bool = {
        xmlInitParser()
        datamap_install_entity_refuser()
        return true
    }()

    static func ensureInitialised() { _ = initialised }
}

/// Copies a libxml2 node tree into Swift values; the caller frees the document afterwards.
enum TreeBuilder {
    static func element(_ node: xmlNodePtr) -> XMLElement {
        var result = XMLElement(
            name: String(cString: node.pointee.name),
            namespace: node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } },
            line: Int(xmlGetLineNo(node))
        )
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            if let value = xmlNodeGetContent(UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self)) {
                result.attributes[name] = String(cString: value)
                datamap_xml_free(value)
            }
            attribute = current.pointee.next
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                result.children.append(element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { result.text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        return result
    }
}

/// Collects libxml2's structured errors for one call, turning each into a located, redacted problem.
final class ProblemCollector {
    let source: Data
    let kind: XMLProblemKind
    private(set) var problems: [XMLProblem] = []

    init(source: Data, kind: XMLProblemKind) {
        self.source = source
        self.kind = kind
    }

    /// Runs `body` with an opaque pointer to this collector for libxml2's callbacks.
    func collecting<T>(_ body: (UnsafeMutableRawPointer) -> T) -> T {
        let unmanaged = Unmanaged.passRetained(self)
        defer { unmanaged.release() }
        return body(unmanaged.toOpaque())
    }

    func problemsOrDefault(_ message: String) -> [XMLProblem] {
        problems.isEmpty ? [XMLProblem(kind: kind, line: 1, column: 1, message: message)] : problems
    }

    func record(_ error: xmlError) {
        guard problems.count < SafeXMLParser.problemLimit else { return }
        guard error.level == XML_ERR_ERROR || error.level == XML_ERR_FATAL else { return }
        let raw = error.message.map { String(cString: $0) } ?? "unknown error"
        var kind = self.kind
        if error.domain == Int32(XML_FROM_IO.rawValue) || error.code == Int32(XML_IO_NETWORK_ATTEMPT.rawValue) {
            kind = .forbidden
        } else if Self.encodingErrors.contains(error.code) {
            kind = .encoding
        }
        var line = Int(error.line)
        var column = Int(error.int2)
        if let node = error.node?.assumingMemoryBound(to: xmlNode.self), kind == .schema {
            line = Int(xmlGetLineNo(node))
            column = SourceColumns.column(in: source, line: line, message: raw)
        }
        problems.append(XMLProblem(kind: kind, line: max(line, 1), column: max(column, 1),
                                   message: MessageRedaction.redact(raw)))
    }

    private static let encodingErrors: Set<Int32> = [
        Int32(XML_ERR_INVALID_CHAR.rawValue), Int32(XML_ERR_INVALID_ENCODING.rawValue),
        Int32(XML_ERR_UNSUPPORTED_ENCODING.rawValue), Int32(XML_ERR_UNKNOWN_ENCODING.rawValue),
        Int32(XML_I18N_CONV_FAILED.rawValue),
    ]
}

/// The C callback libxml2 calls for every structured error.
private let collectProblem: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    Unmanaged<ProblemCollector>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
}
