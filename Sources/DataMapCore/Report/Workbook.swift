import Foundation
import ZIPFoundation

/// Writes report tables as an Office Open XML workbook (`.xlsx`) that opens in Excel and
/// LibreOffice: one sheet per table, a bold frozen header row, whole numbers as numbers.
public enum Workbook {
    /// Fixed, so the same tables always give the same bytes.
    static let timestamp = Date(timeIntervalSince1970: 946_684_800)
    static let maximumCellLength = 32_767

    /// - Parameter spool: scratch space for each sheet, so it is made once; without it a sheet is
    ///   made twice, once to measure it.
    public static func xlsx(_ sheets: [ReportTable], spool: () -> (any Spool)? = { nil }) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(count: sheets.count)),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """),
            ("xl/workbook.xml", workbook(sheets)),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(count: sheets.count)),
            ("xl/styles.xml", styles),
        ]
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: timestamp,
                                 compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        // The archive needs a sheet's size before its bytes, and the largest sheet is never whole
        // in memory: a sheet is made once into the spool and read back as it is compressed, or,
        // with no spool, measured in one pass and made again, block by block.
        for (index, sheet) in sheets.enumerated() {
            if let spool = spool() {
                var size = 0
                for part in IteratorSequence(worksheetParts(sheet)) {
                    try spool.append(part)
                    size += part.count
                }
                try archive.addEntry(with: "xl/worksheets/sheet\(index + 1).xml", type: .file, uncompressedSize: Int64(size),
                                     modificationDate: timestamp, compressionMethod: .deflate) { position, count in
                    try spool.read(at: Int(position), count: count)
                }
                continue
            }
            var size = 0
            let counter = OutputSink { size += $0.count }
            worksheet(sheet, to: counter)
            try counter.finish()
            let producer = SheetProducer(sheet)
            try archive.addEntry(with: "xl/worksheets/sheet\(index + 1).xml", type: .file, uncompressedSize: Int64(size),
                                 modificationDate: timestamp, compressionMethod: .deflate) { position, size in
                try producer.next(at: Int(position), count: size)
            }
            guard !producer.hasMore() else { throw CocoaError(.fileReadCorruptFile) }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }

    /// Makes a sheet's bytes in the order the archive asks for them.
    private final class SheetProducer {
        private var pending: [UInt8] = []
        private var delivered = 0
        private let rows: AnyIterator<[UInt8]>

        init(_ table: ReportTable) { rows = Workbook.worksheetParts(table) }

        /// Whether the sheet had bytes left once the archive had all it measured: then it
        /// came out longer the second time. Asking makes the next part.
        func hasMore() -> Bool { !pending.isEmpty || rows.next() != nil }

        /// Throws if the sheet comes out shorter than it measured (a row whose texts could not
        /// be fetched the second time), rather than hand the archive a short entry.
        func next(at position: Int, count: Int) throws -> Data {
            guard position == delivered else { throw CocoaError(.fileReadUnknown) }
            while pending.count < count, let part = rows.next() { pending += part }
            guard pending.count >= count else { throw CocoaError(.fileReadCorruptFile) }
            let block = Data(pending.prefix(count))
            pending.removeFirst(block.count)
            delivered += block.count
            return block
        }
    }

    static func contentTypes(count: Int) -> String {
        let sheets = (1...max(count, 1)).prefix(count).map {
            "<Override PartName=\"/xl/worksheets/sheet\($0).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(sheets)</Types>
            """
    }

    static func workbook(_ sheets: [ReportTable]) -> String {
        let entries = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(XMLOutput.escape(String(sheet.title.prefix(31)), attribute: true))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\(entries)</sheets></workbook>
            """
    }

    static func workbookRelationships(count: Int) -> String {
        var relationships = (0..<count).map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }
        relationships.append("<Relationship Id=\"rId\(count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>")
        return """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relationships.joined())</Relationships>
            """
    }

    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    static func worksheet(_ table: ReportTable) -> String {
        String(decoding: OutputSink.collect { worksheet(table, to: $0) }, as: UTF8.self)
    }

    static func worksheet(_ table: ReportTable, to sink: OutputSink) {
        for part in IteratorSequence(worksheetParts(table)) { sink.write(part) }
    }

    /// The sheet's opening, each row, and its close, made as they are asked for.
    static func worksheetParts(_ table: ReportTable) -> AnyIterator<[UInt8]> {
        let columnNames = table.columns.indices.map { [UInt8](columnName($0).utf8) }
        var next = -1
        return AnyIterator {
            defer { next += 1 }
            switch next {
            case -1:
                return [UInt8]("""
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                    <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
                    <sheetData>
                    """.utf8)
            case 0: return row(table.columns, number: 1, isHeader: true, columnNames: columnNames)
            case let index where index >= 1 && index <= table.count:
                return row(table.row(index - 1), number: index + 1, isHeader: false, columnNames: columnNames)
            case table.count + 1: return [UInt8]("</sheetData></worksheet>".utf8)
            default: return nil
            }
        }
    }

    private static func row(_ values: [String], number: Int, isHeader: Bool, columnNames: [[UInt8]]) -> [UInt8] {
        let numberText = String(number)
        var out: [UInt8] = []
        out.reserveCapacity(values.reduce(32) { $0 + $1.utf8.count + 64 })
        out.append(contentsOf: "<row r=\"".utf8)
        out.append(contentsOf: numberText.utf8)
        out.append(contentsOf: "\">".utf8)
        for (columnIndex, value) in values.enumerated() {
            let isNumber = !isHeader && isWholeNumber(value)
            guard isNumber || !value.isEmpty else { continue }
            out.append(contentsOf: "<c r=\"".utf8)
            out.append(contentsOf: columnIndex < columnNames.count ? columnNames[columnIndex] : [UInt8](columnName(columnIndex).utf8))
            out.append(contentsOf: numberText.utf8)
            if isNumber {
                out.append(contentsOf: "\"><v>".utf8)
                out.append(contentsOf: value.utf8)
                out.append(contentsOf: "</v></c>".utf8)
            } else {
                out.append(contentsOf: isHeader ? "\" s=\"1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8
                                                : "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">".utf8)
                let cell = value.utf8.count <= maximumCellLength ? value : String(value.prefix(maximumCellLength))
                out.append(contentsOf: XMLOutput.escape(cell, attribute: false).utf8)
                out.append(contentsOf: "</t></is></c>".utf8)
            }
        }
        out.append(contentsOf: "</row>".utf8)
        return out
    }

    /// A, B, … Z, AA, AB, …
    static func columnName(_ index: Int) -> String {
        var name = ""
        var value = index + 1
        while value > 0 {
            let remainder = (value - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            value = (value - 1) / 26
        }
        return name
    }

    /// Plain whole numbers only: codes such as "007" or "<3" stay text.
    static func isWholeNumber(_ value: String) -> Bool {
        let bytes = value.utf8
        guard (1...15).contains(bytes.count), bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return bytes.count == 1 || bytes.first != 0x30
    }
}
