@testable import DataMapCore
import Foundation
import Testing

/// Reading and anonymising text as organisations write it, from short passages written for these
/// tests. The corpus in ../shared/corpus measures the same rules on text nobody here wrote.
@Suite("Returns as organisations send them")
struct IntakeTests {
    @Test(arguments: [
        ("8 May 2018", "2018-05-08"), ("8th May 2018", "2018-05-08"), ("Wednesday, 2 May 2018", "2018-05-02"),
        ("May 2018", "2018-05"), ("May 8, 2018", "2018-05-08"), ("08.05.18", "2018-05-08"), ("02/03/18", "2018-03-02"),
        ("8 Mai 2018", "2018-05-08"), ("Mai 2018", "2018-05"), ("20 Chwefror / February 2018", "2018-02-20"),
        ("Tue, 6 Nov 2018 at 11:17", "2018-11-06"), ("5th Feb 20l8", "2018-02-05"), ("2018-05-08", "2018-05-08"),
        ("Dydd Mawrth, 6 Mawrth 2018", "2018-03-06"), ("Sept 2019", "2019-09"),
    ])
    func everyCommonDateFormIsRead(text: String, expected: String) {
        #expect(DateReader.date(in: text)?.description == expected)
    }

    @Test(arguments: ["30 February 2018", "2018-02-30", "31/04/2019", "spring, we think", "Annual Report 2017/18"])
    func aDateThatCannotBeReadIsNotGuessed(text: String) {
        #expect(DateReader.date(in: text) == nil)
    }

    static let undated = "Organisation: Conwy County Borough Council\n\nWe run a Family Time pilot for two years.\nCall 01632 960 2087.\n"

    @Test func anUndatedReturnIsDatedByTheCollectionPeriodWithANoteNeverByAPhoneNumber() throws {
        let reader = ShippedReference.reader(collection: (PartialDate(year: 2018, month: 1, day: 1), PartialDate(year: 2018, month: 12, day: 31)))
        let record = try reader.read(Data(Self.undated.utf8), source: "inbox/conwy.txt").get().record
        #expect(record.submitted == PartialDate(year: 2018, month: 12, day: 31))
        #expect(record.submittedFrom == .collectionPeriod)
        #expect(record.intake.map(\.code) == ["undated-return"])
        // The file's own date wins when it falls inside the period.
        let dated = try reader.read(Data(Self.undated.utf8), source: "inbox/conwy.txt", fileDate: PartialDate(year: 2018, month: 6, day: 3)).get().record
        #expect(dated.submitted == PartialDate(year: 2018, month: 6, day: 3))
        #expect(dated.submittedFrom == .fileDate)
    }

    @Test func withNoPeriodAndNoFileDateTheReturnIsRefusedSayingWhatToAdd() {
        guard case .failure(let rejection) = ShippedReference.reader.read(Data(Self.undated.utf8), source: "inbox/conwy.txt") else {
            Issue.record("an undated return was given a date from nowhere"); return
        }
        #expect(rejection.diagnostics.first?.code == .undated)
        #expect(rejection.diagnostics.first?.hint.contains("study.yaml") == true)
    }

    @Test func anUnreadableDateLineIsANoteNotTheEpoch() throws {
        let reader = ShippedReference.reader(collection: (PartialDate(year: 2018, month: 1, day: 1), PartialDate(year: 2018, month: 12, day: 31)))
        let text = "Organisation: Conwy County Borough Council\nDate: the week after half term\n\nWe run a Family Time pilot.\n"
        let record = try reader.read(Data(text.utf8), source: "inbox/conwy.txt").get().record
        #expect(record.submitted.year == 2018)
        #expect(record.intake.map(\.code) == ["unreadable-date", "undated-return"])
    }

    @Test func aLetterIsDatedByItsDatelineAndNotByItsSwitchboard() throws {
        let text = """
            ANYTOWN CHILDREN'S TRUST
            1 High Street, Wrexham  LL11 1AA
            Switchboard: 01632 960 000

            14 March 2018

            Dear Research Team,

            Our Bridges pilot began in 2017.
            """
        let record = try ShippedReference.reader.read(Data(text.utf8), source: "inbox/trust.txt").get().record
        #expect(record.submitted == PartialDate(year: 2018, month: 3, day: 14))
        #expect(record.organisation.name == "Anytown Children's Trust")
        #expect(record.organisation.type == .thirdSector)
        #expect(record.intake.contains { $0.code == "organisation-unknown" })
    }

    @Test func theOrganisationLineIsMatchedByNearSpellingShortFormAndPart() {
        let gazetteer = ShippedReference.reference.gazetteer
        #expect(gazetteer.resolve("Wrexam County Borough Council")?.entry.name == "Wrexham County Borough Council")
        #expect(gazetteer.resolve("Wrexam County Borough Council")?.how == .nearSpelling)
        #expect(gazetteer.resolve("Gwent", typeHint: .police)?.entry.name == "Gwent Police")
        #expect(gazetteer.resolve("Action for Children Cymru")?.entry.name == "Action for Children")
        #expect(gazetteer.resolve("Cyngor Sir Benfro / Pembrokeshire County Council")?.entry.name == "Pembrokeshire County Council")
        #expect(gazetteer.resolve("Ruritania Borough Council") == nil)
    }

    @Test func anAuthorIsFoundFromItsCueLineOrItsEmailAddress() throws {
        let evidence = "Consultation on services\nEvidence from: Cardiff Council\nOctober 2018\n\n1.1 We run a Family Time pilot.\n"
        let one = try ShippedReference.reader.read(Data(evidence.utf8), source: "inbox/e.txt").get().record
        #expect(one.organisation.name == "Cardiff Council")
        #expect(one.submitted == PartialDate(year: 2018, month: 10))
        let email = "From: Someone <someone@wrecsam.gov.uk>\nSent: 3 May 2018 09:00\nSubject: review\n\nWe run a Family Time pilot.\n"
        #expect(try ShippedReference.reader.read(Data(email.utf8), source: "inbox/m.txt").get().record.organisation.name
                == "Wrexham County Borough Council")
    }
}

