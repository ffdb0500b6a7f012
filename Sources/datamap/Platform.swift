// Every touchpoint with the operating system lives in this file: the disk, permissions,
// locks, the terminal and the random source. The core receives what it needs from here.
import CPlatform
import DataMapCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure the user can act on; the message names the path and the fix, never file content.
struct PlatformError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where a study's parts live. The state folder (store, key, lock) is never inside `outbox/`.
struct StudyPaths {
    let root: URL
    let state: URL

    init(root: String, state: String?) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL
        self.state = state.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? self.root.appendingPathComponent(".datamap")
    }

    var inbox: URL { root.appendingPathComponent("inbox") }
    var outbox: URL { root.appendingPathComponent("outbox") }
    /// Where outputs really go: `outbox/`, or the folder it links to when study.yaml allows links.
    var outboxTarget: URL {
        var info = stat()
        guard lstat(outbox.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK,
              let resolved = realpath(outbox.path, nil) else { return outbox }
        defer { free(resolved) }
        return URL(fileURLWithPath: String(cString: resolved))
    }
    var store: URL { state.appendingPathComponent("store.sqlite") }
    var key: URL { state.appendingPathComponent("study.key") }
    var lock: URL { state.appendingPathComponent("build.lock") }

    func validate() throws(PlatformError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: inbox.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PlatformError("\(root.path) has no inbox/ folder; run datamap from a study folder or pass --study DIR")
        }
        let outboxPath = outbox.path + "/"
        if (state.path + "/").hasPrefix(outboxPath) {
            throw PlatformError("the state folder \(state.path) is inside outbox/; keys and the store must stay out of published output")
        }
    }

    /// A linked inbox/, outbox/ or .datamap/ could send outputs or the key somewhere nobody
    /// meant, and tightening its permissions would change a folder outside the study.
    func refuseLinks(unless allowed: Bool) throws(PlatformError) {
        guard !allowed else { return }
        var folders = [("inbox/", inbox), ("outbox/", outbox)]
        if state == root.appendingPathComponent(".datamap") { folders.append((".datamap/", state)) }
        for (name, url) in folders {
            var info = stat()
            if lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
                throw PlatformError("\(url.path): \(name) is a link to another folder, which datamap does not follow by default; replace the link with a real folder, or allow it with 'allow_symlinked_folders: true' in study.yaml")
            }
        }
    }
}

/// Set by the SIGINT handler; read once the line being typed has been given up.
nonisolated(unsafe) private var interruptReceived: sig_atomic_t = 0
/// The write end of the build's signal pipe.
nonisolated(unsafe) private var signalPipe: Int32 = -1

