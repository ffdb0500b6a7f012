import ArgumentParser
import DataMapCore
import Foundation

struct Anonymise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scrub free text: people become pseudonyms, other identifiers typed placeholders.",
        discussion: """
            Reads the files given, or standard input, and writes the scrubbed text to standard output. \
            Pseudonyms use the study's key, so they match the data map's. With --spans it writes, \
            instead, JSON of what it found: code-point offsets and types, for comparing recognisers.
            """)

    @OptionGroup var options: StudyOptions

    @Flag(help: "Write the spans found, as JSON, instead of the scrubbed text.")
    var spans = false

    @Flag(help: "Replace identifying job titles with grades, such as \"a senior manager\".")
    var generaliseRoles = false

    @Option(help: "A person known to be named in the text (repeatable), such as the respondent.")
    var person: [String] = []

    @Argument(help: "Text files; standard input when none.")
    var files: [String] = []

    func run() throws {
        // The name model loads on the other core while the study's reference files are read.
        DispatchQueue.global().async { _ = NameModel.shipped }
        let paths = StudyPaths(root: options.study, state: options.state)
        let key: StudyKey
        let reference: StudyReference
        do {
            try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
            key = try Platform.loadOrCreateKey(paths.key)
            reference = try ReferenceFiles.load(paths, instruments: false)
        } catch {
            Console.error(String(describing: error))
            throw Exit.failure
        }
        let anonymiser = TextAnonymiser(key: key, options: AnonymisationOptions(generaliseRoles: generaliseRoles))
        let context = RecognitionContext(knownPeople: person, names: ReferenceFiles.names(paths),
                                         gazetteer: reference.gazetteer, taxonomy: reference.taxonomy)
        var inputs: [(String, Data)] = []
        if files.isEmpty {
            inputs.append(("-", FileHandle.standardInput.readDataToEndOfFile()))
        } else {
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    Console.error("\(file): cannot be read; check the path and its permissions")
                    throw Exit.failure
                }
                inputs.append((file, data))
            }
        }
        var texts: [String] = []
        for (name, data) in inputs {
            guard let text = String(data: data, encoding: .utf8) else {
                Console.error("\(name): not UTF-8 text; save it as UTF-8 and try again")
                throw Exit.rejectedInput
            }
            texts.append(text)
        }
        // Files are independent, so they are scrubbed across the cores; output keeps their order.
        let results = ResultSlots<Scrubbed>(count: texts.count)
        let all = texts
        DispatchQueue.concurrentPerform(iterations: all.count) { index in
            results[index] = anonymiser.scrub(all[index], context: context, review: false)
        }
        if spans {
            let documents = zip(inputs, results.values()).map { (file: $0.0.0, spans: $0.1.spans) }
            FileHandle.standardOutput.write(EntitySpan.json(documents) + Data("\n".utf8))
        } else {
            for result in results.values() { FileHandle.standardOutput.write(Data(result.text.utf8)) }
        }
    }
}
