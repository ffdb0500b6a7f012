import DataMapCore
import Foundation
import FuzzHarness
import Testing

/// Every input the fuzzer ever crashed on is kept in Tests/FuzzRegressions/<harness>/ and
/// replayed here through the same harness code, so a fixed crash stays fixed.
@Suite("Inputs found by fuzzing")
struct FuzzRegressionTests {
    static let saved = Repo.root.appendingPathComponent("Tests/FuzzRegressions")

    @Test(arguments: Harness.allCases)
    func everySavedInputRunsWithoutCrashing(harness: Harness) throws {
        let folder = Self.saved.appendingPathComponent(harness.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names.sorted() {
            harness.run(try Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }

    /// The first crash: "0." before a heading indexed section -1 of the schedule.
    @Test func aSectionNumberOutsideTheScheduleIsReadAsProse() throws {
        let data = try Data(contentsOf: Self.saved.appendingPathComponent("text-return/section-number-zero.md"))
        let reading = try ShippedReference.reader.read(data, source: "inbox/zero.md").get()
        #expect(reading.mode == .template)
        #expect(reading.record.organisation.name == "Voices from Care Cymru")
    }
}
