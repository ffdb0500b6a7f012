import Foundation

/// Decodes the store's own JSON payloads several times faster than JSONDecoder: loading a
/// large study is mostly decoding. It reads only what JSONEncoder wrote for these records; on
/// anything else (a malformed payload, a type it does not handle) it throws, and the store asks
/// JSONDecoder, whose errors say what is wrong. A test decodes payloads both ways and compares.
struct PayloadDecoder {
    struct Unreadable: Error {}

    func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let value = try data.withUnsafeBytes { raw in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self))
            let value = try parser.value()
            parser.skipSpace()
            guard parser.index == parser.bytes.count else { throw Unreadable() }
            return value
        }
        return try Value(from: ValueDecoder(value))
    }
}

// MARK: Parsing

private indirect enum JSONValue {
    case null, bool(Bool), number(String), string(String), array([JSONValue]), object([(String, JSONValue)])
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value() throws -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw PayloadDecoder.Unreadable() }
        switch bytes[index] {
        case 0x7B: return try object()
        case 0x5B: return try array()
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: String) throws {
        for byte in word.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw PayloadDecoder.Unreadable() }
            index += 1
        }
    }

    private mutating func number() throws -> String {
        let start = index
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) || [0x2D, 0x2B, 0x2E, 0x65, 0x45].contains(bytes[index]) {
            index += 1
        }
        guard index > start else { throw PayloadDecoder.Unreadable() }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func object() throws -> JSONValue {
        index += 1
        var members: [(String, JSONValue)] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 0x7D { index += 1; return .object(members) }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x22 else { throw PayloadDecoder.Unreadable() }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x3A else { throw PayloadDecoder.Unreadable() }
            index += 1
            members.append((key, try value()))
            skipSpace()
            guard index < bytes.count else { throw PayloadDecoder.Unreadable() }
            if bytes[index] == 0x2C { index += 1; continue }
            guard bytes[index] == 0x7D else { throw PayloadDecoder.Unreadable() }
            index += 1
            return .object(members)
        }
    }

    private mutating func array() throws -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == 0x5D { index += 1; return .array(elements) }
        while true {
            elements.append(try value())
            skipSpace()
            guard index < bytes.count else { throw PayloadDecoder.Unreadable() }
            if bytes[index] == 0x2C { index += 1; continue }
            guard bytes[index] == 0x5D else { throw PayloadDecoder.Unreadable() }
            index += 1
            return .array(elements)
        }
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        // Most strings have no escapes: they are cut straight from the bytes.
        while index < bytes.count, bytes[index] != 0x22, bytes[index] != 0x5C { index += 1 }
        guard index < bytes.count else { throw PayloadDecoder.Unreadable() }
        if bytes[index] == 0x22 {
            defer { index += 1 }
            return try validUTF8(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 0x22: return try validUTF8(out.withUnsafeBufferPointer { $0 })
            case 0x5C:
                guard index < bytes.count else { throw PayloadDecoder.Unreadable() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case 0x22, 0x5C, 0x2F: out.append(escape)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == 0x75 else { throw PayloadDecoder.Unreadable() }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw PayloadDecoder.Unreadable() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw PayloadDecoder.Unreadable() }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default: throw PayloadDecoder.Unreadable()
                }
            default: out.append(byte)
            }
        }
        throw PayloadDecoder.Unreadable()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw PayloadDecoder.Unreadable() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x66: digit = byte - 0x61 + 10
            case 0x41...0x46: digit = byte - 0x41 + 10
            default: throw PayloadDecoder.Unreadable()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private func validUTF8(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw PayloadDecoder.Unreadable() }
        return text
    }
}

// MARK: Decoding

private struct ValueDecoder: Decoder {
    let value: JSONValue
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue) { self.value = value }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw PayloadDecoder.Unreadable() }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw PayloadDecoder.Unreadable() }
        return UnkeyedContainer(elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(value: value) }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        switch value {
        case .string(let text) where type == String.self: return text as! T
        case .number(let text) where type == Int.self:
            guard let number = Int(text) else { throw PayloadDecoder.Unreadable() }
            return number as! T
        default:
            if type == Data.self || type == URL.self || type == Decimal.self { throw PayloadDecoder.Unreadable() }
            return try T(from: ValueDecoder(value))
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [(String, JSONValue)]
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.0) } }

    func contains(_ key: Key) -> Bool { members.contains { $0.0 == key.stringValue } }

    private func value(_ key: Key) throws -> JSONValue {
        let name = key.stringValue
        guard let member = members.first(where: { $0.0 == name }) else { throw PayloadDecoder.Unreadable() }
        return member.1
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try value(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try SingleValue(value: value(key)).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try SingleValue(value: value(key)).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try SingleValue(value: value(key)).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try SingleValue(value: value(key)).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try ValueDecoder.decode(type, from: value(key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(members.first { $0.0 == "super" }?.1 ?? .null)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { ValueDecoder(try value(key)) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    var currentIndex = 0
    var codingPath: [any CodingKey] { [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> JSONValue {
        guard !isAtEnd else { throw PayloadDecoder.Unreadable() }
        defer { currentIndex += 1 }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw PayloadDecoder.Unreadable() }
        if case .null = elements[currentIndex] { currentIndex += 1; return true }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try SingleValue(value: next()).decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try SingleValue(value: next()).decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try SingleValue(value: next()).decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try SingleValue(value: next()).decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try ValueDecoder.decode(type, from: next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(next()).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try ValueDecoder(next()).unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { ValueDecoder(try next()) }
}

private struct SingleValue: SingleValueDecodingContainer {
    let value: JSONValue
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw PayloadDecoder.Unreadable() }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let text) = value else { throw PayloadDecoder.Unreadable() }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let text) = value, let number = Double(text) else { throw PayloadDecoder.Unreadable() }
        return number
    }

    func decode(_ type: Int.Type) throws -> Int {
        guard case .number(let text) = value, let number = Int(text) else { throw PayloadDecoder.Unreadable() }
        return number
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try ValueDecoder.decode(type, from: value) }
}
