"""Interest flags: a proposal's topic meets the sector of an organization its proposer
was affiliated with in the proposal's year; shown with the affiliation."""

import json

import pytest

from lianghui.insights.interests import member_interest_flags, proposal_interest_flags
from lianghui.people.models import Affiliation, Member
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def internet_means_ai(settings, tmp_path):
    """A body's own mapping, as data: internet companies have an interest in AI."""
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps({"sector_topics": {"internet": ["ai"]}}), encoding="utf-8")
    settings.LIANGHUI_INSIGHTS_VOCABULARY = str(path)
    return path


def test_proposal_flag_names_the_member_and_affiliation(small_world, internet_means_ai):
    [flag] = proposal_interest_flags(Proposal.objects.get(key="p-1"))
    assert flag.member.key == "ma-huateng"
    assert flag.organization.key == "tencent" and flag.affiliation.role == "chairman and CEO"
    assert [t.key for t in flag.topics] == ["ai"]


def test_no_flag_where_the_vocabularies_do_not_meet(small_world):
    # The shipped mapping gives internet companies platforms, data, media: not AI.
    assert proposal_interest_flags(Proposal.objects.get(key="p-1")) == []


def test_only_affiliations_current_in_the_proposals_year(small_world, internet_means_ai):
    Affiliation.objects.filter(member__key="ma-huateng").update(start_year=1998, end_year=2021)
    assert proposal_interest_flags(Proposal.objects.get(key="p-1")) == []
    Affiliation.objects.filter(member__key="ma-huateng").update(start_year=2023, end_year=None)
    assert proposal_interest_flags(Proposal.objects.get(key="p-1")) == []
    Affiliation.objects.filter(member__key="ma-huateng").update(start_year=None, end_year=2022)
    assert len(proposal_interest_flags(Proposal.objects.get(key="p-1"))) == 1


def test_a_changed_mapping_file_is_read_again(small_world, internet_means_ai):
    import os

    p = Proposal.objects.get(key="p-1")
    assert proposal_interest_flags(p)
    internet_means_ai.write_text(json.dumps({"sector_topics": {"internet": ["labour"]}}))
    os.utime(internet_means_ai, ns=(1, 10**18))  # a new mtime, whatever the clock
    assert proposal_interest_flags(p) == []


def test_portal_pages_show_the_flags(small_world, internet_means_ai, client):
    html = client.get("/proposals/p-1/").content.decode()
    assert "Interest flags" in html and "Tencent" in html and "chairman and CEO" in html
    html = client.get("/members/ma-huateng/").content.decode()
    assert "Interest flags" in html and "On the digital economy" in html
    # A member without such affiliations has no flag section.
    assert "Interest flags" not in client.get("/members/deputy-b/").content.decode()


def test_member_flags_cover_published_proposals_only(small_world, internet_means_ai):
    member = Member.objects.prefetch_related("affiliations__organization").get(key="ma-huateng")
    assert [f.proposal.key for f in member_interest_flags(member)] == ["p-1"]
    Proposal.objects.filter(key="p-1").update(published=False)
    assert member_interest_flags(member) == []
    assert [f.proposal.key for f in member_interest_flags(member, published_only=False)] == ["p-1"]


def test_office_page_shows_the_flag(small_world, internet_means_ai, accounts, client_for):
    r = client_for(accounts["office"]).get("/desk/office/proposals/p-1/")
    assert [f.organization.key for f in r.context["insights"]["interest_flags"]] == ["tencent"]
    assert "Interest flags" in r.content.decode()


def test_demo_seed_facts_produce_flags_with_the_shipped_mapping(seed_facts, client):
    """Li Yanhong (CEO of Baidu, an AI company) proposed on self-driving and AI."""
    html = client.get("/proposals/2022-cppcc-li-yanhong-self-driving-legislation/").content.decode()
    assert "Interest flags" in html and "Baidu" in html
    html = client.get("/members/li-yanhong/").content.decode()
    assert "Interest flags" in html and "Speed up legislation for self-driving cars" in html
    flagged = {
        p.key
        for p in Proposal.objects.prefetch_related("topics", "signers__member").select_related(
            "session"
        )
        if proposal_interest_flags(p)
    }
    # Tech CEOs writing on their trade: Baidu on AI, Envision on carbon, NetEase and Tencent
    # on platforms and digital assets.
    assert {
        "2022-cppcc-li-yanhong-self-driving-legislation",
        "2022-cppcc-zhang-lei-carbon-neutrality-act",
        "2022-cppcc-ding-lei-ip-trading-platform",
        "2022-npc-ma-huateng-1",
    } <= flagged