@Suite("Activities and their owners in foreign prose")
struct OwnerTests {
    func read(_ body: String) throws -> [ActivityRecord] {
        let text = "Organisation: Cardiff University\nOrganisation type: research-body\nDate: 1 October 2018\n\n" + body
        return try ShippedReference.reader.read(Data(text.utf8), source: "inbox/x.md").get().record.activities
    }

    /// The passage names exactly these activities, in this order.
    func expectNames(_ body: String, _ expected: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let found = try read(body).map(\.name)
        #expect(found == expected, "\(found)", sourceLocation: sourceLocation)
    }

    @Test func theSubjectOrPossessorOfTheSentenceOwnsTheActivity() throws {
        let activities = try read("""
            In Newport, the Rapid Response team was set up in 2016 to work with families in crisis.

            Torfaen's Reunite pilot began in the autumn of 2017.
            """)
        #expect(activities.first { $0.name == "Rapid Response team" }?.owner?.name == "Newport City Council")
        #expect(activities.first { $0.name.contains("Reunite") }?.owner?.name == "Torfaen County Borough Council")
    }

    @Test func anAppendixWrittenByAnotherBodyGivesItsActivitiesToThatBody() throws {
        let activities = try read("""
            Our findings are below.

            ## Appendix 2 – Written evidence from Action for Children

            We run the Family Bridges service for teenagers in Newport.
            """)
        #expect(activities.first { $0.name == "Family Bridges service" }?.owner?.name == "Action for Children")
    }

    @Test func aComparatorIsNotTheAuthorsActivity() throws {
        let activities = try read("Our Keep Close pilot is based on the Hillside Hub model and runs for two years.\n")
        #expect(activities.contains { $0.name == "Keep Close pilot" })
        #expect(!activities.contains { $0.name.contains("Hillside") })
    }

    @Test func monitoringIsAnEvaluationAndAWishIsNot() throws {
        let activities = try read("""
            Our Keep Close pilot started in 2018. We monitor each month the number of families who stay together.

            Our Open Door pilot started in 2018. We would like to evaluate it.
            """)
        #expect(activities.first { $0.name == "Keep Close pilot" }?.evaluation.map { $0.type != .none } == true)
        #expect(activities.first { $0.name == "Open Door pilot" }?.evaluation.map { $0.type != .none } != true)
    }

    @Test func aNounPhraseEndsAtAClausesEdgeSoTheLaterSentencesStayWithThePilot() throws {
        let activities = try read("""
            Our Harbour pilot began in April 2017 and runs for two years. Referrals come through our duty desk, and the pilot works closely with school nurses. Bangor University has been commissioned to evaluate the pilot.
            """)
        #expect(activities.map(\.name) == ["Harbour pilot"], "\(activities.map(\.name))")
        #expect(activities.first?.evaluation?.type == .external)
    }

    @Test func aNameInAppositionBeforeItsKindIsTheName() throws {
        let activities = try read("In March 2018 we started Tidal Dads, a pilot group for fathers, for twelve months.\n")
        let found = try #require(activities.first { $0.name == "Tidal Dads" }, "\(activities.map(\.name))")
        #expect(found.kind == .pilot)
        #expect(activities.count == 1)
    }

    @Test func aNumberedTitleOverNumberedParagraphsIsTheSectionsTopic() throws {
        let activities = try read("""
            1. Background

            1.1 This note answers the request for information.

            2. Signs of Safety

            2.1 Signs of Safety was introduced across the service during 2017.

            2.2 We monitor each month how many plans are reviewed on time.

            3. Other work

            3.1 Nothing else to add.
            """)
        let model = try #require(activities.first { $0.name == "Signs of Safety" })
        #expect(model.evaluation?.type == .monitoring, "\(String(describing: model.evaluation))")
    }

    @Test func aWelshNegatedEvaluationIsNoEvaluation() throws {
        let activities = try read("""
            ## Prosiect Pontydd

            Dechreuodd y prosiect peilot hwn ym mis Ionawr. Nid oes gwerthusiad ffurfiol wedi'i drefnu eto.
            """)
        let pilot = try #require(activities.first { $0.name.contains("Pontydd") }, "\(activities.map(\.name))")
        #expect(pilot.evaluation.map { $0.type == .none } ?? true)
    }

    @Test func aParagraphCutByAPageBreakKeepsItsTopicWhileItPointsBack() throws {
        let activities = try read("""
            The Harbour Team was set up in 2015 to work with families in crisis. The team includes two family support workers and a

            _____________________________________________________________________________
            Annual Report 2017/18                                          Page 11 of 40
            _____________________________________________________________________________

            part-time psychologist, and it can help at weekends. In 2017/18 the team worked with 80 families. Most of the children were still at home six months later. We track this figure every quarter.

            Other news: the office moved.
            """)
        let team = try #require(activities.first { $0.name == "Harbour Team" }, "\(activities.map(\.name))")
        #expect(team.evaluation.map { $0.type != .none } == true, "\(String(describing: team.evaluation))")
    }

    @Test func aReviewTheAuthorIntendsIsAnEvaluation() throws {
        let activities = try read("Torfaen began the Homeward pilot in 2017. Managers intend to review the pilot internally once a year's data is in.\n")
        #expect(activities.first { $0.name.contains("Homeward") }?.evaluation.map { $0.type != .none } == true)
    }

