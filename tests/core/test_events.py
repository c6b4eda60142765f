import pytest
from django.db import transaction

from lianghui.core import events

pytestmark = pytest.mark.django_db(transaction=True)


def test_subscribers_hear_once_per_commit_and_not_on_rollback(small_world, jsonl):
    from lianghui.exchange.importer import import_files

    saved = {label: list(fns) for label, fns in events._subscribers.items()}
    events._subscribers.clear()  # hear only this test's subscriber
    heard = []
    events.subscribe("proposals.Proposal", lambda label, ids: heard.append((label, ids)))
    with transaction.atomic():
        events.changed("proposals.Proposal", [1, 2])
        events.changed("proposals.Proposal", [2, 3])
        assert heard == []
    assert heard == [("proposals.Proposal", {1, 2, 3})]
    heard.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.changed("proposals.Proposal", [9])
        raise RuntimeError
    assert heard == []
    events.changed("proposals.Proposal", [7])  # outside a transaction: at once
    assert heard == [("proposals.Proposal", {7})]
    heard.clear()
    path = jsonl(
        {
            "type": "proposal",
            "key": "new",
            "session": "npc-2022",
            "kind": "npc-suggestion",
            "title_zh": "新",
            "signers": [{"member": "deputy-a"}],
        }
    )
    import_files([path])
    from lianghui.proposals.models import Proposal

    assert heard == [("proposals.Proposal", {Proposal.objects.get(key="new").pk})]
    events._subscribers.clear()
    events._subscribers.update(saved)


def test_links_and_parts_are_reported_as_the_records_they_show_in(small_world, settings):
    """Model signals: a link between a regulation and a proposal, a citation and a
    membership are reported as the records whose copies show them."""
    from lianghui.core.models import Change
    from lianghui.laws.models import Regulation
    from lianghui.people.models import Member
    from lianghui.proposals.models import Proposal

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # keep rows
    Change.objects.all().delete()
    p = Proposal.objects.get(key="p-1")
    regulation = Regulation.objects.get(key="pipl")

    def recorded():
        found = {(c.label, i) for c in Change.objects.all() for i in c.ids}
        Change.objects.all().delete()
        return found

    p.regulations.remove(regulation)  # from the proposal's side
    assert {("proposals.Proposal", p.pk), ("laws.Regulation", regulation.pk)} <= recorded()
    p.regulations.add(regulation)
    recorded()
    regulation.related_proposals.clear()  # from the regulation's, every link at once
    assert {("proposals.Proposal", p.pk), ("laws.Regulation", regulation.pk)} <= recorded()
    member = Member.objects.get(key="deputy-a")
    member.memberships.first().delete()
    assert ("people.Member", member.pk) in recorded()
