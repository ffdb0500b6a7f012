import ArgumentParser
import DataMapCore
import DataMapStore
import Foundation

/// Exit codes, documented in the README. Only this target chooses them.
enum Exit {
    /// Everything worked.
    static let success = ExitCode.success
    /// The run failed: a file could not be written, the store could not be opened.
    static let failure = ExitCode.failure
    /// The command line was wrong (ArgumentParser's own code for usage errors).
    static let usage = ExitCode.validationFailure
    /// The run finished, but one or more returns were refused (sysexits EX_DATAERR).
    static let rejectedInput = ExitCode(65)
    /// Another build holds the study's lock; try again (sysexits EX_TEMPFAIL).
    static let busy = ExitCode(75)
}

@main
struct Datamap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datamap",
        abstract: "Structured interviews and written returns, turned into an anonymised data map.",
        discussion: """
            Exit codes: 0 success; 1 failure; 64 usage error; 65 finished, but some returns were \
            refused (see outbox/rejected.csv); 75 another build is running on this study.
            """,
        subcommands: [Build.self, Validate.self, Interview.self, Review.self, Template.self, Extract.self, Anonymise.self, Check.self, Schema.self,
                      Instruments.self, Cases.self, Invite.self, Serve.self, Generate.self]
    )
}

struct StudyOptions: ParsableArguments {
    @Option(name: .long, help: "The study folder, holding inbox/ and outbox/.")
    var study: String = "."

    @Option(name: .long, help: "Where the store, key and lock live (default: <study>/.datamap). Never inside outbox/.")
    var state: String?
}