    @Test func monitoringAfterButOutweighsTheNegationBeforeIt() throws {
        let activities = try read("Our Open Door pilot started in 2018. We have not evaluated it as such, but we count each month how many families return.\n")
        #expect(activities.first { $0.name == "Open Door pilot" }?.evaluation.map { $0.type != .none } == true)
    }

    @Test func anEvaluationOnlyConsideredIsNotDefined() throws {
        let activities = try read("In 2018 the team began piloting the Harbour model. An evaluation of the pilot is being considered.\n")
        let pilot = try #require(activities.first { $0.name.contains("Harbour") }, "\(activities.map(\.name))")
        #expect(pilot.evaluation.map { $0.type == .none } ?? true, "\(String(describing: pilot.evaluation))")
    }

    @Test func trackingWhatHappensIsMonitoring() throws {
        let activities = try read("Our Early Word pilot began in 2018. We are tracking whether families in the pilot return within a year.\n")
        #expect(activities.first { $0.name == "Early Word pilot" }?.evaluation.map { $0.type != .none } == true)
    }

    @Test func aCurledApostropheReadsAsAStraightOne() throws {
        let activities = try read("Our Open Door pilot started in 2018. We haven’t set up an evaluation yet, but would like to.\n")
        #expect(activities.first { $0.name == "Open Door pilot" }?.evaluation.map { $0.type == .none } ?? true)
    }

    @Test func aTableCellThatSaysThereIsNothingIsNothingAndABracketedKindIsTheKind() throws {
        let activities = try read("""
            | Name | Start | End | Evaluation |
            | --- | --- | --- | --- |
            | Home Steps (pilot) | Oct 2017 | Not set | None yet |
            | Harbour Club | Jan 2016 | Mar 2019 | Monthly figures to the Board |
            """)
        let pilot = try #require(activities.first { $0.name == "Home Steps" }, "\(activities.map(\.name))")
        #expect(pilot.kind == .pilot)
        #expect(pilot.evaluation.map { $0.type == .none } ?? true)
        #expect(pilot.timescale?.end == nil)
        #expect(activities.first { $0.name == "Harbour Club" }?.evaluation.map { $0.type != .none } == true)
    }

    @Test func aNameJoinedByAndToABodyIsABodyNotAnActivity() throws {
        let activities = try read("Since April 2018, Cardiff Youth Justice Service and South Wales Police have been piloting a youth bureau. The pilot will run for 12 months.\n")
        #expect(!activities.contains { $0.name.contains("Youth Justice") }, "\(activities.map(\.name))")
        let bureau = try #require(activities.first { $0.name.lowercased() == "youth bureau" })
        #expect(bureau.timescale?.duration != nil, "the pilot's length is the bureau's")
    }

    @Test func aCategoryUsedAsALabelIsNotAnActivity() throws {
        try expectNames("Practice model - we adopted Signs of Safety in 2016 across the service.\n", ["Signs of Safety"])
    }

    @Test func whatTheAuthorDisownsOrOnlyWatchesIsNotTheirs() throws {
        let activities = try read("""
            Our Keep Close pilot started in 2018 and runs for two years.

            - Signs of Safety sits with the health board rather than with us, so I can't really comment on it.

            We are watching how other authorities get on with Restorative Practice before we decide.
            """)
        #expect(activities.map(\.name) == ["Keep Close pilot"], "\(activities.map(\.name))")
    }

    @Test func theTeamsAHubBringsTogetherArePartsOfItNotActivitiesOfTheirOwn() throws {
        try expectNames("In January we opened the Harbour Hub pilot, bringing together our Flying Start team, the Families First workers and two social workers.\n", ["Harbour Hub pilot"])
    }

    @Test func aHyphenatedCompoundDoesNotEndTheNameItIsIn() throws {
        try expectNames("We ran a peer-to-peer coaching pilot for 12 months, ending in December 2017.\n", ["Peer-to-peer coaching pilot"])
    }

    @Test func aGroupStartedAndSaidNotToBeAPilotIsANewServiceNotAPilot() throws {
        let activities = try read("Foster carers - not a pilot but we've started a support group for grandparent carers.\n")
        let group = try #require(activities.first { $0.name == "Support group" }, "\(activities.map(\.name))")
        #expect(group.kind != .pilot)
        #expect(try read("The Corporate Parenting Group meets quarterly.\n").isEmpty, "a body that governs is not an activity")
    }

    @Test func whatWasOpenedAsAPilotIsThePilot() throws {
        let activities = try read("Newport City Council opened a short-stay assessment unit for teenagers in 2017 as a pilot, funded until March 2019.\n")
        let unit = try #require(activities.first { $0.name == "Short-stay assessment unit for teenagers" }, "\(activities.map(\.name))")
        #expect(unit.kind == .pilot)
        #expect(unit.owner?.name == "Newport City Council")
    }

    @Test func quotationMarksAroundPartOfANameAreDropped() throws {
        try expectNames("Our \"Open Your Door\" recruitment campaign ran from October to December 2017 on local radio.\n", ["Open Your Door recruitment campaign"])
    }

    @Test func aBodyWhoseNameHasSmallWordsDeliversWhatItIsSubjectOf() throws {
        let activities = try read("Action for Children continue to deliver the Taff Valley young carers project on our behalf.\n")
        let project = try #require(activities.first { $0.name == "Taff Valley young carers project" }, "\(activities.map(\.name))")
        #expect(project.owner?.name == "Action for Children")
    }

    @Test func aNameThenWhatItIsNamesTheActivity() throws {
        let activities = try read("pilot - yes - Tŷ Seren, a new small group home (2 beds) for our own young people. Opened in January.\n")
        #expect(activities.contains { $0.name == "Tŷ Seren" }, "\(activities.map(\.name))")
        #expect(try read("Barnardo's Cymru, a charity we work with, runs our advocacy.\n").allSatisfy { !$0.name.contains("Barnardo") })
    }

