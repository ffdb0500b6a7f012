// The interview's terminal and journal: line editing through libedit, plain lines on a dumb
// terminal, styled or plain output, and the fsync'd append-only journal.
import CEditLine
import DataMapCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where typed lines come from.
protocol LineSource {
    /// nil at end of input (Ctrl-D), which the interview treats as a pause.
    func read(prompt: String) -> String?
}

/// libedit's line editor: arrow keys, editing and history, with no full-screen redraw.
final class EditLineSource: LineSource {
    init() {
        // Answers are never completed from file names.
        rl_bind_key(9, rl_insert)
        stifle_history(500)
        datamap_set_getc_function { file in EditLineSource.nextCharacter(file.map { fileno($0) } ?? STDIN_FILENO) }
    }

    /// libedit's own key reader blocks in read(2) until a key comes, so a Ctrl-C pressed just
    /// before it started reading (while a prompt was being drawn) went unheard until the next key.
    /// This reader waits a tenth of a second at a time and gives up when Ctrl-C was pressed, and
    /// hands libedit whole characters: UTF-8 is decoded here, as libedit takes what it is given
    /// as one wide character. -1 is the end of input, which the interview takes as a pause.
    static func nextCharacter(_ descriptor: Int32) -> Int32 {
        func byte() -> Int32? {
            while true {
                if Platform.wasInterrupted { return nil }
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let found = poll(&ready, 1, 100)
                if found < 0 && errno != EINTR { return nil }
                guard found > 0 else { continue }
                var value: UInt8 = 0
                let count = Glibc.read(descriptor, &value, 1)
                if count == 1 { return Int32(value) }
                if count < 0 && errno == EINTR { continue }
                return nil
            }
        }
        guard let first = byte() else { return -1 }
        let length = first < 0x80 ? 1 : first >> 5 == 0b110 ? 2 : first >> 4 == 0b1110 ? 3 : first >> 3 == 0b11110 ? 4 : 0
        // A stray continuation byte or an invalid lead byte becomes U+FFFD, never a crash.
        guard length > 0 else { return 0xFFFD }
        guard length > 1 else { return first }
        var scalar = first & (0xFF >> (length + 1))
        for _ in 1..<length {
            guard let next = byte() else { return -1 }
            guard next & 0xC0 == 0x80 else { return 0xFFFD }
            scalar = scalar << 6 | (next & 0x3F)
        }
        return Unicode.Scalar(UInt32(scalar)) == nil ? 0xFFFD : scalar
    }

    /// libedit decodes keys and measures the prompt by the C locale's character type. A Swift
    /// program starts in the "C" locale, where every byte past ASCII is dropped (Siân became Sin)
    /// and a multibyte prompt such as "… " is measured wrong, which crashed the editor. So the
    /// user's locale is taken, and where that is not UTF-8 the built-in C.UTF-8 is used instead:
    /// answers are stored as UTF-8 whatever the terminal's locale says.
    /// False when no UTF-8 locale exists on the machine; the caller then reads plain lines.
    static func useUTF8Locale() -> Bool {
        if let chosen = setlocale(LC_CTYPE, ""), isUTF8(String(cString: chosen)) { return true }
        for name in ["C.UTF-8", "C.utf8", "en_GB.UTF-8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
            return true
        }
        return false
    }

    private static func isUTF8(_ locale: String) -> Bool {
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }

    func read(prompt: String) -> String? {
        guard let pointer = readline(prompt) else { return nil }
        defer { free(pointer) }
        let line = String(cString: pointer)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { add_history(pointer) }
        return line
    }
}

/// Plain lines, for dumb terminals, screen readers and pipes: nothing but the prompt and the text.
final class PlainLineSource: LineSource {
    /// A terminal echoes what is typed; a pipe does not, so the transcript would show prompts
    /// with no answers. Piped answers are echoed after their prompt, control characters escaped.
    private let echo = !Platform.isTerminal(STDIN_FILENO)

