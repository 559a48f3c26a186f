"""Extract documents in worker processes; the build loads their N-Quads as they arrive.

Extraction is pure Python and documents are independent, so on a machine with several cores
they are read in parallel by forked workers (which inherit the documents and the gazetteer
without copying them). Each worker sends back one document's graph as N-Quads text, the cheap
thing to pass between processes, and the results come back in document order, so the dataset,
and every dump written from it, is the same whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field


from .assemble import DatasetText, document_text, store_of
from .extract import extract
from .lexicon import Lexicon
from .model import SourceDocument
from .namespaces import Namespaces
from .validate import CompiledShapes, RawResult


@dataclass(frozen=True)
class DocumentGraph:
    """What the build keeps of one extracted document."""

    text: DatasetText
    facts: int
    entities: int
    local_results: list[RawResult] = field(default_factory=list)  # the graph-local SHACL plans' results


_SHARED: tuple[list[SourceDocument], Lexicon, Namespaces, CompiledShapes | None] | None = None  # set before forking


def _extract_one(index: int) -> DocumentGraph:
    assert _SHARED is not None
    documents, lexicon, ns, shapes = _SHARED
    extraction = extract(documents[index], lexicon, ns)
    text = document_text(documents[index], extraction, ns)
    local_results = []
    if shapes is not None:  # the document's evidence nodes, checked on its own graph while it is small
        local_results = shapes.run(store_of(text.nquads), "local")
    return DocumentGraph(text, len(extraction.facts), len(extraction.entities), local_results)


def default_jobs() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def extract_documents(documents: list[SourceDocument], lexicon: Lexicon, ns: Namespaces,
                      jobs: int = 0, shapes: CompiledShapes | None = None) -> Iterator[DocumentGraph]:
    """Each document's graph, in document order; ``jobs`` processes (0: one per core).

    With ``shapes``, each document's graph is also checked against the graph-local shapes.
    """
    global _SHARED
    jobs = jobs or default_jobs()
    _SHARED = (documents, lexicon, ns, shapes)
    try:
        if jobs == 1 or len(documents) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for index in range(len(documents)):
                yield _extract_one(index)
            return
        from .extract import rules  # noqa: F401 - imported once, before forking, rather than in every worker
        from .slugs import pinyin

        pinyin("预热")  # likewise the pinyin dictionary
        workers = min(jobs, len(documents))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # A few documents ahead of the one being loaded, not all of them: the results wait in
            # this process's memory until the build takes them.
            # A small corpus is handed out all at once, longest document first, so the longest
            # does not start last and keep one worker busy after the others are done.
            ahead = 2 * workers
            if len(documents) <= 4 * workers:
                ahead = len(documents)
                by_length = sorted(range(len(documents)), key=lambda i: -len(documents[i].raw))
                started = {i: pool.apply_async(_extract_one, (i,)) for i in by_length}
                pending = deque(started[i] for i in range(len(documents)))
            else:
                pending = deque(pool.apply_async(_extract_one, (i,)) for i in range(ahead))
            next_index = len(pending)
            while pending:
                result = pending.popleft().get()
                if next_index < len(documents):
                    pending.append(pool.apply_async(_extract_one, (next_index,)))
                    next_index += 1
                yield result
    finally:
        _SHARED = None
