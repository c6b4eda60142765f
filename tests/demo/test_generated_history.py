"""Generated history a reader can believe: merges join proposals that say the same
thing, titles read as sentences, sources are listed once and local copies linked."""

import re

import pytest
from django.core.management import call_command

from lianghui.insights.duplicates import similarity
from lianghui.laws.models import Regulation
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_merges_join_similar_proposals_and_titles_are_grammatical():
    # The Two Sessions' generator (the written questions are in English, one per row).
    call_command(
        "demo", sessions=1, per_session=150, last_year=2021, seed=4, verbosity=0, questions=0
    )
    merged = Proposal.objects.filter(generated=True, merged_into__isnull=False).select_related(
        "merged_into"
    )
    assert merged.count() >= 5
    for p in merged:
        target = p.merged_into
        assert p.topics.get() == target.topics.get()
        assert similarity(p.text_zh, target.text_zh) > 0.6, (p.key, target.key)
        assert p.review.decided_on >= target.review.decided_on
    for title_en, title_zh in Proposal.objects.filter(generated=True).values_list(
        "title_en", "title_zh"
    ):
        words = title_en.lower().split()
        assert not any(a == b for a, b in zip(words, words[1:], strict=False)), title_en
        assert "regulating regulat" not in title_en.lower(), title_en
        # the verb is not said twice: "关于规范平台经济规范发展的建议"
        verb = re.match(r"关于(加快推进|进一步完善|加强|规范|支持|健全)", title_zh).group(1)
        assert verb not in title_zh[2 + len(verb) :], title_zh


def test_a_source_is_listed_once_per_record(seed_facts, client):
    algo = Regulation.objects.get(key="algorithmic-recommendation-provisions")
    # passages of two articles, and the project's translation of the summary
    cited = {c.source_id for c in algo.citations.all()}
    assert algo.citations.count() > len(cited) == 3
    page = client.get(algo.get_absolute_url()).content.decode()
    sources = page[page.index('id="sources-heading"') :]
    assert sources.count("<cite>") == 3
    assert "27 August 2021" in sources and "1 March 2022" in sources


def test_local_copies_are_linked_only_when_the_site_holds_them(
    seed_facts, client, settings, tmp_path
):
    settings.LIANGHUI_SOURCE_COPIES = tmp_path
    url = Regulation.objects.get(key="pipl").get_absolute_url()
    assert "Local copy" not in client.get(url).content.decode()
    (tmp_path / "001_78db464e4677523d.txt").write_text("Introduction\n", encoding="utf-8")
    page = client.get(url).content.decode()
    assert 'href="/sources/seed-001/copy/"' in page
    copy = client.get("/sources/seed-001/copy/")
    assert copy.status_code == 200 and b"".join(copy.streaming_content) == b"Introduction\n"
    assert client.get("/sources/seed-002/copy/").status_code == 404


def test_every_seed_regulation_is_dated_as_far_as_its_seed_allows(seed_facts):
    undated = [
        r.key
        for r in Regulation.objects.prefetch_related("events")
        if not (r.drafted_on or r.adopted_on or r.published_on or r.effective_on)
        and not r.events.all()
    ]
    # The seeds give no date for these four.
    assert sorted(undated) == [
        "cybersecurity-law",
        "data-security-law",
        "food-delivery-rider-guidance",
        "social-credit-system",
    ]
