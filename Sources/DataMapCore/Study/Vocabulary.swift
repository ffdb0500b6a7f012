/// The fixed vocabularies of return format version 1. Raw values are the XML tokens;
/// labels are for people, in English and Welsh, because Welsh public bodies work in both.
public protocol Vocabulary: RawRepresentable, CaseIterable, Codable, Sendable, Hashable, Comparable
where RawValue == String {
    var label: String { get }
    var labelCy: String { get }
}

extension Vocabulary where AllCases.Index == Int {
    /// Declaration order, so tables list themes and types the way the study does.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

public enum OrganisationType: String, Vocabulary {
    case localAuthority = "local-authority"
    case thirdSector = "third-sector"
    case privateProvider = "private-provider"
    case healthBoard = "health-board"
    case police
    case cafcassCymru = "cafcass-cymru"
    case childrensCommissioner = "childrens-commissioner"
    case socialCareWales = "social-care-wales"
    case researchBody = "research-body"
    /// A body outside the nine the study interviews (a government department, a consortium):
    /// it can write a return or own an activity, but has no interview schedule.
    case other

    /// The types with an interview schedule and a return template.
    public static let scheduled: [OrganisationType] = allCases.filter { $0 != .other }

    public var label: String {
        switch self {
        case .localAuthority: "Local authority children's services"
        case .thirdSector: "Third sector organisation"
        case .privateProvider: "Private provider"
        case .healthBoard: "Health board"
        case .police: "Police force"
        case .cafcassCymru: "CAFCASS Cymru"
        case .childrensCommissioner: "Children's Commissioner for Wales"
        case .socialCareWales: "Social Care Wales"
        case .researchBody: "Research body"
        case .other: "Other organisation"
        }
    }

    public var labelCy: String {
        switch self {
        case .localAuthority: "Gwasanaethau plant awdurdod lleol"
        case .thirdSector: "Sefydliad trydydd sector"
        case .privateProvider: "Darparwr preifat"
        case .healthBoard: "Bwrdd iechyd"
        case .police: "Heddlu"
        case .cafcassCymru: "CAFCASS Cymru"
        case .childrensCommissioner: "Comisiynydd Plant Cymru"
        case .socialCareWales: "Gofal Cymdeithasol Cymru"
        case .researchBody: "Corff ymchwil"
        case .other: "Sefydliad arall"
        }
    }
}

public enum Theme: String, Vocabulary {
    case practiceModels = "practice-models"
    case pilotProjects = "pilot-projects"
    case edgeOfCare = "edge-of-care"
    case residentialCare = "residential-care"
    case fosterCarerCapacity = "foster-carer-capacity"
    case commissioningPartnership = "commissioning-partnership"
    case sswbAct = "sswb-act"

    public var label: String {
        switch self {
        case .practiceModels: "Practice models and approaches"
        case .pilotProjects: "Pilot projects"
        case .edgeOfCare: "Edge of care"
        case .residentialCare: "Residential care"
        case .fosterCarerCapacity: "Building capacity with foster carers"
        case .commissioningPartnership: "Commissioning and partnership working"
        case .sswbAct: "Social Services and Well-being (Wales) Act 2014"
        }
    }

    public var labelCy: String {
        switch self {
        case .practiceModels: "Modelau ac ymagweddau ymarfer"
        case .pilotProjects: "Prosiectau peilot"
        case .edgeOfCare: "Ar gyrion gofal"
        case .residentialCare: "Gofal preswyl"
        case .fosterCarerCapacity: "Meithrin gallu gofalwyr maeth"
        case .commissioningPartnership: "Comisiynu a gweithio mewn partneriaeth"
        case .sswbAct: "Deddf Gwasanaethau Cymdeithasol a Llesiant (Cymru) 2014"
        }
    }
}

public enum ActivityKind: String, Vocabulary {
    case practiceModel = "practice-model"
    case approach
    case pilot
    case service
    case programme
    case training
    case recruitment
    case multiAgency = "multi-agency"
    case strategy
    case other

    public var label: String {
        switch self {
        case .practiceModel: "Practice model"
        case .approach: "Approach"
        case .pilot: "Pilot"
        case .service: "Service"
        case .programme: "Programme"
        case .training: "Training"
        case .recruitment: "Recruitment drive"
        case .multiAgency: "Multi-agency arrangement"
        case .strategy: "Strategy"
        case .other: "Other"
        }
    }

    public var labelCy: String {
        switch self {
        case .practiceModel: "Model ymarfer"
        case .approach: "Ymagwedd"
        case .pilot: "Peilot"
        case .service: "Gwasanaeth"
        case .programme: "Rhaglen"
        case .training: "Hyfforddiant"
        case .recruitment: "Ymgyrch recriwtio"
        case .multiAgency: "Trefniant amlasiantaethol"
        case .strategy: "Strategaeth"
        case .other: "Arall"
        }
    }
}

public enum ActivityStatus: String, Vocabulary {
    case current, planned, completed, withdrawn

    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }

    public var labelCy: String {
        switch self {
        case .current: "Cyfredol"
        case .planned: "Wedi'i gynllunio"
        case .completed: "Wedi'i gwblhau"
        case .withdrawn: "Wedi'i dynnu'n ôl"
        }
    }
}

public enum EvaluationType: String, Vocabulary {
    case none
    case `internal`
    case validatedTool = "validated-tool"
    case external
    case monitoring
    case planned

    public var label: String {
        switch self {
        case .none: "None"
        case .internal: "Internal"
        case .validatedTool: "Internal, validated tool"
        case .external: "External"
        case .monitoring: "Routine monitoring"
        case .planned: "Planned"
        }
    }

    public var labelCy: String {
        switch self {
        case .none: "Dim"
        case .internal: "Mewnol"
        case .validatedTool: "Mewnol, offeryn dilysedig"
        case .external: "Allanol"
        case .monitoring: "Monitro arferol"
        case .planned: "Wedi'i gynllunio"
        }
    }
}

public enum Anonymity: String, Codable, Sendable, Hashable {
    case anonymous, named
}

public enum Language: String, Codable, Sendable, Hashable {
    case en, cy
}
