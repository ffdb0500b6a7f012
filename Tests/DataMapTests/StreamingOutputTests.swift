@testable import DataMapCore
import Foundation
import Testing
import ZIPFoundation

/// Outputs are made a block at a time; these check that the pieces add up to what rendering the
/// whole document at once gives, and that a failed write is reported.
@Suite("Streamed outputs")
struct StreamingOutputTests {
    /// Many rows, from copies of the golden returns under other file names.
    static let largeMap: DataMap = {
        var returns: [AnonymisedReturn] = []
        for copy in 0..<400 {
            for row in GoldenStudy.dataMap.rows {
                var activity = row.activity
                activity.provenance.file = "inbox/copy-\(copy).xml"
                activity.description = (activity.description ?? "") + String(repeating: " more text", count: copy % 7)
                returns.append(AnonymisedReturn(source: "inbox/copy-\(copy)-\(row.id).xml", organisation: row.organisation,
                                                respondent: row.respondent, anonymity: .anonymous, submitted: row.submitted,
                                                language: row.language, answers: [], activities: [activity]))
            }
        }
        return DataMap(returns: returns)
    }()

    struct WholeDocument: Encodable {
        let format: String
        let activities: [DataMap.Row]
    }

    @Test(arguments: [0, 1, 2])
    func theDataMapJSONIsTheEncodersWholeDocumentByteForByte(size: Int) throws {
        let map = [DataMap(returns: []), GoldenStudy.dataMap, Self.largeMap][size]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let whole = try encoder.encode(WholeDocument(format: DataMapJSON.format, activities: map.rows)) + Data("\n".utf8)
        let streamed = DataMapJSON.render(map)
        #expect(streamed == whole)
        #expect(size == 0 || map.rows.count > 0)
    }

