import DataMapCore
import Foundation
import HTTPTypes
import Hummingbird

/// One request's work on one case, run on a thread-pool thread while the case is locked: read
/// the draft, apply a post, journal it, and render the answer.
struct Work {
    let server: FormServer
    let token: String
    let caseID: String
    let language: Language
    let formCheck: String
    let agent: String

    private var store: any FormStore { server.store }

    func href(_ slug: String, fragment: String? = nil, language: Language? = nil) -> String {
        "/return/\(token)/\(slug)?lang=\((language ?? self.language).rawValue)" + (fragment.map { "#" + $0 } ?? "")
    }

    func run(page slug: String?, post: FormFields?) throws -> Response {
        let lock = try store.lockCase(caseID)
        defer { withExtendedLifetime(lock) {} }
        guard let item = try store.sampleCase(caseID), let instrument = store.instrument(for: item.type) else {
            throw FormStoreError.failed("case \(caseID) is not in the sample, or its organisation type has no instrument")
        }
        let existing = try store.draft(caseID: caseID)
        let now = server.now()
        let session = existing ?? InterviewSession(header: InterviewHeader(
            id: server.makeID(), instrument: instrument, organisation: store.organisation(for: item), language: language,
            startedAt: now, caseID: caseID, mode: .web))
        guard let slug else {
            // The link itself: carry on where the respondent left off.
            if session.finished != nil { return server.redirect(href("done")) }
            if existing == nil { return server.redirect(href("about")) }
            return server.redirect(href(WebForm.firstGap(session).map { $0.0.slug } ?? "check"))
        }
        if slug == "done" { return try done(session, post: post, now: now) }
        guard let page = WebForm.Page(slug: slug), WebForm.pages(session).contains(page) else {
            return server.redirect(href("about"))
        }
        if session.finished != nil { return server.redirect(href("done")) }
        guard let post else { return render(page, session) }
        let seconds = max(0, min(3600, now.timeIntervalSince1970 - (Double(post.first("opened") ?? "") ?? now.timeIntervalSince1970)))
        let paradata = JournalEvent.pageSaved(page: page.slug, seconds: seconds, language: language, agent: agent, at: now)
        if page == .check { return try submit(session, isNew: existing == nil, paradata: paradata, now: now) }

        let shown = Set(post.all("shown"))
        let outcome = WebForm.save(post, page: page, shown: shown, to: session, at: now)
        var events = existing == nil ? [JournalEvent.started(session.header)] : []
        events += outcome.events
        events.append(paradata)
        try store.append(events, draftID: session.header.id)
        var saved = session
        for event in events.dropFirst(existing == nil ? 1 : 0) { saved.apply(event) }
        if saved.consentRefused {
            try store.refuse(draftID: saved.header.id, caseID: caseID, at: now)
            let title = language == .cy ? "Diolch" : "Thank you"
            let text = language == .cy ? "Rydych wedi dweud na fyddwch yn cymryd rhan, felly nid ydym wedi cadw dim a roesoch. Os newidiwch eich meddwl, gallwch ddefnyddio'r un ddolen eto."
                                       : "You said you do not want to take part, so nothing you entered has been kept. If you change your mind, you can use the same link again."
            return server.plain(.ok, server.views.render("message", ["title": title, "paragraphs": [text]], title: title,
                                                         language: language, switchHref: nil))
        }
        if !outcome.problems.isEmpty || outcome.appeared {
            return render(page, saved, outcome: outcome, status: outcome.problems.isEmpty ? .ok : .unprocessableContent)
        }
        if post.first("action") == "save" {
            let title = Words.text("savedTitle", language)
            let expiry = (try? store.invitations().invitations.first { $0.tokenHash == Invitations.hash(token) && $0.revoked == nil }?.expires)
                .flatMap { $0 }.map { PartialDate(date: $0).description } ?? "?"
            return server.plain(.ok, server.views.render("message", ["title": title, "paragraphs": [Words.text("saved", language, expiry)]],
                                                         title: title, language: language, switchHref: nil))
        }
        return server.redirect(href(WebForm.next(after: page, saved).slug))
    }

    // MARK: Pages

