"""Benchmark Kaifang KG: build stages, saved reports, and the reference path, at several scales.

    python bench/run.py [--scales 1,10,100] [--quick] [--cap SECONDS] [--json FILE]

For every scale N (1 = the seeds; N > 1 = the corpus bench/corpus.py generates, N times the
seeds with new names and figures) it prints, as Markdown tables:

- each build stage's time and peak memory (resident set, reset at every stage) for our
  pipeline (native OWL 2 RL closure, SHACL compiled to SPARQL), run as a child process;
- the wall time of the whole build, and for scale 1 also of the ``kg build`` command itself;
- each saved report's (queries/*.rq) median latency in-process, and ``kg report run`` cold
  wall time in a fresh process;
- the reference path on the same input in the same run (rdflib + owlrl + pyshacl, i.e.
  ``kg build --reasoner owlrl --validator pyshacl``), stopped at ``--cap`` seconds and then
  reported as "> cap", and the ratio of ours to it.

Nothing here asserts a time: numbers depend on the machine and on what else runs on it, so
ratios are measured in the same run and the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STAGES = ("read", "extract", "assemble", "reason", "validate", "dumps", "store")
REPORT_BUDGET = 10.0  # seconds of repeated runs per report before taking the median of what ran
REPORT_CAP = 60.0  # seconds before a report's timing process is stopped (--report-cap)
COLD_CAP = 60.0  # seconds before a cold `kg report run` is stopped (--report-cap)
MEMORY_CAP_GB = 6  # address space of every report process
REFERENCE_MEMORY_GB = 12  # address space of the reference build (rdflib holds the whole graph)


# --- the child process: one instrumented build -------------------------------------------------

def _status(field_name: str) -> int:
    """A /proc/self/status figure in MB (0 where there is no /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def _reset_peak() -> None:
    """Restart the peak-RSS counter (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def child_build(seeds: str, out: str, reasoner: str, validator: str) -> int:
    from kg.build import BuildOptions, run_build
    from kg.namespaces import DEFAULT_BASE

    def progress(stage) -> None:
        print(json.dumps({"stage": stage.name, "seconds": stage.seconds, "peak_mb": _status("VmHWM"),
                          "detail": stage.detail}), flush=True)
        _reset_peak()

    _reset_peak()
    result = run_build(BuildOptions(seeds=Path(seeds), out=Path(out), base=DEFAULT_BASE, reasoner=reasoner,
                                    validator=validator), progress)
    print(json.dumps({"done": True, "documents": result.documents, "facts": result.facts, "quads": result.quads,
                      "inferred": result.inferred, "conforms": result.validation.conforms,
                      "validation": result.validation.summary()}), flush=True)
    return 0


# --- the parent: runs, measures, prints --------------------------------------------------------

@dataclass
class Stage:
    name: str
    seconds: float
    peak_mb: int
    detail: str = ""


@dataclass
class BuildRun:
    engine: str
    wall: float
    capped: bool
    stages: list[Stage] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    error: str = ""

    @property
    def peak_mb(self) -> int:
        return max((s.peak_mb for s in self.stages), default=0)

    def stage(self, name: str) -> Stage | None:
        return next((s for s in self.stages if s.name == name), None)


def instrumented_build(seeds: Path, out: Path, reasoner: str, validator: str, cap: float | None,
                       memory_gb: int | None = None) -> BuildRun:
    """Run one build in a child process; stop it at ``cap`` seconds (and ``memory_gb`` of address space)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(seeds), str(out), reasoner, validator]
    lines: list[str] = []
    errors: list[str] = []
    started = time.perf_counter()
    limit = None
    if memory_gb:
        def limit() -> None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_gb * 1024 ** 3, memory_gb * 1024 ** 3))
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                             preexec_fn=limit)
    readers = [threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True),
               threading.Thread(target=lambda: errors.extend(child.stderr), daemon=True)]
    for reader in readers:
        reader.start()
    capped = False
    try:
        child.wait(timeout=cap)
    except subprocess.TimeoutExpired:
        capped = True
        child.kill()
        child.wait()
    wall = time.perf_counter() - started
    for reader in readers:
        reader.join(timeout=5)
    run = BuildRun(f"{reasoner}+{validator}", wall, capped)
    for line in lines:
        record = json.loads(line)
        if record.get("done"):
            run.summary = record
        else:
            run.stages.append(Stage(record["stage"], record["seconds"], record["peak_mb"], record["detail"]))
    if not capped and child.returncode != 0:
        run.error = f"exit {child.returncode}: " + "".join(errors).strip()[-500:]
        print(f"build failed ({run.engine}): {run.error}", file=sys.stderr)
    return run


