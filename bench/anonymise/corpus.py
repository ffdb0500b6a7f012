#!/usr/bin/env python3
"""Scores `datamap anonymise` on an annotated corpus of returns nobody on the project wrote
(gold format: corpus/FORMAT.md): per-type share of `persons` hidden, span precision for people,
and the share of `keep` names that survive. Word files are read paragraph by paragraph and each
table cell as its own line, as the gold's verbatim rule says.
Usage: corpus.py CORPUS DATAMAP STUDY [--check] [--verbose]
"""
import json, os, re, subprocess, sys, tempfile, zipfile
import xml.etree.ElementTree as ET
import yaml

corpus, datamap, study = sys.argv[1], sys.argv[2], sys.argv[3]
TARGETS = {"NAME": 0.97, "ROLE": 0.95, "keep": 0.98, "span precision": 0.95, "patterned": 0.99}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path):
    root = ET.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    lines = []
    for paragraph in root.iter(W + "p"):
        lines.append("".join(t.text or "" for t in paragraph.iter(W + "t")))
    return "\n".join(lines) + "\n"


texts, golds = {}, {}
for name in sorted(os.listdir(os.path.join(corpus, "gold"))):
    gold = yaml.safe_load(open(os.path.join(corpus, "gold", name), encoding="utf-8"))
    path = os.path.join(corpus, gold["file"])
    texts[name] = docx_text(path) if path.endswith(".docx") else open(path, encoding="utf-8").read()
    golds[name] = gold

with tempfile.TemporaryDirectory() as work:
    files = []
    for name, text in texts.items():
        files.append(os.path.join(work, name + ".txt"))
        open(files[-1], "w", encoding="utf-8").write(text)
    scrubbed = {}
    for name, file in zip(texts, files):
        scrubbed[name] = subprocess.run([datamap, "anonymise", "--study", study, file], check=True,
                                        capture_output=True, text=True).stdout
    spans = {os.path.basename(d["file"])[:-4]: d["spans"] for d in json.loads(
        subprocess.run([datamap, "anonymise", "--study", study, "--spans"] + files, check=True, capture_output=True).stdout)}

hidden, total, leaks = {}, {}, []
kept = keep_total = 0
lost = []
person_spans = person_good = 0
for name, gold in golds.items():
    out = scrubbed[name]
    for person in gold.get("persons") or []:
        kind, text = person["type"], str(person["text"])
        total[kind] = total.get(kind, 0) + 1
        # hidden when no occurrence survives (a bare first name inside a kept word does not count)
        leaked = re.search(r"(?<!\w)" + re.escape(text) + r"(?!\w)", out) is not None
        hidden[kind] = hidden.get(kind, 0) + (0 if leaked else 1)
        if leaked:
            leaks.append(f"{name}: {kind} {text!r}")
    for keep in gold.get("keep") or []:
        keep_total += 1
        if str(keep) in out:
            kept += 1
        else:
            lost.append(f"{name}: keep {keep!r}")
    # span precision for people: a person span is right when it overlaps a gold NAME or ROLE occurrence
    text = texts[name]
    gold_ranges = []
    for person in gold.get("persons") or []:
        if person["type"] in ("NAME", "ROLE"):
            for m in re.finditer(re.escape(str(person["text"])), text):
                gold_ranges.append((m.start(), m.end()))
    for span in spans.get(name, []):
        if span["type"] not in ("person", "role"):
            continue
        # spans count code points, as Python strings do
        person_spans += 1
        if any(span["start"] < b and a < span["end"] for a, b in gold_ranges):
            person_good += 1
        else:
            leaks.append(f"{name}: over-masked {text[span['start']:span['end']]!r}")

patterned = [k for k in total if k not in ("NAME", "ROLE")]
rows = [(k, hidden[k] / total[k], total[k]) for k in sorted(total)]
print(f"{'type':18} {'hidden':>7} {'n':>4}")
for kind, share, n in rows:
    print(f"{kind:18} {share:7.3f} {n:4d}")
p_hidden = sum(hidden[k] for k in patterned) / max(1, sum(total[k] for k in patterned))
precision = person_good / person_spans if person_spans else 0.0
print(f"{'patterned (all)':18} {p_hidden:7.3f} {sum(total[k] for k in patterned):4d}")
print(f"{'span precision':18} {precision:7.3f} {person_spans:4d}  (person and role spans on a gold name or role)")
print(f"{'keep kept':18} {kept / keep_total:7.3f} {keep_total:4d}")
if "--verbose" in sys.argv:
    print("\n" + "\n".join(leaks + lost))
failed = []
for kind, target in (("NAME", TARGETS["NAME"]), ("ROLE", TARGETS["ROLE"])):
    if kind in total and hidden[kind] / total[kind] < target:
        failed.append(f"{kind} {hidden[kind] / total[kind]:.3f} < {target}")
if p_hidden < TARGETS["patterned"]:
    failed.append(f"patterned {p_hidden:.3f} < {TARGETS['patterned']}")
if kept / keep_total < TARGETS["keep"]:
    failed.append(f"keep {kept / keep_total:.3f} < {TARGETS['keep']}")
if precision < TARGETS["span precision"]:
    failed.append(f"span precision {precision:.3f} < {TARGETS['span precision']}")
if "--check" in sys.argv and failed:
    print("below target: " + "; ".join(failed))
    sys.exit(1)
