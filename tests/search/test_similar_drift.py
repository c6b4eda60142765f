"""`lianghui verify` on the stored similar-proposal lists: lists of proposals the
public no longer sees, lists naming such proposals, lists older than their
proposal and missing lists are drift, and the repair makes them current; the
page never shows a hidden proposal from a list before the repair. SQLite and
PostgreSQL."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianghui.core import verify
from lianghui.proposals.models import Proposal
from lianghui.search import similar
from lianghui.search.models import SimilarList
from lianghui.search.services import rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(search_world):
    rebuild()
    similar.refresh(ids=similar.public_ids(), neighbours=False)
    assert verify.run(["similar"]) == {"similar": []}


def pid(key):
    return Proposal.objects.get(key=key).id


def listed(key):
    items = SimilarList.objects.get(proposal_id=pid(key)).items
    return {item[0] for item in items}


def problems():
    return {(d.record.split(" ")[1], d.problem) for d in verify.run(["similar"])["similar"]}


def test_a_proposal_unpublished_behind_the_streams_back_is_drift_and_repaired(world):
    assert pid("p-cppcc") in listed("p-ai")
    # A raw update reports no change: the lists stay as they were.
    Proposal.objects.filter(key="p-cppcc").update(published=False)
    found = problems()
    assert ("(p-cppcc)", "extra: not public") in found
    assert ("(p-ai)", "stale: names 1 not public") in found
    verify.repair({"similar": verify.run(["similar"])["similar"]})
    assert not SimilarList.objects.filter(proposal_id=pid("p-cppcc")).exists()
    # made again from an index that still holds p-cppcc: the policy leaves it out
    assert listed("p-ai") and pid("p-cppcc") not in listed("p-ai")
    assert problems() == set()


def test_the_page_never_shows_a_hidden_proposal_from_a_list_before_the_repair(world, client):
    assert "/proposals/p-cppcc/" in client.get("/proposals/p-ai/").content.decode()
    Proposal.objects.filter(key="p-cppcc").update(published=False)
    deleted = Proposal.objects.get(key="p-order")
    SimilarList.objects.filter(proposal_id=pid("p-ai")).update(
        items=[[deleted.id, ["x", "y"], False]]
        + SimilarList.objects.get(proposal_id=pid("p-ai")).items
    )
    Proposal.objects.filter(pk=deleted.pk).delete()
    page = client.get("/proposals/p-ai/").content.decode()
    assert "/proposals/p-cppcc/" not in page and "/proposals/p-order/" not in page
    assert [s.key for s in similar.similar_proposals(proposal=Proposal.objects.get(key="p-ai"))]
    assert ("(p-ai)", "stale: names 2 not public") in problems()


def test_lists_missing_older_than_their_proposal_or_of_deleted_ones(world):
    SimilarList.objects.filter(proposal_id=pid("p-econ")).delete()
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    SimilarList.objects.filter(proposal_id=pid("p-rider")).update(made_at=long_ago)
    SimilarList.objects.create(proposal_id=10**9, items=[])
    assert problems() == {
        ("(p-econ)", "missing"),
        ("(p-rider)", "stale: older than the proposal"),
        ("(-)", "extra: deleted"),
    }
    assert verify.repair(verify.run(["similar"])) == {"similar": 3}
    assert problems() == set()
    assert SimilarList.objects.get(proposal_id=pid("p-rider")).made_at > long_ago
    assert not SimilarList.objects.filter(proposal_id=10**9).exists()


def test_the_command_names_the_record_and_channel(world):
    Proposal.objects.filter(key="p-cppcc").update(published=False)

    class Out:
        text = ""

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    out = Out()
    with pytest.raises(CommandError):
        call_command("verify", channel=["similar"], stdout=out)
    assert f"proposals.Proposal:{pid('p-cppcc')} (p-cppcc)" in out.text
    assert "similar: 3 drift" in out.text  # its own list, and p-ai's and p-gen's name it
    call_command("verify", channel=["similar"], repair=True, stdout=Out())
    call_command("verify", channel=["similar"], stdout=Out())  # clean now
