import Foundation
import Inflate

/// A bounds-checked reading of a ZIP package, for the one part a Word return needs.
///
/// ZIPFoundation read an in-memory archive through offsets it took from the file on trust: a
/// directory pointing past the end (a broken download, a truncated attachment) trapped the whole
/// build, and a truncated stream made its inflate loop for ever. Here every offset and length the
/// package states is checked against the bytes actually present, and the part is inflated by
/// `RawInflate` with a ceiling, then checked against its recorded size and CRC-32. What Word never
/// writes (several disks, ZIP64, encryption, compression other than stored or deflate) is named,
/// so the refusal tells the researcher what is wrong.
struct ZipContainer {
    struct Entry: Equatable {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: UInt32
        var uncompressedSize: UInt32
        var localHeaderOffset: UInt32
        /// Where the part's packed bytes begin, once its local header has been checked.
        var dataOffset = 0
    }

    enum Problem: Error, Equatable {
        /// No end-of-directory record: the file was cut short or is not a package.
        case noDirectory
        /// A stated offset or length runs past the end of the file, or two parts overlap.
        case truncated(String)
        case multipleDisks
        case zip64
        case encrypted(String)
        case unsupportedCompression(String, UInt16)
        /// The part unpacks to more than the caller's limit.
        case tooLarge(String)
        /// The part's packed bytes are not DEFLATE, or do not match its recorded checksum or size.
        case corrupted(String)
    }

    let entries: [Entry]

    /// The end-of-directory record is 22 bytes, followed by a comment of at most 65,535.
    private static let endRecordSize = 22

    init(_ data: Data) throws(Problem) {
        let bytes = [UInt8](data)
        let count = bytes.count
        guard count >= Self.endRecordSize else { throw .noDirectory }
        var end = -1
        var position = count - Self.endRecordSize
        let lowest = max(0, count - Self.endRecordSize - 65_535)
        while position >= lowest {
            if Self.u32(bytes, position) == 0x0605_4B50,
               position + Self.endRecordSize + Int(Self.u16(bytes, position + 20)) == count {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { throw .noDirectory }
        guard Self.u16(bytes, end + 4) == 0, Self.u16(bytes, end + 6) == 0 else { throw .multipleDisks }
        let total = Int(Self.u16(bytes, end + 10))
        let directorySize = Self.u32(bytes, end + 12)
        let directoryOffset = Self.u32(bytes, end + 16)
        guard directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF, total != 0xFFFF else { throw .zip64 }
        guard Int(directoryOffset) + Int(directorySize) <= end else {
            throw .truncated("the package's directory lies past the end of the file")
        }
        var entries: [Entry] = []
        var cursor = Int(directoryOffset)
        let directoryEnd = Int(directoryOffset) + Int(directorySize)
        for _ in 0..<total {
            guard cursor + 46 <= directoryEnd, Self.u32(bytes, cursor) == 0x0201_4B50 else {
                throw .truncated("the package's directory is damaged")
            }
            let nameLength = Int(Self.u16(bytes, cursor + 28))
            let extraLength = Int(Self.u16(bytes, cursor + 30))
            let commentLength = Int(Self.u16(bytes, cursor + 32))
            let next = cursor + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { throw .truncated("the package's directory is damaged") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            var entry = Entry(name: name, method: Self.u16(bytes, cursor + 10), flags: Self.u16(bytes, cursor + 8), crc: Self.u32(bytes, cursor + 16),
                              compressedSize: Self.u32(bytes, cursor + 20), uncompressedSize: Self.u32(bytes, cursor + 24),
                              localHeaderOffset: Self.u32(bytes, cursor + 42))
            guard entry.compressedSize != 0xFFFF_FFFF, entry.uncompressedSize != 0xFFFF_FFFF,
                  entry.localHeaderOffset != 0xFFFF_FFFF else { throw .zip64 }
            entry.dataOffset = try Self.checkLocal(entry, in: bytes, before: Int(directoryOffset))
            entries.append(entry)
            cursor = next
        }
        self.entries = entries
    }

    /// The entry's own header, its data and any trailing data descriptor all lie before the directory.
    private static func checkLocal(_ entry: Entry, in bytes: [UInt8], before limit: Int) throws(Problem) -> Int {
        let start = Int(entry.localHeaderOffset)
        guard start + 30 <= limit, u32(bytes, start) == 0x0403_4B50 else {
            throw .truncated("part \(entry.name) is missing from the file")
        }
        let dataStart = start + 30 + Int(u16(bytes, start + 26)) + Int(u16(bytes, start + 28))
        var dataEnd = dataStart + Int(entry.compressedSize)
        if entry.flags & 0x0008 != 0 {
            // A data descriptor follows the data: 12 bytes, or 16 with its optional signature.
            dataEnd += dataEnd + 4 <= limit && u32(bytes, dataEnd) == 0x0807_4B50 ? 16 : 12
        }
        guard dataEnd <= limit else { throw .truncated("part \(entry.name) runs past the end of the file") }
        // Stored data is its own size; a mismatch means the sizes were tampered with.
        if entry.method == 0, entry.compressedSize != entry.uncompressedSize {
            throw .truncated("part \(entry.name) states two different sizes")
        }
        return dataStart
    }

    /// Whether this part can be unpacked here: not encrypted, and stored or deflated, which is
    /// all Word writes. Checked only for the part the reader needs, so an odd image is no bar.
    private func checkUnpackable(_ entry: Entry) throws(Problem) {
        if entry.flags & 0x0001 != 0 { throw .encrypted(entry.name) }
        guard entry.method == 0 || entry.method == 8 else { throw .unsupportedCompression(entry.name, entry.method) }
    }

    /// The part's bytes, unpacked, checked against its recorded size and CRC-32. At most `limit`
    /// bytes are ever produced, whatever the package claims.
    func contents(of entry: Entry, in data: Data, limit: Int) throws(Problem) -> Data {
        try checkUnpackable(entry)
        guard Int(entry.uncompressedSize) <= limit else { throw .tooLarge(entry.name) }
        let start = data.startIndex + entry.dataOffset
        let packed = data[start..<(start + Int(entry.compressedSize))]
        let unpacked: Data
        if entry.method == 0 {
            unpacked = Data(packed)
        } else {
            switch RawInflate.inflate(Data(packed), limit: limit) {
            case .success(let bytes): unpacked = bytes
            case .failure(.tooLarge): throw .tooLarge(entry.name)
            case .failure(.truncated): throw .truncated("part \(entry.name) ends before its packed data does")
            case .failure(.corrupted): throw .corrupted("part \(entry.name)'s packed data is not readable")
            }
        }
        guard unpacked.count == Int(entry.uncompressedSize) else {
            throw .corrupted("part \(entry.name) unpacks to a different size from the one recorded")
        }
        guard RawInflate.crc32(unpacked) == entry.crc else {
            throw .corrupted("part \(entry.name)'s checksum does not match its contents")
        }
        return unpacked
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
