"""The `kg` command line: a thin layer over the pipeline and query modules."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import UserError
from .namespaces import DEFAULT_BASE

EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


class KgError(click.ClickException):
    """A user error: one line on stderr, exit 2."""

    exit_code = EXIT_USAGE


class KgGroup(click.Group):
    """Turns UserError (and any stray exception) into a one-line message, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise KgError(str(exc)) from exc
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("KG_DEBUG"):
                raise
            raise click.ClickException(
                f"internal error: {type(exc).__name__}: {exc} (set KG_DEBUG=1 for details)") from exc


store_option = click.option(
    "--store", "store_dir", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
    help="Build folder whose store is read.")
base_option = click.option("--base", default=DEFAULT_BASE, show_default=True, help="Base IRI of the graph.")


def source_options(func):
    """--endpoint and --profile: run against a remote SPARQL endpoint instead of the build's store."""
    func = click.option("--profile", metavar="NAME",
                        help="Endpoint profile in ~/.config/kaifang/endpoints.toml (or KG_PROFILE).")(func)
    return click.option("--endpoint", "endpoint_url", metavar="URL",
                        help="SPARQL endpoint to query instead of the store (or KG_ENDPOINT); credentials from "
                             "KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.")(func)


def _source(store_dir: Path, endpoint_url: str | None, profile: str | None, base: str):
    """The build's store, or the endpoint asked for by --endpoint/--profile (or the environment,
    unless --store was given)."""
    from .namespaces import Namespaces
    from .stores import open_source, resolve_endpoint

    ctx = click.get_current_context()
    store_given = ctx.get_parameter_source("store_dir") == click.core.ParameterSource.COMMANDLINE
    if store_given and (endpoint_url or profile):
        raise UserError("give --store, or --endpoint/--profile, not both")
    endpoint = resolve_endpoint(endpoint_url, profile, use_environment=not store_given)
    return open_source(store_dir, endpoint, Namespaces(base))


@click.group(cls=KgGroup)
@click.version_option(package_name="kaifang-kg")
def main() -> None:
    """Kaifang KG: a knowledge graph of China's opening-up platforms."""


@main.command()
@click.option("--seeds", type=click.Path(path_type=Path), default=Path("seeds"), show_default=True,
              help="Folder of .txt/.md source documents.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
              help="Build folder to (re)place.")
@base_option
@click.option("--reasoner", type=click.Choice(["native", "owlrl", "none"]), default="native", show_default=True,
              help="OWL 2 RL engine: 'native' (fast), 'owlrl' (the reference), 'none' (quick iterations).")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Run SHACL validation (skipping it is for quick iterations; exit code is then 0).")
@click.option("--validator", type=click.Choice(["native", "pyshacl"]), default="native", show_default=True,
              help="SHACL engine: 'native' (shapes compiled to SPARQL) or 'pyshacl' (the reference).")
@click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Processes extracting documents (0: one per core).")
@click.option("-q", "--quiet", is_flag=True, help="No per-stage progress.")
def build(seeds: Path, out: Path, base: str, reasoner: str, validate: bool, validator: str, jobs: int,
          quiet: bool) -> None:
    """Build the graph from SEEDS into OUT: store, dumps, validation report."""
    from .build import BuildOptions, run_build

    def progress(stage) -> None:
        if not quiet:
            click.echo(f"{stage.name:<9} {stage.seconds:6.2f} s  {stage.detail}", err=True)

    result = run_build(BuildOptions(seeds=seeds, out=out, base=base, reasoner=reasoner, validate=validate,
                                    validator=validator, jobs=jobs), progress)
    total = sum(s.seconds for s in result.stages)
    report = result.validation
    click.echo(f"built {result.out}: {result.documents} documents, {result.facts} facts, "
               f"{result.inferred} inferred, {result.quads} quads in {total:.1f} s; "
               f"SHACL: {report.summary()}")
    if not report.conforms:
        for finding in [f for f in report.findings if f.level == "ERROR"][:10]:
            click.echo(f"  ERROR {finding.focus} {finding.path or ''}: {finding.message}", err=True)
        click.echo(f"SHACL violations: see {result.out / 'validation.ttl'}", err=True)
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the query from a file.")
@store_option
@base_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "sparql-json", "md", "ttl"]),
              default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Row cap; a note says when results were cut.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Stop the query after this many seconds.")
