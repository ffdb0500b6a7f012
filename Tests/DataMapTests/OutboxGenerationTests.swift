import DataMapCore
import DataMapStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The study's files in memory, with a disk that fills up while one output is written: the
/// file-system port the core writes through, for machines where a test cannot mount a small disk.
final class FillingDisk: StudyFileSystem, @unchecked Sendable {
    private let lock = NSLock()
    let files: [String: Data]
    let failing: String
    private(set) var written: [String] = []
    private(set) var published: [String]?
    private(set) var abandoned = 0

    init(files: [String: Data], failing: String) {
        self.files = files
        self.failing = failing
    }

    func inboxEntries() throws -> [InboxEntry] { files.map { InboxEntry(path: $0.key, kind: .file(size: $0.value.count)) } }
    func read(_ path: String) throws -> Data { files[path] ?? Data() }
    func beginOutputs() throws {}
    func writeOutput(_ name: String, render: (OutputSink) throws -> Void) throws {
        struct NoSpace: Error, CustomStringConvertible { var description: String { "No space left on device" } }
        let sink = OutputSink { _ in if name == self.failing { throw NoSpace() } }
        try render(sink)
        try sink.finish()
        lock.withLock { written.append(name) }
    }
    func publishOutputs(_ names: [String]) throws { lock.withLock { published = names } }
    func abandonOutputs() { lock.withLock { abandoned += 1 } }
}

