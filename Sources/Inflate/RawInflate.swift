import CDeflate
import Foundation

/// The C boundary for zlib: raw DEFLATE data in, bytes out, with a ceiling on what comes out.
///
/// Every call gives zlib the whole input at once, so each step of the loop either consumes
/// input, produces output, ends the stream or reports that it cannot go on: a truncated or
/// corrupted stream ends in a failure, never a loop, and never more than `limit` bytes are kept.
public enum RawInflate {
    public enum Failure: Error, Equatable, Sendable {
        /// The stream stops before its end marker: the data was cut short.
        case truncated
        /// zlib found bytes that are not a DEFLATE stream.
        case corrupted
        /// More than the limit would come out: a bomb, or a part far larger than a return.
        case tooLarge
    }

    public static func inflate(_ input: Data, limit: Int) -> Result<Data, Failure> {
        var stream = z_stream()
        // A negative window size means raw DEFLATE, as ZIP stores it: no zlib header.
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(.corrupted)
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var source = [UInt8](input)
        return source.withUnsafeMutableBufferPointer { inputBuffer -> Result<Data, Failure> in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer -> (Int32, Int) in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    let status = CDeflate.inflate(&stream, Z_NO_FLUSH)
                    return (status, chunkSize - Int(stream.avail_out))
                }
                if output.count + produced > limit { return .failure(.tooLarge) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END: return .success(output)
                case Z_OK: continue
                case Z_BUF_ERROR: return .failure(stream.avail_in == 0 ? .truncated : .corrupted)
                default: return .failure(.corrupted)
                }
            }
        }
    }

    /// The CRC-32 a ZIP package records for each part.
    public static func crc32(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { buffer -> UInt32 in
            var crc = CDeflate.crc32(0, nil, 0)
            var offset = 0
            // zlib takes a 32-bit length; a part is far smaller, but the loop costs nothing.
            while offset < buffer.count {
                let length = min(buffer.count - offset, Int(UInt32.max))
                crc = CDeflate.crc32(crc, buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(length))
                offset += length
            }
            return UInt32(crc)
        }
    }
}