    func render(_ page: WebForm.Page, _ session: InterviewSession, outcome: WebForm.Outcome? = nil,
                status: HTTPResponse.Status = .ok, checkProblem: (String, String)? = nil) -> Response {
        let pages = WebForm.pages(session)
        let number = (pages.firstIndex(of: page) ?? 0) + 1
        let switchHref = href(page.slug, language: language == .cy ? .en : .cy)
        let opened = String(Int(server.now().timeIntervalSince1970))
        if page == .check { return check(session, pages: pages, opened: opened, switchHref: switchHref, problem: checkProblem) }
        let title: String
        var values: [String: Any] = [:]
        switch page {
        case .about:
            title = Words.text("aboutTitle", language)
            values["intro"] = Words.text("aboutIntro", language, session.header.organisation.name)
        case .section(let index): title = session.instrument.sections[index].title.text(language)
        case .check: title = ""
        }
        var errors: [[String: Any]] = []
        var fields: [[String: Any]] = []
        for step in WebForm.steps(on: page, session) {
            let problem = outcome?.problems.first { $0.key == step.key }?.problem
            let field = FormViews.field(step, session: session, typed: problem != nil ? outcome?.typed[step.key] : nil, problem: problem,
                                        language: language, groupStart: FormViews.groupHeading(step, language: language))
            if let problem {
                errors.append(["target": FormViews.fieldID(step.key), "text": WebForm.message(problem, for: step.question, language)])
            }
            fields.append(field)
        }
        values["title"] = title
        values["caption"] = Words.text("caption", language, String(number), String(pages.count - 1))
        values["fields"] = fields
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["appeared"] = outcome?.appeared == true && errors.isEmpty
        values["action"] = href(page.slug)
        values["formCheck"] = formCheck
        values["opened"] = opened
        if number > 1 { values["backHref"] = href(pages[number - 2].slug) }
        return server.plain(status, server.views.render("page", values, title: title, language: language, switchHref: switchHref,
                                                        hasErrors: !errors.isEmpty))
    }

    private func check(_ session: InterviewSession, pages: [WebForm.Page], opened: String, switchHref: String,
                       problem: (String, String)?) -> Response {
        let title = Words.text("checkTitle", language)
        var groups: [[String: Any]] = []
        for page in pages where page != .check {
            let heading: String = switch page {
            case .about: Words.text("aboutTitle", language)
            case .section(let index): session.instrument.sections[index].title.text(language)
            case .check: ""
            }
            let rows = WebForm.steps(on: page, session).map { step -> [String: Any] in
                var question = step.question.text.text(language)
                if case .field(let group, let repetition, _) = step.role { question = "\(group.kind.label(language)) \(repetition): " + question }
                return ["question": question,
                        "lines": FormViews.shown(session.answers[step.key]?.value, for: step.question, language: language),
                        "href": href(page.slug, fragment: FormViews.fieldID(step.key))]
            }
            groups.append(["heading": heading, "rows": rows])
        }
        var values: [String: Any] = ["title": title, "pages": groups, "action": href("check"), "formCheck": formCheck, "opened": opened]
        if let problem {
            values["hasErrors"] = true
            values["errors"] = [["target": problem.0, "text": problem.1]]
        }
        return server.plain(problem == nil ? .ok : .unprocessableContent,
                            server.views.render("check", values, title: title, language: language, switchHref: switchHref,
                                                hasErrors: problem != nil))
    }

    // MARK: Submitting

    /// The answers become an XML return, checked against the schema, written into `inbox/`
    /// whole, and only then is the draft marked finished. A server killed in between leaves the
    /// draft unfinished and the same file name, so sending again replaces rather than doubles.
    private func submit(_ session: InterviewSession, isNew: Bool, paradata: JournalEvent, now: Date) throws -> Response {
        guard !isNew else { return server.redirect(href("about")) }
        if let (page, step) = WebForm.firstGap(session) {
            try store.append([paradata], draftID: session.header.id)
            let text = Words.text("gap", language, step.question.text.text(language))
            return render(.check, session, status: .unprocessableContent, checkProblem: (href(page.slug, fragment: FormViews.fieldID(step.key)), text))
        }
        var finishing = session
        finishing.apply(paradata)
        let safeCase = caseID.map { $0.isLetter || $0.isNumber || $0 == "-" ? String($0) : "-" }.joined()
        let name = "web-\(safeCase.prefix(40))-\(session.header.id).xml"
        let record = finishing.makeReturn(finishedAt: now, source: "inbox/" + name)
        let xml = ReturnWriter.xml(record)
        if case .failure(let rejection) = ReturnReader(schema: server.schema).read(xml, source: "inbox/" + name) {
            throw FormStoreError.failed("a web return did not meet the schema (\(rejection.diagnostics.map { "\($0.code)" }.joined(separator: ", "))); the draft is kept")
        }
        let file = try store.publish(xml, name: name)
        try store.append([paradata, .finished(at: now, file: file)], draftID: session.header.id)
        return server.redirect(href("done"))
    }

    private func done(_ session: InterviewSession, post: FormFields?, now: Date) throws -> Response {
        guard session.finished != nil else { return server.redirect(href("about")) }
        if post?.first("action") == "reopen" {
            guard server.settings.allowReopen else { return server.refusal(.forbidden, "reopening, which the study does not allow", "done", "POST", language) }
            try store.append([.reopened(at: now)], draftID: session.header.id)
            return server.redirect(href("check"))
        }
        let title = Words.text("doneTitle", language)
        var values: [String: Any] = ["reference": WebForm.reference(for: session.header.id)]
        if server.settings.allowReopen {
            values["reopenAction"] = href("done")
            values["formCheck"] = formCheck
            values["opened"] = String(Int(now.timeIntervalSince1970))
        }
        return server.plain(.ok, server.views.render("done", values, title: title, language: language,
                                                     switchHref: href("done", language: language == .cy ? .en : .cy)))
    }
}