    func read(prompt: String) -> String? {
        FileHandle.standardOutput.write(Data(prompt.utf8))
        let line = Swift.readLine(strippingNewline: true)
        if echo, let line { FileHandle.standardOutput.write(Data((Console.safe(line) + "\n").utf8)) }
        return line
    }
}

/// Linear output: every line is printed once, in order, so a screen reader reads it as it comes.
struct TerminalOutput {
    let styled: Bool

    /// Colour and bold only on a real, capable terminal, and never when NO_COLOR is set.
    static func current() -> TerminalOutput {
        let term = Platform.environment("TERM") ?? ""
        let styled = Platform.isTerminal(1) && Platform.environment("NO_COLOR") == nil && term != "dumb" && !term.isEmpty
        return TerminalOutput(styled: styled)
    }

    func line(_ text: String = "") { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
    func strong(_ text: String) { line(styled ? "\u{1B}[1m\(text)\u{1B}[0m" : text) }
    func quiet(_ text: String) { line(styled ? "\u{1B}[2m\(text)\u{1B}[0m" : text) }
    func warning(_ text: String) { line(styled ? "\u{1B}[33m\(text)\u{1B}[0m" : text) }
}

/// The interview's append-only journal: one JSON event per line, each flushed to disk before
/// the next prompt, so a crash or `kill -9` loses nothing already entered.
final class JournalFile {
    let url: URL
    private let descriptor: Int32

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private init(url: URL, descriptor: Int32) {
        self.url = url
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    static func directory(_ paths: StudyPaths) -> URL { paths.state.appendingPathComponent("interviews") }

    static func create(_ paths: StudyPaths, id: String) throws(PlatformError) -> JournalFile {
        let directory = directory(paths)
        try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
        try Platform.prepareStateDirectory(directory)
        let url = directory.appendingPathComponent("\(id).journal")
        let descriptor = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, Platform.ownerOnlyFile)
        guard descriptor >= 0 else { throw PlatformError("cannot create \(url.path): \(String(cString: strerror(errno)))") }
        _ = Platform.lockExclusively(descriptor)
        Platform.syncDirectory(directory)
        return JournalFile(url: url, descriptor: descriptor)
    }

