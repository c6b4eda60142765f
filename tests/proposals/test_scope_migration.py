"""The migration giving bodies their own agencies, committees and topic schemes
links the existing records to the bodies that used them and loses none."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The proposals app stays at the state these two migrations were written against.
BEFORE = [
    ("people", "0005_organization_bodies"),
    ("proposals", "0009_body_language_and_topic_schemes"),
]
AFTER = [("people", "0006_scope_by_body"), ("proposals", "0009_body_language_and_topic_schemes")]


@pytest.mark.django_db(transaction=True)
def test_existing_records_are_linked_to_the_bodies_that_used_them():
    if connection.vendor == "postgresql":
        # The data migration's logic is the ORM's, the same on either database, and
        # walking the schema back and forth takes minutes: the SQLite pass runs it.
        pytest.skip("run in the SQLite pass")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Body = apps.get_model("proposals", "Body")
    Session = apps.get_model("proposals", "Session")
    Kind = apps.get_model("proposals", "ProposalKind")
    Proposal = apps.get_model("proposals", "Proposal")
    Assignment = apps.get_model("proposals", "Assignment")
    Topic = apps.get_model("proposals", "Topic")
    Organization = apps.get_model("people", "Organization")

    def body(key):
        b = Body.objects.create(key=key, name_en=key)
        s = Session.objects.create(key=f"{key}-s", body=b, term=1, number=1, year=2024)
        return b, s, Kind.objects.create(key=f"{key}-k", body=b, code="q", name_en="q")

    npc, npc_session, npc_kind = body("npc")
    uk, uk_session, uk_kind = body("uk")
    org = {
        k: Organization.objects.create(key=k, name_en=k, kind=kind, body=b)
        for k, kind, b in [
            ("miit", "agency", None),
            ("treasury", "agency", None),
            ("unused", "agency", None),
            ("npc-committee", "committee", npc),
            ("uk-committee", "committee", None),
            ("tencent", "company", None),
        ]
    }
    tech = Topic.objects.create(key="ai", scheme="tech", name_en="AI")
    uk_topic = Topic.objects.create(key="tax", scheme="uk", name_en="Tax")
    Topic.objects.create(key="spare", scheme="spare", name_en="Spare")
    p = Proposal.objects.create(
        key="p", session=npc_session, kind=npc_kind, title_zh="建议", status="assigned"
    )
    p.topics.add(tech)
    q = Proposal.objects.create(
        key="q",
        session=uk_session,
        kind=uk_kind,
        title_en="Fuel duty",
        status="assigned",
        original_language="zh-hans",  # what the API used to default to
        is_key=True,
        key_supervisor=org["uk-committee"],
    )
    q.topics.add(uk_topic)
    for proposal, agency in [(p, "miit"), (q, "treasury")]:
        Assignment.objects.create(
            proposal=proposal,
            agency=org[agency],
            role="lead",
            assigned_on="2024-01-01",
            due_on="2024-04-01",
        )
    counts = (Organization.objects.count(), Topic.objects.count(), Proposal.objects.count())

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Organization = apps.get_model("people", "Organization")
    Body = apps.get_model("proposals", "Body")
    Proposal = apps.get_model("proposals", "Proposal")

    def served(key):
        return set(Organization.objects.get(key=key).bodies.values_list("key", flat=True))

    assert served("miit") == {"npc"} and served("treasury") == {"uk"}
    assert served("unused") == {"npc", "uk"}
    assert served("npc-committee") == {"npc"} and served("uk-committee") == {"uk"}
    assert served("tencent") == set()
    assert Body.objects.get(key="npc").topic_schemes == ["spare", "tech"]
    assert Body.objects.get(key="uk").topic_schemes == ["spare", "uk"]
    assert (Body.objects.get(key="npc").language, Body.objects.get(key="uk").language) == (
        "zh-hans",
        "en",
    )
    assert Proposal.objects.get(key="q").original_language == "en"
    assert Proposal.objects.get(key="p").original_language == "zh-hans"
    assert counts == (
        Organization.objects.count(),
        apps.get_model("proposals", "Topic").objects.count(),
        Proposal.objects.count(),
    )
    # Back to the latest schema for the tests after this one.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
