import DataMapCore
import Foundation
import HTTPTypes
import Hummingbird
import LibXML
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The request context: Hummingbird's, plus the peer's address for rate limiting. The body
/// limit is applied where the body is collected, from the study's settings.
public struct FormContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// `datamap serve`: the web return form over HTTP. Pages are rendered on the server and work
/// with plain form posts; every saved page is journalled before the response is sent.
public struct FormServer: Sendable {
    let store: any FormStore
    let settings: WebSettings
    let key: StudyKey
    let schema: XMLSchema
    let views: FormViews
    let defaultLanguage: Language
    let now: @Sendable () -> Date
    let makeID: @Sendable () -> String
    /// Where refusals and failures are reported: what happened and on which kind of page,
    /// never a token, an address or anything typed.
    let log: @Sendable (String) -> Void
    let limiter: RateLimiter
    /// Threads for the file work: each page saved waits for its fsync, and a pool the size of
    /// the core count would let two slow syncs hold up every other respondent.
    let threads: NIOThreadPool

    public init(store: any FormStore, settings: WebSettings, key: StudyKey, defaultLanguage: Language,
                now: @escaping @Sendable () -> Date, makeID: @escaping @Sendable () -> String,
                log: @escaping @Sendable (String) -> Void) throws {
        self.store = store
        self.settings = settings
        self.key = key
        self.defaultLanguage = defaultLanguage
        self.now = now
        self.makeID = makeID
        self.log = log
        schema = try ReturnSchema.compiled()
        views = try FormViews()
        limiter = RateLimiter()
        threads = NIOThreadPool(numberOfThreads: 16)
        threads.start()
    }

    /// Builds the application. `onRunning` is told the port actually bound (for `--port 0`).
    public func application(host: String, port: Int, onRunning: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router(context: FormContext.self)
        router.add(middleware: SecurityHeaders())
        router.get("/") { _, _ in self.plain(.ok, self.views.render("message", [
            "title": Words.text("service", self.defaultLanguage),
            "paragraphs": [self.defaultLanguage == .cy ? "Defnyddiwch y ddolen yn eich gwahoddiad i agor ffurflen eich sefydliad."
                                                       : "Use the link in your invitation to open your organisation's return."],
        ], title: Words.text("service", self.defaultLanguage), language: self.defaultLanguage, switchHref: nil)) }
        router.get("/assets/:name") { _, context in try self.asset(context.parameters.get("name") ?? "") }
        router.get("/return/:token") { request, context in await self.respond(request, context, page: nil) }
        router.get("/return/:token/:page") { request, context in await self.respond(request, context, page: context.parameters.get("page")) }
        router.post("/return/:token/:page") { request, context in await self.respond(request, context, page: context.parameters.get("page")) }
        var logger = Logger(label: "datamap.serve")
        logger.logLevel = .critical
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    // MARK: Requests

    private func asset(_ name: String) throws -> Response {
        let types = ["form.css": "text/css; charset=utf-8", "form.js": "text/javascript; charset=utf-8"]
        guard let type = types[name], let data = FormViews.asset(name) else { throw HTTPError(.notFound) }
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Every form request: the token is checked and limited before any file is touched, then the
    /// page's work runs off the event loop with the case locked.
    private func respond(_ request: Request, _ context: FormContext, page slug: String?) async -> Response {
        let route = slug.map { WebForm.Page(slug: $0)?.slug ?? "unknown-page" } ?? "link"
        let method = request.method == .post ? "POST" : "GET"
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let language = Language(rawValue: request.uri.queryParameters.get("lang") ?? "") ?? defaultLanguage
        guard let token = context.parameters.get("token"), token.count <= 100 else { return refusal(.notFound, "unknown link", route, method, language) }
        if limiter.isLimited("bad:" + address, perMinute: settings.badTokensPerAddressPerMinute, consume: false) {
            return refusal(.tooManyRequests, "too many unknown links from one address", route, method, language)
        }
        let caseID: String
        do {
            switch try store.invitations().verify(token, now: now()) {
            case .success(let id): caseID = id
            case .failure(let reason):
                _ = limiter.isLimited("bad:" + address, perMinute: settings.badTokensPerAddressPerMinute)
                return refusal(reason == .unknown ? .notFound : .gone, "\(reason) link", route, method, language, reason: reason)
            }
        } catch {
            log("web: cannot read the invitations: \(error)")
            return failure(language)
        }
        let tokenHash = Invitations.hash(token)
        if limiter.isLimited("address:" + address, perMinute: settings.perAddressPerMinute)
            || limiter.isLimited("token:" + tokenHash, perMinute: settings.perTokenPerMinute) {
            return refusal(.tooManyRequests, "rate limit", route, method, language)
        }
        var fields = FormFields()
        if request.method == .post {
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
                return refusal(.unsupportedMediaType, "a post that is not a form", route, method, language)
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: settings.maxBodyBytes)
            } catch {
                return refusal(.contentTooLarge, "a body over \(settings.maxBodyBytes) bytes", route, method, language)
            }
            switch FormFields.parse(Array(buffer: body), maxFields: settings.maxFields, maxFieldBytes: settings.maxFieldBytes) {
            case .success(let parsed): fields = parsed
            case .failure(let problem):
                return refusal(.contentTooLarge, "a form over its limits (\(problem))", route, method, language)
            }
            guard let check = fields.first("check"), key.acceptsFormCheck(check, for: tokenHash) else {
                return refusal(.forbidden, "a post without this form's check value (cross-site request forgery?)", route, method, language)
            }
        }
        let formCheck = key.formCheck(for: tokenHash)
        let agent = WebForm.agentFamily(request.headers[.userAgent])
        let posted = fields
        let work = Work(server: self, token: token, caseID: caseID, language: language, formCheck: formCheck, agent: agent)
        do {
            return try await threads.runIfActive {
                try work.run(page: slug, post: request.method == .post ? posted : nil)
            }
        } catch FormStoreError.busy {
            return plain(.conflict, views.render("message", [
                "title": language == .cy ? "Mae'r ffurflen hon ar agor mewn man arall" : "This return is open elsewhere",
                "paragraphs": [language == .cy ? "Mae aelod o'r tîm ymchwil yn ei llenwi gyda chi dros y ffôn ar hyn o bryd. Rhowch gynnig arall arni mewn ychydig funudau."
                                               : "A member of the research team is filling it in with your organisation by telephone just now. Try again in a few minutes."],
            ], title: "", language: language, switchHref: nil))
        } catch {
            log("web: \(method) \(route) failed: \(error)")
            return failure(language)
        }
    }