    static func open(_ url: URL) throws(PlatformError) -> JournalFile {
        let descriptor = Glibc.open(url.path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw PlatformError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        // One interview, one terminal: a second --resume of an open interview would race the first
        // to the finish, and one set of answers would never reach inbox/.
        guard Platform.lockExclusively(descriptor) else {
            close(descriptor)
            throw PlatformError("this interview is open in another terminal; carry on there, or pause it (:pause) before resuming here")
        }
        return JournalFile(url: url, descriptor: descriptor)
    }

    func append(_ event: JournalEvent) throws(PlatformError) {
        try append(contentsOf: [event])
    }

    /// Several events in one write and one sync: a web page's answers land together or not at all
    /// (a line cut short by a crash is ignored on replay, and so is everything after it).
    /// Returns the number of bytes written.
    @discardableResult
    func append(contentsOf events: [JournalEvent]) throws(PlatformError) -> Int {
        guard let data = Self.encoded(events) else { throw PlatformError("cannot encode a journal event") }
        guard Platform.writeAndSync(data, to: descriptor) else {
            throw PlatformError("cannot save to \(url.path): \(String(cString: strerror(errno))); the answers were not saved")
        }
        return data.count
    }

    /// Events as the journal holds them, one JSON line each.
    static func encoded(_ events: [JournalEvent]) -> Data? {
        var data = Data()
        for event in events {
            guard let line = try? encoder.encode(event) else { return nil }
            data.append(line)
            data.append(0x0A)
        }
        return data
    }

    /// Every complete event; a last line cut short by a crash is left out.
    static func events(at url: URL) -> [JournalEvent] {
        guard let data = FileManager.default.contents(atPath: url.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return data.split(separator: 0x0A).compactMap { try? decoder.decode(JournalEvent.self, from: Data($0)) }
    }

    /// Deletes an unfinished interview's journal (its answers are personal data with no further
    /// use) and appends the id, organisation, time and reason to `interviews/discarded.csv`,
    /// owner-only. An interview open in another terminal cannot be discarded.
    static func discard(_ paths: StudyPaths, id: String, reason: String) throws(PlatformError) -> String {
        guard let (url, session) = unfinished(paths).first(where: { $0.1.header.id == id }) else {
            throw PlatformError("no unfinished interview with id \(id); 'datamap interview --resume' lists them")
        }
        let journal = try open(url)  // refuses one that is open elsewhere
        let log = directory(paths).appendingPathComponent("discarded.csv")
        let exists = FileManager.default.fileExists(atPath: log.path)
        let descriptor = Glibc.open(log.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, Platform.ownerOnlyFile)
        guard descriptor >= 0 else { throw PlatformError("cannot write \(log.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        func field(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let row = (exists ? "" : "id,organisation,type,started,discarded,reason\n")
            + [id, field(session.header.organisation.name), session.header.organisation.type.rawValue,
               XMLTime.dateTime(session.header.startedAt), XMLTime.dateTime(Date()), field(reason)].joined(separator: ",") + "\n"
        guard Platform.writeAndSync(Data(row.utf8), to: descriptor) else {
            throw PlatformError("cannot write \(log.path): \(String(cString: strerror(errno)))")
        }
        withExtendedLifetime(journal) {}
        guard unlink(url.path) == 0 else { throw PlatformError("cannot delete \(url.path): \(String(cString: strerror(errno)))") }
        Platform.syncDirectory(directory(paths))
        return session.header.organisation.name
    }

    /// Unfinished interviews, oldest first.
    static func unfinished(_ paths: StudyPaths) -> [(URL, InterviewSession)] {
        let directory = directory(paths)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".journal") }.compactMap { name in
            let url = directory.appendingPathComponent(name)
            // Web drafts belong to their respondents and the web form, not to an interviewer's --resume.
            guard let session = InterviewSession.replay(events(at: url)), session.finished == nil, session.header.mode != .web else { return nil }
            return (url, session)
        }.sorted { $0.1.header.startedAt < $1.1.header.startedAt }
    }
}

extension Platform {
    /// Writes a new file into `inbox/` under a name nobody else has, in one step.
    static func publishToInbox(_ data: Data, paths: StudyPaths, name: String) throws(PlatformError) -> String {
        try placeInInbox(data, paths: paths, name: name) { link($0, $1) }
    }

    /// Writes a return into `inbox/` under its own name, replacing an earlier version in one
    /// rename: a reader sees the old file or the new one, never part of either.
    static func replaceInInbox(_ data: Data, paths: StudyPaths, name: String) throws(PlatformError) -> String {
        try placeInInbox(data, paths: paths, name: name) { rename($0, $1) }
    }

    /// Writes and syncs a hidden temporary beside the final name, then `place`s it there (link:
    /// only if the name is free; rename: replacing), so the name never shows part of a file.
    private static func placeInInbox(_ data: Data, paths: StudyPaths, name: String,
                                     place: (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Int32) throws(PlatformError) -> String {
        let temporary = paths.inbox.appendingPathComponent(".\(name).partial-\(getpid())")
        try writeDurably(data, to: temporary, mode: 0o600)
        guard place(temporary.path, paths.inbox.appendingPathComponent(name).path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw PlatformError("cannot write inbox/\(name): \(reason)")
        }
        unlink(temporary.path)  // after a link the temporary is a second name; after a rename it is gone
        syncDirectory(paths.inbox)
        return "inbox/" + name
    }

    static func randomHex(bytes: Int) -> String {
        var random = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
    }
}