    @Test func wordsInsideQuotationMarksAreATitlesNotTheSentences() throws {
        try expectNames("Our \"Be Their Rock\" recruitment campaign ran on local radio.\n", ["Be Their Rock recruitment campaign"])
    }

    @Test func aSpanOfMonthsWithOneYearGivesBothMonthsThatYear() {
        let spans = [("ran from October to December 2017", 2017, 10, 2017, 12), ("between March and June 2018", 2018, 3, 2018, 6),
                     ("from November to February 2019", 2018, 11, 2019, 2)]
        for (text, startYear, startMonth, endYear, endMonth) in spans {
            let found = PhraseReader.timescale("The campaign " + text + ".", submitted: PartialDate(year: 2019, month: 5)).first
            #expect(found?.start == PartialDate(year: startYear, month: startMonth), "\(text)")
            #expect(found?.end == PartialDate(year: endYear, month: endMonth), "\(text)")
        }
    }

    @Test func anOrdinaryWordIsNotTheProgrammeItSpells() throws {
        let activities = try read("Budgets must reflect need across the region.\n")
        #expect(!activities.contains { $0.name == "Reflect" })
    }
}

/// Activities named the way people write, without capitals or a naming pattern: each passage is
/// my own, and each holds one rule a careful reader follows.
@Suite("Activities named in ordinary prose")
struct PhrasedActivityTests {
    func names(_ body: String) throws -> [String] {
        try OwnerTests().read(body).map(\.name)
    }

    @Test func whatIsBeingPilotedIsTheActivity() throws {
        let found = try names("The youth team is piloting evening drop-in sessions in Rhyl for six months.\n")
        #expect(found.contains("Evening drop-in sessions"), "\(found)")
        let pilotOf = try names("In May the Council began a pilot of a dedicated kinship assessment pathway, with health visitors.\n")
        #expect(pilotOf.contains("Dedicated kinship assessment pathway"), "\(pilotOf)")
        let possessed = try names("We began piloting the Trust's Family Reunion Framework in one team.\n")
        #expect(possessed.contains("Family Reunion Framework"), "\(possessed)")
        #expect(try names("We are testing whether young people stay longer.\n").isEmpty)
    }

    @Test func aBodyNamedAsSubjectOwnsAnUnnamedPilot() throws {
        let found = try names("Conwy began a kinship reunification pilot in the autumn of 2017. We ran a peer mentoring pilot for a year.\n")
        #expect(found.contains("Kinship reunification pilot") && found.contains("Peer mentoring pilot"), "\(found)")
        #expect(try names("Referrals reached the front door team, and the pilot worked well.\n").allSatisfy { !$0.contains(",") })
    }

    @Test func twoNamesForOneActivityInAReturnAreOneActivity() throws {
        let found = try names("""
            ### Peer mentoring pilot for young carers

            The peer mentoring programme began in May 2018 and runs for a year.
            """)
        #expect(found.count == 1, "\(found)")
        #expect(try names("Our Family Link service helps parents. Our Youth Link service helps teenagers.\n").count == 2)
    }

    @Test func anIndefiniteSubjectThatBeginsIsTheActivity() throws {
        let found = try names("A small weekend mentoring pilot began in the south of the county in March.\n")
        #expect(found.contains("Weekend mentoring pilot"), "\(found)")
    }

    @Test func aNameGivenOutrightIsTheName() throws {
        let called = try names("We also run a group work pilot for care leavers called 'Next Steps', which started in May.\n")
        #expect(called.contains("Next Steps"), "\(called)")
        let known = try names("A family worker sits in the health centre two days a week as a pilot, known locally as Door Open.\n")
        #expect(known.contains("Door Open"), "\(known)")
    }

    @Test func aDefinitionNamesTheActivityButNotAnOrganisationOrAnAdverb() throws {
        let defined = try names("Bridges Together is an early help service for families with children under five.\n")
        #expect(defined.contains("Bridges Together"), "\(defined)")
        let apposed = try names("Tŷ Seren, a new two-bed children's home on the coast, opened in 2019.\n")
        #expect(apposed.contains("Tŷ Seren"), "\(apposed)")
        #expect(try !names("Barnardo's Cymru is a charity that runs a service in Newport.\n").contains("Barnardo's Cymru"))
        #expect(try !names("Locally, our recruitment campaign ran for six weeks.\n").contains("Locally"))
    }

    @Test func aTitleLeadingAListItemOrPilotHeadingIsTheName() throws {
        let found = try names("""
            - evening outreach trial. A small offer on Friday nights, for six months.
            - Peer support pilot – care leavers co-design it with us.
            - We ran a carer pilot last year.

            ## Supported lodgings pilot

            Young people aged 16 and 17 practise living alone.
            """)
        #expect(found.contains("Evening outreach trial"), "\(found)")
        #expect(found.contains("Peer support pilot"), "\(found)")
        #expect(found.contains("Supported lodgings pilot"), "\(found)")
        #expect(!found.contains { $0.hasPrefix("We ran") })
    }
}

/// What a careful reader does not count as the author's activity, and how layout names things.
@Suite("What is not an activity, and titles set out by layout")
struct NotAnActivityTests {
    func names(_ body: String) throws -> [String] {
        try OwnerTests().read(body).map(\.name)
    }

    @Test func theTeamALetterIsAddressedToIsItsReaderNotAnActivity() throws {
        let found = try names("""
            Mapping Review Team
            (by email)

            Dear Mapping Review Team

            Thank you for asking about the Harbour pilot. The Mapping Review Team may wish to visit.
            """)
        #expect(found == ["Harbour pilot"], "\(found)")
        let memo = try names("To: Innovation Study Team\n\nOur Tidal pilot began in May.\n")
        #expect(memo == ["Tidal pilot"], "\(memo)")
    }

