#!/usr/bin/env python3
"""Seeded synthetic UK social-care prose with planted identifiers, for the anonymiser benchmark.

Writes DIR/docs/NNNN.txt, DIR/gold.jsonl (one line per document: code-point spans and types) and
DIR/survivors.jsonl (project dates and organisation names that must come through untouched).
Names are drawn partly from datamap's own lists and partly from names it has never seen, which
appear only in context (a title, a role, "spoke to"), as they do in real returns.
"""
import json, os, random, sys

def nhs_number(rng):
    while True:
        digits = [rng.randint(4, 7)] + [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1)))
        check = 11 - total % 11
        if check == 10: continue
        digits.append(0 if check == 11 else check)
        s = "".join(map(str, digits))
        return rng.choice([f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}"])

def ni_number(rng):
    first = "ABCEGHJKLMNOPRSTWXYZ"; second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(first) + rng.choice(second)
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"): break
    d = [f"{rng.randint(0, 99):02d}" for _ in range(3)]; suffix = rng.choice("ABCD")
    return rng.choice([f"{prefix}{''.join(d)}{suffix}", f"{prefix} {d[0]} {d[1]} {d[2]} {suffix}"])

def phone(rng):
    kind = rng.random()
    if kind < 0.4:
        n = f"07700 900{rng.randint(0, 999):03d}"
        return rng.choice([n, n.replace(" ", ""), "+44 " + n[1:], "+44 (0)" + n[1:], n[:5] + "-" + n[6:9] + "-" + n[9:]])
    if kind < 0.7:
        n = f"029 2018 {rng.randint(0, 9999):04d}"
        return rng.choice([n, "(029) " + n[4:], "+44 29 " + n[4:], n.replace(" ", "")])
    n = f"01632 960{rng.randint(0, 999):03d}"
    return rng.choice([n, "(01632) " + n[6:], "+44 1632 " + n[6:]])

AREAS = ["CF", "SA", "LL", "NP", "LD", "SY", "CH", "LL", "CF"]
def postcode(rng):
    return f"{rng.choice(AREAS)}{rng.randint(1, 48)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"

KNOWN_FIRST = ["Gareth", "Siân", "Rhian", "Bethan", "Dafydd", "Cerys", "Owain", "Llinos", "Amira", "Kwame", "Emma", "James",
               "Sarah", "Huw", "Megan", "Rhys", "Ffion", "Tomos", "Nia", "Zainab", "Piotr", "Priya", "Catrin", "Geraint"]
KNOWN_LAST = ["Jones", "Davies", "Williams", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan", "Griffiths",
              "Watkins", "Pritchard", "Patel", "Khan", "Nowak", "Mensah"]
UNSEEN_FIRST = ["Eluned", "Talfryn", "Morwenna", "Anwen", "Caradog", "Olamide", "Siddharth", "Agnieszka", "Fergus", "Orla"]
UNSEEN_LAST = ["Prydderch", "Gwalchmai", "Okonkwo", "Brzezinski", "Llewelyn-Bowen", "MacAskill", "Tregear", "Haddad", "Oyelaran"]
TITLES = ["Dr", "Mr", "Mrs", "Ms", "Cllr", "Professor"]
ROLES = ["the team manager", "our service manager", "the social worker", "a family support worker", "the practice lead"]
ORGS = ["Conwy County Borough Council", "Cardiff Council", "Betsi Cadwaladr University Health Board", "South Wales Police",
        "Barnardo's Cymru", "Tros Gynnal Plant", "CAFCASS Cymru", "Social Care Wales", "Bangor University", "Swansea University",
        "Gwynedd Council", "City and County of Swansea", "Hywel Dda University Health Board", "Dyfed-Powys Police"]
PROGRAMMES = ["Signs of Safety", "Family Group Conferences", "Team Around the Family", "Multi-Agency Safeguarding Hub",
              "Outcomes Star", "Fostering Changes", "Reflect", "When I'm Ready"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September", "October", "November"]
STREETS = ["Oak Tree Close", "Station Road", "Heol y Frenhines", "Church Street", "Maes y Coed Road", "High Street"]
FILLER = [
    "The service works with families where children are at risk of becoming looked after.",
    "Referrals have risen steadily and the team now holds a waiting list.",
    "Staff turnover remains the main risk to the model.",
    "Practitioners reported that the approach gave them a shared language with families.",
    "Care leavers were involved in designing the support offer.",
    "The project sits within the edge of care strategy agreed by the regional partnership board.",
    "Mae'r tîm yn gweithio gyda theuluoedd ar draws y sir.",
    "Funding is confirmed for the current financial year only.",
    "Quarterly performance figures are reported to the corporate parenting panel.",
    "Placements out of county have fallen since the residential unit opened.",
]

class Doc:
    def __init__(self): self.parts = []; self.spans = []; self.length = 0; self.survivors = []
    def text(self, s): self.parts.append(s); self.length += len(s)
    def entity(self, s, kind):
        self.spans.append({"start": self.length, "end": self.length + len(s), "type": kind}); self.text(s)
    def keep(self, s): self.survivors.append(s); self.text(s)

def person(rng):
    if rng.random() < 0.7: return rng.choice(KNOWN_FIRST), rng.choice(KNOWN_LAST + UNSEEN_LAST[:3])
    return rng.choice(UNSEEN_FIRST), rng.choice(UNSEEN_LAST)

def sentence(doc, rng, people):
    r = rng.random()
    if r < 0.30:
        doc.text(rng.choice(FILLER) + " "); return
    if r < 0.40:
        first, last = person(rng); people.append((first, last))
        form = rng.randint(0, 4)
        if form == 0: doc.text("We spoke to "); doc.entity(f"{first} {last}", "person"); doc.text(f", {rng.choice(ROLES)}, about the referral. ")
        elif form == 1: t = rng.choice(TITLES); doc.entity(f"{t} {first} {last}", "person"); doc.text(" chaired the review panel. ")
        elif form == 2: doc.entity(f"{first} {last}", "person"); doc.text(" said the model had changed practice. ")
        elif form == 3: doc.text("The case was referred by "); doc.entity(f"{first} {last}", "person"); doc.text(". ")
        else: t = rng.choice(TITLES); doc.text("A letter from "); doc.entity(f"{t} {last}", "person"); doc.text(" confirmed the plan. ")
        return
    if r < 0.45 and people:
        first, last = rng.choice(people)
        doc.text("Later, "); doc.entity(first, "person"); doc.text(rng.choice(["'s team reviewed the plan. ", " agreed to follow up. "])); return
    if r < 0.52:
        doc.text("Contact the duty line on "); doc.entity(phone(rng), "phone"); doc.text(" or email ")
        first, last = person(rng)
        doc.entity(f"{first.lower().replace('â','a')}.{last.lower()}@{rng.choice(['conwy.gov.uk','cardiff.example','nhs.wales','charity.org.uk'])}", "email")
        doc.text(". "); return
    if r < 0.58:
        doc.text("The child (born on "); day = rng.randint(1, 28); year = rng.randint(2003, 2016)
        doc.entity(rng.choice([f"{day} {rng.choice(MONTHS)} {year}", f"{day:02d}/{rng.randint(1,12):02d}/{year}"]), "date-of-birth")
        doc.text(", NHS number "); doc.entity(nhs_number(rng), "nhs-number"); doc.text(") lives at ")
        doc.entity(f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "address"); doc.text(", "); doc.entity(postcode(rng), "postcode"); doc.text(". "); return
    if r < 0.62:
        doc.text("Her mother's National Insurance number is "); doc.entity(ni_number(rng), "ni-number"); doc.text(". "); return
    if r < 0.64:
        doc.text("Posts are shared on "); doc.entity(f"@{rng.choice(['cwtch','caerdydd','ynys','fosterwales'])}{rng.randint(1,99)}", "handle")
        doc.text(" and "); doc.entity(f"https://www.linkedin.com/in/{rng.choice(KNOWN_FIRST).lower().replace('â','a')}-{rng.randint(10,99)}", "url"); doc.text(". "); return
    if r < 0.82:
        doc.text("The "); doc.keep(rng.choice(PROGRAMMES)); doc.text(" pilot with "); doc.keep(rng.choice(ORGS))
        doc.text(" runs from "); doc.keep(f"{rng.choice(MONTHS)} {rng.randint(2015, 2019)}"); doc.text(" until ")
        doc.keep(str(rng.randint(2019, 2022))); doc.text(". "); return
    doc.text("Between "); doc.keep(f"{rng.randint(2014, 2017)}-{rng.randint(1,12):02d}"); doc.text(" and now, ")
    doc.keep(rng.choice(ORGS)); doc.text(f" supported {rng.randint(12, 300)} families. ")

def main():
    out, seed, target = sys.argv[1], int(sys.argv[2]), int(float(sys.argv[3]) * 1024 * 1024)
    rng = random.Random(seed)
    os.makedirs(os.path.join(out, "docs"), exist_ok=True)
    total, index = 0, 0
    with open(os.path.join(out, "gold.jsonl"), "w") as gold, open(os.path.join(out, "survivors.jsonl"), "w") as keep:
        while total < target:
            doc, people = Doc(), []
            for _ in range(rng.randint(60, 110)):
                sentence(doc, rng, people)
                if rng.random() < 0.12: doc.text("\n\n")
            text = "".join(doc.parts)
            name = f"{index:04d}.txt"
            with open(os.path.join(out, "docs", name), "w", encoding="utf-8") as f: f.write(text)
            gold.write(json.dumps({"file": name, "spans": doc.spans}) + "\n")
            keep.write(json.dumps({"file": name, "survivors": doc.survivors}) + "\n")
            total += len(text.encode("utf-8")); index += 1
    print(f"{index} documents, {total / 1024 / 1024:.2f} MB", file=sys.stderr)

if __name__ == "__main__":
    main()
