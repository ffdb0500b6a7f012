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
            // Small chunks, so a kill often lands between two of the store's commits.
            process.arguments = ["build", "--study", study.root.path, "--wait", "--chunk-size", "3"]
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

    /// The issue's whole hostile list dropped into one inbox beside the sample study, as a new
    /// user would: every file is refused with its reason or accepted intact; nothing crashes,
    /// nothing is expanded or fetched, nothing outside inbox/ is read, the valid returns all
    /// come through, and the build stays within the memory bound the README documents.
    @Test func aHostileInboxIsRefusedFileByFileWithinTheMemoryBound() throws {
        let study = try TemporaryStudy()
        let listener = try LoopbackListener()
        let canary = "CANARY-\(UUID().uuidString)"
        let secret = study.root.appendingPathComponent("secret.txt")
        try Data(canary.utf8).write(to: secret)
        // Seeded, so a failing hostile file can be made again.
        var random = SeededRandom(seed: 20261124)
        func bytes(_ count: Int) -> Data { Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }) }
        let entity = String(repeating: "a", count: 50_000)
        let hostile: [(String, Data)] = [
            ("xxe-file.xml", Data(#"<?xml version="1.0"?><!DOCTYPE return [<!ENTITY s SYSTEM "file://\#(secret.path)">]><return>&s;</return>"#.utf8)),
            ("xxe-network.xml", Data(#"<?xml version="1.0"?><!DOCTYPE return [<!ENTITY s SYSTEM "http://127.0.0.1:\#(listener.port)/x">]><return>&s;</return>"#.utf8)),
            ("xxe-network-dtd.xml", Data(#"<?xml version="1.0"?><!DOCTYPE return SYSTEM "http://127.0.0.1:\#(listener.port)/r.dtd"><return/>"#.utf8)),
            ("parameter-entity.xml", Data(#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:\#(listener.port)/p.dtd"> %p;]><return/>"#.utf8)),
            ("billion-laughs.xml", Data(#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><return>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</return>"#.utf8)),
            ("quadratic.xml", Data((#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "\#(entity)">]><return>"#
                + String(repeating: "&a;", count: 50_000) + "</return>").utf8)),
            ("deep.xml", Data((String(repeating: "<a>", count: 200_000) + String(repeating: "</a>", count: 200_000)).utf8)),
            ("huge-node.xml", Data(sampleReturn().replacingOccurrences(
                of: "Edge of care pilot", with: "x</name><description>\(String(repeating: "ŵ", count: 30 * 1024 * 1024))</description><name>y").utf8)),
            ("invalid-utf8.xml", Data(sampleReturn().utf8.prefix(400)) + Data([0xC3, 0x28, 0xFF, 0xFE]) + Data(sampleReturn().utf8.dropFirst(400))),
            ("truncated.xml", Data(sampleReturn().utf8.prefix(sampleReturn().utf8.count / 2))),
            ("random.xml", bytes(65_536)),
            ("photo.txt", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(4096)),
            ("empty.xml", Data()),
            ("blank.md", Data("  \n\t\r\n".utf8)),
        ]
        for (name, data) in hostile { try data.write(to: study.inbox.appendingPathComponent(name)) }
        // Text in other encodings, and CRLF with a 1 MB line, are accepted intact.
        let letter = try String(contentsOf: Repo.inbox.appendingPathComponent("la-ceredigion.txt"), encoding: .utf8)
        let accepted: [(String, Data)] = [
            ("latin1.txt", (letter + "\nLatin-1: caf\u{E9}\n").data(using: .isoLatin1, allowLossyConversion: true)!),
            ("utf16.txt", Data([0xFF, 0xFE]) + (letter + "\nLatin: café\n").data(using: .utf16LittleEndian)!),
            ("crlf-long-line.txt", Data((letter.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
                + String(repeating: "word ", count: 210_000) + "\r\n").utf8)),
        ]
        for (name, data) in accepted { try data.write(to: study.inbox.appendingPathComponent(name)) }
        try FileManager.default.createSymbolicLink(at: study.inbox.appendingPathComponent("outside.xml"), withDestinationURL: secret)
        try FileManager.default.copyItem(at: study.inbox.appendingPathComponent("la-conwy.xml"),
                                         to: study.inbox.appendingPathComponent("zz-conwy again.xml"))
        let originals = try FileManager.default.contentsOfDirectory(atPath: study.inbox.path).reduce(into: [String: Data]()) {
            $0[$1] = FileManager.default.contents(atPath: study.inbox.appendingPathComponent($1).path)
        }
        // A named pipe would block a reader for ever (made after the originals are read, for that reason).
        #expect(mkfifo(study.inbox.appendingPathComponent("pipe.xml").path, 0o600) == 0)

        let run = try measuredRun(Repo.binary, ["build", "--study", study.root.path])
        #expect(run.signal == nil, "datamap build was killed by signal \(run.signal ?? 0)")
        #expect(run.status == 65)
        #expect(run.peakKilobytes <= Self.memoryBoundKilobytes, "peak RSS \(run.peakKilobytes / 1024) MB")

        let rejected = try study.output("rejected.csv")
        for (name, _) in hostile { #expect(rejected.contains("inbox/\(name),"), "\(name) was not refused") }
        #expect(rejected.contains("inbox/outside.xml,1,1,symbolic-link"))
        #expect(rejected.contains("inbox/pipe.xml,1,1,"))
        #expect(rejected.contains("inbox/zz-conwy again.xml,1,1,duplicate-content"))
        for refusal in ["xxe-file.xml,1,22,forbidden-construct", "xxe-network.xml,1,22,forbidden-construct",
                        "xxe-network-dtd.xml,1,22,forbidden-construct", "parameter-entity.xml,1,22,forbidden-construct",
                        "billion-laughs.xml,1,22,forbidden-construct", "quadratic.xml,1,22,forbidden-construct",
                        "empty.xml,1,1,empty-file", "blank.md,1,1,empty-file", "photo.txt,1,1,unsupported-file",
                        "random.xml,1,1,malformed-xml", "truncated.xml,4,", "invalid-utf8.xml,7,13,encoding"] {
            #expect(rejected.contains("inbox/\(refusal)"), "\(refusal)")
        }
        #expect(rejected.contains(#/inbox/deep\.xml,1,\d+,malformed-xml,elements are nested more than 256 deep/#))
        #expect(rejected.contains(#/inbox/huge-node\.xml,10,\d+,malformed-xml,one text is longer than libxml2's 10 MB limit/#))
        let csv = try study.output("datamap.csv")
        for (name, _) in accepted { #expect(csv.contains("inbox/\(name)"), "\(name) was not accepted") }
        // Every valid return of the sample still comes through.
        #expect(BuildCommandTests().dataRows(csv) >= BuildCommandTests.sampleActivityCount)
        // Nothing fetched, nothing from outside inbox/, nothing expanded, originals untouched.
        #expect(listener.connectionsAccepted() == 0)
        let store = try Data(contentsOf: study.state.appendingPathComponent("store.sqlite"))
        let published = try study.outputs().values + [store]
        for data in published {
            #expect(data.range(of: Data(canary.utf8)) == nil)
            #expect(data.range(of: Data("lollollol".utf8)) == nil)
            #expect(data.range(of: Data(String(repeating: "a", count: 1000).utf8)) == nil)
        }
        for (name, data) in originals {
            #expect(FileManager.default.contents(atPath: study.inbox.appendingPathComponent(name).path) == data, "\(name) changed")
        }
    }

    /// The bound the README documents for `datamap build` on any inbox of files up to 64 MB.
    static let memoryBoundKilobytes = 512 * 1024
}

