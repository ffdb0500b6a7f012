import Foundation

/// A tile map of Wales's 22 local authorities, one square each, placed as they lie (Anglesey at
/// the top, Cardiff and Newport at the bottom), shaded by how many activities each reported, and
/// labelled in English and Welsh. Drawn as plain SVG: no map library, no network.
public enum WalesMap {
    public struct Tile: Sendable {
        public let name: String
        public let en: String
        public let cy: String
        let column: Int
        let row: Int
    }

    /// Keyed by the gazetteer's canonical names. Wales has had these 22 principal councils since 1996.
    public static let tiles: [Tile] = [
        Tile(name: "Isle of Anglesey County Council", en: "Anglesey", cy: "Ynys Môn", column: 1, row: 0),
        Tile(name: "Gwynedd Council", en: "Gwynedd", cy: "Gwynedd", column: 1, row: 1),
        Tile(name: "Conwy County Borough Council", en: "Conwy", cy: "Conwy", column: 2, row: 1),
        Tile(name: "Denbighshire County Council", en: "Denbighshire", cy: "Sir Ddinbych", column: 3, row: 1),
        Tile(name: "Flintshire County Council", en: "Flintshire", cy: "Sir y Fflint", column: 4, row: 1),
        Tile(name: "Ceredigion County Council", en: "Ceredigion", cy: "Ceredigion", column: 1, row: 2),
        Tile(name: "Powys County Council", en: "Powys", cy: "Powys", column: 2, row: 2),
        Tile(name: "Wrexham County Borough Council", en: "Wrexham", cy: "Wrecsam", column: 3, row: 2),
        Tile(name: "Pembrokeshire County Council", en: "Pembrokeshire", cy: "Sir Benfro", column: 0, row: 3),
        Tile(name: "Carmarthenshire County Council", en: "Carmarthenshire", cy: "Sir Gâr", column: 1, row: 3),
        Tile(name: "Neath Port Talbot County Borough Council", en: "Neath Port Talbot", cy: "Castell-nedd P.T.", column: 2, row: 3),
        Tile(name: "Merthyr Tydfil County Borough Council", en: "Merthyr Tydfil", cy: "Merthyr Tudful", column: 3, row: 3),
        Tile(name: "Blaenau Gwent County Borough Council", en: "Blaenau Gwent", cy: "Blaenau Gwent", column: 4, row: 3),
        Tile(name: "Monmouthshire County Council", en: "Monmouthshire", cy: "Sir Fynwy", column: 5, row: 3),
        Tile(name: "City and County of Swansea", en: "Swansea", cy: "Abertawe", column: 1, row: 4),
        Tile(name: "Bridgend County Borough Council", en: "Bridgend", cy: "Pen-y-bont", column: 2, row: 4),
        Tile(name: "Rhondda Cynon Taf County Borough Council", en: "Rhondda Cynon Taf", cy: "Rhondda Cynon Taf", column: 3, row: 4),
        Tile(name: "Caerphilly County Borough Council", en: "Caerphilly", cy: "Caerffili", column: 4, row: 4),
        Tile(name: "Torfaen County Borough Council", en: "Torfaen", cy: "Tor-faen", column: 5, row: 4),
        Tile(name: "Vale of Glamorgan Council", en: "Vale of Glamorgan", cy: "Bro Morgannwg", column: 2, row: 5),
        Tile(name: "Cardiff Council", en: "Cardiff", cy: "Caerdydd", column: 3, row: 5),
        Tile(name: "Newport City Council", en: "Newport", cy: "Casnewydd", column: 4, row: 5),
    ]

    /// Light to dark; text is black on the three lightest and white on the two darkest, each at
    /// a contrast above 4.5:1.
    static let shades = ["#f2f2f2", "#c6dbef", "#9ecae1", "#2171b5", "#08306b"]

    /// Each council's activities and pilots, by the gazetteer's name.
    public static func counts(_ map: DataMap) -> [String: (activities: Int, pilots: Int)] {
        var counts: [String: (activities: Int, pilots: Int)] = [:]
        for row in map.rows where row.organisation.type == .localAuthority {
            counts[row.organisation.name, default: (0, 0)].activities += 1
            if row.activity.kind == .pilot { counts[row.organisation.name, default: (0, 0)].pilots += 1 }
        }
        return counts
    }

    /// The table behind the map, so every number the shading shows can be read.
    public static func table(_ map: DataMap, cells: SmallCells) -> ReportTable {
        let counts = counts(map)
        return ReportTable(name: "local-authorities", title: "Activities by local authority",
                           columns: ["local_authority", "awdurdod_lleol", "activities", "pilots"],
                           rows: tiles.map { tile in
                               let count = counts[tile.name]
                               return [tile.en, tile.cy, count.map { cells.show($0.activities, .activities) } ?? "no return",
                                       count.map { cells.show($0.pilots, .activities) } ?? ""]
                           })
    }

    public static func svg(_ map: DataMap, cells: SmallCells) -> String {
        let counts = counts(map)
        let most = max(counts.values.map(\.activities).max() ?? 1, 1)
        let size = 118.0, gap = 6.0
        let width = Int(6 * (size + gap)), height = Int(6 * (size + gap) + 40)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" "
            + "aria-label=\"Map of Wales's 22 local authorities, shaded by the activities each reported; the table after it gives the numbers\">"
        for tile in tiles {
            let x = Double(tile.column) * (size + gap), y = Double(tile.row) * (size + gap)
            let count = counts[tile.name]?.activities ?? 0
            let small = cells.isSmall(count, .activities)
            // A small count is drawn in the lightest shade that counts have, never its own.
            let shade = count == 0 ? 0 : small ? 1 : 1 + min(3, Int((Double(count) / Double(most) * 4).rounded(.up)) - 1)
            let ink = shade >= 3 ? "#ffffff" : "#1d1d1d"
            let shown = count == 0 ? "no return" : cells.show(count, .activities)
            svg += "<g><title>\(HTMLReport.escape(tile.en)) / \(HTMLReport.escape(tile.cy)): \(shown)</title>"
                + "<rect x=\"\(HTMLReport.format(x))\" y=\"\(HTMLReport.format(y))\" width=\"\(Int(size))\" height=\"\(Int(size))\" rx=\"6\" fill=\"\(shades[shade])\" stroke=\"#6b6b6b\"/>"
            for (index, line) in [tile.en, tile.cy, shown].enumerated() {
                let text = index == 1 && tile.cy == tile.en ? "" : line
                guard !text.isEmpty else { continue }
                let weight = index == 2 ? " font-weight=\"bold\"" : ""
                let language = index == 1 ? " lang=\"cy\"" : ""
                svg += "<text x=\"\(HTMLReport.format(x + size / 2))\" y=\"\(HTMLReport.format(y + 34 + Double(index) * 24))\" text-anchor=\"middle\" font-size=\"\(index == 2 ? 16 : 12)\" fill=\"\(ink)\"\(weight)\(language)>\(HTMLReport.escape(text))</text>"
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }
}