# Query counts: one query for the flags, whatever the signers, affiliations or proposals.
def test_flag_pages_run_a_fixed_number_of_queries(
    small_world, internet_means_ai, client, django_assert_num_queries
):
    import os

    from lianghui.exchange.importer import import_files

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get(url)
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        return len(q)

    before = {u: count(u) for u in ("/proposals/p-1/", "/members/ma-huateng/")}
    # The flags cost exactly one query on each page, none when nothing can match; the
    # member page reads the statements beside its flags in one more.
    internet_means_ai.write_text(json.dumps({"sector_topics": {}}))
    os.utime(internet_means_ai, ns=(1, 10**18))
    cost = {"/proposals/p-1/": 1, "/members/ma-huateng/": 2}
    assert {u: count(u) + cost[u] for u in before} == before
    internet_means_ai.write_text(json.dumps({"sector_topics": {"internet": ["ai"]}}))
    os.utime(internet_means_ai, ns=(2, 2 * 10**18))
    # More affiliations in the sector, more co-signers with affiliations, more proposals.
    records = [
        {
            "type": "organization",
            "key": f"co-{i}",
            "name_en": f"Company {i}",
            "kind": "company",
            "sector": "internet",
        }
        for i in range(3)
    ] + [
        {
            "type": "member",
            "key": f"cosigner-{i}",
            "name_en": f"Cosigner {i}",
            "memberships": [{"body": "npc"}],
            "affiliations": [{"organization": f"co-{i}", "role": "CEO"}],
        }
        for i in range(3)
    ]
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write("\n".join(json.dumps(r) for r in records))
    import_files([f.name])
    p1 = Proposal.objects.get(key="p-1")
    from lianghui.proposals.models import Signer

    for i in range(3):
        Signer.objects.create(
            proposal=p1,
            member=Member.objects.get(key=f"cosigner-{i}"),
            role="cosigner",
            position=5 + i,
        )
        Affiliation.objects.create(
            member=Member.objects.get(key="ma-huateng"),
            organization_id=Member.objects.get(key=f"cosigner-{i}")
            .affiliations.get()
            .organization_id,
            role="adviser",
        )
    assert len(proposal_interest_flags(Proposal.objects.get(key="p-1"))) == 7
    after = {u: count(u) for u in before}
    assert after == before


# The seed articles' own examples of members proposing in their trade.
def test_lei_jun_ev_suggestions_are_flagged_since_xiaomi_builds_cars(seed_facts):
    from lianghui.people.selectors import member_detail

    ev = Proposal.objects.get(key="2022-npc-lei-jun-ev-charging")
    (flag,) = proposal_interest_flags(ev)
    assert (flag.member.key, flag.organization.key, flag.sectors) == (
        "lei-jun",
        "xiaomi",
        ["automotive"],
    )
    assert flag.reason == (
        "Lei Jun is founder and CEO of Xiaomi, which works in Automotive;"
        " the proposal concerns Electric vehicles and energy."
    )
    # Xiaomi made cars only from 2021: a 2020 EV proposal of his would not be flagged.
    satellites = Proposal.objects.get(key="2020-npc-lei-jun-commercial-satellites")
    satellites.topics.set(ev.topics.all())
    assert proposal_interest_flags(satellites) == []
    flagged = {f.proposal.key for f in member_interest_flags(member_detail(key="lei-jun"))}
    assert {"2022-npc-lei-jun-ev-charging", "2022-npc-lei-jun-ev-carbon-footprint"} <= flagged
    assert "2020-npc-lei-jun-commercial-satellites" not in flagged


def test_sokon_chairman_asking_for_factory_workers_is_flagged(seed_facts):

    proposal = Proposal.objects.get(key="2022-npc-zhang-xinghai-factory-workers")
    (flag,) = proposal_interest_flags(proposal)
    assert flag.organization.key == "sokon" and flag.sectors == ["automotive"]
    assert {t.key for t in flag.topics} == {"labour", "manufacturing"}
    assert "Zhang Xinghai is chairman of Sokon Group" in flag.reason


def test_the_map_is_per_body(small_world, settings, tmp_path):
    """A body listed under "bodies" has its own tables: the NPC's internet companies
    meet AI there, while the default (every other body) keeps them apart."""
    path = tmp_path / "vocabulary.json"
    path.write_text(
        json.dumps(
            {
                "sector_topics": {"internet": ["labour"]},
                "bodies": {"npc": {"sector_topics": {"internet": ["ai"]}}},
            }
        ),
        encoding="utf-8",
    )
    settings.LIANGHUI_INSIGHTS_VOCABULARY = str(path)
    from lianghui.insights.vocabulary import vocabulary_map

    assert vocabulary_map("npc").topics_of_sector("internet") == ("ai",)
    assert vocabulary_map("cppcc").topics_of_sector("internet") == ("labour",)
    # Narrowed to a body's topics, the map never names another body's.
    assert vocabulary_map("npc", topics=["labour"]).topics_of_sector("internet") == ()
    [flag] = proposal_interest_flags(Proposal.objects.get(key="p-1"))  # an NPC proposal
    assert [t.key for t in flag.topics] == ["ai"]
    assert {
        f.proposal.key for f in member_interest_flags(Member.objects.get(key="ma-huateng"))
    } == {"p-1"}
