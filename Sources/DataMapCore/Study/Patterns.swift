import Foundation

extension NSRegularExpression {
    /// A pattern written as a literal in the source: a typo is a programming error, which the
    /// tests that run every pattern catch, so it is not a runtime failure to handle.
    static func literal(_ pattern: String, _ options: NSRegularExpression.Options = []) -> NSRegularExpression {
        try! NSRegularExpression(pattern: pattern, options: options)
    }

    /// Whether the pattern matches anywhere in `text`.
    func finds(in text: String) -> Bool {
        firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }
}