    @Test func aJobTitleIsAPostNotAnActivity() throws {
        let found = try names("Rheolwr Gwasanaeth, Plant sy'n Derbyn Gofal\n\nThe Service Manager leads the Harbour pilot.\n")
        #expect(!found.contains { $0.contains("Rheolwr") || $0.contains("Manager") }, "\(found)")
        #expect(found.contains("Harbour pilot"))
    }

    @Test func moneyAndNationalFramesAreNotActivities() throws {
        let found = try names("""
            Our Open Door pilot is funded from the Coastal Communities Fund for a year.

            We joined the regional approach promoted under the National Adoption Framework.

            Harbour Fund money paid for the Tidal pilot.
            """)
        #expect(found.contains("Open Door pilot") && found.contains("Tidal pilot"), "\(found)")
        #expect(!found.contains { $0.contains("Coastal") || $0.contains("Adoption Framework") || $0.contains("Harbour Fund") }, "\(found)")
    }

    @Test func aStandingTeamIsNotAnActivityUnlessItIsNew() throws {
        #expect(try names("Referrals come through our front door team as usual.\n").isEmpty)
        #expect(try names("In 2018 we set up a new family link team for teenagers.\n").contains("Family link team"))
    }

    @Test func aLengthOrAGoverningBodyIsNotAName() throws {
        let found = try names("""
            It was a twelve-month pilot in two schools.

            The Children's Services Management Team oversees the Harbour pilot.
            """)
        #expect(!found.contains { $0.lowercased().contains("twelve-month") || $0.contains("Management Team") }, "\(found)")
        #expect(found.contains("Harbour pilot"))
    }

    @Test func aNameInAppositionAfterAPilotIsItsName() throws {
        let found = try names("We were funded to run a placement stability pilot, Camau Cyntaf, for 18 months.\n")
        #expect(found == ["Camau Cyntaf"], "\(found)")
    }

    @Test func aShortTitleLineOverItsParagraphIsAHeading() throws {
        let found = try names("""
            Tŷ Gobaith / House of Hope
            Tŷ Gobaith is a two-bed children's home pilot, opened in May 2018 and funded for two years.
            """)
        #expect(found.contains("Tŷ Gobaith"), "\(found)")
    }

    @Test func aHeadingInCapitalsNamesNothingByItsCapitalsAlone() throws {
        let found = try names("""
            OPERATION OF OUT OF COUNTY PLACEMENTS

            We reviewed every placement in 2018.
            """)
        #expect(found.isEmpty, "\(found)")
    }

    @Test func anAppendixFromAnotherBodyIsReadButAGlossaryIsNot() throws {
        let found = try names("""
            Our report is below.

            APPENDIX 3
            PARTNER REPORT: ACTION FOR CHILDREN

            Brighter Futures is an early help service for families in Newport.

            APPENDIX 4
            GLOSSARY

            Team Around the Family is an early help service in every county.
            """)
        #expect(found.contains("Brighter Futures"), "\(found)")
        #expect(!found.contains("Team Around the Family"), "\(found)")
    }
}

/// A mapping report's list entries: a heading, its participants and lead, then its description.
@Suite("List entries with participants and a lead")
struct EntryTests {
    @Test func aHeadingWithParticipantsAndALeadIsOneActivityOwnedByItsLead() throws {
        let activities = try OwnerTests().read("""
            Holding On Together
            Participants: Gwynedd Council, Betsi Cadwaladr University Health Board
            Lead: Gwynedd Council

            A two-year pilot of support at home for families in crisis.
            """)
        #expect(activities.map(\.name) == ["Holding On Together"])
        let entry = try #require(activities.first)
        #expect(entry.owner?.name == "Gwynedd Council")
        #expect(entry.partners == ["Betsi Cadwaladr University Health Board"])
        #expect(entry.kind == .pilot && entry.timescale?.duration == "P2Y")
    }
}

/// A printed report's pages, as scanned or pasted text brings them.
@Suite("Page furniture and broken words")
struct PageFurnitureTests {
    @Test func runningHeadersFootersAndPageNumbersAreBlankedAndLinesKeepTheirNumbers() throws {
        let page = "Harbour Council Annual Report 2018/19                  Page 4 of 20"
        let lines = ["OFFICIAL", "Our Tidal pilot began in May 2018", "and runs for two years.", page,
                     "OFFICIAL", "- 5 -", "The Anchor project", "started in June.", "OFFICIAL", "Page 6 of 20"]
        let blanked = PageFurniture.blankOut(lines)
        #expect(blanked.count == lines.count)
        #expect(blanked == ["", "Our Tidal pilot began in May 2018", "and runs for two years.", "", "", "", "The Anchor project",
                            "started in June.", "", ""])
        let activities = try OwnerTests().read(lines.joined(separator: "\n") + "\n")
        let tidal = try #require(activities.first { $0.name == "Tidal pilot" })
        #expect(tidal.timescale?.duration == "P2Y", "the paragraph survives the page break")
    }

    @Test func aWordBrokenOverALineIsMended() {
        let blocks = ProseBlocks.parse(["It was not possi-", "ble to meet. RAPID REVIEW OF CHILD-", "REN ON THE EDGE."])
        #expect(blocks.first?.text == "It was not possible to meet. RAPID REVIEW OF CHILDREN ON THE EDGE.")
        #expect(blocks.first.map { $0.line(at: 20) } == 2, "offsets still find their line")
    }
}

