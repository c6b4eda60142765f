"""The public's read of a proposal brings its lists in the proposal's own row
(proposals/selectors.py, ``_with_lists``): what it gives must be what the lists'
own queries give, which every other viewer's read still runs."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.people.models import Organization
from lianghui.proposals import selectors, services
from lianghui.proposals.models import Assignment
from tests.factories import ProposalFactory


def _fields(instance) -> dict:
    return {k: v for k, v in instance.__dict__.items() if not k.startswith("_")}


def _handled(small_world):
    """A proposal whose lists are out of id order: a co-signer, two topics, a joint
    handler assigned before the lead unit (later id, earlier date), the lead's
    reply later than the joint handler's and rated with a comment its proposer kept
    private."""
    p = ProposalFactory(
        status="assigned", agency="miit", cosigners=["deputy-b"], topics=["labour", "ai"]
    )
    lead = Assignment.objects.get(proposal=p)
    joint = services.proposal_assign(
        proposal=p,
        agency=Organization.objects.get(key="mohrss"),
        role="joint",
        on=dt.date(2022, 3, 21),
    )
    unrated = services.reply_create(assignment=joint, category="B", on=dt.date(2022, 4, 1))
    shown = services.reply_create(
        assignment=lead, category="A", on=dt.date(2022, 5, 10), text_zh="已采纳。"
    )
    services.feedback_give(
        reply=shown,
        rating="satisfied",
        on=dt.date(2022, 6, 1),
        comment="谢谢",
        comment_public=False,
    )
    return p, unrated, shown


def test_the_publics_lists_are_what_their_own_queries_give(small_world):
    p, unrated, shown = _handled(small_world)
    public = selectors.proposal_detail(key=p.key)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 12)
    every = selectors.proposal_detail(key=p.key, viewer=admin)

    # Same rows, same order, same values (dates as dates, flags as booleans).
    assert [_fields(s) for s in public.signers.all()] == [_fields(s) for s in every.signers.all()]
    assert [s.member.key for s in public.signers.all()] == ["deputy-a", "deputy-b"]
    assert [t.key for t in public.topics.all()] == ["ai", "labour"]
    assert [_fields(a) for a in public.assignments.all()] == [
        _fields(a) for a in every.assignments.all()
    ]
    assert [a.agency.key for a in public.assignments.all()] == ["mohrss", "miit"]
    assert isinstance(public.assignments.all()[0].assigned_on, dt.date)
    assert public.assignments.all()[0].active is True

    # The replies, each with its place among its assignment's replies; the public
    # is not shown the private comment, the office is.
    public_replies = [r for a in public.assignments.all() for r in a.replies.all()]
    every_replies = [r for a in every.assignments.all() for r in a.replies.all()]
    assert [r.pk for r in public_replies] == [unrated.pk, shown.pk]
    assert [r.comment_shown for r in every_replies] == [True, True]
    assert [r.comment_shown for r in public_replies] == [None, False]
    for r in [*public_replies, *every_replies]:
        del r.comment_shown
    assert [_fields(r) for r in public_replies] == [_fields(r) for r in every_replies]
    reply = public_replies[1]
    assert reply.replied_on == dt.date(2022, 5, 10)
    assert reply.text_zh == "已采纳。"
    assert reply.position == 0
    assert reply.assignment.agency.key == "miit"

    # Everything the page reads of them is in hand: no query more.
    with CaptureQueriesContext(connection) as queries:
        assert reply.feedback.rating == "satisfied"
        assert reply.feedback.given_on == dt.date(2022, 6, 1)
        assert not hasattr(public_replies[0], "feedback")  # known to have none
        assert [s.member.name for s in public.signers.all()]
        assert [t.name for t in public.topics.all()]
        assert [a.agency.name for a in public.assignments.all()]
    assert len(queries) == 0


def test_a_proposal_without_lists_reads_empty_lists(small_world):
    p = ProposalFactory(status="filed", cosigners=[], topics=[])
    public = selectors.proposal_detail(key=p.key)
    assert [s.member.key for s in public.signers.all()] == ["deputy-a"]
    assert list(public.topics.all()) == []
    assert list(public.assignments.all()) == []


def test_the_publics_read_brings_the_audit_log_its_timeline_reads(small_world):
    from django.contrib.contenttypes.models import ContentType

    from lianghui.proposals.models import Proposal
    from lianghui.proposals.timeline import HISTORY, proposal_timeline

    p, _unrated, _shown = _handled(small_world)
    page = selectors.proposal_detail(key=p.key, history=True)
    own = HISTORY(ContentType.objects.get_for_model(Proposal).pk, p.pk)
    assert len(own) >= 6  # drafted, submitted, filed, assigned twice, replied...
    assert [_fields(e) for e in page.history] == [_fields(e) for e in own]
    with CaptureQueriesContext(connection) as queries:
        steps = proposal_timeline(proposal=page, entries=page.history)
    assert not [q for q in queries.captured_queries if "core_auditentry" in q["sql"]]
    assert [(e.on, e.text) for e in steps] == [
        (e.on, e.text) for e in proposal_timeline(proposal=selectors.proposal_detail(key=p.key))
    ]
    assert selectors.proposal_detail(key=p.key).history is None  # the API's read: not brought