enum Platform {
    /// Ctrl-C at an interview prompt pauses rather than kills: the handler only notes the signal,
    /// and without SA_RESTART the terminal read returns, so the interview saves a pause and says so.
    static func catchInterrupt() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptReceived = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have started us with SIGINT blocked; the interview must hear it.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
    }

    static var wasInterrupted: Bool { interruptReceived != 0 }

    /// Holds an exclusive lock on an open file for as long as this process keeps it open (the
    /// kernel drops it if the process dies, even by kill -9). False when another process holds it.
    static func lockExclusively(_ descriptor: Int32) -> Bool {
        flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    static let ownerOnlyDirectory: mode_t = 0o700
    static let ownerOnlyFile: mode_t = 0o600

    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// This process's resident memory in megabytes, from /proc; nil where there is none.
    static func residentMegabytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
    }

    static func createDirectory(_ url: URL) throws(PlatformError) {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw PlatformError("cannot create \(url.path); check the path and its permissions")
        }
    }

    static func copyItem(_ source: URL, to target: URL) throws(PlatformError) {
        do { try FileManager.default.copyItem(at: source, to: target) } catch {
            throw PlatformError("cannot copy \(source.path) to \(target.path); check both paths")
        }
    }

    /// Writes a new file, never replacing one: generated data must not overwrite real returns.
    static func writeNew(_ data: Data, to url: URL) throws(PlatformError) {
        do { try data.write(to: url, options: .withoutOverwriting) } catch {
            throw PlatformError("cannot write \(url.path): it exists already or the folder is not writable")
        }
    }

    static func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    /// Creates the state folder owner-only, and tightens it if it exists.
    static func prepareStateDirectory(_ url: URL, linked: Bool = false) throws(PlatformError) {
        if mkdir(url.path, ownerOnlyDirectory) != 0 && errno != EEXIST {
            throw PlatformError("cannot create the state folder \(url.path): \(String(cString: strerror(errno)))")
        }
        var link = stat(), target = stat()
        if !linked, lstat(url.path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
            throw PlatformError("\(url.path) is a link to another folder; datamap will not change permissions outside the study. Replace the link with a real folder, or allow it with 'allow_symlinked_folders: true' in study.yaml")
        }
        if linked, lstat(url.path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK, stat(url.path, &target) == 0 {
            // An allowed link: its target is outside the study, so it is checked, never changed.
            guard target.st_mode & 0o077 == 0 else {
                throw PlatformError("\(url.path) links to a folder others can read; make it owner-only (chmod 700) and run again")
            }
            return
        }
        guard chmod(url.path, ownerOnlyDirectory) == 0 else {
            throw PlatformError("cannot make \(url.path) owner-only: \(String(cString: strerror(errno)))")
        }
    }

    /// Creates an empty owner-only file if none exists, so SQLite and its journals inherit 0600.
    static func ensureOwnerOnlyFile(_ url: URL) throws(PlatformError) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, ownerOnlyFile)
        guard descriptor >= 0 else {
            throw PlatformError("cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, ownerOnlyFile) == 0 else {
            throw PlatformError("cannot make \(url.path) owner-only: \(String(cString: strerror(errno)))")
        }
    }

    /// Loads the study key, creating it on first use from the system's secure random source.
    /// A key that others can read is refused rather than silently trusted.
    static func loadOrCreateKey(_ url: URL) throws(PlatformError) -> StudyKey {
        var info = stat()
        if lstat(url.path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw PlatformError("\(url.path) is not a regular file; move it away and run again to create a new key")
            }
            guard info.st_mode & 0o077 == 0 else {
                throw PlatformError("the study key \(url.path) can be read by other users; run 'chmod 600 \(url.path)' after checking who has copied it")
            }
            guard let data = FileManager.default.contents(atPath: url.path), let key = StudyKey(bytes: data) else {
                throw PlatformError("the study key \(url.path) is damaged (it must be \(StudyKey.byteCount) bytes); restore it from your backup")
            }
            return key
        }
        var random = SystemRandomNumberGenerator()
        let (key, bytes) = StudyKey.generate(using: &random)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".study.key.new")
        try writeDurably(bytes, to: temporary, mode: ownerOnlyFile)
        // link() fails if another process created the key first; then use theirs.
        if link(temporary.path, url.path) != 0 {
            unlink(temporary.path)
            if errno == EEXIST { return try loadOrCreateKey(url) }
            throw PlatformError("cannot create the study key \(url.path): \(String(cString: strerror(errno)))")
        }
        unlink(temporary.path)
        return key
    }

    /// Writes a file and makes it durable before anyone can see it under its final name.
    static func writeDurably(_ data: Data, to url: URL, mode: mode_t) throws(PlatformError) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw PlatformError("cannot write \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        guard writeAndSync(data, to: descriptor) else {
            throw PlatformError("cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes every byte (retrying interrupted writes), then fsyncs; false with errno set on failure.
    static func writeAndSync(_ data: Data, to descriptor: Int32) -> Bool {
        let written = data.withUnsafeBytes { raw in writeAll(UnsafeRawBufferPointer(raw), to: descriptor) }
        return written && fsync(descriptor) == 0
    }

    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
    }

    /// Every byte, retrying interrupted and short writes; false with errno set on failure.
    static func writeAll(_ raw: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < raw.count {
            let result = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if result < 0 { if errno == EINTR { continue }; return false }
            offset += result
        }
        return true
    }

    /// A reference file's text: a regular file, read without blocking (a named pipe put in its
    /// place must not hang the build), as UTF-8.
    static func readReferenceFile(_ url: URL) throws(PlatformError) -> String {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw PlatformError(errno == ENOENT ? "the file is missing" : "the file cannot be opened (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw PlatformError("this is not a regular file")
        }
        guard info.st_size <= 16 * 1024 * 1024 else { throw PlatformError("the file is larger than 16 MB") }
        guard let data = try? FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).readToEnd() ?? Data() else {
            throw PlatformError("the file cannot be read (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw PlatformError("the file is not UTF-8 text") }
        return text
    }

    /// A small file written whole and synced, or an error naming why.
    static func writeFileSynced(_ data: Data, to url: URL) throws(PlatformError) {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw PlatformError(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard writeAndSync(data, to: descriptor) else { throw PlatformError(String(cString: strerror(errno))) }
    }

    /// Deletes a folder and everything in it without following links; quietly does nothing if
    /// it is not there.
    static func removeTree(_ url: URL) {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else { unlink(url.path); return }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
            removeTree(url.appendingPathComponent(name))
        }
        rmdir(url.path)
    }

    /// Held while `outbox/` is swapped, so that a signal arriving then waits for the swap to end
    /// instead of deleting a generation that is half published.
    static let publishing = NSLock()

    static func whilePublishing<T>(_ body: () throws -> T) throws -> T {
        publishing.lock()
        defer { publishing.unlock() }
        let result = try body()
        published = true
        return result
    }

    /// Set, under `publishing`, once this build's outputs are in place: a signal after that stops
    /// a build that has already done its work, and says so.
    nonisolated(unsafe) static var published = false

    /// SIGINT and SIGTERM during a build: the handler only writes the signal's number to a pipe;
    /// a thread reading the pipe runs `cleanup` (which throws away the unpublished outputs),
    /// says so in one line and exits 130 or 143. The study lock goes with the process.
    static func endBuildCleanlyOnSignal(cleanup: @escaping @Sendable () -> Void) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { return }
        signalPipe = descriptors[1]
        let reader = descriptors[0]
        // A file-size limit (ulimit -f) must fail the write, as a full disk does, not kill us.
        signal(SIGXFSZ, SIG_IGN)
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipe, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        // A parent may have started us with these blocked; a build must still hear them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        let thread = Thread {
            var byte: UInt8 = 0
            while read(reader, &byte, 1) < 0 && errno == EINTR {}
            let number = Int32(byte)
            publishing.lock()
            let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
            if published {
                Console.notice("stopped by \(name) after this build's outputs were written to outbox/")
            } else {
                cleanup()
                Console.notice("stopped by \(name); outbox/ still holds the previous build's complete outputs; run the build again to finish")
            }
            _exit(128 + number)
        }
        thread.start()
    }

    static func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