/// Tables of projects, in Markdown, pasted from a spreadsheet, and in Word.
@Suite("Tables of activities")
struct TableTests {
    @Test func aPipeTableOfProjectsIsOneActivityPerRowWithItsFacts() throws {
        let activities = try OwnerTests().read("""
            | Project | Status | Start | End | Evaluation |
            |---|---|---|---|---|
            | Harbour Lights | Pilot | 1 Apr 2018 | 31 Mar 2019 | Bangor University (external) |
            | Anchor Group | Pilot | Feb 2018 | tbc | – |
            """)
        #expect(activities.map(\.name) == ["Harbour Lights", "Anchor Group"])
        let harbour = try #require(activities.first)
        #expect(harbour.kind == .pilot)
        #expect(harbour.timescale?.end == PartialDate(year: 2019, month: 3))
        #expect(harbour.evaluation?.type == .external)
        let anchor = try #require(activities.last)
        #expect(anchor.timescale?.end == nil && anchor.timescale?.duration == nil)
        #expect(anchor.evaluation == nil || anchor.evaluation?.type == EvaluationType.none)
    }

    @Test func aTableOfCountsByAreaHoldsNoActivity() throws {
        let activities = try OwnerTests().read("""
            Area\tCouncils\tInterviews
            North Wales\t6\t12
            Total\t22\t40
            """)
        #expect(activities.isEmpty, "\(activities.map(\.name))")
        #expect(ProseTable.cells("Date:\t12 March 2018") == nil, "a field set out with a tab is not a table row")
    }

    @Test func aWordTableUnderAPilotHeaderIsReadAsPilots() throws {
        func cell(_ text: String) -> String { "<w:tc><w:p><w:r><w:t>\(text)</w:t></w:r></w:p></w:tc>" }
        func row(_ cells: [String]) -> String { "<w:tr>" + cells.map(cell).joined() + "</w:tr>" }
        let body = paragraph("Organisation: Gwynedd Council") + paragraph("Date: 2018-03-01")
            + "<w:tbl>" + row(["Pilot", "Area", "Dates", "Evaluation"]) + row(["Tidewater", "Arfon", "Oct 2017 – Sep 2019", "Exit questionnaire"]) + "</w:tbl>"
        let reading = try ShippedReference.reader.readWord(try wordDocument(body), source: "inbox/t.docx").get()
        let tidewater = try #require(reading.record.activities.first { $0.name == "Tidewater" })
        #expect(tidewater.kind == .pilot)
        #expect(tidewater.timescale?.start == PartialDate(year: 2017, month: 10) && tidewater.timescale?.end == PartialDate(year: 2019, month: 9))
        #expect(tidewater.evaluation.map { $0.type != EvaluationType.none } == true)
    }
}

/// Evaluation as the study counts it, read from my own sentences.
@Suite("Evaluation in ordinary prose")
struct EvaluationPhraseTests {
    func evaluation(_ body: String, of name: String) throws -> Evaluation? {
        try OwnerTests().read(body).first { $0.name == name }?.evaluation
    }

    @Test(arguments: [
        "Our Harbour pilot started in 2018. We do not evaluate it.",
        "Our Harbour pilot started in 2018. We have not tried to evaluate it yet.",
        "Our Harbour pilot started in 2018. We haven't worked out yet how we'll evaluate it.",
        "Our Harbour pilot started in 2018. We have not yet agreed with the health board how it will be evaluated.",
        "Our Harbour pilot started in 2018. We don’t evaluate it.",
    ])
    func aNegatedEvaluationIsNone(text: String) throws {
        let found = try evaluation(text + "\n", of: "Harbour pilot")
        #expect(found == nil || found?.type == EvaluationType.none, "\(String(describing: found))")
    }

    @Test(arguments: [
        "Our Harbour pilot started in 2018. We intend to carry out an internal review at the end of the pilot.",
        "Our Harbour pilot started in 2018. It will be reviewed by the corporate parenting panel in 2019.",
        "Our Harbour pilot started in 2018. We will audit attendance before and during the pilot.",
        "Our Harbour pilot started in 2018. We track the number of families re-referred every quarter.",
        "Our Harbour pilot started in 2018. Each family completes the Outcomes Star with their worker.",
    ])
    func aReviewAnAuditOrAToolIsAnEvaluation(text: String) throws {
        let found = try evaluation(text + "\n", of: "Harbour pilot")
        #expect(found.map { $0.type != EvaluationType.none } == true, "\(String(describing: found))")
    }

    @Test func aHeadingThatNamesAPilotOwnsTheParagraphsBelowIt() throws {
        let found = try evaluation("""
            ### Harbour pilot for young carers

            Young carers meet weekly at the library.

            Referrals have been steady since the spring.

            Participants do a self-assessment at the start and at the end.
            """, of: "Harbour pilot")
        #expect(found.map { $0.type != EvaluationType.none } == true, "\(String(describing: found))")
    }
}

/// Whose length a time phrase gives: the activity's, or the people's it helps, or the past's.
@Suite("Timescales in ordinary prose")
struct TimescalePhraseTests {
    func defined(_ text: String) -> Bool {
        PhraseReader.timescale(text, submitted: PartialDate(year: 2018, month: 10))
            .contains { $0.end != nil || $0.duration != nil }
    }

    @Test(arguments: [
        "The group is for 16 to 21-year-olds.",
        "Families receive support for between three and six months.",
        "Young people stay in the flat for up to three months.",
        "Carers attend over a 12-week course.",
        "We have used it over the last eighteen months.",
        "Each family is seen for 9 to 12 months.",
        "The team offers intensive help, including evenings and weekends, for up to twelve weeks.",
    ])
    func aLengthThatIsNotTheActivitysDefinesNothing(text: String) {
        #expect(!defined(text), "\(text)")
    }

    @Test(arguments: [
        "The pilot is planned to last twelve months.",
        "It runs for two years from April 2018.",
        "Mae'n gynllun peilot dwy flynedd, hyd at fis Awst 2019.",
        "Res care in-reach pilot, 0.6 WTE, 12/12 (Apr 18 – Mar 19).",
        "The pilot is funded until March 2019.",
        "The pilot is funded for up to two years.",
    ])
    func theActivitysOwnLengthOrEndIsRead(text: String) {
        #expect(defined(text), "\(text)")
    }
}

