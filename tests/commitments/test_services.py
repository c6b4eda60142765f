"""Commitments follow their replies through the change stream, are reviewed by the
office, and are kept, open or lapsed as the record shows."""

import datetime as dt

import pytest

from lianghui.commitments import selectors, services
from lianghui.commitments.models import Commitment
from lianghui.core.models import AuditEntry
from lianghui.laws.models import Regulation
from lianghui.proposals import services as proposal_services
from lianghui.proposals.models import Assignment, Reply
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db

PROMISE = "您的建议收悉。下一步，我部将会同有关部门加快修订相关办法，力争2022年底前出台。"


def _reply(proposal, *, text=PROMISE, category="B", on=dt.date(2022, 5, 1), published=True):
    assignment = Assignment.objects.get(proposal=proposal, active=True)
    return proposal_services.reply_create(
        assignment=assignment, category=category, on=on, text_zh=text, published=published
    )


@pytest.fixture
def assigned(small_world, committed):
    # Inside a "commit" from the start: the change stream flushes what a
    # transaction reported when it commits, so the whole story must be in one.
    with committed():
        return ProposalFactory(status="assigned")


@pytest.fixture
def reply_to(committed):
    def make(proposal, **kw):
        with committed():
            return _reply(proposal, **kw)

    return make


def test_a_published_reply_is_read_for_commitments(assigned, reply_to):
    reply = reply_to(assigned)
    (c,) = reply.commitments.all()
    assert c.sentence.startswith("下一步") and c.language == "zh"
    assert c.due_on == dt.date(2022, 12, 31)
    # Due at the end of 2022, and nothing on the record shows it kept since.
    assert c.review == "suggested" and c.outcome == "lapsed"
    assert list(selectors.public_commitments()) == [c]


def test_an_unpublished_reply_keeps_its_commitments_from_the_public(assigned, accounts, reply_to):
    reply = reply_to(assigned, published=False)
    assert reply.commitments.count() == 1
    assert not selectors.public_commitments().exists()
    assert selectors.commitments_for(accounts["office"]).count() == 1
    Reply.objects.filter(pk=reply.pk).update(published=True)
    assert selectors.public_commitments().count() == 1


def test_an_edit_re_reads_the_reply_and_keeps_decisions(assigned, accounts, reply_to, committed):
    reply = reply_to(assigned, text=PROMISE + "我们将继续加强监督检查。")
    first, second = reply.commitments.order_by("position")
    with committed():
        services.commitment_review(commitment=first, decision="confirmed", actor=accounts["office"])
    reply.text_zh = PROMISE  # the second promise is edited out, e.g. in the admin
    with committed():
        reply.save()
    (left,) = Reply.objects.get(pk=reply.pk).commitments.all()
    assert left.pk == first.pk and left.review == "confirmed"


def test_review_is_audited_and_rejection_hides_it(assigned, accounts, reply_to):
    (c,) = reply_to(assigned).commitments.all()
    services.commitment_review(commitment=c, decision="rejected", actor=accounts["office"])
    entry = AuditEntry.objects.filter(action="commitment_review").get()
    assert entry.actor == accounts["office"] and entry.after == "rejected"
    assert not selectors.public_commitments().exists()
    assert selectors.commitments_for(accounts["office"]).count() == 1
    assert not selectors.commitments_for(accounts["watcher"]).exists()


def test_a_bad_decision_is_refused(assigned, accounts, reply_to):
    from django.core.exceptions import ValidationError

    (c,) = reply_to(assigned).commitments.all()
    with pytest.raises(ValidationError) as err:
        services.commitment_review(commitment=c, decision="maybe", actor=accounts["office"])
    assert "decision" in err.value.message_dict


def test_it_lapses_after_its_date(assigned, reply_to):
    (c,) = reply_to(assigned).commitments.all()
    assert services.commitments_refresh(today=dt.date(2022, 7, 1)) == {"open": 1}
    assert services.commitments_refresh(today=dt.date(2022, 12, 31)) == {}
    assert services.commitments_refresh(today=dt.date(2023, 1, 1)) == {"lapsed": 1}
    c.refresh_from_db()
    assert c.outcome == "lapsed" and c.outcome_on == dt.date(2022, 12, 31)
    assert selectors.lapsed() == [c]


def test_a_linked_regulation_adopted_after_the_reply_keeps_it(assigned, reply_to):
    (c,) = reply_to(assigned).commitments.all()
    reg = Regulation.objects.create(key="r-1", title_en="Rules", kind="law")
    reg.related_proposals.add(assigned)
    Regulation.objects.filter(pk=reg.pk).update(adopted_on=dt.date(2022, 11, 1))
    services.commitments_refresh(today=dt.date(2023, 1, 1))
    c.refresh_from_db()
    assert (c.outcome, c.outcome_on, c.kept_by_regulation) == ("kept", dt.date(2022, 11, 1), reg)


def test_a_regulation_change_reaches_the_outcome_through_the_change_stream(
    assigned, reply_to, committed
):
    (c,) = reply_to(assigned).commitments.all()
    with committed():
        reg = Regulation.objects.create(key="r-2", title_en="Rules", kind="law")
        reg.related_proposals.add(assigned)
    reg.adopted_on = dt.date(2022, 8, 1)
    with committed():
        reg.save()  # as the admin would
    c.refresh_from_db()
    assert c.outcome == "kept"


def test_a_later_first_category_reply_of_the_same_agency_keeps_it(assigned, accounts, reply_to):
    reply = reply_to(assigned)
    (c,) = reply.commitments.all()
    later = Reply.objects.create(
        assignment=reply.assignment, category="A", replied_on=dt.date(2022, 10, 1), published=True
    )
    services.commitments_refresh(today=dt.date(2023, 1, 1))
    c.refresh_from_db()
    assert (c.outcome, c.kept_by_reply) == ("kept", later)


def test_an_english_proposal_is_read_in_english(small_world, reply_to, committed):
    with committed():
        p = ProposalFactory(status="assigned")
        p.original_language = "en"
        p.save(update_fields=["original_language"])
    reply = reply_to(p, text="")
    reply.text_en = "Thank you. The Department will publish revised guidance by June 2023."
    with committed():
        reply.save()
    (c,) = Commitment.objects.filter(reply=reply)
    assert c.language == "en" and c.due_on == dt.date(2023, 6, 30)


def test_a_bulk_write_reports_proposals_and_their_replies_are_read(small_world, committed):
    """The importer and the demo report the proposals they wrote, not each reply."""
    from lianghui.core import events

    with committed():
        p = ProposalFactory(status="assigned")
    with committed(), events.bulk():
        a = p.assignments.get()
        reply = Reply.objects.create(
            assignment=a, category="B", replied_on=dt.date(2022, 5, 1), published=True,
            text_zh=PROMISE,
        )  # fmt: skip
        events.changed("proposals.Proposal", [p.pk])
    assert reply.commitments.count() == 1