def cli_build_wall(seeds: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*_kg(), "build", "--seeds", str(seeds), "--out", str(out), "-q"], cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def _kg() -> list[str]:
    script = Path(sys.executable).parent / "kg"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from kg.cli import main; main()"]


@dataclass
class ReportTiming:
    name: str
    rows: int = 0
    median_ms: float | None = None
    cold_ms: float | None = None
    cold_capped: bool = False
    error: str = ""


def _limit_memory() -> None:
    """In a child: fail with an allocation error rather than take the machine's memory."""
    import resource

    limit = MEMORY_CAP_GB * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def child_report(build: str, name: str, repeats: str) -> int:
    """In a child process: one saved report, warm-up then timed runs, as one JSON line."""
    from kg.namespaces import DEFAULT_BASE, Namespaces
    from kg.paths import QUERIES_DIR
    from kg.store import open_store

    ns = Namespaces(DEFAULT_BASE)
    store = open_store(Path(build))
    try:
        from kg.reports import load_reports, run_report

        report = load_reports(QUERIES_DIR)[name]
        run = lambda: run_report(store, report, {}, ns)  # noqa: E731
    except ImportError:  # before kg.reports existed: the .rq file as it is
        from kg.query import run_query

        text = (QUERIES_DIR / f"{name}.rq").read_text(encoding="utf-8")
        run = lambda: run_query(store, text, ns)  # noqa: E731
    started = time.perf_counter()
    rows = len(run().rows)  # warm-up
    samples = [time.perf_counter() - started]
    budget = time.perf_counter() + REPORT_BUDGET
    for _ in range(int(repeats)):
        if time.perf_counter() > budget:
            break  # a slow report gets fewer runs; one taking the whole budget is timed by its warm-up
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    print(json.dumps({"rows": rows, "median_ms": statistics.median(samples[1:] or samples) * 1000,
                      "runs": len(samples)}), flush=True)
    return 0


def report_names() -> list[str]:
    from kg.paths import QUERIES_DIR

    return sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))


def _failure(done_stderr: str, returncode: int) -> str:
    if "bad_alloc" in done_stderr or "MemoryError" in done_stderr:
        return f"out of memory (> {MEMORY_CAP_GB} GB)"
    return (done_stderr.strip().splitlines() or [f"exit {returncode}"])[-1][:120]


def report_timings(build: Path, repeats: int, cold: bool) -> list[ReportTiming]:
    """Each saved report with its default parameters: median in a warm process, and cold.

    Every run is a child process with a memory cap and a time cap, so a report that explodes
    at scale is reported as such instead of taking the machine down.
    """
    timings = []
    for name in report_names():
        timing = ReportTiming(name)
        command = [sys.executable, str(Path(__file__).resolve()), "--child-report", str(build), name, str(repeats)]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                                  timeout=REPORT_CAP, preexec_fn=_limit_memory)
            if done.returncode == 0:
                record = json.loads(done.stdout.strip().splitlines()[-1])
                timing.rows, timing.median_ms = record["rows"], record["median_ms"]
            else:
                timing.error = _failure(done.stderr, done.returncode)
        except subprocess.TimeoutExpired:
            timing.error = f"> {REPORT_CAP:.0f} s"
        if cold and not timing.error:
            started = time.perf_counter()
            try:
                done = subprocess.run([*_kg(), "report", "run", name, "--store", str(build), "--format", "csv",
                                       "-o", os.devnull], cwd=ROOT, capture_output=True, text=True, check=False,
                                      timeout=COLD_CAP, preexec_fn=_limit_memory)
                timing.cold_ms = (time.perf_counter() - started) * 1000
                if done.returncode != 0:
                    timing.error = _failure(done.stderr, done.returncode)
            except subprocess.TimeoutExpired:
                timing.cold_capped = True
        timings.append(timing)
    return timings