@Suite("Anonymising text nobody here wrote")
struct ForeignAnonymiserTests {
    let key = StudyKey(bytes: Data(repeating: 5, count: 32))!
    var context: RecognitionContext {
        RecognitionContext(names: NameList(givenNames: ["Gareth"], surnames: ["Jones"]), gazetteer: ShippedReference.reference.gazetteer,
                           taxonomy: ShippedReference.reference.taxonomy)
    }

    func scrub(_ text: String) -> String { TextAnonymiser(key: key).scrub(text, context: context).text }

    @Test func aSpanNeverCrossesALineBreakAndTheOrganisationSurvives() {
        let out = scrub("Written submission from Swansea Council\nContact officer: Emyr Okonkwo\n")
        #expect(out.hasPrefix("Written submission from Swansea Council\nContact officer: "))
        #expect(!out.contains("Emyr"))
        #expect(!out.contains("Okonkwo"))
    }

    @Test func aNameNoListHoldsIsTakenBesideANameThePublicTablesKnow() {
        // Neither name is in the test's lists; the model knows Okafor as a surname and Dilwyn by shape.
        let out = scrub("The notes were typed up by Dilwyn Okafor on Tuesday. Later Dilwyn sent them round.\n")
        #expect(!out.contains("Dilwyn") && !out.contains("Okafor"), "\(out)")
        #expect(out.contains("The notes were typed up by ") && out.contains("Later "), "\(out)")
    }

    @Test func aSurnameThatIsAlsoAnOrdinaryWordIsNotTakenForAName() {
        let text = "Grant Funding was agreed, Hope House opened and Young People attended. Members agreed.\n"
        #expect(scrub(text) == text)
    }

    @Test func aSentencesFirstWordIsNotPartOfTheNameAfterIt() {
        let out = scrub("Yesterday Dilwyn phoned about the referral.\n")
        #expect(out.hasPrefix("Yesterday P-"), "\(out)")
    }

    @Test func theNameModelWeighsNameWordsAgainstOrdinaryWords() {
        let model = NameModel.shipped
        #expect(!model.isEmpty)
        #expect(model.isSurname("Jenkins") && model.isGivenName("Siobhan"))
        #expect(!model.isSurname("Hall") && !model.isGivenName("Will"), "also ordinary words")
        #expect(model.score("Jenkins") > 8 && model.score("Members") < 0 && model.score("Staff") < 0)
        #expect(model.shape("Nkechi") > 0 && model.shape("Practitioners") < 0 && model.shape("Education") < 0)
    }

    @Test func reviewListsAnUnknownNameAboveAnOrdinaryCapitalisedPhrase() {
        let text = "We discussed Annual Review Process with Nkechi Adeyemi last week.\n"
        let review = TextAnonymiser(key: key).scrub(text, context: context).review
        let likelihood = { (phrase: String) -> Int? in
            let start = text.distance(from: text.startIndex, to: text.range(of: phrase)!.lowerBound)
            return review.first { $0.start == start }?.likelihood
        }
        let name = try! #require(likelihood("Nkechi Adeyemi")), phrase = likelihood("Annual Review Process") ?? 0
        #expect(name > phrase, "\(name) vs \(phrase)")
    }

    @Test func aPostcodeStaysWholeAndTheNextLineIsUntouched() {
        let out = scrub("Postcode: SY16 4YZ\n\nStaff reported that the pilot helped.\n")
        #expect(!out.contains("SY16"))
        #expect(out.contains("Staff reported that the pilot helped."))
    }

