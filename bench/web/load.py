"""Load on the web return form, on loopback only, bounded in respondents and time.

Each simulated respondent opens its own invitation link and fills its whole return page by page
as the browser test does (reading the fields from each page's HTML), with a think time between
pages, then sends it. Page time is from sending a request to having the whole response.

Phase 1: RESPONDENTS at once, no interference: page-time percentiles.
Phase 2: the same again on fresh cases while the server is killed with SIGKILL KILLS times and
restarted; respondents retry a page whose request failed. Afterwards every acknowledged page
(a 303 or a re-rendered page) must be in the drafts' journals, and every sent return whole.

    python bench/web/load.py BINARY STUDY --respondents 200 --kills 50
"""
import argparse, asyncio, csv, glob, html.parser, json, os, random, re, signal, subprocess, sys, time, urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("study")
parser.add_argument("--respondents", type=int, default=200)
parser.add_argument("--kills", type=int, default=50)
parser.add_argument("--think", type=float, default=1.0, help="mean seconds between pages")
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--limit", type=float, default=600, help="seconds allowed per phase")
args = parser.parse_args()
random.seed(args.seed)


class Fields(html.parser.HTMLParser):
    """The form's fields: shown keys, and each input's type, values and kind."""

    def __init__(self):
        super().__init__()
        self.shown, self.inputs, self.check, self.opened = [], {}, None, None

    def handle_starttag(self, tag, attributes):
        a = dict(attributes)
        name = a.get("name")
        if tag == "input" and name == "shown":
            self.shown.append(a.get("value"))
        elif tag == "input" and name == "check":
            self.check = a.get("value")
        elif tag == "input" and name == "opened":
            self.opened = a.get("value")
        elif tag in ("input", "textarea") and name:
            entry = self.inputs.setdefault(name, {"type": a.get("type", tag), "values": [], "kind": a.get("data-kind")})
            if a.get("value") is not None and entry["type"] in ("radio", "checkbox"):
                entry["values"].append(a.get("value"))


def answer(key, entry):
    field = key.rsplit(".", 1)[-1]
    kind = entry["type"]
    more = re.fullmatch(r"([a-z-]+)\[(\d+)\]", key)
    if kind == "radio":
        if key == "consent.given":
            return ["yes"]
        if key == "consent.anonymity":
            return ["anonymous"]
        if more:
            return ["yes" if more.group(1) == "pilots" and int(more.group(2)) <= 2 else "no"]
        if field == "evaluation-type":
            return ["external"]
        return ["yes"] if "yes" in entry["values"] else entry["values"][:1]
    if kind == "checkbox":
        return entry["values"][:1]
    if key == "respondent.name":
        return ["Respondent Name"]
    if key == "respondent.email":
        return ["someone@example.org"]
    if key == "respondent.phone":
        return ["01632 960000"]
    if entry["kind"] == "date" or field in ("start", "end", "results-due"):
        return ["2019-04"]
    if field == "duration":
        return ["2 years"]
    if entry["kind"] == "number":
        return ["3"]
    return [f"An answer about {key} – ŵ ŷ"]


class Server:
    def __init__(self):
        self.process, self.port, self.kills = None, None, 0
        self.stderr = open(os.path.join(args.study, "serve.err"), "a")

    def start(self, port=0):
        self.process = subprocess.Popen([args.binary, "serve", "--study", args.study, "--port", str(port)],
                                        stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.process.stdout.readline()
        match = re.search(r":(\d+)/", line)
        if not match:
            raise SystemExit("the server did not start: " + line)
        self.port = int(match.group(1))

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


async def request(server, method, path, body=None):
    """One HTTP/1.1 request on its own connection; (status, headers, body, seconds)."""
    started = time.perf_counter()
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", server.port), 10)
    try:
        data = body.encode() if body else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: datamap-load/1 Firefox/133.0\r\nConnection: close\r\n"
        if body is not None:
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(data)}\r\n"
        writer.write(head.encode() + b"\r\n" + data)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 30)
    finally:
        writer.close()
    seconds = time.perf_counter() - started
    header, _, content = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/1.1 "):
        raise ConnectionError("no response")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, content.decode("utf-8", "replace"), seconds


