"""Report parameters under attack: every value is bound as an RDF term or refused with a
message naming the parameter — never pasted into the query, never a crash, never a change."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import UserError
from kg.paths import QUERIES_DIR
from kg.reports import load_reports, prepared_query, run_report

REPORTS = load_reports(QUERIES_DIR)
PARAMETERS = [(report, parameter) for report in REPORTS.values() for parameter in report.parameters]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

INJECTIONS = [
    '"', "'", '"""', "\\", "\\\"", "{", "}", "} ; DROP ALL ; {", '" } ; DROP ALL ; { "',
    "> . ?s ?p ?o . <", "<http://example.org/a b>", "http://example.org/with space",
    "kgo:BorderPilotZone } UNION { ?s ?p ?o", "?s", "$s", "\x00", "\x07\x1b[31m", "\u202e\u200b",
    "1; DELETE WHERE { ?s ?p ?o }", "1 } INSERT DATA { <a:b> <a:c> <a:d> } #", "\n\r\t", "# comment",
    "x" * (1 << 20), "百色" * 300_000,
]


def assert_bound_or_refused(store, ns, report, parameter, value: str) -> None:
    try:
        run_report(store, report, {parameter.name: value}, ns, limit=50)
    except UserError as exc:
        assert parameter.name in str(exc) or "parameter" in str(exc), str(exc)


def test_every_report_has_at_least_one_parameter_to_attack():
    assert len(PARAMETERS) >= 8


@pytest.mark.parametrize("report,parameter", PARAMETERS, ids=[f"{r.name}:{p.name}" for r, p in PARAMETERS])
def test_injection_attempts_are_bound_as_terms_or_refused(seeds_store, ns, report, parameter):
    before = seeds_store.query(COUNT, use_default_graph_as_union=True)
    count = next(iter(before))["n"].value
    for value in INJECTIONS:
        assert_bound_or_refused(seeds_store, ns, report, parameter, value)
    after = next(iter(seeds_store.query(COUNT, use_default_graph_as_union=True)))["n"].value
    assert after == count


def test_a_string_value_stays_one_literal(seeds_store, ns):
    """The bound query holds the value as a single escaped literal: the payload's braces and
    keywords do not become query structure."""
    for report, parameter in PARAMETERS:
        if parameter.type != "string":
            continue
        payload = '"} ; DROP ALL ; { "'
        try:
            query = prepared_query(report, {parameter.name: payload}, seeds_store, ns)
        except UserError:
            continue  # refused by the allowed values: also fine
        values_block = query[query.index("VALUES"):]
        assert '\\"} ; DROP ALL ; { \\"' in values_block


@pytest.mark.parametrize("report,parameter", PARAMETERS, ids=[f"{r.name}:{p.name}" for r, p in PARAMETERS])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.one_of(st.text(max_size=200),
                       st.text(alphabet=st.sampled_from('{}"\'<>?$;#. \n百色东兴kgo:zone/'), max_size=60)))
def test_random_strings_at_every_parameter(seeds_store, ns, report, parameter, value):
    assert_bound_or_refused(seeds_store, ns, report, parameter, value)
