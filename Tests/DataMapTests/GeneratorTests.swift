@testable import DataMapCore
import Foundation
import Testing

@Suite("Synthetic studies for benchmarks")
struct GeneratorTests {
    static let names = NameList(
        givenNames: NameList.parse((try? String(contentsOf: Repo.root.appendingPathComponent("instruments/names/first-names.txt"), encoding: .utf8)) ?? ""),
        surnames: NameList.parse((try? String(contentsOf: Repo.root.appendingPathComponent("instruments/names/surnames.txt"), encoding: .utf8)) ?? ""))

    func generator(seed: UInt64) -> StudyGenerator {
        StudyGenerator(seed: seed, reference: ShippedReference.reference, names: Self.names)
    }

    @Test func theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() {
        let first = (1...20).map { generator(seed: 7).file($0) }
        let again = (1...20).map { generator(seed: 7).file($0) }
        let other = (1...20).map { generator(seed: 8).file($0) }
        #expect(first.map(\.contents) == again.map(\.contents))
        #expect(first.map(\.name) == again.map(\.name))
        #expect(first.map(\.contents) != other.map(\.contents))
    }

    /// A study without instruments/ still gets returns, from the generator's own small lists.
    @Test func aStudyWithoutReferenceFilesStillGenerates() {
        let bare = StudyGenerator(seed: 1, reference: StudyReference(), names: NameList())
        for index in 1...40 { #expect(!bare.file(index).contents.isEmpty) }
    }

    /// Mostly XML, some letters in text and Markdown, about 10 KB each: 10,000 returns is about 100 MB.
    @Test func theMixAndSizesAreRealistic() {
        let files = (1...300).map { generator(seed: 11).file($0) }
        let xml = files.filter { $0.name.hasSuffix(".xml") }.count
        let text = files.filter { $0.name.hasSuffix(".txt") || $0.name.hasSuffix(".md") }.count
        #expect(xml + text == 300)
        #expect((240...290).contains(xml), "\(xml) XML returns")
        #expect(files.contains { $0.name.hasSuffix(".md") } && files.contains { $0.name.hasSuffix(".txt") })
        let average = files.map(\.contents.count).reduce(0, +) / files.count
        #expect((6_000...14_000).contains(average), "average \(average) bytes")
        let all = files.map { String(decoding: $0.contents, as: UTF8.self) }.joined()
        #expect(all.contains("Mae'r") || all.contains("Rydym"), "no Welsh prose")
        #expect(all.contains("@example."), "no planted email")
        #expect(all.contains("01632 960 "), "no planted phone")
    }

    /// Every generated return is one datamap reads: XML against the schema, letters through the prose reader.
    @Test func everyGeneratedReturnIsReadWithoutRefusal() throws {
        let reader = ReturnReader(schema: try ReturnSchema.compiled())
        for index in 1...120 {
            let file = generator(seed: 5).file(index)
            if file.name.hasSuffix(".xml") {
                let result = reader.read(file.contents, source: "inbox/" + file.name)
                if case .failure(let rejection) = result { Issue.record("\(file.name): \(rejection.diagnostics.map(\.message))") }
            } else {
                let result = ShippedReference.reader.read(file.contents, source: "inbox/" + file.name)
                switch result {
                case .failure(let rejection): Issue.record("\(file.name): \(rejection.diagnostics.map(\.message))")
                case .success(let reading): #expect(!reading.record.activities.isEmpty, "\(file.name) gave no activities")
                }
            }
        }
    }

    @Test func theCommandWritesAStudyThatBuildsWithNoPlantedIdentifierInOutbox() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("datamap-generated-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = try datamap(["generate", "--returns", "40", "--seed", "3", "--output", folder.path, "--study", Repo.root.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let inbox = folder.appendingPathComponent("inbox")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).count == 40)
        // Growing the study by one return, and refusing to overwrite one.
        #expect(try datamap(["generate", "--returns", "1", "--seed", "3", "--first", "41", "--output", folder.path, "--study", Repo.root.path]).status == 0)
        let again = try datamap(["generate", "--returns", "1", "--seed", "3", "--first", "41", "--output", folder.path, "--study", Repo.root.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists already"))

        let built = try datamap(["build", "--study", folder.path])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("41 returns"))
        var planted = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: inbox.path) {
            let text = try String(contentsOf: inbox.appendingPathComponent(name), encoding: .utf8)
            for match in text.matches(of: /[\w.'-]+@example\.(?:org|gov\.uk|wales)|01632 960 \d{3}|<respondent>\s*<name>([^<]+)<\/name>/) {
                planted.insert(String(match.output.1 ?? match.output.0))
            }
        }
        #expect(planted.count > 60)
        let outbox = folder.appendingPathComponent("outbox")
        let published = try FileManager.default.contentsOfDirectory(atPath: outbox.path)
            .map { try String(decoding: Data(contentsOf: outbox.appendingPathComponent($0)), as: UTF8.self) }.joined()
        for identifier in planted { #expect(!published.contains(identifier), "\(identifier) reached outbox/") }
    }
}
