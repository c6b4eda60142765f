"""From proposal to law: suggested links, the office's decision, shown both ways."""

import pytest

from lianghui.insights.models import SuggestionDecision
from lianghui.laws import services
from lianghui.laws.models import ProposalLink, Regulation
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers_rule(accounts):
    p = Proposal.objects.get(key="p-1")
    p.text_zh = "建议规范外卖平台算法，保障骑手劳动报酬和休息权利，算法规则应当听取工会意见。"
    p.save()
    return Regulation.objects.create(
        key="rider-rule",
        title_zh="外卖骑手算法规则指导意见",
        title_en="Guidance on riders' algorithms",
        kind="normative_document",
        summary_zh="平台算法规则应当听取工会意见，保障骑手劳动报酬和休息权利。",
    )


def test_imported_related_proposals_are_confirmed_links(small_world, client):
    pipl = Regulation.objects.get(key="pipl")
    assert pipl.proposal_links.get().status == "confirmed"
    assert "On the digital economy" in client.get("/regulations/pipl/").content.decode()


def test_a_suggested_link_shows_shared_terms_to_the_office_and_nothing_to_the_public(
    workers_rule, accounts, client, client_for
):
    links = services.links_suggest(regulations=[workers_rule])
    link = next(k for k in links if k.proposal.key == "p-1")
    assert link.status == "suggested" and "劳动报酬" in link.shared_terms
    assert link.shared_passages
    assert "riders&#x27;" not in client.get("/proposals/p-1/").content.decode()
    assert "On the digital economy" not in client.get("/regulations/rider-rule/").content.decode()
    office = client_for(accounts["office"]).get("/desk/office/proposals/p-1/").content.decode()
    assert (
        "Guidance on riders’ algorithms" in office
        or "Guidance on riders&#x27; algorithms" in office
    )
    assert "劳动报酬" in office


def test_the_office_confirms_and_the_link_shows_both_ways(workers_rule, accounts, client_for):
    link = next(
        k for k in services.links_suggest(regulations=[workers_rule]) if k.proposal.key == "p-1"
    )
    url = f"/desk/office/proposals/p-1/regulations/{link.pk}/confirm/"
    assert client_for(accounts["other_office"]).post(url).status_code == 403
    assert client_for(accounts["office"]).post(url).status_code == 302
    link.refresh_from_db()
    assert link.status == "confirmed" and link.decided_by == accounts["office"]
    decision = SuggestionDecision.objects.get(kind="regulation")
    assert (decision.decision, decision.suggested) == ("accepted", "rider-rule")
    public = client_for(None)
    assert "riders&#x27; algorithms" in public.get("/proposals/p-1/").content.decode()
    assert "On the digital economy" in public.get("/regulations/rider-rule/").content.decode()
    member = public.get("/members/deputy-a/").content.decode()
    assert "What came of it" in member and "riders&#x27; algorithms" in member
    api = public.get("/api/v1/regulations/rider-rule/").json()
    assert [k["proposal"] for k in api["links"]] == ["p-1"]


def test_a_rejected_link_stays_private_and_is_not_suggested_again(
    workers_rule, accounts, client_for
):
    link = next(
        k for k in services.links_suggest(regulations=[workers_rule]) if k.proposal.key == "p-1"
    )
    url = f"/desk/office/proposals/p-1/regulations/{link.pk}/reject/"
    client_for(accounts["office"]).post(url)
    services.links_suggest(regulations=[workers_rule])
    assert ProposalLink.objects.get(pk=link.pk).status == "rejected"
    assert not workers_rule.related_proposals.exists()
    assert "riders&#x27;" not in client_for(None).get("/proposals/p-1/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_confirmed_link_deleted_through_the_model_leaves_both_records_and_the_api(
    small_world, client, admin_client
):
    """Deleted from a shell, a confirmed link takes its mirror pair with it: the
    regulation's page, its API detail and the proposal's agree. The admin cannot
    delete one (a link is rejected on the desk, where the decision is recorded)."""
    pipl = Regulation.objects.get(key="pipl")
    link = pipl.proposal_links.get()
    api = "/api/v1/regulations/pipl/"
    assert client.get(api).json()["related_proposals"] == ["p-1"]
    assert admin_client.get(f"/admin/laws/proposallink/{link.pk}/delete/").status_code == 403
    link.delete()
    assert not pipl.related_proposals.exists()
    assert client.get(api).json()["related_proposals"] == []
    assert "On the digital economy" not in client.get("/regulations/pipl/").content.decode()