/// Prints diagnostics and messages; the core hands them over, this decides what the user sees.
enum Console {
    /// Text from files (names, organisation names, messages quoting them) as a terminal shows it
    /// literally: ESC, BEL and every other control character become visible escapes, so a file
    /// name cannot retitle the window, clear the screen or split a message over lines.
    static func safe(_ text: String, keepNewlines: Bool = false) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if keepNewlines, scalar == "\n" || scalar == "\t" { result.unicodeScalars.append(scalar); continue }
            if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029 {
                result += String(format: "\\x%02X", value)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("datamap: error: \(safe(message, keepNewlines: true))\n".utf8))
    }

    /// A one-line notice that is not an error, such as a build stopped on request.
    static func notice(_ message: String) {
        FileHandle.standardError.write(Data("datamap: \(safe(message))\n".utf8))
    }

    static func diagnostics(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            FileHandle.standardError.write(Data((safeRendering(diagnostic) + "\n").utf8))
        }
    }

    /// A diagnostic's own line break before its hint stays; its file name and message are escaped.
    static func safeRendering(_ diagnostic: Diagnostic) -> String {
        var copy = diagnostic
        copy.location.file = safe(diagnostic.location.file)
        copy.message = safe(diagnostic.message)
        copy.hint = safe(diagnostic.hint)
        return copy.rendered
    }

    /// A file named on the command line; one that cannot be read is reported like any refusal.
    static func readNamedFile(_ file: String) -> Data? {
        guard let data = FileManager.default.contents(atPath: file) else {
            diagnostics([Diagnostic(code: .unreadable, location: SourceLocation(file: file, line: 1, column: 1),
                                    message: "the file could not be read")])
            return nil
        }
        return data
    }

    /// The day a file was last changed, for dating an undated return.
    static func modified(_ file: String) -> PartialDate? {
        ((try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date).map(PartialDate.init(date:))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((safe(text, keepNewlines: true) + "\n").utf8))
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest every return in inbox/, anonymise, and write the data map to outbox/.")

    @OptionGroup var options: StudyOptions

    @Flag(help: "If another build is running on this study, wait for it instead of stopping.")
    var wait = false

    @Option(help: "Counts below this are shown as \"<N\" in the report, so small groups cannot identify anyone (default: study.yaml's small_cell, else 3).")
    var smallCell: Int?

    @OptionGroup var anonymisation: AnonymisationFlags

    @Flag(help: "Publish only the activities a coder has confirmed, corrected or added (datamap review).")
    var confirmedOnly = false

    @Option(help: "The report's language, en or cy (default: study.yaml's language, else en); cy writes the English beside it.")
    var language: String?

    /// For tests and tuning: how many files are read and committed together.
    @Option(name: .long, help: .hidden)
    var chunkSize: Int?

    func validate() throws {
        if let smallCell, !(1...SmallCells.largestThreshold).contains(smallCell) {
            throw ValidationError("--small-cell must be a whole number from 1 to \(SmallCells.largestThreshold)")
        }
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be 1 or more") }
        if let language, Language(rawValue: language) == nil { throw ValidationError("--language must be en or cy") }
    }

    func run() throws {
        let summary = try runPipeline(options: options, wait: wait, writeOutputs: true, smallCell: smallCell,
                                      anonymisation: anonymisation, chunkSize: chunkSize, confirmedOnly: confirmedOnly,
                                      reportLanguage: language.flatMap(Language.init(rawValue:)))
        Console.diagnostics(summary.rejections)
        Console.out("""
            datamap: \(summary.returns) returns, \(summary.activities) activities; \
            \(summary.added) new, \(summary.replaced) changed, \(summary.unchanged) unchanged, \
            \(summary.removed) removed; \(summary.rejectedFiles) refused
            """)
        Console.out("  \(FindingCounts(summary.findings)); details in outbox/findings.csv and outbox/report.html")
        Console.out("  wrote \(summary.outputs.count) files to outbox/")
        if summary.rejectedFiles > 0 {
            Console.out("  \(summary.rejectedFiles) file(s) refused and left untouched: see outbox/rejected.csv")
            throw Exit.rejectedInput
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the data map against the validation rules and print the findings.",
        discussion: "Exit code 65 when any finding is an error (or a return is refused); warnings and notes exit 0.")

    @OptionGroup var options: StudyOptions

    @Flag(help: "Wait for a running build instead of stopping.")
    var wait = false

    @Flag(help: "List the rules with their descriptions and stop.")
    var listRules = false

    func run() throws {
        if listRules {
            for rule in Validator.rules { Console.out("\(rule.id) (\(rule.severity.rawValue)): \(rule.summary)") }
            return
        }
        let summary = try runPipeline(options: options, wait: wait, writeOutputs: false, smallCell: nil,
                                      anonymisation: try AnonymisationFlags.parse([]))
        Console.diagnostics(summary.rejections)
        for finding in summary.findings {
            var shown = finding
            shown.location.file = Console.safe(finding.location.file)
            shown.organisation = Console.safe(finding.organisation)
            shown.activity = finding.activity.map { Console.safe($0) }
            shown.message = Console.safe(finding.message)
            shown.reason = finding.reason.map { Console.safe($0) }
            shown.suggestion = finding.suggestion.map { Console.safe($0) }
            FileHandle.standardError.write(Data((shown.rendered + "\n").utf8))
        }
        Console.out("datamap: \(summary.activities) activities checked; \(FindingCounts(summary.findings))")
        if summary.rejectedFiles > 0 || summary.findings.contains(where: { $0.severity == .error }) { throw Exit.rejectedInput }
    }
}

struct FindingCounts: CustomStringConvertible {
    let findings: [Finding]
    init(_ findings: [Finding]) { self.findings = findings }
    var description: String {
        let count = { (severity: Diagnostic.Severity) in findings.filter { $0.severity == severity }.count }
        return "\(findings.count) findings: \(count(.error)) errors, \(count(.warning)) warnings, \(count(.note)) notes"
    }
}

/// Lock, key, store, reference data, then the pipeline; every failure becomes a message and exit 1.
struct AnonymisationFlags: ParsableArguments {
    @Flag(help: "Replace organisation names with labels stable within each type, such as \"Local authority C\".")
    var maskOrganisations = false

    @Flag(help: "Replace identifying job titles with grades, such as \"a senior manager\".")
    var generaliseRoles = false
}

func runPipeline(options: StudyOptions, wait: Bool, writeOutputs: Bool, smallCell: Int?,
                 anonymisation: AnonymisationFlags, chunkSize: Int? = nil, confirmedOnly: Bool = false,
                 reportLanguage: Language? = nil) throws -> BuildSummary {
        // The name model loads on another core while the study's reference files are read.
        DispatchQueue.global().async { _ = NameModel.shipped }
        let paths = StudyPaths(root: options.study, state: options.state)
        let summary: BuildSummary
        do {
            try paths.validate()
            let reference = try ReferenceFiles.load(paths)
            try paths.refuseLinks(unless: reference.settings.allowSymlinkedFolders)
            try Platform.prepareStateDirectory(paths.state, linked: reference.settings.allowSymlinkedFolders)
            let lock: StudyLock
            do { lock = try StudyLock(paths.lock, wait: wait) } catch {
                switch error {
                case .busy:
                    Console.error("another datamap build is running on this study; wait for it, or run again with --wait")
                    throw Exit.busy
                case .failed(let reason):
                    throw PlatformError(reason)
                }
            }
            defer { withExtendedLifetime(lock) {} }
            let key = try Platform.loadOrCreateKey(paths.key)
            try Platform.ensureOwnerOnlyFile(paths.store)
            let study = DiskStudy(paths: paths)
            study.removeAbandonedPartials()
            Platform.endBuildCleanlyOnSignal { study.abandonOutputs() }
            let store = try SQLiteStore(path: paths.store.path)
            let reader = ReturnReader(schema: try ReturnSchema.compiled())
            let smallCells = SmallCells(threshold: smallCell ?? reference.settings.smallCell ?? 3, subjects: reference.settings.smallCellSubjects,
                                        organisationsMasked: anonymisation.maskOrganisations)
            var builder = Builder(fileSystem: study, store: store, reader: reader, key: key,
                                  reference: reference, smallCells: smallCells, names: ReferenceFiles.names(paths),
                                  options: AnonymisationOptions(generaliseRoles: anonymisation.generaliseRoles),
                                  maskOrganisations: anonymisation.maskOrganisations)
            if let chunkSize { builder.chunkSize = chunkSize }
            builder.fieldwork = try CaseFiles.summary(paths)
            builder.coding = try CodingFiles.load(paths)
            builder.confirmedOnly = confirmedOnly
            builder.reportLanguage = reportLanguage ?? reference.settings.language ?? .en
            if let seconds = reference.settings.readingTimeLimit { builder.readingTimeLimit = .seconds(seconds) }
            summary = try builder.run(writeOutputs: writeOutputs, progress: Progress.reporter())
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Console.error(String(describing: error))
            throw Exit.failure
        }
        return summary
}

/// The taxonomy, gazetteer and instruments from `instruments/`; a missing file means an empty one.
enum ReferenceFiles {
    /// Whether study.yaml allows linked study folders; a study.yaml that cannot be read allows nothing.
    static func allowsLinks(_ paths: StudyPaths) -> Bool {
        (try? settings(paths))?.allowSymlinkedFolders ?? false
    }

    /// `study.yaml`, or the defaults when the study has none.
    static func settings(_ paths: StudyPaths) throws(PlatformError) -> StudySettings {
        let url = paths.root.appendingPathComponent("study.yaml")
        guard let data = FileManager.default.contents(atPath: url.path) else { return StudySettings() }
        do { return try StudySettings.load(yaml: String(decoding: data, as: UTF8.self)) } catch {
            throw PlatformError("\(url.path)\(String(describing: error).dropFirst("study.yaml".count)); fix study.yaml and run again")
        }
    }

    /// The taxonomy and gazetteer are required: without them approaches and organisations are
    /// silently lost, so a missing, unreadable or malformed one stops the command, located.
    static func load(_ paths: StudyPaths, instruments: Bool = true) throws(PlatformError) -> StudyReference {
        let directory = paths.root.appendingPathComponent("instruments")
        func required(_ name: String, _ what: String) throws(PlatformError) -> String {
            let url = directory.appendingPathComponent(name)
            do { return try Platform.readReferenceFile(url) } catch {
                throw PlatformError("instruments/\(name):1:1: \(error.description); datamap needs \(what). Restore the file (the sample study's instruments/ folder has one) and run again")
            }
        }
        var reference = StudyReference()
        reference.settings = try settings(paths)
        let taxonomy = try required("taxonomy.yaml", "the taxonomy of approaches to recognise them in returns")
        do { reference.taxonomy = try Taxonomy.load(yaml: taxonomy) } catch {
            throw PlatformError("\(error.description); fix the file and run again")
        }
        let gazetteer = try required("organisations.yaml", "the gazetteer of organisations to know who sent each return and keep their names")
        do { reference.gazetteer = try Gazetteer.load(yaml: gazetteer) } catch {
            throw PlatformError("\(error.description); fix the file and run again")
        }
        if instruments, FileManager.default.fileExists(atPath: directory.appendingPathComponent("bank.yaml").path) {
            let set = try InstrumentFiles.load(paths)
            // A schedule that cannot be composed would leave its organisations' returns refused
            // for "no schedule": the real fault is named instead, where it is.
            let errors = set.problems.filter { $0.severity == .error }
            if !errors.isEmpty {
                let shown = errors.prefix(5).map { Console.safeRendering($0) }.joined(separator: "\n")
                let more = errors.count > 5 ? "\n… and \(errors.count - 5) more (datamap lint lists them all)" : ""
                throw PlatformError("instruments/ has \(errors.count) error(s); fix them and run again:\n\(shown)\(more)")
            }
            reference.instruments = set.instruments
        }
        return reference
    }

    /// `instruments/names/first-names.txt` and `surnames.txt`, shipped as data.
    static func names(_ paths: StudyPaths) -> NameList {
        let directory = paths.root.appendingPathComponent("instruments/names")
        func list(_ name: String) -> Set<String> {
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
                .map { NameList.parse(String(decoding: $0, as: UTF8.self)) } ?? []
        }
        return NameList(givenNames: list("first-names.txt"), surnames: list("surnames.txt"))
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check XML returns against the return format without ingesting them.",
        discussion: "Organisations can run this before sending a return. Nothing is stored or written.")

    @Argument(help: "The return files to check.")
    var files: [String]

    func run() throws {
        let reader: ReturnReader
        do { reader = ReturnReader(schema: try ReturnSchema.compiled()) } catch {
            Console.error(error.description)
            throw Exit.failure
        }
        var refused = 0
        for file in files {
            guard let data = Console.readNamedFile(file) else {
                refused += 1
                continue
            }
            switch reader.read(data, source: file) {
            case .success(let record):
                Console.out("\(file): ok, \(record.activities.count) activities, \(record.answers.count) answers")
            case .failure(let rejection):
                Console.diagnostics(rejection.diagnostics)
                refused += 1
            }
        }
        if refused > 0 { throw Exit.rejectedInput }
    }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the XSD of the written-return format, version 1.")

    func run() throws {
        do { FileHandle.standardOutput.write(try ReturnSchema.xsd) } catch {
            Console.error(error.description)
            throw Exit.failure
        }
    }
}

/// A progress bar with a count and the stage on a terminal; silence when output is a file or a pipe.
enum Progress {
    static func reporter() -> @Sendable (BuildEvent) -> Void {
        // DATAMAP_TIMINGS=1: when each stage starts and the memory in use then, for finding where
        // a large study's time and memory go.
        if Platform.environment("DATAMAP_TIMINGS") == "1" {
            let start = Date()
            return { event in
                let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
                let memory = Platform.residentMegabytes().map { ", \($0) MB resident" } ?? ""
                switch event {
                case .stageStarted(let stage):
                    FileHandle.standardError.write(Data("datamap: timing: \(stage.rawValue) starts at \(seconds) s\(memory)\n".utf8))
                case .advanced(.write, let done, let total) where done == total:
                    FileHandle.standardError.write(Data("datamap: timing: outputs written at \(seconds) s\(memory)\n".utf8))
                case .advanced:
                    break
                }
            }
        }
        guard Platform.isTerminal(2), Platform.environment("TERM") != "dumb" else { return { _ in } }
        return { event in
            switch event {
            case .advanced(let stage, let done, let total):
                FileHandle.standardError.write(Data((line(stage, done, total) + (done == total ? "\n" : "")).utf8))
            case .stageStarted:
                break
            }
        }
    }

    /// `\r[##########..........]  12/24  ingest`
    static func line(_ stage: BuildStage, _ done: Int, _ total: Int) -> String {
        let width = 30
        let filled = total > 0 ? width * done / total : width
        return "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done)/\(total)  \(stage.rawValue)"
    }
}
