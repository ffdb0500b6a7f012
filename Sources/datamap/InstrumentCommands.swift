import ArgumentParser
import DataMapCore
import Foundation

struct Instruments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with the interview instruments in instruments/.",
        subcommands: [InstrumentsCheck.self])
}

struct InstrumentsCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Lint the question bank and every schedule; any problem gives exit code 65.")

    @OptionGroup var options: StudyOptions

    func run() throws {
        let set: InstrumentSet
        do { set = try InstrumentFiles.load(StudyPaths(root: options.study, state: options.state)) } catch {
            Console.error(String(describing: error))
            throw Exit.failure
        }
        Console.diagnostics(set.problems)
        if !set.problems.isEmpty {
            Console.out("instruments: \(set.problems.count) problem(s)")
            throw Exit.rejectedInput
        }
        for type in OrganisationType.scheduled {
            guard let instrument = set.instruments[type] else { continue }
            let questions = instrument.sections.flatMap(\.items).count
            Console.out("\(type.rawValue): \(instrument.sections.count) sections, \(questions) items, version \(instrument.version)")
        }
        Console.out("instruments: ok")
    }
}

/// Reads `instruments/bank.yaml` and `instruments/schedules/*.yaml` from disk.
enum InstrumentFiles {
    static func load(_ paths: StudyPaths) throws(PlatformError) -> InstrumentSet {
        let directory = paths.root.appendingPathComponent("instruments")
        func source(_ url: URL) throws(PlatformError) -> SourceFile {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PlatformError("cannot read \(url.path)")
            }
            let relative = String(url.path.dropFirst(paths.root.path.count + 1))
            return SourceFile(path: relative, text: String(decoding: data, as: UTF8.self))
        }
        let bank = try source(directory.appendingPathComponent("bank.yaml"))
        let scheduleDirectory = directory.appendingPathComponent("schedules")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: scheduleDirectory.path) else {
            throw PlatformError("cannot list \(scheduleDirectory.path)")
        }
        var schedules: [SourceFile] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            schedules.append(try source(scheduleDirectory.appendingPathComponent(name)))
        }
        return InstrumentLoader.load(bank: bank, schedules: schedules)
    }
}
