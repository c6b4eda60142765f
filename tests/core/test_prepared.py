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


def _whole(instance) -> dict:
    """An instance's fields and annotations, and those of the related rows read
    with it (what a page or a serializer reads of it)."""
    own = {k: v for k, v in instance.__dict__.items() if k != "_state"}
    related = {
        name: _whole(other) if other is not None else None
        for name, other in instance._state.fields_cache.items()
    }
    return {"type": type(instance).__name__, "own": own, "related": related}


def _signers_with_positions(pid):
    from django.db.models import F

    from lianghui.proposals.models import Signer

    return (
        Signer.objects.filter(proposal_id=pid)
        .select_related("member", "group__parent")
        .annotate(place=F("position") + 1)
        .order_by("position", "id")
    )


SIGNERS = Prepared(_signers_with_positions, int)
TOPICS = Prepared(
    lambda pid: (
        Proposal.topics.through.objects.filter(proposal_id=pid)
        .order_by("-id")
        .values("proposal_id", "topic_id")
    ),
    int,
)


def _with_signers():
    from django.db.models import TextField
    from django.db.models.expressions import RawSQL

    from lianghui.core.prepared import Column

    pid = Column('"proposals_proposal"."id"')
    return Proposal.objects.annotate(
        signer_rows=RawSQL(*SIGNERS.rows_column(pid), output_field=TextField()),
        topic_rows=RawSQL(*TOPICS.rows_column(pid), output_field=TextField()),
    ).order_by("id")


WITH_SIGNERS = Prepared(_with_signers)


def test_rows_read_inside_another_make_the_instances_a_run_makes(small_world):
    """Field by field, with the related rows selected with them (nested, some
    empty) and annotations: the same as running the query apart; a query of
    values, which has no instances, the same dicts."""
    seen = 0
    for p in WITH_SIGNERS():
        inside, apart = SIGNERS.from_rows(p.signer_rows), SIGNERS(p.pk)
        assert [_whole(s) for s in inside] == [_whole(s) for s in apart]
        assert all(s.place == s.position + 1 for s in inside)
        assert all(s.member.key for s in inside)  # no query: read with it
        rows = Proposal.topics.through.objects.filter(proposal_id=p.pk).order_by("-id")
        topics = [{"proposal_id": p.pk, "topic_id": r.topic_id} for r in rows]
        assert TOPICS.from_rows(p.topic_rows) == TOPICS(p.pk) == topics
        seen += len(inside)
    assert seen >= 3


def test_a_column_of_the_enclosing_query_must_not_name_a_table_the_query_reads_too():
    """Inside, the table's name would be the query's own table: the rows would no
    longer be those of the enclosing row."""
    from lianghui.core.prepared import Column
    from lianghui.proposals.models import Signer

    joined = Prepared(
        lambda pid: Signer.objects.filter(proposal_id=pid).select_related("proposal"), int
    )
    with pytest.raises(ValueError, match="proposals_proposal"):
        joined.rows_column(Column('"proposals_proposal"."id"'))
    # The query's own table, followed by an outer join (a nullable relation).
    grouped = Prepared(
        lambda pid: (
            Signer.objects.filter(proposal_id=pid).select_related("group").order_by("position")
        ),
        int,
    )
    with pytest.raises(ValueError, match="proposals_signer"):
        grouped.rows_column(Column('"proposals_signer"."proposal_id"'))
    assert grouped.rows_column(Column('"outer_row"."id"'))  # another table's: kept


def test_a_query_run_inside_another_is_not_ordered_by_a_column_s_place():
    """Django orders a list of values by what it selects by the column's place."""
    placed = Prepared(
        lambda pid: (
            Proposal.topics.through.objects.filter(proposal_id=pid)
            .order_by("topic_id")
            .values("topic_id")
        ),
        int,
    )
    with pytest.raises(ValueError, match="places"):
        placed.rows_column(1)
