"""Every query path against a private Virtuoso (Debian's virtuoso-opensource, the engine behind
DBpedia), started on loopback for this module: the seeds' release pushed, every saved report
answered as the embedded store answers it, pushes idempotent, --replace never half-loaded."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main

from .remote_servers import (  # noqa: F401 - the shared tests run against this module's server
    pushed,
    start_virtuoso,
    test_every_saved_report_gives_the_same_rows_as_the_embedded_store,
    test_publish_from_the_endpoint_writes_the_same_release,
    test_pushing_twice_leaves_one_copy,
    test_query_search_describe_path_stats_and_console_answer_as_locally,
    test_replace_while_reading_never_shows_a_half_loaded_release,
    test_run_all_writes_the_same_files,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield running
    running.stop()
    assert running.process.returncode is not None


def test_the_private_virtuoso_listens_on_loopback_only(server):
    ini = (server.folder / "virtuoso.ini").read_text()
    assert "ServerPort           = 127.0.0.1:" in ini and server.endpoint.query.startswith("http://127.0.0.1:")


def test_a_wrong_password_is_refused_in_one_line(server, pushed, seeds_build):
    from .remote_servers import _release_a

    result = CliRunner().invoke(main, ["push", "--endpoint", server.endpoint.graph_store, "--release",
                                       str(_release_a(seeds_build)), "--replace"],
                                env={"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "not-the-password"})
    assert result.exit_code == 2
    assert "refused the credentials of user 'dba' (HTTP 401)" in result.output
    assert "not-the-password" not in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_feature_virtuoso_refuses_is_one_line_and_exit_2(server, pushed):
    result = CliRunner().invoke(main, ["query", "--endpoint", server.endpoint.query,
                                       "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "could not run the query (HTTP 500)" in result.output and "SECURITY" in result.output
    assert len(result.output.strip().splitlines()) == 1
