"""Queries compiled once per process (core/prepared.py) give what the queryset gives."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.core.prepared import Prepared
from lianghui.proposals.models import Assignment, Proposal


def _by_key(key):
    return Proposal.objects.filter(key=key).select_related("session__body").order_by("id")


def _of_agencies(keys, first):
    return (
        Assignment.objects.filter(agency__key__in=keys, proposal_id__gte=first)
        .select_related("agency", "proposal")
        .order_by("id")
    )


BY_KEY = Prepared(_by_key, str)
OF_AGENCIES = Prepared(_of_agencies, [str], int)


def _rows(instances):
    return [(type(x).__name__, x.pk, x.__dict__.get("assigned_on")) for x in instances]


def test_a_prepared_query_reads_the_rows_its_queryset_reads(small_world):
    for key in ["p-1", "p-2", "no-such-proposal"]:
        found = BY_KEY(key)
        assert [p.pk for p in found] == [p.pk for p in _by_key(key)]
    p = BY_KEY("p-1")[0]
    with CaptureQueriesContext(connection) as queries:
        assert p.session.body.key  # selected with it
    assert len(queries) == 0


def test_a_list_of_values_is_compiled_once_per_length_and_rows_are_converted(small_world):
    agencies = sorted(Assignment.objects.values_list("agency__key", flat=True).distinct())
    assert len(agencies) >= 2
    for keys in [agencies[:1], agencies[:2], agencies[1:2], agencies]:
        for first in [0, Proposal.objects.get(key="p-2").pk]:
            found = OF_AGENCIES(keys, first)
            expected = list(_of_agencies(keys, first))
            assert _rows(found) == _rows(expected), (keys, first)
            # Dates come back as dates (the converters kept from the first run).
            assert all(not isinstance(a.assigned_on, str) for a in found)
    lengths = {shape for _using, shape in OF_AGENCIES._compiled}
    assert lengths == {(1, 0), (2, 0), (len(agencies), 0)}


def test_an_empty_list_or_a_value_that_never_reaches_the_sql_is_refused(small_world):
    with pytest.raises(ValueError, match="empty"):
        OF_AGENCIES([], 0)
    ignored = Prepared(lambda key: Proposal.objects.order_by("id"), str)
    with pytest.raises(ValueError, match="does not reach"):
        ignored("p-1")


def test_postgresql_prepares_the_queries_a_connection_repeats(small_world):
    """PostgreSQL parses and plans a page's queries once per connection, not on
    every request (DATABASE_PREPARE_THRESHOLD)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    for _ in range(3):
        BY_KEY("p-1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('"proposals_proposal"."key" = $1' in s for s in statements), statements


def _by_agency_of(agency, pid):
    return (
        Assignment.objects.filter(agency_id=agency, proposal_id=pid)
        .select_related("agency")
        .order_by("-id")
    )


BY_AGENCY_OF = Prepared(_by_agency_of, int, int)


def _with_their_assignments(agency):
    from django.db.models import TextField
    from django.db.models.expressions import RawSQL

    from lianghui.core.prepared import Column

    column = BY_AGENCY_OF.rows_column(agency, Column('"proposals_proposal"."id"'))
    rows = RawSQL(*column, output_field=TextField())
    return Proposal.objects.annotate(agency_rows=rows).order_by("id")


WITH_THEIR_ASSIGNMENTS = Prepared(_with_their_assignments, int)


def test_a_query_run_inside_another_gives_its_rows_for_each_run_s_values(small_world):
    """Its rows as a column of the other's, with a value of each run (here an
    agency) and the other's row (the proposal): the same instances, in the same
    order, as running it apart."""
    agencies = set(Assignment.objects.values_list("agency_id", flat=True))
    assert len(agencies) >= 2
    seen = 0
    for agency in sorted(agencies):
        for p in WITH_THEIR_ASSIGNMENTS(agency):
            inside = BY_AGENCY_OF.from_rows(p.agency_rows)
            apart = BY_AGENCY_OF(agency, p.pk)
            assert _rows(inside) == _rows(apart), (agency, p.key)
            assert all(a.agency.key for a in inside)  # the related row comes with it
            seen += len(inside)
    assert seen == Assignment.objects.count()
