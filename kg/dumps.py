"""Serialise the dataset: Turtle and N-Triples of the union, TriG and JSON-LD by named graph.

The dumps are streamed from the build's N-Quads spool (the whole dataset as it was written:
ontology, reference data, each document's graph, inferences) by pyoxigraph's parsers and
serialisers, so memory stays flat however large the corpus. The spool's order depends only on
the inputs (documents by file name, facts in extraction order, inferences sorted): the same
inputs always give the same bytes, grouped by graph and subject.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .namespaces import Namespaces

DUMPS = ("kg.ttl", "kg.nt", "kg.trig", "kg.jsonld")


def write_union_ntriples(spool: Path, path: Path, ns: Namespaces) -> int:
    """The union of all graphs, each triple once, in spool order; returns the number of triples.

    Evidence nodes are scoped to their document's graph, so only the other triples (an
    entity's type and label repeated in every document naming it) can repeat across graphs.
    A spool line is ``S P O <graph> .``: the graph name is the last IRI on the line.
    """
    evidence = f"<{ns.base}evidence/".encode()
    seen: set[bytes] = set()
    count = 0
    with spool.open("rb") as lines, path.open("wb") as out:
        kept: list[bytes] = []
        for line in lines:
            triple = line[:line.rindex(b" <")] + b" .\n"
            if not triple.startswith(evidence):
                if triple in seen:
                    continue
                seen.add(triple)
            kept.append(triple)
            if len(kept) >= 100_000:
                out.write(b"".join(kept))
                count, kept = count + len(kept), []
        out.write(b"".join(kept))
        count += len(kept)
    return count


def write_dumps(spool: Path, folder: Path, ns: Namespaces) -> list[Path]:
    prefixes = ns.prefixes()
    paths = [folder / name for name in DUMPS]
    ttl, nt, trig, jsonld = paths
    write_union_ntriples(spool, nt, ns)
    ox.serialize(ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES), ttl, ox.RdfFormat.TURTLE, prefixes=prefixes)
    ox.serialize(ox.parse(path=spool, format=ox.RdfFormat.N_QUADS), trig, ox.RdfFormat.TRIG, prefixes=prefixes)
    ox.serialize(ox.parse(path=spool, format=ox.RdfFormat.N_QUADS), jsonld, ox.RdfFormat.JSON_LD)
    return paths
