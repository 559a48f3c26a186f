"""`kg serve` under a bounded load loop on loopback: 10,000 requests with malformed queries and
updates mixed in. Every valid query is answered correctly, every update refused, and the
server's memory (itself and its query workers) stays under a stated bound."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REQUESTS = 10_000
CLIENTS = 2
MEMORY_BOUND_MB = 300  # resident memory of the server and its workers together

ZONES = ("SELECT DISTINCT ?z WHERE { ?z a <https://w3id.org/kaifang/ontology#BorderPilotZone> }")
ASK = "ASK { ?z a <https://w3id.org/kaifang/ontology#Observation> }"
MALFORMED = ["SELECT * WHERE { ?s ?p }", "SELEC ?x", "SELECT * WHERE { ?s ?p ?o", "}{", "ASK { <no-closing ?p ?o }"]
UPDATES = ["DELETE WHERE { ?s ?p ?o }", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DROP ALL", "CLEAR DEFAULT",
           "LOAD <http://127.0.0.1:9/x>"]


def resident_mb(pid: int) -> float:
    """VmRSS of a process and all its descendants, in MB."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def request(url: str, query: str) -> tuple[int, bytes]:
    data = urllib.parse.urlencode({"query": query}).encode()
    req = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json",
                                                          "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_ten_thousand_requests_with_malformed_ones_mixed_in(seeds_build):
    process = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(seeds_build.out), "--port", "0",
                                "--quiet", "--timeout", "10"], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        url = line.split("SPARQL endpoint ", 1)[1].split(" ", 1)[0]
        rng = random.Random(7)
        plan = [rng.choices(("zones", "ask", "malformed", "update"), weights=(70, 10, 10, 10))[0]
                for _ in range(REQUESTS)]
        outcomes: dict[str, list[int]] = {kind: [0, 0] for kind in ("zones", "ask", "malformed", "update")}
        wrong: list[str] = []
        peak = [resident_mb(process.pid)]
        lock = threading.Lock()

        def client(indexes: range) -> None:
            for i in indexes:
                kind = plan[i]
                query = {"zones": ZONES, "ask": ASK}.get(kind) or rng.choice(MALFORMED if kind == "malformed" else UPDATES)
                status, body = request(url, query)
                ok = False
                if kind == "zones":
                    ok = status == 200 and len(json.loads(body)["results"]["bindings"]) == 9
                elif kind == "ask":
                    ok = status == 200 and json.loads(body)["boolean"] is True
                else:
                    ok = status in (400, 403)
                with lock:
                    outcomes[kind][0 if ok else 1] += 1
                    if not ok and len(wrong) < 5:
                        wrong.append(f"{kind} -> {status} {body[:120]!r}")
                    if i % 500 == 0:
                        peak[0] = max(peak[0], resident_mb(process.pid))

        share = REQUESTS // CLIENTS
        threads = [threading.Thread(target=client, args=(range(c * share, (c + 1) * share),)) for c in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak[0] = max(peak[0], resident_mb(process.pid))
        assert wrong == []
        assert sum(ok for ok, _ in outcomes.values()) == REQUESTS
        assert outcomes["malformed"][0] > 500 and outcomes["update"][0] > 500
        assert peak[0] < MEMORY_BOUND_MB, f"peak resident memory {peak[0]:.0f} MB"
        # still healthy afterwards
        status, body = request(url, ZONES)
        assert status == 200
        print(f"\n{REQUESTS} requests: {outcomes}; peak RSS {peak[0]:.0f} MB")
    finally:
        process.terminate()
        process.communicate(timeout=30)
