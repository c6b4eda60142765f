"""The move from whole months to rules keeps every body's and kind's deadline,
except that a body's 0 (due the day of assignment) becomes one calendar day."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("proposals", "0007_feedback_comment_public")]
AFTER = [("proposals", "0008_deadline_rules_and_calendars")]


@pytest.mark.django_db(transaction=True)
def test_reply_due_months_become_rules():
    if connection.vendor == "postgresql":
        # The data migration's logic is the ORM's, the same on either database, and
        # walking the schema back and forth takes minutes: the SQLite pass runs it.
        pytest.skip("run in the SQLite pass")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Body, Kind = old.get_model("proposals", "Body"), old.get_model("proposals", "ProposalKind")
    three = Body.objects.create(key="three", name_en="Three", reply_due_months=3)
    zero = Body.objects.create(key="zero", name_en="Zero", reply_due_months=0)
    Kind.objects.create(key="six", body=three, code="six", reply_due_months=6)
    Kind.objects.create(key="unset", body=three, code="unset", reply_due_months=None)
    Kind.objects.create(key="nought", body=zero, code="nought", reply_due_months=0)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Body, Kind = new.get_model("proposals", "Body"), new.get_model("proposals", "ProposalKind")
    rules = dict(Body.objects.values_list("key", "deadline_unit"))
    counts = dict(Body.objects.values_list("key", "deadline_count"))
    assert (rules["three"], counts["three"]) == ("months", 3)
    assert (rules["zero"], counts["zero"]) == ("calendar_days", 1)
    kinds = {
        k: (u, c) for k, u, c in Kind.objects.values_list("key", "deadline_unit", "deadline_count")
    }
    assert kinds == {"six": ("months", 6), "unset": ("", None), "nought": ("", None)}

    # Bring the database back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
