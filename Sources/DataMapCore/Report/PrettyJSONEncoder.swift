import Foundation

/// Encodes a value to exactly the bytes JSONEncoder gives with `.prettyPrinted`, `.sortedKeys`
/// and `.withoutEscapingSlashes`, several times faster: a large study's `datamap.json` is one
/// encoded value per activity. Values it does not write the same way (floating point numbers,
/// dates, data, URLs) make it throw `Unsupported`, and the caller uses JSONEncoder instead.
/// A test compares the two on every kind of record the outputs hold.
struct PrettyJSONEncoder {
    struct Unsupported: Error {}

    /// - Parameter depth: the indentation level the value starts at (two spaces a level).
    func encode<Value: Encodable>(_ value: Value, depth: Int = 0, into out: inout [UInt8]) throws {
        let encoder = NodeEncoder()
        try value.encode(to: encoder)
        guard let node = encoder.box.node else { throw Unsupported() }
        Self.write(node, depth: depth, into: &out)
    }

    // MARK: Writing

    private static func write(_ node: Node, depth: Int, into out: inout [UInt8]) {
        switch node {
        case .null: out += [0x6E, 0x75, 0x6C, 0x6C]
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): quote(text, into: &out)
        case .pending(let box): write(box.node ?? .object(ObjectBox()), depth: depth, into: &out)
        case .array(let box):
            out.append(0x5B)
            out.append(0x0A)
            for (index, element) in box.elements.enumerated() {
                if index > 0 { out += [0x2C, 0x0A] }
                indent(depth + 1, into: &out)
                write(element, depth: depth + 1, into: &out)
            }
            out.append(0x0A)
            indent(depth, into: &out)
            out.append(0x5D)
        case .object(let box):
            out.append(0x7B)
            out.append(0x0A)
            let members = box.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in members.enumerated() {
                if index > 0 { out += [0x2C, 0x0A] }
                indent(depth + 1, into: &out)
                quote(member.key, into: &out)
                out += [0x20, 0x3A, 0x20]
                write(member.value, depth: depth + 1, into: &out)
            }
            out.append(0x0A)
            indent(depth, into: &out)
            out.append(0x7D)
        }
    }

    private static func indent(_ depth: Int, into out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(0x20, count: depth * 2))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string as JSONEncoder writes it; `--spans` output uses it too.
    static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(0x22)
        // Most text needs no escape and goes in whole.
        var text = text
        let plain = text.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(0x22)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case ..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }
}

// MARK: The value tree

private indirect enum Node {
    case null, bool(Bool), number(String), string(String), array(ArrayBox), object(ObjectBox)
    /// A super encoder's value, known only once it has been encoded.
    case pending(NodeBox)
}

private final class ArrayBox { var elements: [Node] = [] }
private final class ObjectBox { var members: [(key: String, value: Node)] = [] }

/// Where an encoder's value goes once it is known.
private final class NodeBox { var node: Node? }

private final class NodeEncoder: Encoder {
    let box = NodeBox()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: ObjectBox
        if case .object(let existing) = box.node { object = existing } else {
            object = ObjectBox()
            box.node = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: ArrayBox
        if case .array(let existing) = box.node { array = existing } else {
            array = ArrayBox()
            box.node = .array(array)
        }
        return UnkeyedContainer(array: array)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(box: box) }

    /// A nested value: primitives directly, anything else through its own `encode(to:)`.
    static func node<Value: Encodable>(for value: Value) throws -> Node {
        switch value {
        case let value as String: return .string(value)
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(String(value))
        case let value as any BinaryInteger: return .number(String(describing: value))
        case is Double, is Float, is Date, is Data, is URL, is Decimal: throw PrettyJSONEncoder.Unsupported()
        default:
            let encoder = NodeEncoder()
            try value.encode(to: encoder)
            // A value that encodes nothing is an empty object, as JSONEncoder writes it.
            return encoder.box.node ?? .object(ObjectBox())
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: ObjectBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { object.members.append((key.stringValue, .null)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { object.members.append((key.stringValue, .bool(value))) }
    mutating func encode(_ value: String, forKey key: Key) throws { object.members.append((key.stringValue, .string(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { object.members.append((key.stringValue, .number(String(value)))) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw PrettyJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw PrettyJSONEncoder.Unsupported() }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        object.members.append((key.stringValue, try NodeEncoder.node(for: value)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        object.members.append((key.stringValue, .object(nested)))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        object.members.append((key.stringValue, .array(nested)))
        return UnkeyedContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        let encoder = NodeEncoder()
        object.members.append((name, .pending(encoder.box)))
        return encoder
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let array: ArrayBox
    var codingPath: [any CodingKey] { [] }
    var count: Int { array.elements.count }

    mutating func encodeNil() throws { array.elements.append(.null) }
    mutating func encode(_ value: Bool) throws { array.elements.append(.bool(value)) }
    mutating func encode(_ value: String) throws { array.elements.append(.string(value)) }
    mutating func encode(_ value: Int) throws { array.elements.append(.number(String(value))) }
    mutating func encode(_ value: Double) throws { throw PrettyJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw PrettyJSONEncoder.Unsupported() }
    mutating func encode<T: Encodable>(_ value: T) throws { array.elements.append(try NodeEncoder.node(for: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        array.elements.append(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        array.elements.append(.array(nested))
        return UnkeyedContainer(array: nested)
    }

    mutating func superEncoder() -> any Encoder {
        let encoder = NodeEncoder()
        array.elements.append(.pending(encoder.box))
        return encoder
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let box: NodeBox
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { box.node = .null }
    mutating func encode(_ value: Bool) throws { box.node = .bool(value) }
    mutating func encode(_ value: String) throws { box.node = .string(value) }
    mutating func encode(_ value: Int) throws { box.node = .number(String(value)) }
    mutating func encode(_ value: Double) throws { throw PrettyJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw PrettyJSONEncoder.Unsupported() }
    mutating func encode<T: Encodable>(_ value: T) throws { box.node = try NodeEncoder.node(for: value) }
}
