"""`kg publish`: a versioned, self-describing release of a build.

The release folder holds the dumps, the ontology and shapes, a VoID/DCAT description,
a changelog against the previous release, a static linked-data site and SHA-256 checksums.
It is a pure function of its inputs (the store, the shapes, the previous release and the
options): the issued date comes from the newest source document (or ``--date``), never
from the clock, so two publishes of the same inputs are byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from ..errors import UserError
from ..namespaces import Namespaces
from ..paths import SHAPES_FILE
from ..store import BUILD_INFO, open_store, publish_build
from . import changelog as changes
from . import dcat, jsonld, rdfio
from .checksums import file_sha256, write_checksums
from .model import DCTERMS, RDF_TYPE, ReleaseGraph

RELEASE_INFO = "release.json"
LATEST = "latest"
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DUMPS = (  # file, media type, title
    ("kg.ttl", "text/turtle", "All graphs merged, Turtle"),
    ("kg.nt.gz", "application/n-triples", "All graphs merged, N-Triples, gzip"),
    ("kg.trig", "application/trig", "One named graph per document, reference data, inferences and the ontology, TriG"),
    ("kg.jsonld", "application/ld+json", "Named graphs, compacted JSON-LD"),
    ("ontology.ttl", "text/turtle", "The OWL 2 RL ontology, Turtle"),
    ("shapes.ttl", "text/turtle", "The SHACL shapes, Turtle"),
)


@dataclass(frozen=True)
class PublishOptions:
    store: Path
    out: Path
    base: str | None = None
    version: str | None = None
    issued: str | None = None
    endpoint: str | None = None
    previous: Path | None = None
    shapes_file: Path = SHAPES_FILE
    site: bool = True
    source: object | None = None  # an opened store to publish instead of the build in `store` (kg.stores)


@dataclass(frozen=True)
class PublishResult:
    folder: Path
    version: str
    issued: str
    previous_version: str | None
    quads: int
    triples: int
    entities: int
    pages: int
    changes: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviousRelease:
    folder: Path
    version: str
    issued: str
    base: str


def read_build_base(store_dir: Path) -> str:
    info_path = store_dir / BUILD_INFO
    try:
        return json.loads(info_path.read_text(encoding="utf-8"))["base"]
    except (OSError, ValueError, KeyError) as exc:
        raise UserError(f"{store_dir} is not a Kaifang KG build folder (no readable {BUILD_INFO}); "
                        "run 'kg build' first or pass --store") from exc


def issued_date(graph: ReleaseGraph, override: str | None) -> str:
    """--date, else the newest dcterms:issued of a source document."""
    if override:
        try:
            return date.fromisoformat(override).isoformat()
        except ValueError as exc:
            raise UserError(f"--date must be a date like 2022-04-13, not {override!r}") from exc
    source_document = graph.ns.kgo("SourceDocument")
    dates = [o.value for t in graph.graphs_of if t.predicate == RDF_TYPE and t.object.value == source_document
             for o in graph.values(t.subject, DCTERMS + "issued")]
    valid = sorted(d for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d))
    if not valid:
        raise UserError("no source document has an issued date to date the release by; pass --date YYYY-MM-DD")
    return valid[-1]


def read_release(folder: Path) -> PreviousRelease | None:
    try:
        info = json.loads((folder / RELEASE_INFO).read_text(encoding="utf-8"))
        return PreviousRelease(folder, info["version"], info["issued"], info["base"])
    except (OSError, ValueError, KeyError):
        return None


def find_previous(out: Path, version: str, issued: str) -> PreviousRelease | None:
    """The newest release in OUT that sorts before this one by (issued, version)."""
    if not out.is_dir():
        return None
    candidates = [r for p in sorted(out.iterdir()) if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                  and (r := read_release(p)) is not None and (r.issued, r.version) < (issued, version)]
    return max(candidates, key=lambda r: (r.issued, r.version), default=None)


def _previous_facts(previous: PreviousRelease) -> set[ox.Triple]:
    path = previous.folder / "kg.trig"
    try:
        quads = ox.parse(path=str(path), format=ox.RdfFormat.TRIG)
        return changes.asserted_facts(quads, Namespaces(previous.base))
    except (OSError, SyntaxError) as exc:
        raise UserError(f"cannot read the previous release {path}: {exc}") from exc


def _ontology_turtle(quads: list[ox.Quad], ns: Namespaces, version: str) -> bytes:
    triples = rdfio.union(q for q in quads if q.graph_name == ox.NamedNode(ns.ontology_graph))
    return rdfio.turtle(triples, ns.prefixes(), header=f"# Kaifang KG ontology, release {version}. Licence: CC BY 4.0.\n\n")


def write_dumps(quads: list[ox.Quad], folder: Path, ns: Namespaces, version: str, issued: str,
                shapes_file: Path) -> None:
    prefixes = ns.prefixes()
    triples = rdfio.union(quads)
    header = f"# Kaifang KG {version} (issued {issued}): all graphs merged. Licence: CC BY 4.0.\n\n"
    rdfio.write_bytes(folder / "kg.ttl", rdfio.turtle(triples, prefixes, header=header))
    rdfio.write_bytes(folder / "kg.nt.gz", rdfio.gzip_bytes(rdfio.ntriples(triples)))
    rdfio.write_bytes(folder / "kg.trig", rdfio.trig(quads, prefixes))
    rdfio.write_bytes(folder / "kg.jsonld", jsonld.dataset_document(quads, prefixes))
    rdfio.write_bytes(folder / "ontology.ttl", _ontology_turtle(quads, ns, version))
    try:
        shapes = ns.rebase(shapes_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read the shapes file {shapes_file}: {exc}") from exc
    rdfio.write_bytes(folder / "shapes.ttl", shapes.encode("utf-8"))


def _distributions(folder: Path) -> tuple[dcat.Distribution, ...]:
    return tuple(dcat.Distribution(name, media, (folder / name).stat().st_size, file_sha256(folder / name), title)
                 for name, media, title in DUMPS)


def _update_latest(out: Path, version: str, issued: str) -> None:
    newest = max((r for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                  and (r := read_release(p)) is not None), key=lambda r: (r.issued, r.version), default=None)
    if newest is None:
        return
    link = out / LATEST
    if link.is_symlink() and os.readlink(link) == newest.version:
        return
    if link.exists() and not link.is_symlink():
        return  # a user's own folder called 'latest': leave it alone
    temporary = out / f".{LATEST}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(newest.version)
    os.replace(temporary, link)


def publish(options: PublishOptions) -> PublishResult:
    """Write the release into OUT/VERSION (replacing a release of the same version in one step)."""
    if options.source is not None:  # a remote endpoint: its release says its base
        base = options.base or getattr(options.source, "base", None) or read_build_base(options.store)
    else:
        base = read_build_base(options.store)
    if options.base and options.base != base:
        raise UserError(f"the store was built with base {base}, not {options.base}; rebuild with --base")
    ns = Namespaces(base)
    source = options.source if options.source is not None else open_store(options.store)
    quads = rdfio.canonical_quads(source.quads_for_pattern(None, None, None, None))
    if not quads:
        raise UserError(f"the store in {options.source or options.store} is empty")
    graph = ReleaseGraph.of(quads, ns)
    issued = issued_date(graph, options.issued)
    digest = rdfio.sha256_hex(rdfio.nquads(quads))
    version = options.version or f"{issued}-{digest[:8]}"
    if not _VERSION.match(version) or version == LATEST:
        raise UserError(f"version {version!r} must be letters, digits, '.', '_' or '-' (and not '{LATEST}')")
    out = options.out
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is not a folder")
    target = out / version
    if target.exists() and read_release(target) is None:
        raise UserError(f"{target} exists and is not a Kaifang KG release; choose another --out or --version")

    previous = read_release(options.previous) if options.previous else find_previous(out, version, issued)
    if options.previous and previous is None:
        raise UserError(f"{options.previous} is not a Kaifang KG release folder (no {RELEASE_INFO})")

    out.mkdir(parents=True, exist_ok=True)
    staging = out / f".{version}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        result = _write_release(staging, graph, quads, ns, version, issued, digest, previous, options)
        publish_build(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _update_latest(out, version, issued)
    return PublishResult(target, **result)


def _write_release(folder: Path, graph: ReleaseGraph, quads: list[ox.Quad], ns: Namespaces, version: str,
                   issued: str, digest: str, previous: PreviousRelease | None, options: PublishOptions) -> dict:
    write_dumps(quads, folder, ns, version, issued, options.shapes_file)
    release_iri = f"{ns.base}release/{version}"
    description = dcat.ReleaseDescription(
        version=version, issued=issued, dataset_iri=release_iri, download_base=release_iri + "/",
        endpoint=options.endpoint or ns.base + "sparql", landing_page=release_iri + "/site/index.html",
        previous_version=previous.version if previous else None, distributions=_distributions(folder))
    counts = dcat.count(graph)
    rdfio.write_bytes(folder / "void.ttl", dcat.void_turtle(graph, counts, description))

    log = changes.compare(changes.asserted_facts(quads, ns), _previous_facts(previous) if previous else None,
                          ns, version, description.previous_version)
    labels = {r.value: graph.any_label(r) for r in graph.resources()}
    rdfio.write_bytes(folder / "CHANGELOG.md", changes.to_markdown(log, lambda iri: labels.get(iri, iri)))
    rdfio.write_bytes(folder / "changelog.json", changes.to_json(log))

    notes: list[str] = []
    pages = 0
    if options.site:
        from .site import SiteInputs, build_site

        site = build_site(graph, folder / "site", SiteInputs(
            version=version, issued=issued, counts=counts, changes=log.summary(),
            dumps=tuple((name, title) for name, _, title in DUMPS), endpoint=description.endpoint,
            store=options.source if options.source is not None else options.store))
        pages, notes = site.pages, list(site.notes)

    info = {
        "version": version, "issued": issued, "base": ns.base, "digest": f"sha256:{digest}",
        "previous_version": description.previous_version, "quads": len(quads), "triples": counts.triples,
        "entities": counts.entities, "classes": counts.classes, "properties": counts.properties,
        "dumps": [name for name, _, _ in DUMPS], "site": "site/index.html" if options.site else None,
        "licence": dcat.CC_BY_4,
    }
    (folder / RELEASE_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
    write_checksums(folder)
    return dict(version=version, issued=issued, previous_version=description.previous_version, quads=len(quads),
                triples=counts.triples, entities=counts.entities, pages=pages, changes=log.summary(),
                notes=tuple(notes))
