import Foundation

// The report's words in English and Welsh. Welsh public bodies publish bilingually, so a study
// whose language is Welsh gets its report, summary and workbook in Welsh, with the English in a
// second file. What came from the returns (names, phrases) is shown as it was written.

extension Report {
    /// The word in the report's language.
    func w(_ en: String, _ cy: String) -> String { language == .cy ? cy : en }

    /// The report in another language: the same tables and numbers, other words.
    public func inLanguage(_ language: Language) -> Report {
        guard language != self.language else { return self }
        var copy = self
        copy.language = language
        copy.tables = copy.makeTables()
        return copy
    }

    /// A table with its title and headings in the report's language; its values are the data's own.
    public func localised(_ table: ReportTable) -> ReportTable {
        guard language == .cy else { return table }
        var copy = table
        copy.title = ReportWords.titles[table.name] ?? table.title
        copy.columns = table.columns.map { ReportWords.columns[$0] ?? Theme(rawValue: $0)?.labelCy ?? $0 }
        return copy
    }

    func flagLabel(_ rule: String) -> String {
        switch rule {
        case "pilot-missing-timescale": w("no defined timescale", "dim amserlen wedi'i diffinio")
        case "pilot-missing-evaluation": w("no evaluation", "dim gwerthuso")
        case "pilot-missing-outcome-measures": w("no outcome measures named", "dim mesurau canlyniad wedi'u henwi")
        default: rule
        }
    }

    /// "2 years", "2 o flynyddoedd" (the form with "o" needs no mutation of the number's noun).
    func duration(_ iso: String) -> String {
        guard let match = iso.firstMatch(of: /^P(\d+)([YMWD])$/), let number = Int(match.output.1) else { return iso }
        let unit = String(match.output.2)
        if language == .cy {
            let one = ["Y": "flwyddyn", "M": "mis", "W": "wythnos", "D": "diwrnod"][unit]!
            let many = ["Y": "flynyddoedd", "M": "fisoedd", "W": "wythnosau", "D": "ddyddiau"][unit]!
            return number == 1 ? "1 \(one)" : "\(number) o \(many)"
        }
        let name = ["Y": "year", "M": "month", "W": "week", "D": "day"][unit]!
        return "\(number) \(name)\(number == 1 ? "" : "s")"
    }
}

enum ReportWords {
    /// Sheet names are at most 31 characters; every Welsh title here fits.
    static let titles: [String: String] = [
        "activities": "Gweithgareddau",
        "sectors": "Cyfranogwyr yn ôl sector",
        "approaches": "Ymagweddau",
        "other-approaches": "Ymagweddau eraill a enwyd",
        "pilots": "Peilotau a baneri",
        "participants": "Cyfranogwyr",
        "matrix": "Matrics",
        "counts": "Cyfrifon yn ôl math a thema",
        "coverage": "Cwmpas y peilotau",
        "evaluation": "Gwerthuso peilotau fesul sector",
        "partnerships": "Parau partneriaeth",
        "findings": "Canfyddiadau",
        "coding": "Adolygiad codio",
        "local-authorities": "Awdurdodau lleol",
    ]

    static let columns: [String: String] = [
        "organisation": "sefydliad", "organisation_type": "math o sefydliad", "region": "rhanbarth", "method": "dull",
        "activities": "gweithgareddau", "pilots": "peilotau", "organisations": "sefydliadau", "respondents": "ymatebwyr",
        "interviewed": "cyfwelwyd", "wrote_in": "ysgrifennodd", "approach": "ymagwedd", "kind": "math", "participants": "cyfranogwyr",
        "pilot": "peilot", "status": "statws", "timescale_defined": "amserlen wedi'i diffinio", "evaluation": "gwerthuso",
        "outcome_measures": "mesurau canlyniad", "flags": "baneri", "suggested_classification": "dosbarthiad a awgrymir",
        "theme": "thema", "with_a_pilot": "gyda pheilot", "share": "cyfran", "without_a_pilot": "heb beilot",
        "evaluated": "wedi'u gwerthuso", "partner": "partner", "severity": "difrifoldeb", "rule": "rheol", "message": "neges",
        "reason": "rheswm", "suggestion": "awgrym", "origin": "tarddiad", "name": "enw", "description": "disgrifiad",
        "extent": "graddau", "extent_note": "nodyn graddau", "timescale_start": "dechrau", "timescale_end": "diwedd",
        "timescale_duration": "hyd", "timescale_phrase": "geiriad yr amserlen", "target_group": "grŵp targed",
        "partners": "partneriaid", "funding": "cyllid", "evaluation_type": "math o werthuso", "evaluator": "gwerthuswr",
        "results_due": "canlyniadau i ddod", "evaluation_note": "nodyn gwerthuso", "outcomes": "canlyniadau",
        "documents": "dogfennau", "language": "iaith", "submitted": "dyddiad", "source_method": "dull casglu",
        "corrected_fields": "meysydd a gywirwyd", "coders": "codwyr", "local_authority": "awdurdod lleol (Saesneg)",
        "awdurdod_lleol": "awdurdod lleol",
    ]
}