@source_options
def query(sparql: str | None, query_file: Path | None, store_dir: Path, base: str, fmt: str, limit: int,
          timeout: float | None, endpoint_url: str | None, profile: str | None) -> None:
    """Run a SPARQL query (argument, -f FILE, or '-' for stdin) over the store."""
    from .namespaces import Namespaces
    from .query import run_query
    from .render import render

    text = _query_text(sparql, query_file)
    ns = Namespaces(base)
    result = run_query(_source(store_dir, endpoint_url, profile, base), text, ns, limit=limit, timeout=timeout)
    click.echo(render(result, fmt, ns.prefixes()).rstrip("\n"))
    if result.truncated:
        click.echo(f"note: results cut at {limit} rows (raise --limit to see more)", err=True)


def _query_text(sparql: str | None, query_file: Path | None) -> str:
    if sparql and query_file:
        raise UserError("give the query as an argument or with -f, not both")
    if query_file is not None:
        try:
            return query_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read query file {query_file}: {exc}") from exc
    if sparql == "-" or (sparql is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if not sparql:
        raise UserError("no query: pass SPARQL text, -f FILE, or '-' to read stdin")
    return sparql


@main.command(name="eval")
@click.argument("gold", type=click.Path(path_type=Path))
@store_option
@base_option
@click.option("--show-errors", is_flag=True, help="List missed and wrong facts.")
def eval_command(gold: Path, store_dir: Path, base: str, show_errors: bool) -> None:
    """Precision and recall per relation type against a GOLD set (JSON lines)."""
    from .evaluate import evaluate, load_gold
    from .namespaces import Namespaces
    from .store import open_store

    report = evaluate(open_store(store_dir), load_gold(gold), Namespaces(base))
    click.echo(f"{'relation':<22}{'gold':>6}{'found':>7}{'recall':>8}{'pred':>6}{'ok':>6}{'precision':>11}")
    for score in [*report.scores.values(), report.total()]:
        click.echo(f"{score.relation:<22}{score.gold:>6}{score.found:>7}{score.recall:>8.1%}"
                   f"{score.predicted:>6}{score.correct_predicted:>6}{score.precision:>11.1%}")
        if show_errors:
            for line in score.missed:
                click.echo(f"    missed {line}")
            for line in score.wrong:
                click.echo(f"    wrong  {line}")


@main.command()
@store_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("releases"), show_default=True,
              help="Folder of releases; this one is written to OUT/VERSION and OUT/latest points at the newest.")
@click.option("--base", default=None, help="Base IRI (default: the one the store was built with, which it must match).")
@click.option("--version", "release_version", help="Release version (default: issued date and a digest of the data).")
@click.option("--date", "issued", help="Issued date, YYYY-MM-DD (default: the newest source document's date).")
@click.option("--endpoint", help="SPARQL endpoint URL the DCAT description advertises (default: BASE/sparql).")
@click.option("--previous", type=click.Path(path_type=Path),
              help="Release to write the changelog against (default: the newest earlier release in OUT).")
@click.option("--from-endpoint", "source_url", metavar="URL",
              help="Publish what this SPARQL endpoint holds instead of the store (or KG_ENDPOINT).")
@click.option("--profile", metavar="NAME", help="Publish from this endpoint profile (or KG_PROFILE).")
def publish(store_dir: Path, out: Path, base: str | None, release_version: str | None, issued: str | None,
            endpoint: str | None, previous: Path | None, source_url: str | None, profile: str | None) -> None:
    """Write a versioned release: dumps, VoID/DCAT, changelog, checksums and a static site."""
    from .publish import PublishOptions
    from .publish import publish as run_publish

    source = _source(store_dir, source_url, profile, base or DEFAULT_BASE)
    result = run_publish(PublishOptions(store=store_dir, out=out, base=base, version=release_version,
                                        issued=issued, endpoint=endpoint, previous=previous,
                                        source=source if getattr(source, "is_remote", False) else None))
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"published {result.folder}: version {result.version}, issued {result.issued}, "
               f"{result.triples} triples, {result.entities} entities, {result.pages} pages; {result.changes}")


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="Port (0: any free one).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Seconds a query may run before it is stopped (HTTP 503).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Queries that run at the same time (one process each).")
@click.option("-q", "--quiet", is_flag=True, help="No request log.")
def serve(store_dir: Path, host: str, port: int, timeout: float, workers: int, quiet: bool) -> None:
    """Serve the store read-only as a SPARQL 1.1 Protocol endpoint at /sparql."""
    from .publish.release import read_build_base
    from .serve import ServeOptions, start_server

    import signal

    server = start_server(ServeOptions(store_dir, host, port, timeout, workers, quiet), read_build_base(store_dir))
    click.echo(f"SPARQL endpoint {server.url} (read-only, timeout {timeout:g} s); Ctrl-C stops it", err=True)
    signal.signal(signal.SIGTERM, _stop_on_signal)  # 'kill' stops it as cleanly as Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _stop_on_signal(*_) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--endpoint", metavar="URL",
              help="Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
                   "http://localhost:8890/sparql-graph-crud-auth (Virtuoso), http://localhost:3030/kaifang/data "
                   "(Fuseki); any URL of these servers or GraphDB finds the others (or KG_ENDPOINT).")