    @Test func aNameIsFoundByWhatTheProseSaysOfItAndHiddenEverywhereAfter() {
        let out = scrub("""
            Tomos, who co-ordinates the scheme, says it works. One parent, Bronwen, told us more.
            Kwabena, aged 15, was referred in May. Kwabena's worker met him weekly.
            """)
        for name in ["Tomos", "Bronwen", "Kwabena", "who co-ordinates the scheme"] { #expect(!out.contains(name), "\(name): \(out)") }
        #expect(out.contains("says it works"))
    }

    @Test func initialsInMinutesActionsArePeopleButABodysAbbreviationIsNot() {
        let out = scrub("Present: Sioned Wyn Roberts (SWR).\nAction: GT to circulate the draft; HM/RL to book the room.\nAction: SWR to chair. NWP to share the figures.\n")
        for initials in ["GT", "HM", "RL", "SWR"] { #expect(!out.contains(initials + " ") && !out.contains(initials + "/"), "\(initials): \(out)") }
        #expect(out.contains("NWP to share"), "\(out)")
    }

    @Test func aThingGivenANameIsNotAPersonAndATableIsNotASignature() {
        let out = scrub("""
            In Conwy, a small pilot called Tidewater is testing home visits.

            Area | Councils | Interviews (managers)
            Total | 11 | 16

            OFFICIAL
            """)
        for kept in ["Tidewater", "Area |", "Interviews (managers)", "Total |", "OFFICIAL"] { #expect(out.contains(kept), "\(kept): \(out)") }
    }

    @Test func aBodysAbbreviationAndABodyNamedForAPersonAreKept() {
        let out = scrub("""
            Dr Morfudd Hughes led the review, with Specialist CAMHS and the Nye Hughes Memorial Trust for 12 months.

            We worked with Aneurin Bevan University Health Board (ABUHB).
            """)
        #expect(!out.contains("Morfudd"))
        for kept in ["Specialist CAMHS", "Nye Hughes Memorial Trust", "Aneurin Bevan University Health Board"] {
            #expect(out.contains(kept), "\(kept): \(out)")
        }
    }

    @Test func aLetterheadAWelshAddressAndAScannedNumberAreHidden() {
        let out = scrub("""
            Tŷ Gwyn, Heol y Castell, Llandeilo
            Our Ref: AB/12          Please ask for: Heledd
            Direct line: 01632 96O 448
            Uned 4, Parc Busnes Glan yr Afon
            NI number QQ 12 34 56 C

            Dear Sir/Madam
            """)
        for hidden in ["Tŷ Gwyn", "Heol y Castell", "Heledd", "96O 448", "Parc Busnes Glan yr Afon", "QQ 12 34 56 C"] {
            #expect(!out.contains(hidden), "\(hidden): \(out)")
        }
    }

    @Test func aSignatureWithoutASignOffGivesAwayTheNameAndTitle() {
        let out = scrub("Monthly report\nCouncillor Gwenda Prys\nConvener, Children's Scrutiny Panel\n\nK 0kafor\nDirector\n")
        for hidden in ["Gwenda", "Prys", "Convener, Children's Scrutiny Panel"] { #expect(!out.contains(hidden), "\(hidden): \(out)") }
    }

    @Test func aSignatureGivesAwayANameAndTitleThatNoListHolds() {
        let out = scrub("Thank you.\n\nYours sincerely,\n\nDilwyn Okafor\nHead of Family Resilience\nDirect line: 01632 960 111\n")
        #expect(!out.contains("Dilwyn"))
        #expect(!out.contains("Okafor"))
        #expect(!out.contains("Head of Family Resilience"))
    }

    @Test func aNameFoundOnceIsHiddenWhenItsFirstNameStandsAlone() {
        let out = scrub("From: Okafor, Dilwyn <d.okafor@example.org>\nSent: 3 May 2018\n\nDilwyn Okafor leads the work. Dilwyn said it helped.\n")
        #expect(!out.contains("Dilwyn"))
    }

    @Test func rolesAtOrganisationsAreHiddenInAnyCaseAndTheOrganisationKept() {
        let out = scrub("We spoke to the safeguarding lead at Cardiff Council and the Cabinet Member for Children's Services.\n")
        #expect(!out.contains("safeguarding lead"))
        #expect(out.contains("Cardiff Council"))
        #expect(!out.contains("Cabinet Member for Children's Services"))
    }

    @Test(arguments: ["St David's Day Fund", "Haydn Jones Memorial Trust", "Aneurin Bevan University Health Board", "Prince's Trust Cymru"])
    func namesOfBodiesThatHoldAPersonsNameAreKept(name: String) {
        #expect(scrub("Funding came from the \(name) last year.\n").contains(name))
    }
}

@Suite("The annotated corpus built as a study")
struct CorpusStudyTests {
    static let corpus = Repo.shared.appendingPathComponent("corpus/returns")

    /// Every return is read, none is dated outside the study's collection period, and none is dated 1970.
    @Test func everyReturnIsReadAndDatedInsideTheCollectionPeriod() throws {
        let study = try TemporaryStudy(copySample: false)
        try study.copyInstruments()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path) {
            try FileManager.default.copyItem(at: Self.corpus.appendingPathComponent(name), to: study.inbox.appendingPathComponent(name))
        }
        try Data("title: Rapid review\ncollection:\n  start: 2017-01-01\n  end: 2019-12-31\n".utf8)
            .write(to: study.root.appendingPathComponent("study.yaml"))
        let built = try study.build()
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains("0 refused"), "\(built.stdout)")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: study.outbox.appendingPathComponent("datamap.json"))) as? [String: Any]
        let rows = document?["activities"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty)
        let generic: Set<String> = ["county", "borough", "council", "university", "health", "board", "police", "service", "services",
                                    "children", "wales", "cymru", "teaching", "city", "the", "and", "for", "trust"]
        for row in rows {
            let submitted = row["submitted"] as? String ?? ""
            #expect(submitted >= "2017" && submitted <= "2019-12-31", "\(submitted)")
            // The owner is a body the return itself names, by one of its distinctive words.
            let owner = (row["organisation"] as? [String: Any])?["name"] as? String ?? ""
            let file = ((row["activity"] as? [String: Any])?["provenance"] as? [String: Any])?["file"] as? String ?? ""
            guard !file.hasSuffix(".docx"), let text = try? String(contentsOf: study.root.appendingPathComponent(file), encoding: .utf8)
            else { continue }
            let entry = ShippedReference.reference.gazetteer.match(owner)
            let names = [owner] + (entry?.aliases ?? []) + [entry?.cy].compactMap { $0 }
            let words = Set(names.flatMap { $0.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init) })
                .filter { $0.count >= 4 && !generic.contains($0) }
            #expect(words.contains { text.lowercased().contains($0) } || names.contains { text.contains($0) }, "\(file): owner \(owner)")
        }
    }

    /// The reading targets of issue 14, measured by the scorer on the corpus; it fails below any.
    @Test func theReaderMeetsItsTargetsOnTheCorpus() throws {
        let study = try TemporaryStudy(copySample: false)
        try Data("collection:\n  start: 2017-01-01\n  end: 2019-12-31\n".utf8).write(to: study.root.appendingPathComponent("study.yaml"))
        let python = FileManager.default.isExecutableFile(atPath: Repo.root.appendingPathComponent(".build/test-python/bin/python").path)
            ? Repo.root.appendingPathComponent(".build/test-python/bin/python") : URL(fileURLWithPath: "/usr/bin/env")
        let arguments = (python.lastPathComponent == "env" ? ["python3"] : [])
            + [Repo.root.appendingPathComponent("bench/extraction/score.py").path, Self.corpus.deletingLastPathComponent().path,
               Repo.binary.path, study.root.path, "--check"]
        let result = try run(python, arguments)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }
}
