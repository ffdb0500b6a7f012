#!/usr/bin/env python3
"""Times xmllint's streaming parse, datamap build (cold and incremental) and the Python reference
pipeline on one generated study per size, in one run, and prints ratios and peak RSS. Peak RSS
comes from wait4 on each child, so it covers that command and everything it started."""
import argparse, glob, os, shutil, statistics, subprocess, sys, tempfile, time

parser = argparse.ArgumentParser()
parser.add_argument("--datamap", required=True)
parser.add_argument("--study", required=True, help="the study whose instruments/ the generator uses")
parser.add_argument("--work", required=True)
parser.add_argument("--python", required=True, help="the virtualenv's python, with lxml and scrubadub")
parser.add_argument("--seed", default="7")
parser.add_argument("--baseline", help="another datamap binary (an earlier commit), timed on the same files with its own store")
parser.add_argument("--runs", type=int, default=1, help="cold builds per binary, alternating, median kept (each from an empty store)")
parser.add_argument("sizes", nargs="+", type=int)
args = parser.parse_args()
here = os.path.dirname(os.path.abspath(__file__))

def measure(command, **kwargs):
    """Runs command; returns (seconds, peak RSS in MB). Output is discarded; failure stops the run."""
    # Standard error goes to a file: a build that reports thousands of findings would fill a
    # pipe nobody reads until it ends, and wait for ever.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, **kwargs)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 65):
            errors.seek(0)
            sys.exit(f"{command[0]} failed with {code}: {errors.read().decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss / 1024

rows = {}
for size in args.sizes:
    study = os.path.join(args.work, f"study-{size}")
    subprocess.run([args.datamap, "generate", "--returns", str(size), "--seed", args.seed, "--output", study,
                    "--study", args.study], check=True, stdout=subprocess.DEVNULL)
    inbox = os.path.join(study, "inbox")
    files = sorted(glob.glob(os.path.join(inbox, "*")))
    xml = [f for f in files if f.endswith(".xml")]
    megabytes = sum(os.path.getsize(f) for f in files) / 1024 / 1024
    # Every tool reads from a warm page cache.
    for f in files:
        with open(f, "rb") as handle:
            handle.read()
    results = {}
    # xmllint takes the files in batches, as many as a command line holds.
    listing = os.path.join(args.work, f"xml-{size}.txt")
    with open(listing, "w") as handle:
        handle.write("\0".join(xml))
    results["xmllint --stream"] = measure(["sh", "-c", f"xargs -0 -n 2000 xmllint --noout --stream < '{listing}'"])
    # Cold builds alternate between the binaries, each from an empty store, and the median of
    # each is kept: one run apiece moves by several per cent on a shared machine.
    state = os.path.join(args.work, f"baseline-state-{size}")
    cold = {"datamap cold": [], "baseline cold": []}
    for _ in range(args.runs):
        for name, command, folder in [("datamap cold", [args.datamap, "build", "--study", study], os.path.join(study, ".datamap")),
                                      ("baseline cold", [args.baseline, "build", "--study", study, "--state", state], state)]:
            if name == "baseline cold" and not args.baseline:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            cold[name].append(measure(command))
    for name, runs in cold.items():
        if runs:
            results[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
    subprocess.run([args.datamap, "generate", "--returns", "1", "--seed", args.seed, "--first", str(size + 1),
                    "--output", study, "--study", args.study], check=True, stdout=subprocess.DEVNULL)
    results["datamap +1 return"] = measure([args.datamap, "build", "--study", study])
    if args.baseline:
        results["baseline +1 return"] = measure([args.baseline, "build", "--study", study, "--state", state])
    results["python lxml+scrubadub"] = measure([args.python, os.path.join(here, "reference.py"), inbox,
                                                os.path.join(args.work, f"reference-{size}.csv")])
    rows[size] = (len(files), len(xml), megabytes, results)

    floor = results["xmllint --stream"][0]
    print(f"\nN = {size}: {len(files)} returns ({len(xml)} XML), {megabytes:.1f} MB")
    print(f"{'':24} {'seconds':>9} {'x floor':>9} {'peak RSS':>10}")
    for name, (seconds, rss) in results.items():
        print(f"{name:24} {seconds:9.2f} {seconds / floor:9.1f} {rss:8.0f} MB")
    cold, python = results["datamap cold"][0], results["python lxml+scrubadub"][0]
    print(f"datamap cold = {cold / floor:.1f} x the xmllint floor (target <= 3); "
          f"Python reference = {python / cold:.1f} x datamap cold (target >= 20); "
          f"incremental {results['datamap +1 return'][0]:.2f} s (target <= 1)")
    if args.baseline:
        print(f"against the baseline in this run: cold {cold / results['baseline cold'][0]:.3f} x, "
              f"+1 return {results['datamap +1 return'][0] / results['baseline +1 return'][0]:.3f} x, "
              f"peak RSS {results['datamap cold'][1] / results['baseline cold'][1]:.3f} x (target: each <= 1.10)")
    sys.stdout.flush()

if len(rows) > 1:
    small, large = min(rows), max(rows)
    a, b = rows[small][3]["datamap cold"][1], rows[large][3]["datamap cold"][1]
    print(f"\ndatamap cold peak RSS: {a:.0f} MB at N = {small}, {b:.0f} MB at N = {large} "
          f"({b / a:.2f} x for {large / small:.0f} x the returns; target: flat, <= 200 MB)")
