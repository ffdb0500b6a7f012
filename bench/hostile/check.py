#!/usr/bin/env python3
"""Builds the hostile study once and checks the round's targets; exits 1 naming each miss."""
import os
import resource
import subprocess
import sys
import time

work, binary = sys.argv[1], sys.argv[2]
study = os.path.join(work, "study")
planted = [line.strip() for line in open(os.path.join(work, "planted.txt")) if line.strip()]
misses = []

start = time.monotonic()
build = subprocess.run([binary, "build", "--study", study], capture_output=True)
elapsed = time.monotonic() - start
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
messages = build.stdout + build.stderr
print(f"build: exit {build.returncode}, {elapsed:.1f} s, peak RSS {peak_mb:.0f} MB")
if build.returncode < 0:
    misses.append(f"the build ended by signal {-build.returncode}")
if build.returncode not in (0, 65):
    misses.append(f"the build failed (exit {build.returncode}): {build.stderr.decode(errors='replace')[-400:]}")
if elapsed > 60:
    misses.append(f"the build took {elapsed:.1f} s; the target is 60 s")
if peak_mb > 512:
    misses.append(f"peak RSS was {peak_mb:.0f} MB; the bound is 512 MB")

outbox = os.path.join(study, "outbox")
outputs = {}
for name in os.listdir(outbox):
    with open(os.path.join(outbox, name), "rb") as handle:
        outputs[name] = handle.read()
datamap_csv = outputs.get("datamap.csv", b"").decode("utf-8", errors="replace")

# Every valid return is built: the sample's sixteen and the four valid hostile ones.
sample = [name for name in os.listdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "inbox"))]
expected = [f"inbox/{name}" for name in sample] + ["inbox/named-body.xml", "inbox/markup-name.xml", "inbox/Caf\\xE9 conwy.xml"]
rejected = outputs.get("rejected.csv", b"").decode("utf-8", errors="replace")
for path in expected:
    if path in rejected.split(",")[0::1] or any(line.startswith(path + ",") for line in rejected.splitlines()):
        misses.append(f"{path} is valid but was refused")
participants = outputs.get("participants.csv", b"").decode("utf-8", errors="replace")
returns_line = next((line for line in build.stdout.decode(errors="replace").splitlines() if " returns, " in line), "")
print(f"stdout: {returns_line}")
built = int(returns_line.split(":")[1].split()[0]) if returns_line else 0
if built < len(expected):
    misses.append(f"{built} returns built; at least {len(expected)} are valid")

# Nothing planted, no raw markup in the public pages, no control characters anywhere.
for name, data in list(outputs.items()) + [("terminal output", messages)]:
    text = data.decode("utf-8", errors="replace") if name != "datamap.xlsx" else ""
    for value in planted:
        if value in text:
            misses.append(f"{name} contains the planted identity {value!r}")
    if name == "report.html" and ("<script" in text or "<img" in text):
        misses.append(f"{name} contains raw HTML from a name")
    if name == "summary.md" and ("<script" in text or "](javascript:" in text or "](http" in text):
        misses.append(f"{name} contains raw Markdown or HTML from a name")
    if any(ch in text for ch in ("\x1b", "\x07")):
        misses.append(f"{name} contains a terminal control character")

# A 2 MB text return of one-letter lines, alone: 2 s at most.
lone = os.path.join(work, "lone")
os.makedirs(os.path.join(lone, "inbox"))
os.symlink(os.path.join(study, "instruments"), os.path.join(lone, "instruments"))
with open(os.path.join(lone, "inbox", "letters.txt"), "w") as handle:
    handle.write("Organisation: Conwy County Borough Council\nDate: 2018-05-01\n\n" + "a\n" * (1024 * 1024))
start = time.monotonic()
subprocess.run([binary, "build", "--study", lone], capture_output=True)
lone_elapsed = time.monotonic() - start
print(f"2 MB of one-letter lines (refused: over 100,000 lines): {lone_elapsed:.2f} s")
if lone_elapsed > 2:
    misses.append(f"a 2 MB text of one-letter lines took {lone_elapsed:.2f} s; the target is 2 s")

# The same 2 MB read through, not refused: a long report of 90,000 short lines.
with open(os.path.join(lone, "inbox", "letters.txt"), "w") as handle:
    handle.write("Organisation: Conwy County Borough Council\nDate: 2018-05-01\n\n" + "We ran a pilot then.\n" * 95_000)
start = time.monotonic()
read = subprocess.run([binary, "build", "--study", lone], capture_output=True)
long_elapsed = time.monotonic() - start
print(f"2 MB of 95,000 short lines, read through: {long_elapsed:.2f} s (exit {read.returncode})")
if long_elapsed > 2 or read.returncode != 0:
    misses.append(f"a 2 MB text of short lines took {long_elapsed:.2f} s (exit {read.returncode}); the target is 2 s")

outbox_size = sum(len(data) for data in outputs.values())
folder = os.path.join(study, "inbox").encode()
inbox_size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder) if os.path.isfile(os.path.join(folder, name)))
print(f"inbox {inbox_size / 1e6:.1f} MB, outbox {outbox_size / 1e6:.1f} MB")

if misses:
    print("\nhostile round targets MISSED:")
    for miss in misses:
        print("  - " + miss)
    sys.exit(1)
print("hostile round targets met")
