"""Every query path against an Oxigraph server (PyPI's oxigraph) started on loopback for this
module: the same tests the private Virtuoso passes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main

from .remote_servers import (  # noqa: F401 - the shared tests run against this module's server
    _release_a,
    pushed,
    start_oxigraph,
    test_every_saved_report_gives_the_same_rows_as_the_embedded_store,
    test_publish_from_the_endpoint_writes_the_same_release,
    test_pushing_twice_leaves_one_copy,
    test_query_search_describe_path_stats_and_console_answer_as_locally,
    test_replace_while_reading_never_shows_a_half_loaded_release,
    test_run_all_writes_the_same_files,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield running
    running.stop()


def test_a_read_only_server_cannot_take_a_replace(tmp_path, seeds_build):
    read_only = start_oxigraph(tmp_path / "ro", read_only=True)
    try:
        result = CliRunner().invoke(main, ["push", "--endpoint", read_only.endpoint.graph_store, "--release",
                                           str(_release_a(seeds_build)), "--replace"])
    finally:
        read_only.stop()
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "does not accept SPARQL updates" in result.output and "--replace needs them" in result.output


def test_the_server_own_union_default_graph_works_too(server, pushed, seeds_store, ns):
    """dataset = "union-parameter": Oxigraph's union-default-graph parameter instead of the
    release's graphs (for stores with nothing else in them). The server's union is a bag (a
    triple in two graphs matches twice), so only distinct answers are the embedded store's."""
    import dataclasses

    from kg.query import run_query
    from kg.remote import RemoteStore

    store = RemoteStore(dataclasses.replace(server.endpoint, dataset="union-parameter"), ns)
    query = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a kgo:BorderPilotZone }"
    assert run_query(store, query, ns).rows == run_query(seeds_store, query, ns).rows
    assert run_query(store, query, ns).rows[0][0].value == "9"
