import ArgumentParser
import DataMapCore
import Foundation

/// Writes a seeded synthetic study for benchmarks and load tests.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a seeded synthetic study: XML returns and text letters with prose, Welsh and planted identifiers.",
        discussion: """
            The returns go into <output>/inbox/ and the study's instruments/ are copied beside them, \
            so `datamap build --study <output>` runs at once. The same --seed gives the same bytes; \
            --first lets a study grow by one new return for the incremental case. Every identifier \
            is invented (phones are in Ofcom's drama range), but treat the output as test data only.
            """)

    @Option(name: .long, help: "How many returns to write.")
    var returns: Int

    @Option(name: .long, help: "The seed; the same seed writes the same study.")
    var seed: UInt64

    @Option(name: .long, help: "The folder to write the study into.")
    var output: String

    @Option(name: .long, help: "The number of the first return (default 1); returns are numbered from here.")
    var first: Int = 1

    @Option(name: .long, help: "The study whose instruments/ (taxonomy, gazetteer, schedules, name lists) to use.")
    var study: String = "."

    func validate() throws {
        // A million returns is some 5 GB of files, far past any study or benchmark.
        guard (0...1_000_000).contains(returns) else { throw ValidationError("--returns must be a whole number from 0 to 1000000") }
        guard (1...1_000_000_000).contains(first) else { throw ValidationError("--first must be a whole number from 1 to 1000000000") }
    }

    func run() throws {
        let source = StudyPaths(root: study, state: nil)
        let target = StudyPaths(root: output, state: nil)
        let reference: StudyReference
        do { reference = try ReferenceFiles.load(source, instruments: false) } catch {
            Console.error(error.description)
            throw Exit.failure
        }
        let generator = StudyGenerator(seed: seed, reference: reference, names: ReferenceFiles.names(source))
        do throws(PlatformError) {
            try Platform.createDirectory(target.inbox)
            let instruments = target.root.appendingPathComponent("instruments")
            if !FileManager.default.fileExists(atPath: instruments.path) {
                try Platform.copyItem(source.root.appendingPathComponent("instruments"), to: instruments)
            }
            let failures = ResultSlots<PlatformError?>(count: returns)
            // Returns are independent, so they are written across the cores.
            DispatchQueue.concurrentPerform(iterations: returns) { offset in
                let file = generator.file(first + offset)
                var failure: PlatformError?
                do throws(PlatformError) { try Platform.writeNew(file.contents, to: target.inbox.appendingPathComponent(file.name)) } catch {
                    failure = error
                }
                failures[offset] = .some(failure)
            }
            if let failed = failures.values().compactMap({ $0 }).first { throw failed }
        } catch {
            Console.error(error.description)
            throw Exit.failure
        }
        Console.out("wrote \(returns) returns to \(target.inbox.path)")
    }
}
