import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Paths and helpers shared by the tests. Nothing here fakes datamap: it finds the real binary
/// and copies the real sample study.
enum Repo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let inbox = root.appendingPathComponent("inbox")
    static let schema = root.appendingPathComponent("Sources/DataMapCore/Resources/return-v1.xsd")
    static let fixtures = root.appendingPathComponent("Tests/DataMapTests/Fixtures")

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    /// The `datamap` executable built beside this test bundle.
    static var binary: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("datamap")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/datamap")
    }
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion and captures both streams.
@discardableResult
func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil,
         environment: [String: String]? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting, so a large output cannot fill the pipe and stall the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

func datamap(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
    try run(Repo.binary, arguments, in: directory)
}

/// A throwaway study folder; a copy of the bundled sample unless told otherwise.
final class TemporaryStudy {
    let root: URL
    var inbox: URL { root.appendingPathComponent("inbox") }
    var outbox: URL { root.appendingPathComponent("outbox") }
    var state: URL { root.appendingPathComponent(".datamap") }

    init(copySample: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("datamap-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if copySample {
            try FileManager.default.copyItem(at: Repo.inbox, to: inbox)
            // The sample's written returns need the taxonomy, gazetteer and schedules to be read.
            try copyInstruments()
        } else {
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func copyInstruments() throws {
        let target = root.appendingPathComponent("instruments")
        guard !FileManager.default.fileExists(atPath: target.path) else { return }
        try FileManager.default.copyItem(at: Repo.root.appendingPathComponent("instruments"), to: target)
    }

    func build(_ extra: [String] = []) throws -> ProcessResult {
        try datamap(["build", "--study", root.path] + extra)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: inbox.appendingPathComponent(name))
    }

    func output(_ name: String) throws -> String {
        try String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8)
    }

    /// Every output file's bytes, by name.
    func outputs() throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: outbox.path) {
            result[name] = try Data(contentsOf: outbox.appendingPathComponent(name))
        }
        return result
    }
}

func permissions(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return (attributes[.posixPermissions] as? Int) ?? -1
}
