import Foundation

/// A small, fast, seedable random source (SplitMix64), so a synthetic study is the same bytes
/// on every machine for the same seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Writes a synthetic study for benchmarks and load tests: XML returns and plain-text or Markdown
/// letters of realistic size, with prose in English and Welsh and planted identifiers (names,
/// emails, phones, NHS numbers with a valid check digit, addresses). Return `n` depends only on
/// the seed and `n`, so a study can be grown one return at a time.
public struct StudyGenerator: Sendable {
    public var seed: UInt64
    let organisations: [Gazetteer.Entry]
    let partners: [String]
    let models: [String]
    let givenNames: [String]
    let surnames: [String]

    public init(seed: UInt64, reference: StudyReference, names: NameList) {
        self.seed = seed
        let studied = reference.gazetteer.entries.filter { $0.organisationType != nil }
        organisations = studied.isEmpty ? [Gazetteer.Entry(name: "Gwynedd Council", type: "local-authority")] : studied
        let known = reference.gazetteer.entries.map(\.name).sorted()
        partners = known.isEmpty ? organisations.map(\.name) : known
        let taxonomy = reference.taxonomy.entries.map(\.name).sorted()
        models = taxonomy.isEmpty ? ["Signs of Safety", "Family Group Conferences"] : taxonomy
        givenNames = names.givenNames.isEmpty ? ["Siân", "Rhys", "Llinos", "Amira", "Tomasz"] : names.givenNames.sorted()
        surnames = names.surnames.isEmpty ? ["ap Gwilym", "Jones", "Haddad", "Nowak", "Pritchard"] : names.surnames.sorted()
    }