async def respondent(server, token, times, acknowledged, retries, deadline):
    """Fills a whole return; records page times and every acknowledged answer."""

    async def call(method, path, body=None):
        while True:
            if time.time() > deadline:
                raise TimeoutError("phase time limit")
            try:
                status, headers, content, seconds = await request(server, method, path, body)
                if status >= 500 or status == 409:
                    raise ConnectionError(f"status {status}")
                times.append(seconds)
                return status, headers, content
            except (ConnectionError, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                retries[0] += 1
                await asyncio.sleep(0.2)

    path = f"/return/{token}"
    status, headers, _ = await call("GET", path)
    path = headers.get("location", path)
    for _ in range(80):
        await asyncio.sleep(random.uniform(0, 2 * args.think))
        status, headers, content = await call("GET", path)
        if status == 303:
            path = headers["location"]
            continue
        slug = urllib.parse.urlparse(path).path.rsplit("/", 1)[-1]
        form = Fields()
        form.feed(content)
        if slug == "done":
            return True
        if slug == "check":
            status, headers, _ = await call("POST", path, urllib.parse.urlencode({"check": form.check, "opened": form.opened, "action": "submit"}))
            path = headers.get("location", path)
            continue
        pairs = [("check", form.check), ("opened", form.opened), ("action", "continue")]
        answers = {}
        for key in form.shown:
            entry = form.inputs.get(key)
            if entry is None:
                continue
            pairs.append(("shown", key))
            values = answer(key, entry)
            answers[key] = values
            pairs.extend((key, value) for value in values)
        status, headers, _ = await call("POST", path, urllib.parse.urlencode(pairs))
        if status == 303:
            acknowledged.append((token, answers))
        if status == 303:
            path = headers["location"]
    return False


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def phase(server, tokens, kills):
    times, acknowledged, retries = [], [], [0]
    deadline = time.time() + args.limit
    tasks = [asyncio.create_task(respondent(server, token, times, acknowledged, retries, deadline)) for token in tokens]

    async def killer():
        # Spread the kills over the run: one every 0.2 to 0.6 s until done or the respondents finish.
        while server.kills < kills and not all(task.done() for task in tasks):
            await asyncio.sleep(random.uniform(0.2, 0.6))
            server.kill()
            server.start(server.port)

    killing = asyncio.create_task(killer()) if kills else None
    started = time.perf_counter()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.perf_counter() - started
    if killing:
        await killing
    finished = sum(1 for r in results if r is True)
    return times, acknowledged, retries[0], finished, elapsed


def journal_answers():
    """Every answer in every web draft's journal: (case, step) -> values given over time."""
    found = {}
    for path in glob.glob(os.path.join(args.study, ".datamap", "interviews", "web-*.journal")):
        case = None
        for line in open(path, encoding="utf-8"):
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if "started" in event:
                case = event["started"]["_0"]["caseID"]
            elif "answered" in event:
                value = event["answered"]["value"]
                given = value.get("text", {}).get("_0") or value.get("choices", {}).get("_0")
                found.setdefault((case, event["answered"]["step"]), []).append(given)
    return found


def main():
    links = {}
    with open(os.path.join(args.study, "links.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            links[row["case"]] = row["link"].rsplit("/", 1)[1]
    cases = sorted(links)
    first, second = cases[:args.respondents], cases[args.respondents:2 * args.respondents]
    server = Server()
    server.start()
    times, acknowledged, retries, finished, elapsed = asyncio.run(phase(server, [links[c] for c in first], 0))
    report = {
        "respondents": len(first), "think_seconds_mean": args.think, "requests": len(times),
        "finished": finished, "seconds": round(elapsed, 1),
        "p50_ms": round(percentile(times, 50) * 1000, 1), "p95_ms": round(percentile(times, 95) * 1000, 1),
        "p99_ms": round(percentile(times, 99) * 1000, 1), "max_ms": round(max(times) * 1000, 1), "retries": retries,
    }
    killed = {}
    if args.kills and second:
        times2, acknowledged2, retries2, finished2, elapsed2 = asyncio.run(phase(server, [links[c] for c in second], args.kills))
        token_case = {token: case for case, token in links.items()}
        answers = journal_answers()
        lost = 0
        # An acknowledged page's every answer must be in its case's journal (as the parser stored
        # it: "2 years" is kept as P2Y, so presence of the answer is what is checked).
        for token, given in acknowledged2:
            case = token_case[token]
            for key, values in given.items():
                if values and not answers.get((case, key)):
                    lost += 1
        returns = glob.glob(os.path.join(args.study, "inbox", "web-*.xml"))
        xsd = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources", "DataMapCore", "Resources", "return-v1.xsd")
        invalid = [p for p in returns if subprocess.run(["xmllint", "--noout", "--schema", xsd, p], capture_output=True).returncode != 0]
        partial = [n for n in os.listdir(os.path.join(args.study, "inbox")) if "partial" in n]
        killed = {"kills": server.kills, "respondents": len(second), "finished": finished2, "seconds": round(elapsed2, 1),
                  "acknowledged_pages": len(acknowledged2), "lost_answers": lost, "retries": retries2,
                  "returns_in_inbox": len(returns), "invalid_returns": len(invalid), "partial_files_visible": len(partial)}
    server.stop()
    print(json.dumps({"load": report, "sigkill": killed}, indent=2))
    ok = report["p99_ms"] <= 100 and report["finished"] == len(first)
    if killed:
        ok = ok and killed["lost_answers"] == 0 and killed["invalid_returns"] == 0 and killed["kills"] >= args.kills
    sys.exit(0 if ok else 1)


main()