/// One build at a time per study: an advisory lock on a file in the state folder.
/// The kernel releases it when the process ends, however it ends.
final class StudyLock {
    private let descriptor: Int32

    enum Failure: Error {
        case busy
        case failed(String)
    }

    init(_ url: URL, wait: Bool) throws(Failure) {
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, Platform.ownerOnlyFile)
        guard descriptor >= 0 else { throw .failed("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            close(descriptor)
            throw busy ? .busy : .failed("cannot lock \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The study on the real disk.
struct DiskStudy: StudyFileSystem {
    let paths: StudyPaths

    func inboxEntries() throws -> [InboxEntry] {
        var entries: [InboxEntry] = []
        try walk(paths.inbox, relative: "inbox", into: &entries)
        return entries
    }

    /// File names are bytes. A name that is not UTF-8 (`Caf\xE9 conwy.xml`, saved by an older
    /// Windows tool) is listed with its odd bytes written as `\xE9`, and read back by those bytes,
    /// so the return in it is read like any other rather than refused.
    private func walk(_ directory: URL, relative: String, into entries: inout [InboxEntry]) throws {
        try walk(Array(directory.path.utf8), relative: relative, into: &entries)
    }

    private func walk(_ directory: [UInt8], relative: String, into entries: inout [InboxEntry]) throws {
        guard let stream = Self.withCPath(directory, { opendir($0) }) else {
            throw PlatformError("cannot list \(Self.display(directory)): \(String(cString: strerror(errno)))")
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name.first == UInt8(ascii: ".") { continue }
            names.append(name)
        }
        for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let full = directory + [UInt8(ascii: "/")] + name
            let path = relative + "/" + Self.display(name)
            var info = stat()
            guard Self.withCPath(full, { lstat($0, &info) }) == 0 else {
                entries.append(InboxEntry(path: path, kind: .unreadable))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                // A folder inside inbox/ that cannot be read is refused on its own; the rest still builds.
                do { try walk(full, relative: path, into: &entries) } catch {
                    entries.append(InboxEntry(path: path, kind: .unreadable))
                }
            case S_IFLNK: entries.append(InboxEntry(path: path, kind: .symbolicLink))
            case S_IFREG:
                let modified = PartialDate(date: Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec)))
                entries.append(InboxEntry(path: path, kind: .file(size: Int(info.st_size)), modified: modified))
            default: entries.append(InboxEntry(path: path, kind: .unreadable))
            }
        }
    }

    /// A name's bytes as text: UTF-8 as it is; any other byte, and any control character (an
    /// escape sequence or a newline in a file name), as `\xHH` (and a backslash before `x`
    /// doubled, so every listed name reads back to exactly its bytes).
    static func display(_ name: [UInt8]) -> String {
        let controls = name.indices.contains { (index: Int) -> Bool in Self.isControl(name, at: index) }
        if !controls, let text = String(validating: name, as: UTF8.self), !text.contains("\\x") { return text }
        var result = ""
        var index = 0
        while index < name.count {
            // One character's valid UTF-8 sequence here, or one byte escaped.
            let first = name[index]
            let expected = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 0
            var length = expected > 0 && index + expected <= name.count
                && String(validating: name[index..<(index + expected)], as: UTF8.self) != nil ? expected : 0
            if Self.isControl(name, at: index) { length = 0 }
            if length > 0 {
                let piece = String(decoding: name[index..<(index + length)], as: UTF8.self)
                result += piece == "\\" && index + 1 < name.count && name[index + 1] == UInt8(ascii: "x") ? "\\x5C" : piece
                index += length
            } else {
                result += String(format: "\\x%02X", name[index])
                index += 1
            }
        }
        return result
    }

    /// A C0 control, DEL, or the first byte of a C1 control's UTF-8 form.
    static func isControl(_ name: [UInt8], at index: Int) -> Bool {
        let byte = name[index]
        if byte < 0x20 || byte == 0x7F { return true }
        guard byte == 0xC2, index + 1 < name.count else { return false }
        return name[index + 1] >= 0x80 && name[index + 1] <= 0x9F
    }

    /// The bytes `display` wrote: each `\xHH` back to its byte.
    static func bytes(_ displayed: String) -> [UInt8] {
        let utf8 = Array(displayed.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count, utf8[index + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16) {
                result.append(value)
                index += 4
            } else {
                result.append(utf8[index])
                index += 1
            }
        }
        return result
    }

    static func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
        }
    }

    /// Reads without following a link, so a file swapped for a link after listing is not read.
    func read(_ path: String) throws -> Data {
        let full = Array(paths.root.path.utf8) + [UInt8(ascii: "/")] + Self.bytes(path)
        // O_NONBLOCK: a file swapped for a named pipe after listing must not hang the build.
        let descriptor = Self.withCPath(full) { open($0, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK) }
        guard descriptor >= 0 else { throw PlatformError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw PlatformError("\(path) is not a regular file; datamap reads only regular files inside inbox/")
        }
        guard Int(info.st_size) <= Builder.maximumReturnSize else {
            close(descriptor)
            throw PlatformError("\(path) grew past the \(Builder.maximumReturnSize / (1024 * 1024)) MB limit while the build ran")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        return try handle.readToEnd() ?? Data()
    }

    /// Where outputs really go (outbox/, or the folder an allowed link points to), looked up once.
    let outboxTarget: URL
    /// The generation being written: hidden beside the outputs' folder, on the same file system,
    /// so that it can be swapped in whole.
    let generation: URL

    init(paths: StudyPaths) {
        self.paths = paths
        outboxTarget = paths.outboxTarget
        generation = outboxTarget.deletingLastPathComponent()
            .appendingPathComponent(".\(outboxTarget.lastPathComponent).new-\(getpid())")
    }

    /// Lists the outputs a build published, so the next build knows which files are its own.
    static let manifestName = ".datamap-outputs"

    /// A build killed mid-write leaves its generation (or, before version 7, a hidden partial
    /// file) behind; the next build, holding the lock, clears them.
    func removeAbandonedPartials() {
        let outbox = outboxTarget
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []
        for name in names where name.hasPrefix(".") && name.contains(".partial-") {
            unlink(outbox.appendingPathComponent(name).path)
        }
        let parent = outbox.deletingLastPathComponent()
        let prefix = ".\(outbox.lastPathComponent)."
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        where name.hasPrefix(prefix + "new-") || name.hasPrefix(prefix + "old-") {
            Platform.removeTree(parent.appendingPathComponent(name))
        }
    }

    /// Renamed out of the way first, so that a writer still running cannot add to it as it goes.
    func abandonOutputs() {
        let doomed = generation.deletingLastPathComponent()
            .appendingPathComponent(".\(outboxTarget.lastPathComponent).old-\(getpid())-abandoned")
        if rename(generation.path, doomed.path) == 0 { Platform.removeTree(doomed) } else { Platform.removeTree(generation) }
    }

    func beginOutputs() throws {
        Platform.removeTree(generation)
        guard mkdir(generation.path, 0o755) == 0 else {
            throw PlatformError("cannot create a folder beside outbox/ (\(String(cString: strerror(errno)))); check that the study folder is writable")
        }
    }

    /// Each file straight into the unseen generation, then fsync: nothing is visible until publish.
    func writeOutput(_ name: String, render: (OutputSink) throws -> Void) throws {
        let target = generation.appendingPathComponent(name)
        let descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw PlatformError(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let sink = OutputSink { block in
            guard Platform.writeAll(block, to: descriptor) else { throw PlatformError(String(cString: strerror(errno))) }
        }
        try render(sink)
        try sink.finish()
        guard fsync(descriptor) == 0 else { throw PlatformError(String(cString: strerror(errno))) }
    }

    /// A file in the study's private folder, owner-only and unlinked as soon as it is open, so
    /// nothing is left behind however the build ends. Where none can be made, the workbook is
    /// made the slower way, twice, and comes out the same.
    func makeSpool() -> (any Spool)? {
        let path = paths.state.appendingPathComponent("spool-\(UUID().uuidString)").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return nil }
        unlink(path)
        return FileSpool(descriptor: descriptor)
    }

    /// Swaps the generation for `outbox/` in one rename (renameat2 with RENAME_EXCHANGE), after
    /// carrying over what a person put in `outbox/` themselves; the old set is then deleted.
    /// Where the file system cannot exchange, two renames leave `outbox/` missing for an instant,
    /// but never mixed.
    func publishOutputs(_ names: [String]) throws {
        let outbox = outboxTarget
        let manifest = names.sorted().joined(separator: "\n") + "\n"
        try Platform.writeFileSynced(Data(manifest.utf8), to: generation.appendingPathComponent(Self.manifestName))
        Platform.syncDirectory(generation)
        try Platform.whilePublishing {
            var info = stat()
            if lstat(outbox.path, &info) != 0 {
                guard errno == ENOENT else { throw PlatformError("cannot look at outbox/: \(String(cString: strerror(errno)))") }
                guard rename(generation.path, outbox.path) == 0 else {
                    throw PlatformError("cannot move the new outputs into outbox/: \(String(cString: strerror(errno)))")
                }
            } else {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw PlatformError("outbox/ is not a folder; move it aside and build again")
                }
                // The new folder takes the old one's permissions, so a linked target keeps its own.
                chmod(generation.path, info.st_mode & 0o7777)
                try carryOver(from: outbox, ours: Set(names))
                if datamap_exchange_paths(generation.path, outbox.path) != 0 {
                    guard errno == EINVAL || errno == ENOSYS else {
                        throw PlatformError("cannot swap the new outputs into outbox/: \(String(cString: strerror(errno)))")
                    }
                    let old = outbox.deletingLastPathComponent().appendingPathComponent(".\(outbox.lastPathComponent).old-\(getpid())")
                    guard rename(outbox.path, old.path) == 0 else {
                        throw PlatformError("cannot move the old outputs aside: \(String(cString: strerror(errno)))")
                    }
                    guard rename(generation.path, outbox.path) == 0 else {
                        let reason = String(cString: strerror(errno))
                        rename(old.path, outbox.path)
                        throw PlatformError("cannot move the new outputs into outbox/: \(reason)")
                    }
                    Platform.removeTree(old)
                } else {
                    Platform.removeTree(generation)
                }
            }
            Platform.syncDirectory(outbox.deletingLastPathComponent())
        }
    }

    /// Files in `outbox/` that no build wrote (not in the last manifest, not this build's) are a
    /// person's, and go into the new generation: hard links for files, a rename for folders.
    private func carryOver(from outbox: URL, ours: Set<String>) throws {
        let previous = (try? String(contentsOf: outbox.appendingPathComponent(Self.manifestName), encoding: .utf8))
            .map { Set($0.split(separator: "\n").map(String.init)) } ?? []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? [] {
            guard name != Self.manifestName, !ours.contains(name), !previous.contains(name),
                  !(name.hasPrefix(".") && name.contains(".partial-")) else { continue }
            let source = outbox.appendingPathComponent(name), target = generation.appendingPathComponent(name)
            var info = stat()
            guard lstat(source.path, &info) == 0 else { continue }
            let moved = info.st_mode & S_IFMT == S_IFDIR ? rename(source.path, target.path) : link(source.path, target.path)
            guard moved == 0 else {
                throw PlatformError("cannot keep outbox/\(name), which datamap did not write: \(String(cString: strerror(errno))); move it out of outbox/ and build again")
            }
        }
    }
}

/// `Spool` over an unlinked file: written in order, read back with `pread`.
final class FileSpool: Spool {
    private let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    func append(_ bytes: [UInt8]) throws {
        guard Platform.writeAll(bytes, to: descriptor) else { throw PlatformError(String(cString: strerror(errno))) }
    }

    func read(at offset: Int, count: Int) throws -> Data {
        var data = Data(count: count)
        var done = 0
        while done < count {
            let result = data.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw PlatformError(result == 0 ? "the scratch file ended early" : String(cString: strerror(errno))) }
            done += result
        }
        return data
    }
}