@click.option("--profile", metavar="NAME", help="Endpoint profile in ~/.config/kaifang/endpoints.toml (or KG_PROFILE).")
@click.option("--release", "release_dir", type=click.Path(path_type=Path), default=Path("releases/latest"),
              show_default=True, help="Release folder made by 'kg publish'.")
@click.option("--replace", is_flag=True,
              help="Replace the store's release in one transaction (readers never see it half-loaded) "
                   "instead of adding to it.")
@click.option("--user", help="User name for HTTP basic or digest auth (or KG_ENDPOINT_USER); the password is "
                             "read from KG_ENDPOINT_PASSWORD (or KG_PUSH_PASSWORD).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0, show_default=True,
              help="Seconds to wait for the store per request.")
def push(endpoint: str | None, profile: str | None, release_dir: Path, replace: bool, user: str | None,
         timeout: float) -> None:
    """Load a release into an external store, one named graph per document (Graph Store Protocol)."""
    import dataclasses

    from .push import PushOptions
    from .push import push as run_push
    from .stores import resolve_endpoint

    target = resolve_endpoint(endpoint, profile, role="graph_store")
    if target is None:
        raise UserError("where to? give --endpoint URL or --profile NAME (or set KG_ENDPOINT)")
    if user:
        target = dataclasses.replace(target, user=user)
    if target.password is None and os.environ.get("KG_PUSH_PASSWORD"):
        target = dataclasses.replace(target, password=os.environ["KG_PUSH_PASSWORD"])

    def progress(graph) -> None:
        verb = "staged" if replace else "POST"
        click.echo(f"{verb} {graph.graph}: {graph.triples} triples (HTTP {graph.status})", err=True)

    result = run_push(PushOptions(target.graph_store or "", release_dir, replace, timeout=timeout, target=target),
                      progress)
    how = "replaced the release in one transaction" if replace else "pushed"
    click.echo(f"{how}: {len(result.graphs)} graphs, {result.triples} triples to {result.endpoint}")


# ---------------------------------------------------------------- reports, questions, console

timeout_option = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                              help="Stop a query after this many seconds.")
limit_option = click.option("--limit", type=click.IntRange(min=1), default=10000, show_default=True,
                            help="Row cap; a note says when results were cut.")
queries_option = click.option("--queries", "queries_dir", type=click.Path(path_type=Path), default=None,
                              help="Folder of saved reports (default: the project's queries/).")


def _queries(queries_dir: Path | None) -> Path:
    from .paths import QUERIES_DIR

    return queries_dir or QUERIES_DIR


@main.group()
def report() -> None:
    """Saved reports (queries/*.rq): list, show, run one, run them all."""


@report.command(name="list")
@queries_option
def report_list(queries_dir: Path | None) -> None:
    """Each report's name, titles and parameters."""
    from .reports import load_reports

    for item in load_reports(_queries(queries_dir)).values():
        params = " ".join(f"{p.name}={p.default if p.default is not None else '…'}" for p in item.parameters)
        click.echo(f"{item.name:<26} {item.title_zh} / {item.title_en}" + (f"   [{params}]" if params else ""))


