"""Bodies speak their own vocabulary: a parliament whose agencies answer or hold
an answer, with a single answering department and no satisfaction scale, beside
the Chinese bodies and their defaults (A/B/C, three levels, 主办/会办/协办)."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from lianghui.accounts.services import account_create
from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.people.models import Member, Organization
from lianghui.proposals import figures, services, vocabulary
from lianghui.proposals.models import Body, ProposalKind, Session, Term

DAY = dt.date(2022, 4, 1)

PARLIAMENT = {
    "type": "body",
    "key": "parl",
    "name_en": "House of Representatives",
    "name_zh": "众议院",
    "short_name_en": "House",
    "kind": "parliament",
    "description_en": "Members ask ministers written questions.",
    "description_zh": "议员向部长提出书面质询。",
    "vocabulary": [
        {
            "vocabulary": "reply_category",
            "code": "answered",
            "label_en": "Answered",
            "label_zh": "已答复",
        },
        {
            "vocabulary": "reply_category",
            "code": "holding",
            "label_en": "Holding answer",
            "label_zh": "暂复",
            "description_en": "A full answer follows.",
        },
        {
            "vocabulary": "handling_role",
            "code": "lead",
            "label_en": "Answering department",
            "label_zh": "答复部门",
        },
        {"vocabulary": "outcome", "code": "filed", "label_en": "Tabled", "label_zh": "已列入"},
        {
            "vocabulary": "outcome",
            "code": "not_filed",
            "label_en": "Not tabled",
            "label_zh": "未列入",
        },
        {
            "vocabulary": "not_filed_reason",
            "code": "out_of_order",
            "label_en": "Out of order",
            "label_zh": "不合程序",
        },
    ],
}
REST = [
    {"type": "proposal_kind", "key": "parl-question", "body": "parl", "code": "question",
     "name_en": "Written question"},
    {"type": "session", "key": "parl-2022", "body": "parl", "term": 1, "number": 1,
     "year": 2022, "name_en": "2022 session"},
    {"type": "member", "key": "mp-a", "name_en": "MP A", "memberships": [{"body": "parl"}]},
]  # fmt: skip


@pytest.fixture
def parliament(small_world, jsonl):
    import_files([jsonl(PARLIAMENT, *REST)])
    house = Body.objects.get(key="parl")
    # The small world's ministries answer the House too (agencies shared by two
    # bodies), so the same officers' desks show both vocabularies.
    for agency in Organization.objects.filter(kind="agency"):
        agency.bodies.add(house)
    return house


def _question(key="q-1"):
    p = services.proposal_create(
        session=Session.objects.get(key="parl-2022"),
        kind=ProposalKind.objects.get(key="parl-question"),
        key=key,
        title_en="On ministers' answers",
        lead_member=Member.objects.get(key="mp-a"),
    )
    services.proposal_submit(proposal=p, on=dt.date(2022, 3, 6))
    services.proposal_review(proposal=p, decision="filed", on=dt.date(2022, 3, 20))
    services.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="miit"), role="lead", on=DAY
    )
    return p


def test_a_body_imported_without_words_gets_the_chinese_defaults(parliament):
    npc = Body.objects.get(key="npc")
    assert vocabulary.codes(npc, "reply_category") == ["A", "B", "C"]
    assert vocabulary.codes(npc, "satisfaction") == [
        "satisfied",
        "basically_satisfied",
        "unsatisfied",
    ]
    assert vocabulary.codes(parliament, "reply_category") == ["answered", "holding"]
    assert vocabulary.codes(parliament, "satisfaction") == []


def test_the_agency_reply_form_offers_only_the_body_s_categories(parliament, accounts, client_for):
    a = _question().assignments.get()
    agency = client_for(accounts["agency"])
    page = agency.get(f"/desk/agency/assignments/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'value="answered"' in html and "Holding answer" in html
    assert "Answering department" in html
    assert 'value="A"' not in html and "adopted or solved" not in html
    zh = agency.get(f"/desk/agency/assignments/{a.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "暂复" in zh.content.decode() and "答复部门" in zh.content.decode()
    refused = agency.post(
        f"/desk/agency/assignments/{a.pk}/",
        {"action": "reply", "reply-category": "A", "reply-text_en": "Yes."},
    )
    assert refused.status_code == 200 and not a.replies.exists()
    sent = agency.post(
        f"/desk/agency/assignments/{a.pk}/",
        {"action": "reply", "reply-category": "holding", "reply-text_en": "Soon."},
    )
    assert sent.status_code == 302
    assert a.replies.get().get_category_display() == "Holding answer"


def test_the_chinese_body_still_offers_a_b_c(small_world, accounts, client_for):
    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="npc-new",
        title_zh="新建议",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=dt.date(2022, 3, 6))
    services.proposal_review(proposal=p, decision="filed", on=dt.date(2022, 3, 20))
    a = services.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="miit"), role="lead", on=DAY
    )
    html = client_for(accounts["agency"]).get(f"/desk/agency/assignments/{a.pk}/").content
    assert b'value="A"' in html and b'value="C"' in html and b"answered" not in html


def test_the_api_refuses_another_body_s_category_naming_the_field(parliament, accounts):
    p = _question()
    client = APIClient()
    client.force_authenticate(accounts["agency"])
    r = client.post(f"/api/v1/assignments/{p.key}.a0/replies/", {"category": "A"}, format="json")
    assert r.status_code == 400
    assert "category" in r.json()["errors"]
    assert "answered, holding" in r.json()["errors"]["category"][0]
    r = client.post(
        f"/api/v1/assignments/{p.key}.a0/replies/", {"category": "answered"}, format="json"
    )
    assert r.status_code == 201 and r.json()["category"] == "answered"
    body = APIClient().get("/api/v1/bodies/parl/").json()
    assert [t["code"] for t in body["vocabulary"]["reply_category"]] == ["answered", "holding"]
    assert body["vocabulary"]["satisfaction"] == []
    assert body["description_en"] == "Members ask ministers written questions."


def test_roles_and_outcomes_the_body_lacks_are_refused(parliament):
    p = _question()
    with pytest.raises(ValidationError) as refused:
        services.proposal_assign(
            proposal=p, agency=Organization.objects.get(key="mohrss"), role="joint", on=DAY
        )
    assert "role" in refused.value.message_dict
    r = services.proposal_create(
        session=Session.objects.get(key="parl-2022"),
        kind=ProposalKind.objects.get(key="parl-question"),
        key="q-4",
        title_en="Another",
        lead_member=Member.objects.get(key="mp-a"),
    )
    services.proposal_submit(proposal=r, on=dt.date(2022, 3, 6))
    with pytest.raises(ValidationError) as refused:
        services.proposal_review(proposal=r, decision="converted", on=DAY)
    assert "decision" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.proposal_review(proposal=r, decision="not_filed", reason="duplicate", on=DAY)
    assert "reason" in refused.value.message_dict
    services.proposal_review(proposal=r, decision="not_filed", reason="out_of_order", on=DAY)
    funnel = figures.session_funnel(session=r.session)
    assert [(x.code, x.label, x.count) for x in funnel.reasons] == [
        ("out_of_order", "Out of order", 1)
    ]


def test_a_body_without_a_satisfaction_scale_has_no_rating(parliament, client_for):
    p = _question()
    reply = services.reply_create(
        assignment=p.assignments.get(), category="answered", on=DAY, text_en="Done."
    )
    member = account_create(
        username="mp", password="x", role="member", member=Member.objects.get(key="mp-a")
    )
    desk = client_for(member).get("/desk/member/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your rating" not in desk and "Satisfied" not in desk
    with pytest.raises(ValidationError) as refused:
        services.feedback_give(reply=reply, rating="satisfied", on=DAY)
    assert "rating" in refused.value.message_dict
    handling = figures.handling(by="all", body=parliament, public=False)[None]
    assert handling.categories == {"answered": 1} and handling.ratings == {}
    assert handling.satisfaction_rate is None


def test_the_timeline_names_things_in_the_body_s_words(parliament):
    from django.utils import translation

    from lianghui.proposals.timeline import proposal_timeline

    p = _question()
    services.reply_create(
        assignment=p.assignments.get(), category="holding", on=DAY, text_en="Soon."
    )
    with translation.override("en"):
        texts = [e.text for e in proposal_timeline(proposal=p, public=False)]
    assert any("(Answering department)" in t for t in texts)
    assert any(t.endswith("replied: Holding answer") for t in texts)
    with translation.override("zh-hans"):
        texts = [e.text for e in proposal_timeline(proposal=p, public=False)]
    assert any("暂复" in t for t in texts) and any("答复部门" in t for t in texts)


def test_the_home_page_describes_the_bodies_configured(parliament, client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Members ask ministers written questions." in html
    assert "House" in html and "Two Sessions" not in html.split("<footer")[0]


def test_import_refuses_a_vocabulary_the_workflow_cannot_run_on(small_world, jsonl):
    no_lead = dict(PARLIAMENT, vocabulary=[PARLIAMENT["vocabulary"][0]])
    with pytest.raises(ImportFailed) as failed:
        import_files([jsonl(no_lead)])
    text = str(failed.value)
    assert ":1:" in text and "vocabulary.code" in text and "'lead'" in text
    assert not Body.objects.filter(key="parl").exists()


def test_import_refuses_a_code_the_proposal_s_body_lacks(parliament, jsonl):
    question = {
        "type": "proposal",
        "key": "q-imported",
        "session": "parl-2022",
        "kind": "parl-question",
        "title_en": "Imported",
        "status": "replied",
        "published": True,
        "signers": [{"member": "mp-a"}],
        "review": {"decision": "filed"},
        "assignments": [
            {
                "agency": "miit",
                "role": "lead",
                "assigned_on": "2022-04-01",
                "due_on": "2022-07-01",
                "replies": [{"category": "A", "replied_on": "2022-05-01"}],
            }
        ],
    }
    with pytest.raises(ImportFailed) as failed:
        import_files([jsonl(question)])
    assert "assignments[0].replies[0].category" in str(failed.value)
    question["assignments"][0]["replies"][0]["category"] = "answered"
    import_files([jsonl(question)])


def test_export_keeps_a_body_s_own_words_and_leaves_out_the_defaults(parliament, tmp_path):
    import io

    out = io.StringIO()
    export_jsonl(out, types=["body"])
    bodies = {b["key"]: b for b in map(json.loads, out.getvalue().splitlines())}
    assert "vocabulary" not in bodies["npc"]
    assert [t["code"] for t in bodies["parl"]["vocabulary"]] == [
        t["code"] for t in PARLIAMENT["vocabulary"]
    ]
    path = tmp_path / "bodies.jsonl"
    path.write_text(out.getvalue())
    before = Term.objects.count()
    report = import_files([str(path)])
    assert Term.objects.count() == before
    assert "updated" not in str(report.summary())


def test_the_migration_s_frozen_defaults_are_the_enums_words():
    """Bodies migrated from before vocabularies got these words; the export leaves
    them out only while they equal the enums' (the defaults a new body gets)."""
    import importlib

    frozen = importlib.import_module("lianghui.proposals.migrations.0011_default_vocabulary")
    assert [tuple(row) for row in frozen.DEFAULTS] == [
        tuple(d[w] for w in vocabulary.WORDS) for d in vocabulary.defaults()
    ]


def test_terms_are_read_once_within_a_block_of_work(small_world, django_assert_num_queries):
    """Outside a request (the worker's tasks, the demo), ``cached()`` reads the terms
    once; an import that writes a body's words within the block is seen at once."""
    npc = Body.objects.get(key="npc")
    with django_assert_num_queries(1), vocabulary.cached():
        for _ in range(3):
            assert vocabulary.codes(npc, vocabulary.REPLY_CATEGORY) == ["A", "B", "C"]
            vocabulary.label(npc, vocabulary.SATISFACTION, "satisfied")
    with django_assert_num_queries(2):  # no block: each call reads afresh
        vocabulary.codes(npc, vocabulary.REPLY_CATEGORY)
        vocabulary.codes(npc, vocabulary.REPLY_CATEGORY)
    with vocabulary.cached():
        assert not vocabulary.has(Body(pk=0), vocabulary.REPLY_CATEGORY)
        import_files([], extra=iter([("parliament", enumerate([PARLIAMENT], 1))]))
        parl = Body.objects.get(key="parl")
        assert vocabulary.codes(parl, vocabulary.REPLY_CATEGORY) == ["answered", "holding"]
