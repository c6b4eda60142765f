"""The desks' reads: each desk's scope is cut out of what the visibility policy
lets its user see, never wider, and holds the work of the user's body or agency."""

import pytest

from lianghui.desks import selectors
from lianghui.proposals import services, visibility
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
ROLES = ["member", "other_member", "office", "other_office", "agency", "supervisor", "admin"]


@pytest.fixture
def work(accounts):
    """Besides p-1 and p-2: deputy-a's draft, an unpublished submitted proposal by
    deputy-b, and a filed key proposal assigned to MIIT."""
    ProposalFactory(key="w-draft")
    ProposalFactory(key="w-submitted", lead_member="deputy-b", status="submitted")
    key = ProposalFactory(key="w-key", status="assigned")
    services.proposal_set_key(proposal=key, is_key=True)
    return accounts


def keys(queryset) -> set[str]:
    return set(queryset.values_list("key", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_no_desk_shows_more_than_the_policy(work, role):
    user = work[role]
    allowed = keys(visibility.proposals_for(user))
    office = selectors.office_proposals(user=user)
    for scope in [
        selectors.desk_proposals(user=user),
        selectors.member_led(user=user),
        office,
        *selectors.office_tabs(scope=office).values(),
        selectors.key_proposals(user=user),
    ]:
        assert keys(scope) <= allowed, role
    replies = set(visibility.replies_for(user).values_list("pk", flat=True))
    to_rate = selectors.member_replies_to_rate(user=user).values_list("pk", flat=True)
    assert set(to_rate) <= replies


def test_each_desk_holds_its_users_work(work):
    assert keys(selectors.member_led(user=work["member"])) >= {"w-draft", "w-key"}
    assert "w-submitted" not in keys(selectors.member_led(user=work["member"]))
    assert keys(selectors.drafts(proposals=selectors.member_led(user=work["member"]))) == {
        "w-draft"
    }
    npc_review = selectors.office_tabs(scope=selectors.office_proposals(user=work["office"]))
    assert "w-submitted" in keys(npc_review["review"])
    # The CPPCC's office may see the NPC's published proposals; they are not its work.
    assert "p-1" in keys(visibility.proposals_for(work["other_office"]))
    assert not keys(selectors.office_proposals(user=work["other_office"])) & {"p-1", "w-key"}
    assert "w-key" in keys(selectors.key_proposals(user=work["supervisor"]))
    assert "p-1" not in keys(selectors.key_proposals(user=work["supervisor"]))  # not a key one
    mine = selectors.agency_assignments(user=work["agency"])
    assert {a.agency.key for a in mine} == {"miit"}
    assert "w-key" in {a.proposal.key for a in selectors.awaiting_answer(assignments=mine)}
    assert not selectors.agency_assignments(user=work["other_agency"]).filter(proposal__key="w-key")
