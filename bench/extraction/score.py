#!/usr/bin/env python3
"""Scores `datamap extract --json` against an annotated corpus (gold format: corpus/FORMAT.md).

Prints a per-field table, overall and by form, and exits 1 when a target is missed and
--check is given. Activities are matched to gold by name or alias, then by the evidence sentence;
a prediction listed under the gold's not_activities, or matching nothing, is a false positive.
Usage: score.py CORPUS DATAMAP STUDY [--check] [--json OUT]
"""
import json, os, re, subprocess, sys, unicodedata
import yaml

corpus, datamap, study = sys.argv[1], sys.argv[2], sys.argv[3]
check = "--check" in sys.argv
verbose = "--verbose" in sys.argv

TARGETS = {"returns read": 1.0, "activity recall": 0.90, "activity precision": 0.85, "owner": 0.90,
           "timescale defined": 0.90, "evaluation defined": 0.90, "expected flags": 0.85, "date": 1.0}
# datamap's kinds folded onto the gold's seven.
KIND = {"training": "programme", "recruitment": "other", "multi-agency": "approach"}


def norm(text):
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[^\w' ]+", " ", text)
    words = [w for w in text.split() if w not in {"the", "a", "an", "our", "its", "their", "y", "yr"}]
    return " ".join(words)


def form(stem):
    number = int(re.sub(r"\D", "", stem) or 0)
    for upper, name in [(6, "LA letters"), (10, "third sector"), (13, "health & police"), (16, "committee evidence"),
                        (18, "reports + appendix"), (20, "OCR"), (22, "Markdown"), (24, "Word")]:
        if number <= upper:
            return name
    return "other"


def names_match(pred, gold):
    p = norm(pred)
    if not p:
        return False
    for name in [gold["name"]] + list(gold.get("aliases") or []):
        g = norm(name)
        if not g:
            continue
        if p == g:
            return True
        shorter, longer = sorted([p, g], key=len)
        # one holds the other as whole words, and the shorter is not a lone generic word
        if len(shorter.split()) >= 2 and re.search(r"\b" + re.escape(shorter) + r"\b", longer):
            return True
    return False


def evidence_match(pred, gold):
    ev = norm(gold.get("evidence"))
    phrases = [norm(e["phrase"]) for e in pred.get("evidence", []) if e["field"] == "name"]
    return any(len(p.split()) >= 2 and p in ev for p in phrases)


class Tally:
    def __init__(self):
        self.hit, self.total = {}, {}

    def add(self, field, ok, group):
        for key in (("all", field), (group, field)):
            self.total[key] = self.total.get(key, 0) + 1
            self.hit[key] = self.hit.get(key, 0) + (1 if ok else 0)

    def ratio(self, group, field):
        total = self.total.get((group, field), 0)
        return None if total == 0 else self.hit[(group, field)] / total


tally = Tally()
details = []
gold_dir = os.path.join(corpus, "gold")
for gold_name in sorted(os.listdir(gold_dir)):
    gold = yaml.safe_load(open(os.path.join(gold_dir, gold_name), encoding="utf-8"))
    path = os.path.join(corpus, gold["file"])
    group = form(os.path.basename(path))
    run = subprocess.run([datamap, "extract", "--json", "--study", study, path], capture_output=True, text=True)
    read = run.returncode == 0
    tally.add("returns read", read, group)
    if not read:
        details.append(f"{gold_name}: not read: {run.stderr.strip()[:300]}")
        for _ in gold["activities"]:
            tally.add("activity recall", False, group)
        continue
    document = json.loads(run.stdout)[0]
    author = document["organisation"]["name"]
    # The date: the return's own, or (when it has none) one the study gave, never an invented one.
    stated = document.get("submitted")
    given = str(gold.get("date")) if gold.get("date") else None
    date_ok = (stated == given) if given else (document.get("submittedFrom") not in (None, "return"))
    tally.add("date", date_ok, group)
    if not date_ok:
        details.append(f"{gold_name}: date {stated} ({document.get('submittedFrom')}), gold {given}")
    predicted = document["activities"]
    taken = set()
    for g in gold["activities"]:
        match = next((i for i, p in enumerate(predicted) if i not in taken and names_match(p["name"], g)), None)
        if match is None:
            match = next((i for i, p in enumerate(predicted) if i not in taken and evidence_match(p, g)), None)
        tally.add("activity recall", match is not None, group)
        if g.get("is_pilot"):
            flags_ok = False
        if match is None:
            details.append(f"{gold_name}: missed {g['name']!r}")
            if g.get("is_pilot"):
                tally.add("expected flags", False, group)
            continue
        taken.add(match)
        p = predicted[match]
        owner = (p.get("owner") or {}).get("name") or author
        checks = {
            "owner": norm(owner) == norm(g["organisation"]),
            "kind": KIND.get(p["kind"], p["kind"]) == g["kind"],
            "is_pilot": (p["kind"] == "pilot") == bool(g["is_pilot"]),
            "timescale defined": bool(p.get("timescale") and (p["timescale"].get("end") or p["timescale"].get("duration")))
                                 == bool(g["timescale"]["defined"]),
            "evaluation defined": bool(p.get("evaluation") and p["evaluation"]["type"] != "none")
                                  == bool(g["evaluation"]["defined"]),
        }
        if g.get("is_pilot"):
            flags = set()
            if not (p.get("timescale") and (p["timescale"].get("end") or p["timescale"].get("duration"))):
                flags.add("missing-timescale")
            if not (p.get("evaluation") and p["evaluation"]["type"] != "none"):
                flags.add("missing-evaluation")
            checks["expected flags"] = p["kind"] == "pilot" and flags == set(g.get("expected_flags") or [])
        for field, ok in checks.items():
            tally.add(field, ok, group)
            if not ok:
                details.append(f"{gold_name}: {g['name']!r} as {p['name']!r}: {field} wrong")
    not_activities = [n["phrase"] for n in gold.get("not_activities") or []]
    for i, p in enumerate(predicted):
        if i in taken:
            continue
        tally.add("activity precision", False, group)
        why = "listed as not an activity" if any(norm(n) and (norm(n) in norm(p["name"]) or norm(p["name"]) in norm(n))
                                                 for n in not_activities) else "matches no gold activity"
        details.append(f"{gold_name}: extra {p['name']!r} ({why})")
    for _ in taken:
        tally.add("activity precision", True, group)

fields = ["returns read", "date", "activity recall", "activity precision", "owner", "kind", "is_pilot",
          "timescale defined", "evaluation defined", "expected flags"]
groups = ["all"] + sorted({g for g, _ in tally.total if g != "all"}, key=lambda g: min(
    int(re.sub(r"\D", "", n) or 0) for n in os.listdir(gold_dir) if form(n) == g))
fmt = lambda v: "    -" if v is None else f"{v:5.3f}"
print(f"{'field':20} {'target':>6} " + " ".join(f"{g[:11]:>11}" for g in groups))
failed = []
for field in fields:
    target = TARGETS.get(field)
    row = [tally.ratio(g, field) for g in groups]
    n = tally.total.get(("all", field), 0)
    print(f"{field:20} {('' if target is None else f'{target:.2f}'):>6} " + " ".join(f"{fmt(v):>11}" for v in row) + f"   n={n}")
    if target is not None and row[0] is not None and row[0] + 1e-9 < target:
        failed.append(f"{field} {row[0]:.3f} < {target:.2f}")
if verbose:
    print("\n" + "\n".join(details))
if check and failed:
    print("\nbelow target: " + "; ".join(failed))
    sys.exit(1)
