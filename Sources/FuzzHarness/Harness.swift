import DataMapCore
import Foundation

/// What a fuzzing run does with one input. `datamap-fuzz` hands libFuzzer's bytes here, and the
/// tests replay every input that ever crashed through the same code, so a fixed crash stays fixed.
public enum Harness: String, CaseIterable, Sendable {
    /// An XML return: safe parse, schema validation, typed decoding.
    case xmlReturn = "xml-return"
    /// A plain-text or Markdown return: decoding, outline, template or prose reading.
    case textReturn = "text-return"
    /// A Word return: the ZIP container, inflate, the document XML and the prose reader.
    case wordReturn = "word-return"
    /// An interview schedule or question bank: YAML, composition and linting.
    case instrument

    public func run(_ data: Data) {
        switch self {
        case .xmlReturn:
            if let reader = Self.returnReader { _ = reader.read(data, source: "inbox/fuzz.xml") }
        case .textReturn:
            _ = Self.textReader.read(data, source: "inbox/fuzz.md")
        case .wordReturn:
            _ = Self.textReader.readWord(data, source: "inbox/fuzz.docx")
        case .instrument:
            let text = String(decoding: data, as: UTF8.self)
            // As a schedule composed against the shipped bank, and as a bank on its own.
            _ = InstrumentLoader.load(bank: Self.shippedBank, schedules: [SourceFile(path: "instruments/schedules/fuzz.yaml", text: text)])
            _ = InstrumentLoader.load(bank: SourceFile(path: "instruments/bank.yaml", text: text), schedules: [])
        }
    }

    // MARK: The shipped study, loaded once per process

    /// The repository's own `instruments/`, so inputs meet the real taxonomy, gazetteer and bank.
    static let instruments = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("instruments")

    static func file(_ relative: String) -> SourceFile {
        let url = instruments.appendingPathComponent(relative)
        let text = (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return SourceFile(path: "instruments/" + relative, text: text)
    }

    static let shipped: (bank: SourceFile, schedules: [SourceFile]) = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: instruments.appendingPathComponent("schedules").path)) ?? []
        return (file("bank.yaml"), names.sorted().filter { $0.hasSuffix(".yaml") }.map { file("schedules/" + $0) })
    }()

    /// Read once: reading the bank's YAML again for every input would be most of the work.
    nonisolated(unsafe) static let shippedBank = InstrumentLoader.read(bank: shipped.bank)

    static let returnReader: ReturnReader? = (try? ReturnSchema.compiled()).map(ReturnReader.init(schema:))

    static let textReader: TextReturnReader = {
        var reference = StudyReference()
        reference.taxonomy = (try? Taxonomy.load(yaml: file("taxonomy.yaml").text)) ?? Taxonomy()
        reference.gazetteer = (try? Gazetteer.load(yaml: file("organisations.yaml").text)) ?? Gazetteer()
        reference.instruments = InstrumentLoader.load(bank: shipped.bank, schedules: shipped.schedules).instruments
        return TextReturnReader(reference: reference)
    }()
}
