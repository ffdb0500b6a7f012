import DataMapCore
import Foundation
import Testing

/// A long seeded session of random keys at the interview's real line editor: printable ASCII,
/// every Welsh accented letter, curly quotes and an emoji, editing keys (backspace, Ctrl-U,
/// Ctrl-K, Ctrl-A/E/B/F), commands, plausible answers, window resizes mid-line, Ctrl-C and Ctrl-D.
/// After every Enter the journal is read: an answer the screen took (no warning) must be in the
/// journal exactly as the parser reads the line the keys made, and a refused one must not be.
/// `DATAMAP_SOAK_KEYS` sets the length (default 100,000 keys); `DATAMAP_SOAK_SEED` the seed.
@Suite("A random-keystroke session in a real terminal", .serialized)
struct KeystrokeSoakTests {
    /// The line editor's buffer as the keys change it.
    struct Line {
        var characters: [Character] = []
        var cursor = 0
        var text: String { String(characters) }
    }

    static let letters: [Character] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;'-()&/?!:")
        + Array("âêîôûŵŷÂÊÎÔÛŴŶàèìòùẁỳÀÈÌÒÙẀỲäëïöüẅÿÄËÏÖÜẄŸ‘’“”–🙂")
    static let plausible = ["y", "n", "1", "2", "3", "4", "1,3", "2018-03", "March 2018", "31/3/18", "2 years", "12", "?", "!", "/",
                            ":skip", ":back", ":note Siân’s ŵyr called", ":review", ":section 2", "", ">", "<", "Tŷ Gwyn", "Cyngor Sir Gâr"]