    /// Everything awkward the fast encoder must write as JSONEncoder does.
    struct Awkward: Encodable {
        struct Inner: Encodable { var list: [String] = []; var none: String?; var flag = true }
        struct Custom: Encodable {
            enum Keys: String, CodingKey { case zeta, alpha, Beta, nested, base }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                try container.encode("z", forKey: .zeta)
                try container.encodeNil(forKey: .alpha)
                try container.encode(UInt8(255), forKey: .Beta)
                var nested = container.nestedUnkeyedContainer(forKey: .nested)
                try nested.encode(Int64.min)
                try nested.encodeNil()
                var inner = nested.nestedContainer(keyedBy: Keys.self)
                try inner.encode(false, forKey: .alpha)
                try Inner().encode(to: container.superEncoder(forKey: .base))
                try Inner(list: ["x"]).encode(to: container.superEncoder())
            }
        }
        var text = "quote \" backslash \\ slash / tab \t line \n return \r bell \u{7} \u{1F} del \u{7F} \u{2028} ŵyn 🙂 \u{8}\u{C}\u{0}"
        var empty: [Int] = []
        var emptyObject = Inner(list: [], none: nil)
        var nested: [[Inner]] = [[], [Inner(list: ["a", "b"])]]
        var optionals: [String?] = ["a", nil]
        var numbers: [Int] = [0, -1, Int.max]
        var custom = Custom()
        var date = PartialDate(year: 2018, month: 3)
    }

    struct WithDouble: Encodable { var offset = 754.25; var name = "x" }

    func jsonEncoder(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    @Test func theFastEncoderWritesWhatJSONEncoderWrites() throws {
        var bytes: [UInt8] = []
        try PrettyJSONEncoder().encode(Awkward(), into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: try jsonEncoder(Awkward()), as: UTF8.self))
        for row in Self.largeMap.rows.prefix(50) + GoldenStudy.dataMap.rows {
            bytes = []
            try PrettyJSONEncoder().encode(row, into: &bytes)
            #expect(bytes == (try jsonEncoder(row)))
        }
        // Floating point numbers are left to JSONEncoder, and the document is the same.
        #expect(throws: PrettyJSONEncoder.Unsupported.self) { try PrettyJSONEncoder().encode(WithDouble(), into: &bytes) }
        let document = OutputSink.collect { sink in
            sink.write("{\n")
            PrettyJSON.write(member: "items", [WithDouble(), WithDouble(offset: 3)], last: true, to: sink)
            sink.write("}")
        }
        #expect(document == Data(try jsonEncoder(["items": [WithDouble(), WithDouble(offset: 3)]])))
    }

    @Test func blocksArriveInOrderAndAddUpToTheWhole() throws {
        var blocks: [[UInt8]] = []
        let sink = OutputSink { blocks.append($0) }
        var expected: [UInt8] = []
        for index in 0..<300_000 {
            let line = "line \(index), ŵyn\n"
            sink.write(line)
            expected += Array(line.utf8)
        }
        try sink.finish()
        #expect(blocks.count > 3, "a large output is handed on in several blocks, not held whole")
        #expect(blocks.dropLast().allSatisfy { $0.count >= OutputSink.blockSize && $0.count < OutputSink.blockSize + 64 })
        #expect(Array(blocks.joined()) == expected)
    }

    struct DiskFull: Error, Equatable {}

    @Test func theFirstFailedBlockIsReportedAndNothingIsWrittenAfterIt() {
        var drained = 0
        let sink = OutputSink { _ in
            drained += 1
            if drained == 2 { throw DiskFull() }
        }
        for _ in 0..<(OutputSink.blockSize / 8) * 5 { sink.write("12345678") }
        #expect(throws: DiskFull.self) { try sink.finish() }
        #expect(drained == 2, "no block is handed on after a failure")
    }

    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func next() -> Int { lock.withLock { count += 1; return count } }
        var made: Int { lock.withLock { count } }
    }

    /// A sheet that comes out another length the second time (its rows' texts could not be
    /// fetched again) must fail the workbook, not give a sheet cut short or padded.
    @Test(.timeLimit(.minutes(1)), arguments: [-1, 1])
    func aSheetThatChangesLengthBetweenItsTwoPassesFailsTheWorkbook(change: Int) {
        let calls = Calls()
        let rows = 2_000
        let table = ReportTable(name: "t", title: "T", columns: ["text"], count: rows) { _ in
            let call = calls.next()
            return [String(repeating: "x", count: call <= rows ? 40 : 40 + change * 10)]
        }
        #expect(throws: (any Error).self) { try Workbook.xlsx([table]) }
    }

    /// A spool held in memory for the test: the build's is an unlinked file in `.datamap/`.
    final class MemorySpool: Spool {
        var bytes: [UInt8] = []
        var reads = 0
        func append(_ part: [UInt8]) throws { bytes += part }
        func read(at offset: Int, count: Int) throws -> Data {
            reads += 1
            return Data(bytes[offset..<(offset + count)])
        }
    }

    /// Made once into a spool or twice without one, a workbook is the same bytes, and with a
    /// spool each sheet's rows are made only once.
    @Test func aWorkbookMadeThroughASpoolEqualsOneMadeTwice() throws {
        let calls = Calls()
        let table = ReportTable(name: "t", title: "T", columns: ["id", "text"], count: 5_000) { index in
            _ = calls.next()
            return ["r\(index)", "value <\(index)> & ŵ"]
        }
        let twice = try Workbook.xlsx([table, table])
        let made = calls.made
        var spools: [MemorySpool] = []
        let once = try Workbook.xlsx([table, table]) {
            spools.append(MemorySpool())
            return spools.last
        }
        #expect(once == twice)
        #expect(calls.made - made == 2 * 5_000)
        #expect(made == 4 * 5_000)
        #expect(spools.count == 2 && spools.allSatisfy { $0.reads > 0 })
    }

    @Test(arguments: [0, 3, 20_000])
    func aWorkbookSheetMadeWhileCompressedEqualsTheSheetMadeWhole(rows: Int) throws {
        let table = ReportTable(name: "t", title: "T", columns: ["id", "text", "count"], count: rows) { index in
            ["r\(index)", index % 5 == 0 ? "" : "value <\(index)> & \"quoted\"\nline ŵ", String(index)]
        }
        let data = try Workbook.xlsx([table])
        let archive = try Archive(data: data, accessMode: .read)
        let entry = try #require(archive["xl/worksheets/sheet1.xml"])
        var sheet = Data()
        _ = try archive.extract(entry, skipCRC32: false) { sheet.append($0) }
        #expect(String(decoding: sheet, as: UTF8.self) == Workbook.worksheet(table))
        #expect(rows == 0 || String(decoding: sheet, as: UTF8.self).contains("<row r=\"\(rows + 1)\">"))
    }
}
