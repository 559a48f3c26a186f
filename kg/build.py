"""The build pipeline: documents → extraction → dataset → closure → SHACL → store and dumps."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .assemble import DatasetParts, DatasetText, EvidenceTally, add_nquads, curated_text, store_of
from .documents import load_corpus
from .dumps import DUMPS, write_dumps
from .lexicon import load_lexicon
from .namespaces import Namespaces
from .paths import ONTOLOGY_FILE, REFERENCE_FILES, SHAPES_FILE
from .reason import close
from .store import BuildStore, add_union, check_replaceable, publish_build, staging_dir, write_build_info, write_store
from .validate import ValidationReport, compile_for, validate_store
from .void import write_void
from .workers import extract_documents


SPOOL = "dataset.nq"  # the whole dataset as N-Quads, in the staging folder while the build runs


@dataclass(frozen=True)
class BuildOptions:
    seeds: Path
    out: Path
    base: str
    reasoner: str = "native"
    validate: bool = True
    validator: str = "native"
    jobs: int = 0  # extraction processes; 0 = one per core
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
        sources = [{"id": d.meta.doc_id, "file": d.meta.file_name, "sha256": d.sha256} for d in documents]
        t.detail = f"{len(documents)} documents"
    # Extraction (in worker processes) and assembly are interleaved: each document's graph is
    # loaded as it comes, its core into the in-memory working store (what reasoning and most
    # shapes read) and all of it, evidence included, to the N-Quads spool that the persistent
    # store and the dumps are made from. Each gets its share of the time.
    staging = staging_dir(options.out)
    spool_path = staging / SPOOL
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="persist")
    try:
        started, loading = time.perf_counter(), 0.0
        lexicon = load_lexicon(options.reference_files, ns)
        working, evidence = ox.Store(), EvidenceTally()
        with spool_path.open("wb") as spool:
            def take(text: DatasetText) -> None:
                add_nquads(working, text.core)
                spool.write(text.core)
                spool.write(text.evidence)
                evidence.add(text.tally)

            curated = curated_text(DatasetParts(options.ontology_file, options.reference_files), ns)
            take(curated)
            # Native SHACL: the shapes are compiled once; the evidence shapes run on each document's
            # graph as it is extracted (and on the curated data now), the others on the closed core.
            shapes = local_results = None
            if options.validate and options.validator == "native":
                shapes = compile_for(working, ns.rebase(options.shapes_file.read_text(encoding="utf-8")), ns)
                local_results = shapes.run(store_of(curated.nquads), "local")
            facts = entities = 0
            for graph in extract_documents(documents, lexicon, ns, options.jobs, shapes):
                load_started = time.perf_counter()
                take(graph.text)
                loading += time.perf_counter() - load_started
                facts, entities = facts + graph.facts, entities + graph.entities
                if local_results is not None:
                    local_results += graph.local_results
            document_count = len(documents)
            del documents, lexicon
            for name, seconds, detail in (
                ("extract", time.perf_counter() - started - loading, f"{facts} facts, {entities} entities"),
                ("assemble", loading, f"{len(working) + evidence.total} quads ({evidence.total} of evidence)"),
            ):
                stages.append(StageTiming(name, seconds, detail))
                progress(stages[-1])
            with stage("reason") as t:
                closure = close(working, ns, options.reasoner)
                inferred = ox.NamedNode(ns.inferred_graph)
                spool.write(ox.serialize([ox.Quad(x.subject, x.predicate, x.object, inferred) for x in closure.inferred],
                                         format=ox.RdfFormat.N_QUADS))
                t.detail = f"{len(closure.inferred)} inferred triples ({closure.engine})"
        # The dataset is final: persist it in the background while validation and dumps run.
        persisted = background.submit(write_store, spool_path, staging)
        with stage("validate") as t:
            if not options.validate:
                report = ValidationReport(conforms=True, skipped=True)
            elif options.validator == "native":
                # The shapes read the union of the graphs; as a set (each triple once, however many
                # documents state it) rather than pyoxigraph's bag union, whose joins multiply.
                working.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
                report = validate_store(BuildStore(working, union_stored=True), options.shapes_file, ns, "native",
                                        compiled=shapes, local_results=local_results)
                working.clear_graph(ox.DefaultGraph())
            else:  # the reference engine reads the whole dataset, evidence included
                report = validate_store(store_of(spool_path), options.shapes_file, ns, options.validator)
            t.detail = report.summary() + (f" ({report.engine})" if report.engine else "")
        with stage("dumps") as t:
            quads = len(working) + evidence.total
            dump_paths = write_dumps(spool_path, staging, ns)
            # Queries read the union of the graphs as a set: kg.nt is that union, loaded once the
            # named graphs are persisted.
            union_loaded = background.submit(add_union, staging, staging / "kg.nt")
            write_void(working, evidence, staging, ns, [p.name for p in dump_paths])
            (staging / "validation.ttl").write_text(report.report_turtle, encoding="utf-8")
            write_build_info(staging, {
                "version": __version__, "base": ns.base, "reasoner": closure.engine,
                "validator": report.engine or "none",
                "documents": sources,
                "quads": quads, "facts": facts, "inferred": len(closure.inferred),
                "conforms": report.conforms, "validation": dict(report.counts),
                "default_graph": "union",
            })
            t.detail = f"{', '.join(DUMPS)}, void.ttl, validation.ttl"
        with stage("store") as t:  # what is left of the background writes once the dumps are done
            persisted.result()
            union_loaded.result()
            spool_path.unlink()
            publish_build(staging, options.out)
            t.detail = f"{quads} quads in named graphs and their union in the default graph"
    except BaseException:
        import shutil

        background.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    background.shutdown(wait=True)
    return BuildResult(options.out, document_count, facts, quads, len(closure.inferred), report, stages)