@report.command(name="show")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable).")
@store_option
@base_option
@queries_option
@source_options
def report_show(name: str, params: tuple[str, ...], store_dir: Path, base: str, queries_dir: Path | None,
                endpoint_url: str | None, profile: str | None) -> None:
    """A report's description, parameters, output hints and query; with a store, the query as it
    would run (parameters bound)."""
    from .namespaces import Namespaces
    from .reports import describe_report, find_report, parse_assignments, prepared_query
    from .store import STORE_DIR
    from .stores import resolve_endpoint

    item = find_report(_queries(queries_dir), name)
    if item.parameters and ((store_dir / STORE_DIR).is_dir() or endpoint_url or profile or resolve_endpoint()):
        ns = Namespaces(base)
        store = _source(store_dir, endpoint_url, profile, base)
        click.echo(describe_report(item, prepared_query(item, parse_assignments(params), store, ns)))
    else:
        click.echo(describe_report(item))


@report.command(name="run")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md", "sparql-json", "ttl"]),
              default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@store_option
@base_option
@queries_option
@limit_option
@timeout_option
@source_options
def report_run(name: str, params: tuple[str, ...], fmt: str, output: Path | None, store_dir: Path, base: str,
               queries_dir: Path | None, limit: int, timeout: float | None, endpoint_url: str | None,
               profile: str | None) -> None:
    """Run report NAME with its parameters bound as RDF terms."""
    from .namespaces import Namespaces
    from .reports import find_report, parse_assignments, render_report, run_report

    ns = Namespaces(base)
    item = find_report(_queries(queries_dir), name)
    result = run_report(_source(store_dir, endpoint_url, profile, base), item, parse_assignments(params), ns, limit=limit, timeout=timeout)
    _emit(render_report(result, fmt, ns), output)
    if result.truncated:
        click.echo(f"note: results cut at {limit} rows (raise --limit to see more)", err=True)


@report.command(name="run-all")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder for the results.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md", "sparql-json", "ttl"]),
              default="csv", show_default=True)
@store_option
@base_option
@queries_option
@limit_option
@timeout_option
@source_options
def report_run_all(out_dir: Path, fmt: str, store_dir: Path, base: str, queries_dir: Path | None, limit: int,
                   timeout: float | None, endpoint_url: str | None, profile: str | None) -> None:
    """Run every report with its defaults, one file each in OUT; exit 1 if any failed."""
    from .namespaces import Namespaces
    from .reports import load_reports, run_all

    ns = Namespaces(base)
    outcomes = run_all(_source(store_dir, endpoint_url, profile, base), load_reports(_queries(queries_dir)), ns, out_dir, fmt,
                       limit=limit, timeout=timeout)
    for outcome in outcomes:
        if outcome.error:
            click.echo(f"FAILED {outcome.name}: {outcome.error}", err=True)
        else:
            cut = " (cut)" if outcome.truncated else ""
            click.echo(f"{outcome.name:<26} {outcome.rows:>6} rows{cut}  {outcome.seconds * 1000:7.1f} ms  {outcome.path}")
    if any(o.error for o in outcomes):
        sys.exit(EXIT_VIOLATIONS)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text.rstrip("\n"))
        return
    try:
        output.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc}") from exc


@main.command()
@click.argument("text")
@store_option
@base_option
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--class", "entity_class", help="Only entities of this class (e.g. kgo:Zone).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@source_options
def search(text: str, store_dir: Path, base: str, limit: int, entity_class: str | None, fmt: str,
           endpoint_url: str | None, profile: str | None) -> None:
    """Find entities by Chinese, English or pinyin name, or alias; best matches first."""
    from .namespaces import Namespaces
    from .search import render_hits, search_store

    ns = Namespaces(base)
    hits = search_store(_source(store_dir, endpoint_url, profile, base), text, ns, limit=limit, entity_class=entity_class)
    click.echo(render_hits(hits, fmt, ns))
    if not hits:
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("entity")
@store_option
@base_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--evidence", "max_evidence", type=click.IntRange(min=0), default=3, show_default=True,
              help="Pieces of evidence shown per fact.")
@source_options
def describe(entity: str, store_dir: Path, base: str, fmt: str, max_evidence: int, endpoint_url: str | None,
             profile: str | None) -> None:
    """Every fact about ENTITY (name, alias, pinyin, prefixed name or IRI), with its evidence."""
    import json

    from .describe import as_dict, describe as describe_entity, render_text
    from .namespaces import Namespaces
    from .search import resolve_entity

    ns = Namespaces(base)
    store = _source(store_dir, endpoint_url, profile, base)
    description = describe_entity(store, resolve_entity(store, entity, ns), ns)
    if fmt == "json":
        click.echo(json.dumps(as_dict(description), ensure_ascii=False, indent=1))
    else:
        click.echo(render_text(description, ns.prefixes(), max_evidence=max_evidence).rstrip("\n"))


