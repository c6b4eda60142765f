import datetime as dt
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from lianghui.core.models import Citation
from lianghui.laws.models import Regulation
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Assignment, Proposal, Session

pytestmark = pytest.mark.django_db


def cited(model) -> set[int]:
    ct = ContentType.objects.get_for_model(model)
    return set(Citation.objects.filter(content_type=ct).values_list("object_id", flat=True))


def test_every_seed_fact_cites_its_source(seed_facts):
    for model in (Proposal, Member, Regulation, Organization, Session):
        real = set(
            model.objects.filter(
                **({"generated": False} if model is not Session else {})
            ).values_list("id", flat=True)
        )
        assert real, model
        assert real <= cited(model), f"{model.__name__} without a citation"
    # The seed articles' best-known facts are there, with their dates.
    algo = Regulation.objects.get(key="algorithmic-recommendation-provisions")
    assert (str(algo.drafted_on), str(algo.effective_on)) == ("2021-08-27", "2022-03-01")
    pony = Member.objects.get(key="ma-huateng")
    assert pony.affiliations.filter(organization__key="tencent").exists()
    assert Proposal.objects.filter(signers__member=pony).count() >= 5
    assert Citation.objects.filter(source__file__endswith=".txt").exists()


def test_demo_builds_generated_volume_through_the_workflow():
    call_command(
        "demo", sessions=2, per_session=60, last_year=2022, seed=7, verbosity=0, questions=0
    )
    generated = Proposal.objects.filter(generated=True)
    assert generated.count() == 2 * (60 + 33)
    statuses = Counter(generated.values_list("status", flat=True))
    # the earlier year is fully handled; the latest one shows every stage
    for status in ("closed", "assigned", "replied", "under_review", "merged", "not_filed"):
        assert statuses[status] > 0, status
    filed_share = (
        generated.filter(review__decision="filed").count()
        / generated.filter(review__isnull=False).count()
    )
    assert 0.7 < filed_share < 0.9
    assert all(a.due_on > a.assigned_on for a in Assignment.objects.all()[:200])
    assert not Proposal.objects.filter(generated=True, signers__isnull=True).exists()
    # generated records are marked, the seed facts are not
    assert Proposal.objects.filter(generated=False).count() == 35
    assert Member.objects.filter(generated=True).exists()
    assert not Member.objects.filter(key="ma-huateng", generated=True).exists()


def test_demo_trains_the_office_suggestion_models_unless_asked_not_to(settings):
    from lianghui.insights.serving import artifact_path

    call_command(
        "demo", sessions=1, per_session=60, seed=5, verbosity=0, no_train=True, questions=0
    )
    assert artifact_path("routing", "npc") is None
    Proposal.objects.filter(generated=True).update(merged_into=None)
    Proposal.objects.filter(generated=True).delete()
    call_command("demo", sessions=1, per_session=60, seed=5, verbosity=0, questions=0)
    routing = artifact_path("routing", "npc")
    assert routing is not None and routing.is_relative_to(settings.LIANGHUI_INSIGHTS_MODELS)


def test_demo_is_deterministic_and_rerunnable():
    call_command("demo", sessions=1, per_session=30, seed=3, verbosity=0, questions=20)
    first = list(
        Proposal.objects.filter(generated=True)
        .order_by("key")
        .values_list("key", "title_zh", "status")
    )
    call_command("demo", sessions=1, per_session=30, seed=3, verbosity=0, questions=20)  # skipped
    assert Proposal.objects.filter(generated=True).count() == len(first)
    Proposal.objects.filter(generated=True).update(merged_into=None)
    Proposal.objects.filter(generated=True).delete()
    call_command("demo", sessions=1, per_session=30, seed=3, verbosity=0, questions=20)
    again = list(
        Proposal.objects.filter(generated=True)
        .order_by("key")
        .values_list("key", "title_zh", "status")
    )
    assert again == first


def test_demo_generates_the_written_questions_chamber_beside_the_two_sessions(client):
    from lianghui.proposals import supervision
    from lianghui.proposals.models import Body, Feedback, Reply

    call_command(
        "demo", sessions=1, per_session=20, seed=3, verbosity=0, questions=150, no_train=True
    )
    body = Body.objects.get(key="wq")
    assert body.generated and body.language == "en" and body.deadline_unit == "working_days"
    questions = Proposal.objects.filter(session__body=body)
    assert questions.count() == 150 and not questions.filter(generated=False).exists()
    assert questions.filter(original_language="en").count() == 150
    statuses = Counter(questions.values_list("status", flat=True))
    for status in (
        "draft", "withdrawn", "submitted", "under_review", "not_filed", "filed",
        "assigned", "replied", "closed",
    ):  # fmt: skip
        assert statuses[status] > 0, status
    replies = Reply.objects.filter(assignment__proposal__session__body=body)
    assert set(replies.values_list("category", flat=True)) == {"answered", "holding"}
    assert not Feedback.objects.filter(reply__in=replies).exists()  # not rated
    assert supervision.overdue(today=dt.date(2026, 12, 1), body=body).exists()
    # The departments are the chamber's own, and so are the members.
    assert (
        not Assignment.objects.filter(proposal__session__body=body)
        .exclude(agency__key__startswith="wq-")
        .exists()
    )
    # The home page marks the body as generated; the note on sources names only the
    # Two Sessions.
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Written Questions Chamber (generated demo)" in home
    assert "WQC: generated demo data throughout" in home
    assert "Records of CPPCC and NPC marked" in home
