"""The build pipeline: documents → extraction → dataset → closure → SHACL → store and dumps."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .assemble import DatasetParts, assemble
from .documents import load_corpus
from .dumps import DUMPS, write_dumps
from .extract import extract
from .lexicon import load_lexicon
from .namespaces import Namespaces
from .paths import ONTOLOGY_FILE, REFERENCE_FILES, SHAPES_FILE
from .reason import close
from .store import check_replaceable, publish_build, staging_dir, write_build_info, write_store
from .validate import ValidationReport, validate_store
from .void import write_void


@dataclass(frozen=True)
class BuildOptions:
    seeds: Path
    out: Path
    base: str
    reasoner: str = "native"
    validate: bool = True
    validator: str = "native"
    ontology_file: Path = ONTOLOGY_FILE
    reference_files: tuple[Path, ...] = REFERENCE_FILES
    shapes_file: Path = SHAPES_FILE


@dataclass
class StageTiming:
    name: str
    seconds: float
    detail: str = ""


@dataclass
class BuildResult:
    out: Path
    documents: int
    facts: int
    quads: int
    inferred: int
    validation: ValidationReport
    stages: list[StageTiming] = field(default_factory=list)


Progress = Callable[[StageTiming], None]


def run_build(options: BuildOptions, progress: Progress = lambda stage: None) -> BuildResult:
    """Run every stage; the target folder is replaced only when all of them succeeded."""
    ns = Namespaces(options.base)
    check_replaceable(options.out)
    stages: list[StageTiming] = []

    @contextmanager
    def stage(name: str) -> Iterator[StageTiming]:
        timing = StageTiming(name, 0.0)
        started = time.perf_counter()
        yield timing
        timing.seconds = time.perf_counter() - started
        stages.append(timing)
        progress(timing)

    with stage("read") as t:
        documents = load_corpus(options.seeds)
        t.detail = f"{len(documents)} documents"
    with stage("extract") as t:
        lexicon = load_lexicon(options.reference_files, ns)
        extractions = [extract(d, lexicon, ns) for d in documents]
        facts = sum(len(e.facts) for e in extractions)
        t.detail = f"{facts} facts, {sum(len(e.entities) for e in extractions)} entities"
    with stage("assemble") as t:
        parts = DatasetParts(options.ontology_file, options.reference_files)
        store = assemble(documents, extractions, parts, ns)
        t.detail = f"{len(store)} quads"
    with stage("reason") as t:
        closure = close(store, ns, options.reasoner)
        t.detail = f"{len(closure.inferred)} inferred triples ({closure.engine})"
    # The store's content is final: persist it in the background while validation and dumps run.
    staging = staging_dir(options.out)
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="persist")
    persisted = background.submit(write_store, store, staging)
    try:
        with stage("validate") as t:
            report = (validate_store(store, options.shapes_file, ns, options.validator) if options.validate
                      else ValidationReport(conforms=True, skipped=True))
            t.detail = report.summary() + (f" ({report.engine})" if report.engine else "")
        with stage("write") as t:
            quads = len(store)
            dump_paths = write_dumps(store, staging, ns)
            write_void(store, staging, ns, [p.name for p in dump_paths])
            (staging / "validation.ttl").write_text(report.report_turtle, encoding="utf-8")
            write_build_info(staging, {
                "version": __version__, "base": ns.base, "reasoner": closure.engine,
                "validator": report.engine or "none",
                "documents": [{"id": d.meta.doc_id, "file": d.meta.file_name, "sha256": d.sha256}
                              for d in documents],
                "quads": quads, "facts": facts, "inferred": len(closure.inferred),
                "conforms": report.conforms, "validation": dict(report.counts),
            })
            persisted.result()
            publish_build(staging, options.out)
            t.detail = f"{quads} quads, store and dumps {', '.join(DUMPS)}"
    except BaseException:
        import shutil

        persisted.cancel()
        background.shutdown(wait=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    background.shutdown(wait=True)
    return BuildResult(options.out, len(documents), facts, quads, len(closure.inferred), report, stages)
