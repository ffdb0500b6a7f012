import Foundation
import FuzzHarness

// Built with `-sanitize=fuzzer -DFUZZING` (see scripts/fuzz), `main` hands the command line to
// libFuzzer's driver, which calls the entry point below; the harness is named by
// DATAMAP_FUZZ_HARNESS. Built normally, the same executable replays files given as arguments,
// which is how a crash is reproduced.

/// Chosen once, on first use.
private let chosen: Harness = {
    let name = ProcessInfo.processInfo.environment["DATAMAP_FUZZ_HARNESS"] ?? ""
    guard let chosen = Harness(rawValue: name) else {
        let names = Harness.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("datamap-fuzz: set DATAMAP_FUZZ_HARNESS to one of: \(names)\n".utf8))
        exit(64)
    }
    return chosen
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    chosen.run(data)
    return 0
}

#if FUZZING
/// libFuzzer's driver; `main` below hands it the command line when built for fuzzing.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main
enum Fuzz {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("datamap-fuzz: cannot read \(path)\n".utf8))
                exit(66)
            }
            chosen.run(data)
            print("\(path): ran without a crash")
        }
        #endif
    }
}
