import ArgumentParser
import DataMapCore
import Foundation

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a return template for one organisation type, from the interview instrument.",
        discussion: """
            Organisations that cannot be interviewed fill this in and send it back; saved into inbox/ \
            it reads back into the same records an interview would give. Formats: md (Markdown, \
            the default), txt (plain text) and xml (a skeleton of the XML return format).
            """)

    @OptionGroup var options: StudyOptions

    @Option(help: "The organisation type: \(OrganisationType.scheduled.map(\.rawValue).joined(separator: ", ")).")
    var type: String

    @Option(help: "en or cy.")
    var language: String = "en"

    @Option(help: "md, txt or xml.")
    var format: String = "md"

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard OrganisationType(rawValue: type) != nil else {
            throw ValidationError("unknown organisation type '\(type)'; use one of: "
                                  + OrganisationType.scheduled.map(\.rawValue).joined(separator: ", "))
        }
        guard Language(rawValue: language) != nil else { throw ValidationError("--language must be en or cy") }
        guard TemplateFormat(rawValue: format) != nil else { throw ValidationError("--format must be md, txt or xml") }
    }

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        let set: InstrumentSet
        do { set = try InstrumentFiles.load(paths) } catch {
            Console.error(String(describing: error))
            throw Exit.failure
        }
        guard set.problems.isEmpty, let instrument = set.instruments[OrganisationType(rawValue: type)!] else {
            Console.diagnostics(set.problems)
            Console.error("the instruments have problems; run 'datamap instruments check'")
            throw Exit.rejectedInput
        }
        let text = TemplateWriter(instrument: instrument, language: Language(rawValue: language)!)
            .render(TemplateFormat(rawValue: format)!)
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do { try Platform.writeDurably(Data(text.utf8), to: URL(fileURLWithPath: output), mode: 0o644) } catch {
            Console.error(String(describing: error))
            throw Exit.failure
        }
    }
}

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the records datamap finds in written returns, each value with its line and phrase.",
        discussion: """
            For checking an extraction by eye before building. Reads .txt, .md, .docx and .xml \
            returns. What is shown has been anonymised with the study's key, as the store will hold it. \
            Exit code 65 when a file cannot be read as a return.
            """)

    @OptionGroup var options: StudyOptions

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @Argument(help: "The return files.")
    var files: [String]

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        let key: StudyKey
        let reference: StudyReference
        let xmlReader: ReturnReader
        do {
            try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
            key = try Platform.loadOrCreateKey(paths.key)
            reference = try ReferenceFiles.load(paths)
            xmlReader = ReturnReader(schema: try ReturnSchema.compiled())
        } catch {
            Console.error(String(describing: error))
            throw Exit.failure
        }
        let textReader = TextReturnReader(reference: reference)
        let anonymiser = Anonymiser(key: key, names: ReferenceFiles.names(paths), reference: reference)
        var refused = 0
        var documents: [ExtractView.Document] = []
        for file in files {
            guard let data = Console.readNamedFile(file) else {
                refused += 1
                continue
            }
            let reading: Result<(Return, TextReturnReader.Reading?), Rejection>
            switch ReturnFileKind(path: file) {
            case .xml: reading = xmlReader.read(data, source: file).map { ($0, nil) }
            case .text: reading = textReader.read(data, source: file, fileDate: Console.modified(file)).map { ($0.record, $0) }
            case .word: reading = textReader.readWord(data, source: file, fileDate: Console.modified(file)).map { ($0.record, $0) }
            case nil:
                reading = .failure(Rejection([Diagnostic(code: .unsupported, location: SourceLocation(file: file, line: 1, column: 1),
                                                         message: "this is not a file type datamap reads as a return")]))
            }
            switch reading {
            case .failure(let rejection):
                Console.diagnostics(rejection.diagnostics)
                refused += 1
            case .success(let (record, text)):
                documents.append(ExtractView.Document(file: file, record: anonymiser.anonymise(record), reading: text))
            }
        }
        FileHandle.standardOutput.write(Data((json ? ExtractView.json(documents) : Console.safe(ExtractView.text(documents), keepNewlines: true)).utf8))
        if refused > 0 { throw Exit.rejectedInput }
    }
}
