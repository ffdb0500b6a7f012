import DataMapCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Hostile input and interrupted builds", .serialized)
struct HostileInputTests {
    @Test func awkwardFileNamesAreBuiltIntact() throws {
        let study = try TemporaryStudy(copySample: false)
        let names = ["with space.xml", "quote's \"double\".xml", "semi;colon & $(dollar) `tick`.xml", "Ynys Môn – ŵyn.xml", "-leading-dash.xml"]
        for (index, name) in names.enumerated() {
            try study.write(name, sampleReturn().replacingOccurrences(of: "Edge of care pilot", with: "Pilot number \(index)"))
        }
        let result = try study.build()
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try study.output("datamap.csv")
        for index in names.indices { #expect(csv.contains("Pilot number \(index)")) }
        #expect(csv.contains("inbox/Ynys Môn – ŵyn.xml"))
    }

    @Test(arguments: [
        ("billion-laughs.xml", #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><return>&c;</return>"#),
        ("parameter-entity.xml", #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><return/>"#),
        ("external-dtd.xml", #"<?xml version="1.0"?><!DOCTYPE return SYSTEM "file:///etc/passwd"><return/>"#),
    ])
    func entityAttacksAreRefusedBeforeExpansion(name: String, text: String) throws {
        let study = try TemporaryStudy(copySample: false)
        try study.write(name, text)
        let result = try study.build()
        #expect(result.status == 65)
        #expect(try study.output("rejected.csv").contains("inbox/\(name),1,"))
        #expect(try study.output("rejected.csv").contains("forbidden-construct"))
        #expect(!(try study.output("datamap.csv")).contains("root:"))
    }

    @Test func aSixtyMegabyteTextNodeIsRefusedWithoutCrashing() throws {
        let study = try TemporaryStudy(copySample: false)
        let huge = String(repeating: "ŵ", count: 30 * 1024 * 1024)
        try study.write("huge.xml", sampleReturn().replacingOccurrences(of: "Edge of care pilot", with: "x</name><description>\(huge)</description><name>y"))
        try study.write("ok.xml", sampleReturn())
        let result = try study.build()
        #expect(result.status == 65)
        let rejected = try study.output("rejected.csv")
        #expect(rejected.contains("inbox/huge.xml,"))
        #expect(try study.output("datamap.csv").contains("Edge of care pilot"))
    }

    /// Kill `datamap build` at random moments, 50 times: outbox/ always holds whole files, each
    /// either the last complete build's or the new one's, and the next build equals an
    /// uninterrupted one.
    @Test func killingBuildsAtRandomNeverLeavesPartialOutput() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        let before = try study.outputs()
        // The new state: one more return.
        try study.write("zz-new.xml", sampleReturn().replacingOccurrences(of: "Edge of care pilot", with: "Brand new pilot"))
        let reference = try TemporaryStudy(copySample: false)
        try reference.copyInstruments()
        try FileManager.default.removeItem(at: reference.inbox)
        try FileManager.default.copyItem(at: study.inbox, to: reference.inbox)
        try FileManager.default.copyItem(at: study.state, to: reference.state)
        #expect(try reference.build().status == 0)
        let after = try reference.outputs()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let process = Process()
            process.executableURL = Repo.binary
            process.arguments = ["build", "--study", study.root.path, "--wait"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...120_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            for (name, data) in try study.outputs() where !name.hasPrefix(".") {
                #expect(data == before[name] || data == after[name], "outbox/\(name) is neither the old nor the new version")
            }
            // Deleting the store between trials makes later trials exercise a full rebuild too.
            if Bool.random(using: &generator) { try? FileManager.default.removeItem(at: study.state.appendingPathComponent("store.sqlite")) }
        }
        let final = try study.build()
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try study.outputs() == after)
    }
}
