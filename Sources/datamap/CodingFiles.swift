import DataMapCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The study's `coding/` folder: one YAML file of decisions per return, kept with the study
/// (and under its version control), never in outbox/.
enum CodingFiles {
    static func directory(_ paths: StudyPaths) -> URL { paths.root.appendingPathComponent("coding") }

    /// Every coding file, by the return it codes. A file that cannot be read stops the build at
    /// its line: decisions are never dropped without a word.
    static func load(_ paths: StudyPaths) throws(PlatformError) -> [String: CodingFile] {
        let root = directory(paths)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [:] }
        var files: [String: CodingFile] = [:]
        for case let relative as String in walker where relative.hasSuffix(".yaml") {
            let url = root.appendingPathComponent(relative)
            let text = try Platform.readReferenceFile(url)
            do {
                let file = try CodingFile.load(yaml: text, file: "coding/" + relative)
                files[file.source] = file
            } catch {
                throw PlatformError("\(error.description); fix the file, or code the return again with 'datamap review'")
            }
        }
        return files
    }

    static func read(_ source: String, _ paths: StudyPaths) throws(PlatformError) -> CodingFile {
        let url = paths.root.appendingPathComponent(CodingFile.path(for: source))
        guard FileManager.default.fileExists(atPath: url.path) else { return CodingFile(source: source) }
        let text = try Platform.readReferenceFile(url)
        do { return try CodingFile.load(yaml: text, file: CodingFile.path(for: source)) } catch {
            throw PlatformError(error.description)
        }
    }

    /// Written whole to a temporary file and renamed over the old one, so a crash leaves the
    /// previous decisions or the new ones, never half a file.
    static func write(_ file: CodingFile, _ paths: StudyPaths) throws(PlatformError) {
        let url = paths.root.appendingPathComponent(CodingFile.path(for: file.source))
        do { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
            throw PlatformError("cannot create \(url.deletingLastPathComponent().path): \(error.localizedDescription)")
        }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
        try Platform.writeDurably(Data(file.yaml().utf8), to: temporary, mode: 0o644)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw PlatformError("cannot write \(url.path): \(reason)")
        }
        Platform.syncDirectory(url.deletingLastPathComponent())
    }
}
