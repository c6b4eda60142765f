"""The public register of algorithms: every automated function with its real figures
(the trained artifact's held-out report, the recorded decisions, per body), its
per-body switch honoured where it runs, and members' statements on interest flags."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lianghui.accounts.services import account_create
from lianghui.insights import algorithms
from lianghui.insights.models import InterestStatement
from lianghui.insights.services import suggestion_decide
from lianghui.insights.suggestions import compute
from lianghui.people.models import Member
from lianghui.proposals.models import Body, Proposal
from lianghui.search.similar import similar_proposals
from tests.insights.test_train_from_db import _models, history, train  # noqa: F401

pytestmark = pytest.mark.django_db
KEYS = [
    "topics",
    "agency_routing",
    "duplicates",
    "interest_flags",
    "similar_proposals",
    "search_ranking",
]


def _switch_off(body_key: str, *keys: str) -> None:
    Body.objects.filter(key=body_key).update(algorithms_off=list(keys))


def test_every_function_is_registered_with_its_texts_in_both_languages():
    from django.utils import translation

    assert [a.key for a in algorithms.algorithms()] == KEYS
    for a in algorithms.algorithms():
        texts = [a.name, a.what, a.inputs, a.learns_from, a.shown, a.contest]
        with translation.override("en"):
            english = [str(t) for t in texts]
        with translation.override("zh-hans"):
            chinese = [str(t) for t in texts]
        assert all(english) and all(c != e for c, e in zip(chinese, english, strict=True)), a.key


def test_the_register_shows_the_trained_artifacts_figures_and_the_decisions(
    history,  # noqa: F811
    accounts,
    _models,  # noqa: F811
):
    out, _err = train("--body", "npc", "--json")
    routing = json.loads(out)["routing"]
    ev = routing["evaluation"]
    p = Proposal.objects.get(key="ind-0")
    for decision, chosen in (("accepted", "miit"), ("accepted", "miit"), ("dismissed", "")):
        suggestion_decide(
            proposal=p,
            kind="agency",
            decision=decision,
            suggested="miit",
            chosen=chosen,
            actor=accounts["office"],
        )
    # history: one override (lab-override), through agency_suggestion_apply
    c = Client()
    html = c.get("/algorithms/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for key in KEYS:
        assert f'id="{key}"' in html
    version = routing["artifact"].rsplit("/", 1)[1]
    assert f"npc/{version}" in html
    assert f"{ev['top1']:.3f}" in html and f"{ev['top3']:.3f}" in html
    assert f"on {ev['n_test']} held-out proposals, measured {routing['created']}" in html
    assert "2 / 1 / 1" in html  # accepted / overridden / dismissed, NPC
    data = c.get("/api/v1/algorithms/").json()
    assert [a["key"] for a in data] == KEYS
    routing_row = next(a for a in data if a["key"] == "agency_routing")
    npc = next(b for b in routing_row["bodies"] if b["body"] == "npc")
    assert npc["enabled"] is True
    assert npc["artifact"]["version"] == f"npc/{version}" and npc["artifact"]["shared"] is False
    assert npc["artifact"]["n_proposals"] == 17 and npc["artifact"]["n_overrides"] == 1
    figures = {f["key"]: f["value"] for f in npc["quality"]["figures"]}
    assert figures["top1"] == pytest.approx(ev["top1"])
    assert npc["quality"]["measured"] == routing["created"]
    assert npc["decisions"] == {
        "total": 4,
        "accepted": 2,
        "overridden": 1,
        "dismissed": 1,
        "accepted_share": 0.5,
        "overridden_share": 0.25,
        "dismissed_share": 0.25,
    }
    cppcc = next(b for b in routing_row["bodies"] if b["body"] == "cppcc")
    assert cppcc["artifact"] is None and cppcc["decisions"]["total"] == 0
    flags = next(a for a in data if a["key"] == "interest_flags")
    assert flags["bodies"][0]["decisions"] is None and flags["bodies"][0]["quality"] is None


def test_without_a_trained_model_the_register_says_so(small_world, settings, tmp_path):
    settings.LIANGHUI_INSIGHTS_MODELS = tmp_path / "none"
    html = Client().get("/algorithms/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No trained model: the rule above is used." in html
    assert "none recorded yet" in html
    zh = Client().get("/algorithms/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "算法公示" in zh and "没有训练好的模型" in zh


def test_the_register_costs_a_fixed_number_of_queries(
    small_world, accounts, django_assert_num_queries
):
    for key in ("p-1", "p-2"):
        suggestion_decide(
            proposal=Proposal.objects.get(key=key),
            kind="topics",
            decision="accepted",
            suggested="ai",
            actor=accounts["office"],
        )
    with django_assert_num_queries(2):  # the bodies, the decisions
        assert Client().get("/api/v1/algorithms/").status_code == 200


def test_the_footer_and_every_shown_output_link_to_the_register(small_world, client):
    html = client.get("/proposals/p-1/").content.decode()
    assert 'href="/algorithms/"' in html  # the footer
    assert 'href="/algorithms/#similar_proposals"' in html
    html = client.get("/search/?q=数字经济").content.decode()
    assert 'href="/algorithms/#search_ranking"' in html


def test_the_office_sees_how_suggestions_work(small_world, accounts, client_for):
    html = client_for(accounts["office"]).get("/desk/office/proposals/p-1/").content.decode()
    assert 'href="/algorithms/#agency_routing"' in html


# --- switches ---------------------------------------------------------------------------


def test_a_function_switched_off_for_a_body_does_not_run_there(
    small_world, accounts, internet_means_ai
):
    p = Proposal.objects.select_related("session__body").get(key="p-1")
    assert algorithms.enabled("interest_flags", p.session.body)
    _switch_off("npc", "interest_flags", "similar_proposals", "topics")
    p = Proposal.objects.select_related("session__body").get(key="p-1")
    c = Client()
    html = c.get("/proposals/p-1/").content.decode()
    assert "Interest flags" not in html
    assert c.get("/api/v1/proposals/p-1/interest-flags/").json() == []
    assert similar_proposals(proposal=p) == []
    assert compute(p).show_topics is False
    with pytest.raises(ValidationError):
        suggestion_decide(proposal=p, kind="topics", decision="accepted", actor=accounts["office"])
    row = next(
        b
        for a in algorithms.register_of()
        if a["algorithm"].key == "interest_flags"
        for b in a["bodies"]
        if b["body"].key == "npc"
    )
    assert row["enabled"] is False
    # The other body keeps it; search ranking is not per body.
    cppcc = Body.objects.get(key="cppcc")
    assert algorithms.enabled("interest_flags", cppcc)
    assert algorithms.enabled("search_ranking", Body.objects.get(key="npc"))


def test_office_suggestions_follow_the_bodys_master_switch(small_world):
    npc = Body.objects.get(key="npc")
    npc.suggestions_enabled = False
    assert not algorithms.enabled("agency_routing", npc)
    assert algorithms.enabled("interest_flags", npc)


# --- statements on interest flags -------------------------------------------------------


@pytest.fixture
def internet_means_ai(settings, tmp_path):
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps({"sector_topics": {"internet": ["ai"]}}), encoding="utf-8")
    settings.LIANGHUI_INSIGHTS_VOCABULARY = str(path)
    return path


@pytest.fixture
def ma(small_world):
    return account_create(
        username="pony", password="x", role="member", member=Member.objects.get(key="ma-huateng")
    )


def test_the_member_concerned_attaches_a_statement_shown_beside_the_flag(
    ma, accounts, internet_means_ai, client_for
):
    url = "/desk/member/flags/p-1/tencent/"
    c = client_for(ma)
    assert "Add your statement" in c.get("/proposals/p-1/").content.decode()
    assert c.get(url).status_code == 200
    r = c.post(url, {"text": "I own shares; I proposed as a deputy."})
    assert r.status_code == 302
    anonymous = Client()
    for page in ("/proposals/p-1/", "/members/ma-huateng/"):
        html = anonymous.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Statement by" in html and "I own shares; I proposed as a deputy." in html, page
    office = client_for(accounts["office"]).get("/desk/office/proposals/p-1/")
    assert "I own shares" in office.content.decode()
    [flag] = anonymous.get("/api/v1/proposals/p-1/interest-flags/").json()
    assert flag["member"] == "ma-huateng" and flag["organization"] == "tencent"
    assert flag["statement"]["text"] == "I own shares; I proposed as a deputy."
    # Someone else may not speak for the member (another member has no flag there);
    # no flag, no statement.
    assert client_for(accounts["office"]).post(url, {"text": "x"}).status_code == 403
    assert client_for(accounts["member"]).post(url, {"text": "x"}).status_code == 404
    assert c.post("/desk/member/flags/p-1/baidu/", {"text": "x"}).status_code == 404
    # An empty statement withdraws it.
    c.post(url, {"text": ""})
    assert not InterestStatement.objects.exists()
    assert "Statement by" not in anonymous.get("/proposals/p-1/").content.decode()


def test_a_statement_outlives_the_members_account(ma, internet_means_ai, client_for):
    from lianghui.accounts import mydata

    client_for(ma).post("/desk/member/flags/p-1/tencent/", {"text": "On the record."})
    tables = {t.name: t.rows(ma) for t in mydata.TABLES}
    assert tables["interest_statements"][0]["text"] == "On the record."
    mydata.erase(user=ma)
    statement = InterestStatement.objects.get()
    assert statement.user is None and statement.text == "On the record."
