import Foundation

/// Bytes on their way to one output file. A large study's outputs run to hundreds of megabytes,
/// so they are handed on a block at a time instead of being rendered whole in memory.
///
/// Writes never throw, so renderers stay simple: the first failure is kept, later writes are
/// dropped, and `finish()` reports it.
public final class OutputSink {
    static let blockSize = 1 << 20

    private var buffer: [UInt8] = []
    private let drain: ([UInt8]) throws -> Void
    private var failure: (any Error)?

    /// - Parameter drain: takes each full block, in order.
    public init(drain: @escaping ([UInt8]) throws -> Void) {
        self.drain = drain
        buffer.reserveCapacity(Self.blockSize + 4096)
    }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        // A block at a time, so that a large write never makes the buffer as large as itself.
        var start = 0
        while start < bytes.count {
            let end = Swift.min(bytes.count, start + Self.blockSize)
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            if buffer.count >= Self.blockSize { flush() }
            start = end
        }
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    public func write(_ data: Data) {
        data.withUnsafeBytes { write($0.bindMemory(to: UInt8.self)) }
    }

    public func write(byte: UInt8) {
        buffer.append(byte)
        if buffer.count >= Self.blockSize { flush() }
    }

    /// Hands on what is left; throws the first failure of any block.
    public func finish() throws {
        flush()
        if let failure { throw failure }
    }

    private func flush() {
        guard !buffer.isEmpty else { return }
        if failure == nil {
            do { try drain(buffer) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Renders into memory: for small outputs, tests and file systems without streaming.
    public static func collect(_ render: (OutputSink) throws -> Void) rethrows -> Data {
        var data = Data()
        let sink = OutputSink { data.append(contentsOf: $0) }
        try render(sink)
        sink.flush()
        return data
    }
}
