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

    /// `../shared` (the annotated corpus and the public examples): beside this checkout, as CI
    /// places it, or else beside the repository this one was cloned from, so a fresh clone made
    /// anywhere still measures against the same real documents.
    static let shared: URL = {
        let beside = root.deletingLastPathComponent().appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", root.path, "config", "--get", "remote.origin.url"]
        let out = Pipe()
        git.standardOutput = out
        git.standardError = FileHandle.nullDevice
        guard (try? git.run()) != nil else { return beside }
        let origin = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        git.waitUntilExit()
        guard origin.hasPrefix("/") else { return beside }
        let fromOrigin = URL(fileURLWithPath: origin).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: fromOrigin.path) ? fromOrigin : beside
    }()

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

/// How a measured child ended, and its peak resident memory from the kernel.
struct MeasuredRun {
    var status: Int32
    var signal: Int32?
    var peakKilobytes: Int
}

/// Runs a program with its output discarded and reads its own peak RSS with wait4, so other
/// processes the tests start at the same time do not blur the figure.
func measuredRun(_ executable: URL, _ arguments: [String]) throws -> MeasuredRun {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
    let signalled = status & 0x7F
    return MeasuredRun(status: (status >> 8) & 0xFF, signal: signalled == 0 ? nil : signalled, peakKilobytes: usage.ru_maxrss)
}

/// A TCP listener on 127.0.0.1 that only counts who connects: proof that nothing was fetched.
final class LoopbackListener {
    let socketDescriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        socketDescriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socketDescriptor) }

    /// Connections waiting to be accepted; each one is a fetch that should never have happened.
    func connectionsAccepted() -> Int {
        var count = 0
        while true {
            let client = accept(socketDescriptor, nil, nil)
            guard client >= 0 else { return count }
            close(client)
            count += 1
        }
    }
}

func datamap(_ arguments: [String], in directory: URL? = nil) throws -> ProcessResult {
    try run(Repo.binary, arguments, in: directory)
}

/// A throwaway study folder with the shipped instruments; the bundled sample's returns unless told otherwise.
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
            // A study always has its reference files: a build refuses to run without them.
            try copyInstruments()
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