    func refusal(_ status: HTTPResponse.Status, _ what: String, _ route: String, _ method: String, _ language: Language,
                 reason: Invitations.Refusal? = nil) -> Response {
        log("web: refused \(method) \(route) (\(status.code)): \(what)")
        let cy = language == .cy
        let (title, text): (String, String) = switch (status, reason) {
        case (_, .expired?): (cy ? "Mae'r ddolen hon wedi dod i ben" : "This link has expired",
                              cy ? "Gofynnwch i'r tîm ymchwil am ddolen newydd. Mae'r atebion a gadwyd gennych yn ddiogel." : "Ask the research team for a new link. Any answers you saved are safe.")
        case (_, .revoked?): (cy ? "Nid yw'r ddolen hon yn gweithio mwyach" : "This link no longer works",
                              cy ? "Mae'r tîm ymchwil wedi rhoi dolen newydd yn ei lle. Defnyddiwch yr un ddiweddaraf a gawsoch." : "The research team has replaced it. Use the most recent link you were sent.")
        case (.notFound, _): (cy ? "Ni ellir dod o hyd i'r dudalen" : "Page not found",
                              cy ? "Gwiriwch eich bod wedi copïo'r ddolen gyfan o'ch gwahoddiad." : "Check that you copied the whole link from your invitation.")
        case (.tooManyRequests, _): (cy ? "Gormod o geisiadau" : "Too many requests",
                                     cy ? "Arhoswch funud, yna rhowch gynnig arall arni. Mae eich atebion wedi'u cadw." : "Wait a minute, then try again. Your answers are saved.")
        case (.forbidden, _): (cy ? "Roedd y dudalen wedi dyddio" : "The page had expired",
                               cy ? "Ewch yn ôl, ail-lwythwch y dudalen a rhowch gynnig arall arni." : "Go back, reload the page and try again.")
        case (.contentTooLarge, _): (cy ? "Mae'r atebion yn rhy hir" : "The answers are too long",
                                     cy ? "Mae pob ateb yn gyfyngedig i \(settings.maxFieldBytes) nod. Byrhewch yr ateb hiraf a rhowch gynnig arall arni." : "Each answer is limited to \(settings.maxFieldBytes) characters. Shorten the longest one and try again.")
        default: (cy ? "Ni ellid derbyn y cais" : "The request could not be accepted", cy ? "Ewch yn ôl a rhowch gynnig arall arni." : "Go back and try again.")
        }
        return plain(status, views.render("message", ["title": title, "paragraphs": [text]], title: title, language: language, switchHref: nil))
    }

    func failure(_ language: Language) -> Response {
        let title = language == .cy ? "Mae problem gyda'r gwasanaeth" : "Sorry, there is a problem with the service"
        let text = language == .cy ? "Mae'r atebion a gadwyd gennych yn ddiogel. Rhowch gynnig arall arni yn nes ymlaen." : "Any answers you saved are safe. Try again later."
        return plain(.internalServerError, views.render("message", ["title": title, "paragraphs": [text]], title: title, language: language, switchHref: nil))
    }

    func plain(_ status: HTTPResponse.Status, _ html: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}

/// Security headers on every response: no script but the form's own file, no framing, no
/// referrer (links carry the invitation's token), and no caching of pages that hold answers.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = FormContext

    func handle(_ request: Request, context: FormContext, next: (Request, FormContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = Response(status: error.status)
        }
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=()"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Token buckets by key (an address, an invitation), refilled continuously.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: TimeInterval
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    /// Whether `key` is over `perMinute`; a request that is not over uses up one unit unless
    /// `consume` is false. A full minute's allowance may be used at once.
    func isLimited(_ key: String, perMinute: Int, consume: Bool = true) -> Bool {
        let now = ProcessInfo.processInfo.systemUptime
        let capacity = Double(max(1, perMinute))
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * capacity / 60)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                // Forget full buckets now and then, so memory stays bounded under many addresses.
                if buckets.count > 50_000 { buckets = buckets.filter { $0.value.tokens < capacity - 1 } }
            }
            guard bucket.tokens >= 1 else { return true }
            if consume { bucket.tokens -= 1 }
            return false
        }
    }
}