@dataclass
class ScaleResult:
    scale: int
    documents: int = 0
    ours: list[BuildRun] = field(default_factory=list)
    cli_walls: list[float] = field(default_factory=list)
    reference: BuildRun | None = None
    reports: list[ReportTiming] = field(default_factory=list)

    @property
    def median_run(self) -> BuildRun:
        return sorted(self.ours, key=lambda r: r.wall)[len(self.ours) // 2]


def bench_scale(scale: int, work: Path, repeats: int, report_repeats: int, cap: float, reference: bool,
                cold: bool) -> ScaleResult:
    from bench.corpus import generate

    result = ScaleResult(scale)
    if scale == 1:
        seeds = ROOT / "seeds"
    else:
        seeds = work / f"corpus-x{scale}"
        generate(ROOT / "seeds", seeds, scale)
    out = work / f"build-x{scale}"
    for _ in range(repeats):
        result.ours.append(instrumented_build(seeds, out, "native", "native", cap=None))
    result.documents = result.median_run.summary.get("documents", 0)
    if scale == 1:
        result.cli_walls = [cli_build_wall(seeds, work / "build-cli") for _ in range(repeats)]
        shutil.rmtree(work / "build-cli", ignore_errors=True)
    result.reports = report_timings(out, report_repeats, cold)
    shutil.rmtree(out, ignore_errors=True)
    if reference:
        reference_out = work / f"reference-x{scale}"
        result.reference = instrumented_build(seeds, reference_out, "owlrl", "pyshacl", cap=cap,
                                              memory_gb=REFERENCE_MEMORY_GB)
        shutil.rmtree(reference_out, ignore_errors=True)
    if scale != 1:
        shutil.rmtree(seeds, ignore_errors=True)
    return result


# --- printing -------------------------------------------------------------------------------------

def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _ms(value: float | None) -> str:
    return "–" if value is None else (f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms")


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            total_kb = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
            memory = f", {total_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    import pyoxigraph

    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return (f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}, pyoxigraph {pyoxigraph.__version__}{load}")


def print_tables(results: list[ScaleResult], cap: float) -> str:
    out: list[str] = []
    head = " | ".join(f"x{r.scale} ({r.documents} docs)" for r in results)
    out += ["### Build stages (ours: native closure, SHACL as SPARQL): time and peak RSS", "",
            f"| stage | {head} |", "|---|" + "---|" * len(results)]
    for name in STAGES:
        cells = []
        for r in results:
            stage = r.median_run.stage(name)
            cells.append(f"{_seconds(stage.seconds)}, {stage.peak_mb} MB" if stage else "–")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out.append("| **build wall** (child process) | " + " | ".join(
        f"**{_seconds(r.median_run.wall)}**, peak {r.median_run.peak_mb} MB" for r in results) + " |")
    if any(r.cli_walls for r in results):
        out.append("| `kg build` wall (median) | " + " | ".join(
            _seconds(statistics.median(r.cli_walls)) if r.cli_walls else "–" for r in results) + " |")
    out.append("| build wall per document | " + " | ".join(
        f"{r.median_run.wall / max(r.documents, 1):.2f} s" for r in results) + " |")
    out.append("| quads | " + " | ".join(str(r.median_run.summary.get("quads", "–")) for r in results) + " |")
    out.append("| SHACL | " + " | ".join(str(r.median_run.summary.get("validation", "–")) for r in results) + " |")

    if any(r.reference for r in results):
        out += ["", f"### Reference path (rdflib + owlrl + pyshacl) on the same input, capped at {cap:.0f} s", "",
                f"| | {head} |", "|---|" + "---|" * len(results)]
        for label, ours_stage, ref_stage in (("reason: native / owlrl", "reason", "reason"),
                                             ("validate: native / pyshacl", "validate", "validate")):
            cells = []
            for r in results:
                mine, theirs = r.median_run.stage(ours_stage), r.reference.stage(ref_stage) if r.reference else None
                if r.reference is None:
                    cells.append("–")
                elif theirs is None:
                    cells.append(f"{_seconds(mine.seconds)} / > cap")
                else:
                    cells.append(f"{_seconds(mine.seconds)} / {_seconds(theirs.seconds)} "
                                 f"(×{theirs.seconds / max(mine.seconds, 1e-9):.0f})")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        cells = []
        for r in results:
            if r.reference is None:
                cells.append("–")
            elif r.reference.error:
                reached = r.reference.stages[-1].name if r.reference.stages else "start"
                cells.append(f"{_seconds(r.median_run.wall)} / failed after {reached} "
                             f"({_seconds(r.reference.wall)}): {r.reference.error[-80:]}")
            elif r.reference.capped:
                reached = r.reference.stages[-1].name if r.reference.stages else "start"
                cells.append(f"{_seconds(r.median_run.wall)} / > {cap:.0f} s (stopped after {reached}); "
                             f"ratio < {r.median_run.wall / cap:.3f}")
            else:
                cells.append(f"{_seconds(r.median_run.wall)} / {_seconds(r.reference.wall)}; ratio "
                             f"{r.median_run.wall / r.reference.wall:.3f} (×{r.reference.wall / r.median_run.wall:.0f})")
        out.append("| whole build: ours / reference | " + " | ".join(cells) + " |")
        out.append("| reference peak RSS | " + " | ".join(
            f"{r.reference.peak_mb} MB" if r.reference else "–" for r in results) + " |")

    out += ["", "### Saved reports: median in-process latency / `kg report run` cold wall time", "",
            f"| report | {head} |", "|---|" + "---|" * len(results)]
    names = sorted({t.name for r in results for t in r.reports})
    for name in names:
        cells = []
        for r in results:
            t = next((t for t in r.reports if t.name == name), None)
            if t is None:
                cells.append("–")
            elif t.error:
                cells.append(f"error: {t.error[:60]}")
            else:
                cold = f"> {COLD_CAP:.0f} s" if t.cold_capped else _ms(t.cold_ms)
                cells.append(f"{_ms(t.median_ms)} / {cold} ({t.rows} rows)")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    worst = []
    for r in results:
        ok = [t for t in r.reports if not t.error and t.median_ms is not None]
        worst.append(f"{_ms(max((t.median_ms for t in ok), default=None))} / "
                     f"{_ms(max((t.cold_ms for t in ok if t.cold_ms is not None), default=None))}")
    out.append("| **slowest** | " + " | ".join(worst) + " |")
    out += ["", "### Targets", ""] + [f"- {line}" for line in target_lines(results)]
    return "\n".join(out)


def target_lines(results: list[ScaleResult]) -> list[str]:
    """Each target of the benchmark, met or missed, with the measured figure."""
    lines = []

    def check(label: str, value: float | None, limit: float, unit: str) -> None:
        if value is None:
            lines.append(f"{label}: not measured")
        else:
            lines.append(f"{label} <= {limit:g} {unit}: {'met' if value <= limit else 'MISSED'} ({value:.3g} {unit})")

    by_scale = {r.scale: r for r in results}
    seeds = by_scale.get(1)
    if seeds:
        check("seeds: kg build wall", statistics.median(seeds.cli_walls) if seeds.cli_walls else None, 3, "s")
        ok = [t for t in seeds.reports if not t.error]
        check("seeds: slowest report, median in-process", max((t.median_ms for t in ok), default=None), 50, "ms")
        colds = [t.cold_ms for t in ok if t.cold_ms is not None]
        check("seeds: slowest kg report run, cold", max(colds) / 1000 if colds else None, 0.6, "s")
    big = by_scale.get(100)
    if big:
        check("x100: build wall", big.median_run.wall, 180, "s")
        check("x100: build peak RSS", big.median_run.peak_mb / 1024, 3, "GB")
        failed = [t.name for t in big.reports if t.error]
        ok = [t for t in big.reports if not t.error]
        check("x100: slowest report, median in-process", max((t.median_ms for t in ok), default=None), 500, "ms")
        if failed:
            lines.append(f"x100: reports that failed: {', '.join(failed)}")
    if seeds and len(results) > 1:
        base = seeds.median_run.wall / max(seeds.documents, 1)
        for r in results[1:]:
            per_document = r.median_run.wall / max(r.documents, 1)
            lines.append(f"x{r.scale}: build time per document {per_document / base:.2f} × the seeds' "
                         f"({'no faster than linear' if per_document <= base * 1.1 else 'FASTER than linear'})")
    return lines


def main(argv: list[str] | None = None) -> int:
    global REPORT_CAP, COLD_CAP
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_build(*argv[1:5])
    if argv[:1] == ["--child-report"]:
        return child_report(*argv[1:4])
    parser = argparse.ArgumentParser(description="Benchmark the build, the reports and the reference path.")
    parser.add_argument("--scales", default="1,10,100", help="comma-separated corpus scales (1 = the seeds)")
    parser.add_argument("--quick", action="store_true",
                        help="one build per scale, 3 report runs, reference capped at 60 s")
    parser.add_argument("--cap", type=float, default=None, help="seconds before the reference path is stopped "
                        "(default 300, 60 with --quick)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference path")
    parser.add_argument("--report-cap", type=float, default=REPORT_CAP,
                        help="seconds before a report's timing (or its cold run) is stopped")
    parser.add_argument("--json", type=Path, help="also write the raw measurements as JSON")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed after)")
    args = parser.parse_args(argv)
    REPORT_CAP = COLD_CAP = args.report_cap
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    cap = args.cap or (60.0 if args.quick else 300.0)
    repeats = 1 if args.quick else 3
    work = args.work or Path(tempfile.mkdtemp(prefix="kaifang-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}", flush=True)
    results = []
    try:
        for scale in scales:
            started = time.perf_counter()
            result = bench_scale(scale, work, repeats if scale == 1 else 1,
                                 3 if args.quick else (10 if scale < 100 else 5), cap, not args.no_reference,
                                 cold=True)
            results.append(result)
            print(f"x{scale}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(print_tables(results, cap))
    print(f"\nmachine at the end: {machine()}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
