"""Serialise the dataset: Turtle and N-Triples of the union, TriG and JSON-LD by named graph.

The dumps are written by the store's own serialisers in the store's order, which depends only
on the order the build adds quads in (documents by file name, facts in extraction order,
inferences sorted): the same inputs always give the same bytes, grouped by graph and subject,
without sorting millions of quads in Python.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .namespaces import Namespaces

DUMPS = ("kg.ttl", "kg.nt", "kg.trig", "kg.jsonld")


def graphs_in_order(store: ox.Store) -> list:
    return [ox.DefaultGraph(), *sorted(store.named_graphs(), key=str)]


def write_union_ntriples(store: ox.Store, path: Path, ns: Namespaces) -> int:
    """The union of all graphs, each triple once, graph by graph; returns the number of triples.

    Evidence nodes are scoped to their document's graph, so only the other triples (an
    entity's type and label repeated in every document naming it) can repeat across graphs.
    """
    evidence = f"<{ns.base}evidence/".encode()
    seen: set[bytes] = set()
    count = 0
    with path.open("wb") as out:
        for graph in graphs_in_order(store):
            kept = []
            for line in store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True):
                if not line.startswith(evidence):
                    if line in seen:
                        continue
                    seen.add(line)
                kept.append(line)
            out.write(b"".join(kept))
            count += len(kept)
    return count


def write_dumps(store: ox.Store, folder: Path, ns: Namespaces) -> list[Path]:
    prefixes = ns.prefixes()
    paths = [folder / name for name in DUMPS]
    ttl, nt, trig, jsonld = paths
    write_union_ntriples(store, nt, ns)
    ox.serialize(ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES), ttl, ox.RdfFormat.TURTLE, prefixes=prefixes)
    store.dump(trig, ox.RdfFormat.TRIG, prefixes=prefixes)
    store.dump(jsonld, ox.RdfFormat.JSON_LD)
    return paths
