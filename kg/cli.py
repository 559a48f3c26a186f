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
@click.option("-q", "--quiet", is_flag=True, help="No per-stage progress.")
def build(seeds: Path, out: Path, base: str, reasoner: str, validate: bool, validator: str, quiet: bool) -> None:
    """Build the graph from SEEDS into OUT: store, dumps, validation report."""
    from .build import BuildOptions, run_build

    def progress(stage) -> None:
        if not quiet:
            click.echo(f"{stage.name:<9} {stage.seconds:6.2f} s  {stage.detail}", err=True)

    result = run_build(BuildOptions(seeds=seeds, out=out, base=base, reasoner=reasoner, validate=validate,
                                    validator=validator), progress)
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
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Row cap; a note says when results were cut.")
def query(sparql: str | None, query_file: Path | None, store_dir: Path, base: str, fmt: str, limit: int) -> None:
    """Run a SPARQL query (argument, -f FILE, or '-' for stdin) over the store."""
    from .namespaces import Namespaces
    from .query import run_query
    from .render import render
    from .store import open_store

    text = _query_text(sparql, query_file)
    ns = Namespaces(base)
    result = run_query(open_store(store_dir), text, ns, limit=limit)
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
