import Crypto
import Foundation

/// Links that invite an organisation to answer on the web: one per case of the sample. The
/// token is an unguessable 256-bit secret given to the organisation once; the study keeps only
/// its SHA-256, so a copy of the study's files cannot be turned back into working links.
public struct Invitation: Codable, Sendable, Hashable {
    public var caseID: String
    /// Lower-case hex SHA-256 of the token.
    public var tokenHash: String
    public var created: Date
    public var expires: Date
    public var revoked: Date?

    public enum State: String, Sendable {
        case active, expired, revoked
    }

    public func state(at now: Date) -> State {
        if revoked != nil { return .revoked }
        return now < expires ? .active : .expired
    }
}

public struct Invitations: Codable, Sendable, Hashable {
    public var invitations: [Invitation] = []

    public init(invitations: [Invitation] = []) {
        self.invitations = invitations
    }

    public static let tokenBytes = 32

    /// A token from the caller's random source (the system's, in production), as URL-safe base64.
    public static func makeToken(using random: inout some RandomNumberGenerator) -> String {
        let bytes = (0..<tokenBytes).map { _ in UInt8.random(in: 0...255, using: &random) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> String {
        hexString(SHA256.hash(data: Data(token.utf8)))
    }

    /// Issues a link for a case. One link per case is live at a time: issuing again revokes the
    /// earlier one, so a link sent to the wrong address can be replaced.
    public mutating func issue(caseID: String, token: String, now: Date, validFor: TimeInterval) {
        for index in invitations.indices where invitations[index].caseID == caseID && invitations[index].state(at: now) == .active {
            invitations[index].revoked = now
        }
        invitations.append(Invitation(caseID: caseID, tokenHash: Self.hash(token), created: now, expires: now.addingTimeInterval(validFor)))
    }

    /// Revokes every live link of a case; the number revoked.
    @discardableResult
    public mutating func revoke(caseID: String, now: Date) -> Int {
        var count = 0
        for index in invitations.indices where invitations[index].caseID == caseID && invitations[index].state(at: now) == .active {
            invitations[index].revoked = now
            count += 1
        }
        return count
    }

    /// Whether two secrets' texts are equal, in time that does not depend on where they differ.
    static func sameInConstantTime(_ a: String, _ b: String) -> Bool {
        let first = Array(a.utf8), second = Array(b.utf8)
        guard first.count == second.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(first, second) { difference |= x ^ y }
        return difference == 0
    }

    public enum Refusal: Error, Equatable, Sendable {
        case unknown, expired, revoked
    }

    /// The case a token opens, or why it opens none. Hashes are compared whole, in constant time.
    public func verify(_ token: String, now: Date) -> Result<String, Refusal> {
        let presented = Self.hash(token)
        var found: Invitation?
        for invitation in invitations where Self.sameInConstantTime(invitation.tokenHash, presented) { found = invitation }
        guard let found else { return .failure(.unknown) }
        switch found.state(at: now) {
        case .active: return .success(found.caseID)
        case .expired: return .failure(.expired)
        case .revoked: return .failure(.revoked)
        }
    }
}

extension StudyKey {
    /// The anti-forgery value a web form carries: an HMAC of the invitation's token hash under
    /// the study key, so it survives a server restart, differs per invitation, and cannot be
    /// made by a page that has not been given the form.
    public func formCheck(for tokenHash: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(("datamap-web-form-v1|" + tokenHash).utf8), using: key)
        return Data(code).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether a presented form check is the right one, compared in constant time.
    public func acceptsFormCheck(_ presented: String, for tokenHash: String) -> Bool {
        Invitations.sameInConstantTime(formCheck(for: tokenHash), presented)
    }
}
