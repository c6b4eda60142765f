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


def test_every_model_is_tracked_or_says_why_not():
    """A record type added later is either in the change stream or listed with the
    reason it needs none: a model left out of both would let the admin or a shell
    change what a public copy shows without the copy following."""
    from django.apps import apps

    ours = {
        m._meta.label
        for m in apps.get_models(include_auto_created=False)
        if m.__module__.startswith("lianghui.")
    }
    assert not set(events.TRACKED) & set(events.UNTRACKED)
    assert ours - set(events.TRACKED) - set(events.UNTRACKED) == set()
    assert set(events.UNTRACKED) <= ours  # no reason kept for a model that is gone


def test_a_regulations_text_and_a_bodys_terms_are_reported_as_their_records(small_world, settings):
    """Written through the models (the admin's version page and its provision rows,
    a shell), a version's text is reported as its regulation's change and a term as
    its body's, so their pages, the API and the index follow."""
    import datetime as dt

    from lianghui.core.models import Change
    from lianghui.laws.models import Provision, Regulation, RegulationVersion
    from lianghui.proposals.models import Body, Term

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # keep rows
    regulation = Regulation.objects.get(key="pipl")
    body = Body.objects.get(key="npc")
    Change.objects.all().delete()

    def recorded():
        found = {(c.label, i) for c in Change.objects.all() for i in c.ids}
        Change.objects.all().delete()
        return found

    version = RegulationVersion.objects.create(
        regulation=regulation, kind="final", date=dt.date(2021, 8, 20)
    )
    assert ("laws.Regulation", regulation.pk) in recorded()
    provision = Provision.objects.create(
        version=version, position=1, kind="article", text_zh="第一条"
    )
    assert ("laws.Regulation", regulation.pk) in recorded()
    provision.text_zh = "第一条 修改"
    provision.save()
    assert ("laws.Regulation", regulation.pk) in recorded()
    version.delete()  # its provisions go with it
    assert ("laws.Regulation", regulation.pk) in recorded()
    term = Term.objects.filter(body=body).first()
    term.label_en = "Renamed"
    term.save()
    assert ("proposals.Body", body.pk) in recorded()
