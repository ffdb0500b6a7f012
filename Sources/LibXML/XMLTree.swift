/// A parsed element as plain Swift values, so no libxml2 pointer ever leaves this module.
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var namespace: String?
    public var attributes: [String: String]
    public var children: [XMLElement]
    /// The element's own character data (text and CDATA children, concatenated in order).
    public var text: String
    /// 1-based line of the start tag, as libxml2 recorded it.
    public var line: Int

    public init(
        name: String, namespace: String? = nil, attributes: [String: String] = [:],
        children: [XMLElement] = [], text: String = "", line: Int = 0
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
        self.line = line
    }

    /// The last line this element's content reaches, as far as its descendants' start tags show.
    public var lastLine: Int {
        children.reduce(line) { max($0, $1.lastLine) }
    }

    /// The first child element with this local name.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    /// Every child element with this local name, in document order.
    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }
}

/// What kind of problem stopped a document, so callers can give the right advice.
public enum XMLProblemKind: String, Sendable, Equatable {
    /// Not well-formed XML: a parser error.
    case malformed
    /// Well-formed, but the schema does not allow it.
    case schema
    /// Bytes that are not the encoding the document claims, or an encoding we do not accept.
    case encoding
    /// A construct refused for safety: DOCTYPE, entities, external resources.
    case forbidden
    /// The document has no content at all.
    case empty
    /// More elements than the memory bound allows.
    case tooComplex
}

/// One problem, located in the source. Messages never quote document content.
public struct XMLProblem: Error, Sendable, Equatable {
    public var kind: XMLProblemKind
    public var line: Int
    public var column: Int
    public var message: String

    public init(kind: XMLProblemKind, line: Int, column: Int, message: String) {
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }
}

/// A document that parsed (and, when a schema was given, validated).
public struct XMLDocument: Sendable, Equatable {
    public var root: XMLElement
    /// The encoding named in the XML declaration, if any.
    public var declaredEncoding: String?
}

/// Every problem found in one document, in the order libxml2 reported them.
public struct XMLProblems: Error, Sendable, Equatable {
    public var all: [XMLProblem]

    public init(_ all: [XMLProblem]) {
        self.all = all
    }
}