@main.command()
@click.argument("source")
@click.argument("target")
@store_option
@base_option
@click.option("--max-hops", type=click.IntRange(min=1, max=12), default=6, show_default=True)
@click.option("--paths", "max_paths", type=click.IntRange(min=1), default=5, show_default=True,
              help="Shortest paths shown at most.")
@click.option("--via-documents", is_flag=True, help="Also connect entities through the documents that mention them.")
@source_options
def path(source: str, target: str, store_dir: Path, base: str, max_hops: int, max_paths: int,
         via_documents: bool, endpoint_url: str | None, profile: str | None) -> None:
    """The shortest connections between SOURCE and TARGET, in words."""
    from .connect import NoConnection, connect
    from .namespaces import Namespaces

    try:
        lines = connect(_source(store_dir, endpoint_url, profile, base), source, target, Namespaces(base), max_hops=max_hops,
                        max_paths=max_paths, via_documents=via_documents)
    except NoConnection as exc:
        click.echo(str(exc))
        sys.exit(EXIT_VIOLATIONS)
    click.echo("\n".join(lines))


@main.command()
@store_option
@base_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@source_options
def stats(store_dir: Path, base: str, fmt: str, endpoint_url: str | None, profile: str | None) -> None:
    """What the build holds: graphs, documents, entities by class, facts, inferences, rules."""
    import json

    from .namespaces import Namespaces
    from .stats import as_dict, collect, render_text

    ns = Namespaces(base)
    numbers = collect(_source(store_dir, endpoint_url, profile, base), ns)
    click.echo(json.dumps(as_dict(numbers), ensure_ascii=False, indent=1) if fmt == "json"
               else render_text(numbers, ns.prefixes()))


@main.command()
@store_option
@base_option
@queries_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md", "sparql-json", "ttl"]),
              default="table", show_default=True)
@click.option("--history", "history_file", type=click.Path(path_type=Path), default=None,
              help="History file (default: ~/.kg_history).")
@limit_option
@timeout_option
@source_options
def console(store_dir: Path, base: str, queries_dir: Path | None, fmt: str, history_file: Path | None, limit: int,
            timeout: float | None, endpoint_url: str | None, profile: str | None) -> None:
    """An interactive SPARQL shell with completion, history, reports, describe and search."""
    from .console import ConsoleOptions, run_console
    from .namespaces import Namespaces

    ns = Namespaces(base)
    run_console(_source(store_dir, endpoint_url, profile, base), ns, ConsoleOptions(
        queries=_queries(queries_dir), fmt=fmt, limit=limit, timeout=timeout,
        history=history_file or Path.home() / ".kg_history"))


@main.command()
@store_option
@base_option
@click.option("--fail-on", type=click.Choice(["ERROR", "WARN", "INFO", "none"], case_sensitive=False),
              default="ERROR", show_default=True, help="Exit 1 when a finding is at this level or worse.")
@click.option("--format", "fmt", type=click.Choice(["table", "tsv", "json"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to a file.")
@click.option("--validator", type=click.Choice(["native", "pyshacl"]), default="native", show_default=True)
def validate(store_dir: Path, base: str, fail_on: str, fmt: str, output: Path | None, validator: str) -> None:
    """SHACL report of the store (ERROR / WARN / INFO per finding), like ROBOT's report."""
    from .namespaces import Namespaces
    from .paths import SHAPES_FILE
    from .store import open_store
    from .validate import validate_store
    from .validation_report import fails, render_rows, report_rows

    ns = Namespaces(base)
    store = open_store(store_dir)
    report = validate_store(store, SHAPES_FILE, ns, engine=validator)
    text = render_rows(report_rows(report, store, SHAPES_FILE, ns), fmt)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    elif text:
        click.echo(text)
    click.echo(f"{report.summary()} (fail on {fail_on})", err=True)
    if fails(report, fail_on.upper() if fail_on != "none" else "none"):
        sys.exit(EXIT_VIOLATIONS)