    /// Return number `index`: its file name in `inbox/` and its bytes.
    public func file(_ index: Int) -> (name: String, contents: Data) {
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(index))
        let organisation = organisations.randomElement(using: &random)!
        let slug = canonicalKey(organisation.name).replacingOccurrences(of: " ", with: "-")
        let stem = String(format: "r%06d-", index) + slug
        // About one return in seven arrives as a letter rather than XML, as in the real studies.
        switch random.next() % 14 {
        case 0: return (stem + ".txt", Data(letter(organisation, markdown: false, random: &random).utf8))
        case 1: return (stem + ".md", Data(letter(organisation, markdown: true, random: &random).utf8))
        default: return (stem + ".xml", ReturnWriter.xml(xmlReturn(organisation, random: &random)))
        }
    }

    // MARK: Returns

    func xmlReturn(_ entry: Gazetteer.Entry, random: inout SeededRandom) -> Return {
        let welsh = random.next() % 5 == 0
        let person = name(&random)
        let year = Int(random.next() % 7) + 2014
        let activities = (0..<Int(2 + random.next() % 5)).map { number in
            activity(number, year: year, welsh: welsh, random: &random)
        }
        return Return(
            source: "", organisation: Organisation(name: entry.name, type: entry.organisationType ?? .localAuthority, region: entry.region),
            respondent: Respondent(name: person, role: roles.randomElement(using: &random), email: email(person, &random), phone: phone(&random)),
            consent: Consent(given: true, anonymity: random.next() % 4 == 0 ? .named : .anonymous),
            submitted: PartialDate(year: year + 1, month: Int(1 + random.next() % 12), day: Int(1 + random.next() % 28)),
            language: welsh ? .cy : .en, answers: [], activities: activities)
    }

    func activity(_ number: Int, year: Int, welsh: Bool, random: inout SeededRandom) -> ActivityRecord {
        let isPilot = random.next() % 2 == 0
        let model = models.randomElement(using: &random)!
        let name = isPilot ? "\(places.randomElement(using: &random)!) \(nouns.randomElement(using: &random)!) pilot" : model
        let start = PartialDate(year: year - Int(random.next() % 3), month: Int(1 + random.next() % 12))
        let defined = random.next() % 3 != 0
        let evaluated = random.next() % 3 != 0
        let evaluator = partners.randomElement(using: &random)!
        return ActivityRecord(
            theme: Theme.allCases.randomElement(using: &random)!,
            kind: isPilot ? .pilot : [.practiceModel, .service, .programme, .approach].randomElement(using: &random)!,
            name: name,
            description: prose(about: name, paragraphs: Int(2 + random.next() % 3), welsh: welsh, random: &random),
            status: [.current, .current, .planned, .completed].randomElement(using: &random)!,
            timescale: Timescale(start: start, end: defined ? PartialDate(year: start.year + 1 + Int(random.next() % 3)) : nil),
            targetGroup: groups.randomElement(using: &random),
            partners: (0..<Int(random.next() % 3)).map { _ in partners.randomElement(using: &random)! },
            funding: random.next() % 2 == 0 ? "Welsh Government Integrated Care Fund" : nil,
            evaluation: evaluated ? Evaluation(type: .external, evaluator: evaluator, measures: ["Strengths and Difficulties Questionnaire"],
                                               resultsDue: PartialDate(year: year + 2))
                                  : Evaluation(type: .none, note: "No formal evaluation yet."),
            outcomes: prose(about: name, paragraphs: 1, welsh: false, random: &random),
            provenance: Provenance(method: .writtenReturn, file: "", line: 0))
    }

    /// A letter like the ones organisations send instead of the XML form.
    func letter(_ entry: Gazetteer.Entry, markdown: Bool, random: inout SeededRandom) -> String {
        let person = name(&random)
        let year = Int(random.next() % 7) + 2015
        var text = markdown ? "# \(entry.name): written answers to the mapping study\n\n" : "\(entry.name): written answers to the mapping study\n"
        text += "Organisation: \(entry.name)\nOrganisation type: \(entry.type)\nDate: \(year)-0\(1 + random.next() % 9)-1\(random.next() % 9)\n\n"
        text += "Thank you for the questions. \(person), our \(roles.randomElement(using: &random)!), asked me to reply; "
            + "contact them on \(phone(&random)) or \(email(person, &random)) if anything is unclear.\n\n"
        for theme in Theme.allCases.shuffled(using: &random).prefix(Int(2 + random.next() % 3)) {
            let heading = theme.label
            text += markdown ? "## \(heading)\n\n" : "\(heading)\n\(String(repeating: "-", count: heading.count))\n\n"
            for number in 1...Int(1 + random.next() % 3) {
                let name = "\(places.randomElement(using: &random)!) \(nouns.randomElement(using: &random)!) Pilot"
                let start = year - 1 - Int(random.next() % 3)
                var item = "\(number). The \(name) started in \(months.randomElement(using: &random)!) \(start)"
                item += random.next() % 3 == 0 ? ". " : " and runs until \(months.randomElement(using: &random)!) \(start + 2). "
                item += random.next() % 3 == 0 ? "There is no formal evaluation; we'll see how it goes. "
                    : "It is being evaluated by \(partners.randomElement(using: &random)!) using the Strengths and Difficulties Questionnaire. "
                item += prose(about: name, paragraphs: 1, welsh: false, random: &random)
                text += item + "\n\n"
            }
        }
        return text + "Yours sincerely,\n\(person)\n"
    }

    // MARK: Prose

    func prose(about name: String, paragraphs: Int, welsh: Bool, random: inout SeededRandom) -> String {
        (0..<paragraphs).map { _ in
            (0..<Int(4 + random.next() % 4)).map { _ in sentence(about: name, welsh: welsh, random: &random) }.joined(separator: " ")
        }.joined(separator: "\n\n")
    }

    func sentence(about name: String, welsh: Bool, random: inout SeededRandom) -> String {
        let person = self.name(&random)
        let partner = partners.randomElement(using: &random)!
        switch random.next() % 16 {
        case 0: return "For details contact \(person) on \(phone(&random)) or \(email(person, &random))."
        case 1: return "\(person), the team manager, said the approach has changed how the service works."
        case 2: return "Dr \(person) chairs the steering group for the \(name)."
        case 3: return "One child (NHS number \(nhsNumber(&random))) was referred twice before the service began."
        case 4: return "The team is based at \(1 + random.next() % 200) \(streets.randomElement(using: &random)!), \(postcode(&random))."
        case 5 where welsh, 6 where welsh: return welshSentences.randomElement(using: &random)!.replacingOccurrences(of: "{partner}", with: partner)
        case 7: return "It is delivered in partnership with \(partner)."
        default: return englishSentences.randomElement(using: &random)!.replacingOccurrences(of: "{name}", with: name)
        }
    }

    func name(_ random: inout SeededRandom) -> String {
        "\(givenNames.randomElement(using: &random)!) \(surnames.randomElement(using: &random)!)"
    }

    func email(_ person: String, _ random: inout SeededRandom) -> String {
        let local = canonicalKey(person).replacingOccurrences(of: " ", with: ".")
        return "\(local.isEmpty ? "contact" : local)@\(["example.org", "example.gov.uk", "example.wales"].randomElement(using: &random)!)"
    }

    /// Numbers from Ofcom's drama range, so no real person is ever rung.
    func phone(_ random: inout SeededRandom) -> String {
        String(format: "01632 960 %03d", Int(random.next() % 1000))
    }

    func postcode(_ random: inout SeededRandom) -> String {
        let areas = ["LL57", "SA1", "CF10", "NP20", "SY23", "LD1", "CF47"]
        let letters = Array("ABDEFGHJLNPQRSTUWXYZ")
        return "\(areas.randomElement(using: &random)!) \(random.next() % 10)\(letters.randomElement(using: &random)!)\(letters.randomElement(using: &random)!)"
    }

    /// A ten-digit number whose mod-11 check digit is valid, drawn until the recognisers' own check passes.
    func nhsNumber(_ random: inout SeededRandom) -> String {
        while true {
            let all = String(1 + random.next() % 9) + (0..<9).map { _ in String(random.next() % 10) }.joined()
            guard Recognisers.isValidNHSNumber(all) else { continue }
            return "\(all.prefix(3)) \(all.dropFirst(3).prefix(3)) \(all.suffix(4))"
        }
    }

    // MARK: Word lists

    let roles = ["Head of Children's Services", "service manager", "team manager", "Principal Officer", "project lead"]
    let places = ["Teulu", "Cymuned", "Aelwyd", "Bridges", "Harbour", "Valleys", "Coastal", "Riverside", "Mynydd", "Seren"]
    let nouns = ["Family Support", "Edge of Care", "Reunification", "Mentoring", "Respite", "Kinship Care", "Therapeutic", "Early Help"]
    let groups = ["children on the edge of care", "looked-after children aged 11-17", "care leavers", "parents with substance misuse"]
    let months = ["January", "March", "April", "June", "September", "October", "November"]
    let streets = ["High Street", "Station Road", "Heol y Frenhines", "Ffordd yr Orsaf", "Castle Street", "Church Lane"]
    let englishSentences = [
        "The {name} works with families where a child is at risk of becoming looked after.",
        "Referrals come from social workers, schools, health visitors and the police.",
        "Practitioners reported that the approach gave families a clearer voice in planning.",
        "The service runs a duty line during office hours and an out-of-hours rota at weekends.",
        "Staff turnover slowed the start of the work, but caseloads are now stable.",
        "Young people helped to design the support offer and sit on the interview panel for new staff.",
        "The model draws on restorative practice and on the principles of the Social Services and Well-being (Wales) Act 2014.",
        "Outcomes are reported to the corporate parenting panel every quarter.",
        "The {name} has supported about forty families since it began.",
        "Foster carers receive extra training and a monthly support group.",
        "A steering group of partners meets every six weeks to review progress.",
        "Funding for the next year has not yet been confirmed.",
    ]
    let welshSentences = [
        "Mae'r prosiect yn gweithio gyda theuluoedd sydd angen cymorth ychwanegol.",
        "Rydym yn gweithio mewn partneriaeth â {partner} i ddatblygu'r gwasanaeth.",
        "Cafodd y gwasanaeth ei sefydlu i gefnogi plant a phobl ifanc ar ffiniau gofal.",
        "Mae gweithwyr cymdeithasol yn cyfeirio teuluoedd at y tîm bob wythnos.",
    ]
}