    /// Types one line's keys; returns the keys as bytes, the line they make, and the key count.
    static func makeLine(_ random: inout SplitMix, plausibleOdds: Int) -> (chunks: [[UInt8]], line: String, keys: Int) {
        var line = Line()
        var chunks: [[UInt8]] = [[]]
        var keys = 0
        func type(_ character: Character) {
            line.characters.insert(character, at: line.cursor)
            line.cursor += 1
            chunks[chunks.count - 1] += Array(String(character).utf8)
            keys += 1
        }
        func press(_ byte: UInt8) {
            chunks[chunks.count - 1].append(byte)
            keys += 1
        }
        if Int.random(in: 0..<10, using: &random) < plausibleOdds {
            for character in plausible.randomElement(using: &random)! { type(character) }
        } else {
            for _ in 0..<Int.random(in: 0...18, using: &random) {
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<80: type(letters.randomElement(using: &random)!)
                case 80..<85:
                    press(0x7F)  // Backspace
                    if line.cursor > 0 { line.characters.remove(at: line.cursor - 1); line.cursor -= 1 }
                case 85..<88:
                    press(0x01)  // Ctrl-A
                    line.cursor = 0
                case 88..<91:
                    press(0x05)  // Ctrl-E
                    line.cursor = line.characters.count
                case 91..<94:
                    press(0x02)  // Ctrl-B
                    line.cursor = max(0, line.cursor - 1)
                case 94..<96:
                    press(0x06)  // Ctrl-F
                    line.cursor = min(line.characters.count, line.cursor + 1)
                case 96..<98:
                    press(0x0B)  // Ctrl-K: cut to the end
                    line.characters.removeSubrange(line.cursor...)
                default:
                    // Ctrl-U with the cursor at the end: the whole line goes.
                    press(0x05); press(0x15)
                    line = Line()
                }
                if Int.random(in: 0..<60, using: &random) == 0 { chunks.append([]) }  // a resize here
            }
        }
        // A line ending in a backslash continues onto the next (its own test covers that).
        while line.characters.last == "\\" { line.characters.removeLast() }
        return (chunks, line.text, keys)
    }

    final class Session {
        let study: TemporaryStudy
        var terminal: PseudoTerminal?
        var journal: URL?
        var offset = 0
        var events: [JournalEvent] = []
        var output = ""
        var interviews = 0

        init(_ study: TemporaryStudy) { self.study = study }

        /// Starts an interview, or resumes the unfinished one.
        func start() throws {
            var arguments = ["interview", "--study", study.root.path]
            if let journal, InterviewSession.replay(events)?.finished == nil, FileManager.default.fileExists(atPath: journal.path) {
                arguments += ["--resume", journal.deletingPathExtension().lastPathComponent]
            } else {
                arguments += ["--type", "local-authority", "--organisation", "Isle of Anglesey County Council"]
                journal = nil
                events = []
                offset = 0
                interviews += 1
            }
            terminal = try PseudoTerminal(arguments, controlling: true)
            try waitForPrompt()
            if journal == nil {
                let id = try #require(output.firstMatch(of: /Interview ([0-9a-f]{8}) started/)).output.1
                journal = study.state.appendingPathComponent("interviews/\(id).journal")
            }
            _ = newEvents()
        }

        static let prompts = ["> ", "Note: ", "(or Enter to answer again): "]

        /// Waits until the screen has been still for a moment, and forgets what it showed: the
        /// line editor's redraws after a resize are over before Enter is pressed.
        func settle() {
            var quiet = 0
            while quiet < 10 {
                Thread.sleep(forTimeInterval: 0.002)
                quiet = terminal!.drain().isEmpty ? quiet + 1 : 0
            }
        }

        /// Waits for the next prompt or the end of the process; `output` is what the screen showed.
        func waitForPrompt(timeout: TimeInterval = 20) throws {
            var raw = Data()
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                raw.append(terminal!.drain())
                let plain = PseudoTerminal.plain(raw)
                // The prompt alone on the last line, after the Enter's line break: a redraw of
                // the line being edited (after a resize) is the prompt with the text after it.
                let last = plain.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
                if plain.contains("\n"), last == "> " || last == "Note: " || (last.hasPrefix("Reason") && last.hasSuffix(Self.prompts[2])) {
                    output = String(decoding: raw, as: UTF8.self)
                    return
                }
                if !terminal!.isRunning {
                    Thread.sleep(forTimeInterval: 0.05)
                    raw.append(terminal!.drain())
                    output = String(decoding: raw, as: UTF8.self)
                    return
                }
                Thread.sleep(forTimeInterval: 0.001)
            }
            throw PseudoTerminal.Timeout(waitingFor: "a prompt", screen: PseudoTerminal.plain(raw))
        }

        func newEvents() -> [JournalEvent] {
            guard let journal, let handle = try? FileHandle(forReadingFrom: journal) else { return [] }
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(offset))
            let data = handle.readDataToEndOfFile()
            guard let end = data.lastIndex(of: 0x0A) else { return [] }
            offset += end - data.startIndex + 1
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            let fresh = data[..<end].split(separator: 0x0A).compactMap { try? decoder.decode(JournalEvent.self, from: Data($0)) }
            events += fresh
            return fresh
        }
    }

    @Test func aHundredThousandRandomKeysCrashNothingAndTheJournalHoldsExactlyWhatTheScreenTook() throws {
        let environment = ProcessInfo.processInfo.environment
        let target = environment["DATAMAP_SOAK_KEYS"].flatMap(Int.init) ?? 100_000
        var random = SplitMix(seed: environment["DATAMAP_SOAK_SEED"].flatMap(UInt64.init) ?? 20_261_130)
        let study = try TemporaryStudy(copySample: false)
        let session = Session(study)
        try session.start()
        var keys = 0
        var lines = 0
        var accepted = 0
        var pendingSoft: String?
        var inReview = false
        let reasonPrompt = "(or Enter to answer again): "
        while keys < target {
            let terminal = try #require(session.terminal)
            let context = PseudoTerminal.plain(Data(session.output.utf8))
            // Where the screen is: the review, or a question, whichever it showed last.
            let review = context.range(of: "── Review ──", options: .backwards)?.lowerBound
            let question = context.firstRange(of: /Question \d+\//).map { _ in context.ranges(of: /Question \d+\//).last!.lowerBound }
            if let review, question.map({ $0 < review }) ?? true { inReview = true } else if question != nil { inReview = false }
            let atReason = context.hasSuffix(reasonPrompt)
            let atNote = context.hasSuffix("Note: ")
            // After a refusal the interviewer more often types something the question takes.
            let refused = session.output.contains("\u{1B}[33m")
            var (chunks, line, count) = Self.makeLine(&random, plausibleOdds: refused ? 7 : 4)
            // Now and then the interviewer presses Ctrl-C, or Ctrl-D on an empty line: a pause.
            let interrupt = Int.random(in: 0..<400, using: &random)
            if interrupt == 0 { chunks = [[0x03]]; line = ""; count = 1 }
            if interrupt == 1 { chunks = [[0x15, 0x04]]; line = ""; count = 2 }
            for (index, chunk) in chunks.enumerated() {
                if index > 0 { terminal.resize(rows: UInt16.random(in: 10...60, using: &random), columns: UInt16.random(in: 30...220, using: &random)) }
                terminal.press(chunk)
            }
            if chunks.count > 1 { session.settle() }
            if interrupt > 1 { terminal.press([0x0D]) }
            keys += count + 1
            lines += 1
            try session.waitForPrompt()
            let fresh = session.newEvents()
            let answered = fresh.filter { if case .answered = $0 { return true } else { return false } }
            let shown = PseudoTerminal.plain(Data(session.output.utf8))
            let warned = session.output.contains("\u{1B}[33m")
            let ended = !terminal.isRunning
            if ended {
                let status = terminal.waitForExit()
                #expect(status == 0 || status == 130, "the interview ended with status \(String(describing: status)) after line \(lines): \(shown.suffix(800))")
                if status != 0 && status != 130 { return }
            }
            if shown.contains("No consent") {
                pendingSoft = nil
            } else if interrupt <= 1 || atNote || inReview {
                #expect(answered.isEmpty, "line \(lines): nothing typed here is an answer, yet the journal took one")
            } else if atReason, let soft = pendingSoft {
                let reason = line.trimmingCharacters(in: .whitespaces)
                #expect(answered.count == (reason.isEmpty ? 0 : 1), "line \(lines): a soft check's reason '\(reason)'")
                if let event = answered.first { try check(event, typed: soft, session: session, line: lines) }
                pendingSoft = nil
            } else if shown.hasSuffix(reasonPrompt) {
                pendingSoft = line
                #expect(answered.isEmpty, "line \(lines): kept before its soft check had a reason")
            } else if warned {
                #expect(answered.isEmpty, "line \(lines): '\(line)' was refused on screen, yet the journal took it")
            } else {
                let parsed = InterviewInput.parse(line)
                let isAnswer: Bool = switch parsed {
                case .answer(let text): !text.trimmingCharacters(in: .whitespaces).isEmpty
                case .nonResponse, .skip: true
                default: false
                }
                switch isAnswer {
                case true:
                    #expect(answered.count == 1, "line \(lines): '\(line)' was taken on screen but the journal holds \(answered.count) answers for it: \(shown.suffix(600))")
                    if let event = answered.first { try check(event, typed: line, session: session, line: lines) }
                    accepted += answered.count
                case false:
                    #expect(answered.count <= 1, "line \(lines): '\(line)'")
                    if let event = answered.first { try check(event, typed: line, session: session, line: lines) }
                }
            }
            if ended { inReview = false; pendingSoft = nil }
            if ended { try session.start() }
        }
        session.terminal?.press([0x15, 0x04])
        _ = session.terminal?.waitForExit()
        #expect(accepted > lines / 10, "the session must get far enough to exercise answers: \(accepted) of \(lines); the screen ends \(PseudoTerminal.plain(Data(session.output.utf8)).suffix(1500))")
        print("keystroke soak: \(keys) keys, \(lines) lines, \(accepted) answers checked, \(session.interviews) interviews")
    }

    /// The journal's answer is what the parser makes of the line the keys made, for the step it names.
    func check(_ event: JournalEvent, typed: String, session: Session, line: Int) throws {
        guard case .answered(let key, let value, _, _) = event else { return }
        let before = Array(session.events.prefix { $0 != event })
        let replayed = try #require(InterviewSession.replay(before))
        let step = try #require(replayed.steps().first { $0.key == key }, "line \(line): the journal names step \(key), which is not asked")
        let expected: AnswerValue
        switch InterviewInput.parse(typed) {
        case .nonResponse(let code): expected = .nonResponse(code)
        case .skip: expected = .skipped
        case .answer(let text):
            guard case .success(let parsed) = AnswerParser.parse(text, for: step.question, language: replayed.language) else {
                Issue.record("line \(line): '\(typed)' is not a valid answer to \(key), yet the journal took it")
                return
            }
            expected = parsed
        default:
            Issue.record("line \(line): '\(typed)' is a command, yet the journal took an answer")
            return
        }
        #expect(value == expected, "line \(line): typed '\(typed)' at \(key); the journal holds \(value)")
    }
}