/// `outbox/` is replaced as one set: a full disk, a signal or a refused link leaves the previous
/// build's complete outputs, byte for byte, and nothing half-written beside them.
@Suite("outbox/ changes as one set", .serialized)
struct OutboxGenerationTests {
    /// Hidden folders a build leaves beside outbox/ while it writes; none may outlive it.
    static func leftovers(_ study: TemporaryStudy) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: study.root.path).filter { $0.hasPrefix(".outbox.") }
    }

    @Test func aPersonsOwnFileInOutboxIsKeptAndEveryOutputIsReplaced() throws {
        let study = try TemporaryStudy()
        #expect(try study.build().status == 0)
        try Data("the lead's notes\n".utf8).write(to: study.outbox.appendingPathComponent("notes-for-lead.txt"))
        try FileManager.default.createDirectory(at: study.outbox.appendingPathComponent("drafts"), withIntermediateDirectories: true)
        try study.write("zz-extra.txt", "Organisation: Conwy County Borough Council\nDate: 2018-05-01\n\nWe are piloting the Bridge Project, a mentoring service for care leavers, from April 2018 for two years; it is evaluated by Bangor University.\n")
        let result = try study.build()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOf: study.outbox.appendingPathComponent("notes-for-lead.txt"), encoding: .utf8) == "the lead's notes\n")
        #expect(FileManager.default.fileExists(atPath: study.outbox.appendingPathComponent("drafts").path))
        #expect(try study.output("datamap.csv").contains("Bridge Project"))
        #expect(try Self.leftovers(study).isEmpty)
    }

    @Test func aWriteThatFailsAbandonsTheWholeGenerationAndNamesTheOutputOnce() throws {
        let xml = try Data(contentsOf: Repo.inbox.appendingPathComponent("cafcass.xml"))
        let disk = FillingDisk(files: ["inbox/cafcass.xml": xml], failing: "datamap.json")
        let builder = Builder(fileSystem: disk, store: try SQLiteStore(), reader: ReturnReader(schema: try ReturnSchema.compiled()),
                              key: StudyKey(bytes: Data(repeating: 9, count: 32))!, reference: ShippedReference.reference)
        #expect(throws: BuildError.output(name: "datamap.json", reason: "No space left on device")) { try builder.run() }
        #expect(disk.published == nil, "nothing published")
        #expect(disk.abandoned == 1)
        #expect(BuildError.output(name: "datamap.json", reason: "No space left on device").description
            == "cannot write outbox/datamap.json: No space left on device; outbox/ still holds the previous build's outputs, unchanged")
    }

    static let canMount: Bool = {
        let point = FileManager.default.temporaryDirectory.appendingPathComponent("datamap-mount-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: point) }
        guard (try? run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=64k", "tmpfs", point.path]))?.status == 0 else { return false }
        _ = try? run(URL(fileURLWithPath: "/bin/umount"), [point.path])
        return true
    }()

    /// A small file system the test mounts (CI runs as root); the test above covers machines
    /// where that is not allowed.
    @Test(.enabled(if: canMount, "mounting a small file system needs root"))
    func aFullDiskLeavesThePreviousSetWholeAndNamesTheOutputOnce() throws {
        let study = try TemporaryStudy(copySample: false)
        let mountPoint = study.root.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = try run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=600k", "tmpfs", mountPoint.path])
        try #require(mount.status == 0, "\(mount.stderr)")
        defer { _ = try? run(URL(fileURLWithPath: "/bin/umount"), [mountPoint.path]) }
        let root = mountPoint
        // The sample's outputs fit once, not twice: the new set cannot be written beside the old.
        try FileManager.default.copyItem(at: Repo.inbox, to: root.appendingPathComponent("inbox"))
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("instruments"), to: root.appendingPathComponent("instruments"))
        let state = study.root.appendingPathComponent("state").path
        let first = try datamap(["build", "--study", root.path, "--state", state])
        #expect(first.status == 0, "\(first.stderr)")
        let outbox = root.appendingPathComponent("outbox")
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: outbox.path) {
                files[name] = try Data(contentsOf: outbox.appendingPathComponent(name))
            }
            return files
        }
        let before = try snapshot()
        try Data("Organisation: Conwy County Borough Council\nDate: 2018-05-01\n\nWe run the Bridge Project.\n".utf8)
            .write(to: root.appendingPathComponent("inbox/zz-new.txt"))
        let second = try datamap(["build", "--study", root.path, "--state", state])
        #expect(second.status == 1, "\(second.stderr)")
        let failures = second.stderr.components(separatedBy: "cannot write outbox/").count - 1
        #expect(failures == 1, "\(second.stderr)")
        #expect(second.stderr.contains("No space left on device"), "\(second.stderr)")
        #expect(second.stderr.contains("still holds the previous build's outputs"), "\(second.stderr)")
        #expect(!second.stderr.contains("cannot write outbox/datamap.csv: cannot write"), "the reason is given once")
        #expect(try snapshot() == before, "outbox/ is the first build's, byte for byte")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".outbox.") }.isEmpty)
    }

    @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func aSignalWhileWritingLeavesThePreviousSetAndSaysSoInOneLine(signal: Int32, status: Int32, name: String) throws {
        let study = try TemporaryStudy(copySample: false)
        try FileManager.default.removeItem(at: study.root)
        // Enough returns that writing the outputs takes long enough to be caught in the act.
        let generated = try datamap(["generate", "--returns", "300", "--seed", "11", "--output", study.root.path, "--study", Repo.root.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(try study.build().status == 0)
        let before = try study.outputs()
        try study.write("zz-new.txt", "Organisation: Conwy County Borough Council\nDate: 2018-05-01\n\nWe run the Bridge Project.\n")

        let process = Process()
        process.executableURL = Repo.binary
        process.arguments = ["build", "--study", study.root.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for the hidden generation to appear: the build is then writing outputs.
        var caught = false
        for _ in 0..<30_000 where process.isRunning {
            if try !Self.leftovers(study).filter({ $0.contains(".new-") }).isEmpty {
                kill(process.processIdentifier, signal)
                caught = true
                break
            }
            usleep(1000)
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(caught, "the build finished before it could be interrupted")
        #expect(process.terminationStatus == status, "\(stderr)")
        let lines = stderr.split(separator: "\n").filter { $0.contains("stopped by") }
        #expect(lines.count == 1 && lines[0].contains(name) && lines[0].contains("previous build's complete outputs"), "\(stderr)")
        #expect(try study.outputs() == before, "outbox/ is the first build's, byte for byte")
        let left = try Self.leftovers(study)
        #expect(left.isEmpty, "\(left)")
        // The lock went with the process: the next build runs and finishes the job.
        let again = try study.build()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try study.output("datamap.csv").contains("Bridge Project"))
    }

    @Test(arguments: ["inbox", "outbox", ".datamap"])
    func aLinkedStudyFolderIsRefusedUnlessAllowedAndNothingOutsideIsChanged(folder: String) throws {
        let study = try TemporaryStudy()
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("datamap-elsewhere-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let link = study.root.appendingPathComponent(folder)
        if folder == "inbox" {
            try FileManager.default.moveItem(at: link, to: elsewhere)
        } else {
            try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        }
        chmod(elsewhere.path, folder == ".datamap" ? 0o755 : 0o775)
        let mode = try permissions(elsewhere)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: elsewhere)

        let refused = try study.build()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("link") && refused.stderr.contains("allow_symlinked_folders"), "\(refused.stderr)")
        #expect(try permissions(elsewhere) == mode, "a folder outside the study keeps its permissions")
        if folder == ".datamap" { #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty, "no key written there") }

        try Data("allow_symlinked_folders: true\n".utf8).write(to: study.root.appendingPathComponent("study.yaml"))
        let allowed = try study.build()
        #expect(try permissions(elsewhere) == mode)
        if folder == ".datamap" {
            // Allowed, but a key may not go into a folder others can read; datamap says so and changes nothing.
            #expect(allowed.status == 1 && allowed.stderr.contains("owner-only"), "\(allowed.stderr)")
        } else {
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(FileManager.default.fileExists(atPath: study.outbox.appendingPathComponent("datamap.csv").path))
            #expect(try Self.leftovers(study).isEmpty)
        }
    }
}
