import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `datamap` binary on a real pseudo-terminal and talks to it as a person would:
/// wait for what the screen shows, then type.
final class PseudoTerminal: @unchecked Sendable {
    struct Timeout: Error, CustomStringConvertible {
        let waitingFor: String
        let screen: String
        var description: String { "timed out waiting for \(waitingFor.debugDescription); the screen ends:\n\(screen.suffix(1500))" }
    }

    private let master: Int32
    private let process = Process()
    private let lock = NSLock()
    private var buffer = Data()
    private var cursor = 0
    private var reader: Thread?

    /// - Parameter controlling: make the terminal the program's controlling terminal (through
    ///   util-linux `setsid --ctty`), so Ctrl-C typed on it raises SIGINT as it does for a person.
    init(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil, controlling: Bool = false) throws {
        // posix_openpt and friends are not exported to Swift, so this does what they do on Linux:
        // open the multiplexer, unlock the new terminal (TIOCSPTLCK) and ask its number (TIOCGPTN).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.EIO)
        }
        let slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw POSIXError(.EIO) }
        var size = winsize(ws_row: 50, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        if controlling {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            process.arguments = ["--ctty", "--wait", Repo.binary.path] + arguments
        } else {
            process.executableURL = Repo.binary
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        env.removeValue(forKey: "NO_COLOR")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let thread = Thread { [weak self] in self?.pump() }
        reader = thread
        thread.start()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }

    private func pump() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(master, &chunk, chunk.count)
            if count <= 0 { return }
            lock.withLock { buffer.append(contentsOf: chunk[0..<count]) }
        }
    }

    /// Everything shown so far, with terminal escape sequences removed.
    var screen: String {
        lock.withLock { Self.plain(buffer) }
    }

    /// Everything shown so far, escape sequences and all.
    var raw: Data { lock.withLock { buffer } }

    /// What the screen has shown since the last drain, which is then forgotten: a long session
    /// reads its output this way, so memory and search time stay flat.
    func drain() -> Data {
        lock.withLock {
            let taken = buffer
            buffer.removeAll(keepingCapacity: true)
            cursor = 0
            return taken
        }
    }

    var isRunning: Bool { process.isRunning }

    static func plain(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: #"\x{1B}\[[0-9;?]*[A-Za-z]"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
    }

    /// Waits until `text` appears after everything already consumed, then consumes through it.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let current = screen
            let start = current.index(current.startIndex, offsetBy: min(cursor, current.count))
            if let range = current[start...].range(of: text) {
                cursor = current.distance(from: current.startIndex, to: range.upperBound)
                return String(current[start..<range.upperBound])
            }
            if !process.isRunning {
                Thread.sleep(forTimeInterval: 0.1)
                if screen.count == current.count { break }
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw Timeout(waitingFor: text, screen: screen)
    }

    /// The window changes size, as when a person drags its corner: the terminal's size is set and
    /// the program gets SIGWINCH.
    func resize(rows: UInt16, columns: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        Glibc.kill(process.processIdentifier, SIGWINCH)
    }

    /// Keys as bytes, with no Enter after them: Ctrl-C is 0x03.
    func press(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    func send(_ line: String) {
        let bytes = Array((line + "\r").utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits for the next prompt, then types the answer.
    func answer(_ line: String) throws {
        try expect("> ")
        send(line)
    }

    func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        return process.isRunning ? nil : process.terminationStatus
    }
}
