import ArgumentParser
import DataMapCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Invite: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create web-return links for cases of the sample, list them, or revoke them.",
        discussion: """
            Each link carries a secret token shown once, here; the study keeps only its hash \
            (.datamap/invitations.json, owner-only), with its expiry. Issuing a case again replaces \
            its link. 'datamap serve' answers the links with the web return form.
            """)

    @OptionGroup var options: StudyOptions

    @Argument(help: "Case ids from sample.csv (default with --all: every case not yet complete).")
    var cases: [String] = []

    @Flag(help: "Invite every case that is not complete, refused, not eligible or discarded.")
    var all = false

    @Option(help: "Days until the links expire.")
    var days: Int = 28

    @Option(help: "The web address the form will be served at, to which each token is added.")
    var baseURL: String = "http://127.0.0.1:8080/return/"

    @Option(help: "Write the links to this CSV file for a mail merge (organisation, contact role, link, expiry) instead of printing them.")
    var csv: String?

    @Flag(help: "Revoke the live links of the cases named.")
    var revoke = false

    @Flag(help: "List every link's case, state and expiry (never the token).")
    var list = false

    func validate() throws {
        if !(1...365).contains(days) { throw ValidationError("--days must be from 1 to 365") }
        if !list, cases.isEmpty, !all { throw ValidationError("name the cases to invite (or revoke), or use --all; --list shows the links") }
        if revoke, all { throw ValidationError("--revoke needs the cases named, not --all") }
        guard let url = URL(string: baseURL), url.scheme == "https" || url.host == "127.0.0.1" || url.host == "localhost" else {
            throw ValidationError("--base-url must be https (a link sent by email travels the open internet), or a loopback address for testing")
        }
    }

    func run() throws {
        let paths = StudyPaths(root: options.study, state: options.state)
        let now = Date()
        do {
            let states = try CaseFiles.states(paths)
            var invitations = try InvitationFile.read(paths)
            if list {
                for invitation in invitations.invitations.sorted(by: { ($0.caseID, $0.created) < ($1.caseID, $1.created) }) {
                    let organisation = states.first { $0.sample.id == invitation.caseID }?.sample.organisation ?? "?"
                    Console.out("\(invitation.caseID)  \(invitation.state(at: now).rawValue)  expires \(CaseFiles.show(invitation.expires))  \(organisation)")
                }
                return
            }
            var chosen: [CaseState] = []
            for id in cases {
                guard let state = states.first(where: { $0.sample.id == id }) else {
                    throw PlatformError("no case '\(id)' in \(Sample.file); 'datamap cases' lists them")
                }
                chosen.append(state)
            }
            if all { chosen = states.filter { [.notStarted, .appointment, .inProgress, .unreachable].contains($0.status) } }
            if revoke {
                for state in chosen {
                    let count = invitations.revoke(caseID: state.sample.id, now: now)
                    Console.out("\(state.sample.id): \(count) link\(count == 1 ? "" : "s") revoked")
                }
                try InvitationFile.write(invitations, paths)
                return
            }
            var random = SystemRandomNumberGenerator()
            var rows: [[String]] = []
            for state in chosen {
                let token = Invitations.makeToken(using: &random)
                invitations.issue(caseID: state.sample.id, token: token, now: now, validFor: TimeInterval(days) * 86_400)
                rows.append([state.sample.id, state.sample.organisation, state.sample.contactRole, baseURL + token,
                             CaseFiles.show(now.addingTimeInterval(TimeInterval(days) * 86_400))])
            }
            // The hashes are saved before any token is shown: a link given out is always one the study knows.
            try InvitationFile.write(invitations, paths)
            if let csv {
                let data = CSV.render(header: ["case", "organisation", "contact_role", "link", "expires"], rows: rows)
                try Platform.writeDurably(data, to: URL(fileURLWithPath: csv), mode: Platform.ownerOnlyFile)
                Console.out("wrote \(rows.count) links to \(csv) (owner-only: each link lets its holder answer for that organisation)")
            } else {
                for row in rows { Console.out("\(row[0])  \(row[1])  \(row[3])  expires \(row[4])") }
            }
        } catch let error as PlatformError {
            Console.error(error.description)
            throw Exit.failure
        }
    }
}

/// `.datamap/invitations.json`: token hashes, expiries and revocations, owner-only.
enum InvitationFile {
    static func url(_ paths: StudyPaths) -> URL { paths.state.appendingPathComponent("invitations.json") }

    static func read(_ paths: StudyPaths) throws(PlatformError) -> Invitations {
        guard let data = FileManager.default.contents(atPath: url(paths).path) else { return Invitations() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        guard let invitations = try? decoder.decode(Invitations.self, from: data) else {
            throw PlatformError("\(url(paths).path) is damaged; restore it from a backup (the links it knew stop working without it)")
        }
        return invitations
    }

    /// Written whole and renamed over the old file, so a crash leaves the old links or the new.
    static func write(_ invitations: Invitations, _ paths: StudyPaths) throws(PlatformError) {
        try Platform.prepareStateDirectory(paths.state, linked: ReferenceFiles.allowsLinks(paths))
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(invitations) else { throw PlatformError("cannot encode the invitations") }
        let target = url(paths)
        let temporary = paths.state.appendingPathComponent(".invitations.json.partial-\(getpid())")
        try Platform.writeDurably(data, to: temporary, mode: Platform.ownerOnlyFile)
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw PlatformError("cannot write \(target.path): \(reason)")
        }
        Platform.syncDirectory(paths.state)
    }
}
