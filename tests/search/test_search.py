"""The one search selector on the real index, in both languages, with filters,
facets, sorting and pagination; the same tests run on SQLite and PostgreSQL."""

import pytest

from lianghui.search.models import SearchDocument
from lianghui.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def keys(results):
    return sorted(h.doc.key + ("#r" if h.doc.doc_type == "reply" else "") for h in results.hits)


def proposals(query="", **filters):
    r = search(query=query, filters=SearchFilters(type="proposal", **filters))
    return sorted(h.doc.key for h in r.hits)


def test_only_public_records_are_indexed(search_world):
    types = dict(
        SearchDocument.objects.values_list("doc_type")
        .order_by()
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
    )
    # 7 published proposals (p-hidden is not), 3 replies, 3 members, 6 orgs, 2 regulations
    assert types == {"proposal": 7, "reply": 3, "member": 3, "organization": 6, "regulation": 2}
    assert not SearchDocument.objects.filter(key="p-hidden").exists()
    assert "p-hidden" not in proposals("人工智能")


def test_chinese_words_are_segmented_at_index_and_query_time(search_world):
    assert proposals("人工智能") == ["p-ai", "p-cppcc", "p-gen"]
    # a part of a longer word (search mode at index time)
    assert proposals("智能") == ["p-ai", "p-cppcc", "p-gen"]
    # an unspaced Chinese query is cut into words that must all appear, in any order
    assert proposals("数字经济") == ["p-econ", "p-order"]
    assert proposals("骑手 保险") == ["p-rider"]
    # names
    assert [
        h.doc.key for h in search(query="马化腾", filters=SearchFilters(type="member")).hits
    ] == ["m-ma"]


def test_english_is_lower_cased_and_plurals_match(search_world):
    # p-cppcc's topic is named "Artificial intelligence" (topic names are indexed)
    assert proposals("ARTIFICIAL Intelligence") == ["p-ai", "p-cppcc", "p-gen"]
    assert proposals("rider") == ["p-rider"]  # the title says "riders"
    assert proposals("platform") == ["p-econ", "p-xss"]  # "Platforms" in the text
    assert proposals("ａｉ") == ["p-cppcc"]  # full-width letters


def test_phrases_need_the_words_together_and_in_order(search_world):
    assert proposals('"digital economy"') == ["p-econ"]
    assert proposals("digital economy") == ["p-econ", "p-order"]
    assert proposals('"数字 经济"') == ["p-econ"]
    assert proposals('"数字经济"') == ["p-econ"]


def test_or_and_exclusion(search_world):
    assert proposals("骑手 OR 数字经济") == ["p-econ", "p-order", "p-rider"]
    assert proposals("人工智能 -伦理") == ["p-ai", "p-gen"]
    assert proposals('人工智能 -"generated suggestion"') == ["p-ai", "p-cppcc"]
    everything_but = proposals("-人工智能")
    assert "p-ai" not in everything_but and "p-rider" in everything_but


def test_replies_members_organizations_and_regulations_are_found(search_world):
    r = search(query="算法")
    found = {(h.doc.doc_type, h.doc.key) for h in r.hits}
    assert ("reply", "p-ai") in found  # the agency's answer mentions the rules
    assert ("regulation", "algo-rules") in found
    assert ("proposal", "p-ai") in found
    org = search(query="互联网信息办公室", filters=SearchFilters(type="organization"))
    assert [h.doc.key for h in org.hits] == ["cac"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"body": "cppcc"}, ["p-cppcc"]),
        ({"session": "npc-2022"}, ["p-ai", "p-rider"]),
        ({"year": 2023}, ["p-cppcc", "p-econ", "p-gen", "p-order", "p-xss"]),
        ({"kind": "cppcc-proposal"}, ["p-cppcc"]),
        ({"status": "filed"}, ["p-econ", "p-order"]),
        ({"topic": "labour"}, ["p-rider"]),
        ({"agency": "mohrss"}, ["p-ai", "p-rider"]),
        ({"category": "C"}, ["p-rider"]),
        ({"member": "m-zhou"}, ["p-cppcc"]),
        ({"group": "gd"}, ["p-ai", "p-econ", "p-order", "p-rider", "p-xss"]),
        ({"group": "econ"}, ["p-cppcc"]),
        ({"key": True}, ["p-ai"]),
        ({"generated": True}, ["p-gen"]),
        ({"topic": "ai", "generated": False}, ["p-ai", "p-cppcc"]),
    ],
)
def test_filters(search_world, filters, expected):
    assert proposals(**filters) == expected


def test_facet_counts_equal_the_results_they_lead_to(search_world):
    for query in ["", "人工智能", "建议", "-骑手"]:
        base = search(query=query)
        kinds = next(f for f in base.facets if f.name == "type")
        assert sum(v.count for v in kinds.values) == base.total
        for facet in base.facets:
            for v in facet.values:
                value = v.value
                if facet.name in ("key", "generated"):
                    value = v.value == "1"
                elif facet.name == "year":
                    value = int(v.value)
                narrowed = search(query=query, filters=SearchFilters(**{facet.name: value}))
                assert narrowed.total == v.count, (query, facet.name, v.value)


def test_sorting_and_pagination(search_world, settings):
    newest = search(query="", filters=SearchFilters(type="proposal"), sort="newest")
    dates = [h.doc.date for h in newest.hits]
    assert dates == sorted(dates, reverse=True)
    oldest = search(query="", filters=SearchFilters(type="proposal"), sort="oldest")
    assert [h.doc.key for h in oldest.hits] == [h.doc.key for h in newest.hits][::-1]
    ranked = search(query="人工智能")
    assert ranked.sort == "relevance"
    # the proposal titled with the words ranks above the reply that only mentions them
    assert ranked.hits[0].doc.doc_type == "proposal"
    from lianghui.search import selectors

    settings_per_page, selectors.PER_PAGE = selectors.PER_PAGE, 2
    try:
        first = search(query="", page=1)
        second = search(query="", page="2")
        last = search(query="", page="999")
        nonsense = search(query="", page="x")
    finally:
        selectors.PER_PAGE = settings_per_page
    assert len(first.hits) == 2 and first.page.has_next()
    assert {h.doc.pk for h in first.hits}.isdisjoint(h.doc.pk for h in second.hits)
    assert last.page.number == last.page.paginator.num_pages
    assert nonsense.page.number == 1


def test_snippets_are_escaped_and_highlighted(search_world):
    r = search(query="platform", filters=SearchFilters(type="proposal"))
    xss = next(h for h in r.hits if h.doc.key == "p-xss")
    assert "<script>" not in xss.title
    assert "&lt;script&gt;" in xss.title
    assert "<mark>platform</mark>" in xss.title
    econ = next(h for h in r.hits if h.doc.key == "p-econ")
    assert "<mark>Platforms</mark>" in econ.snippet
    zh = search(query="算法", filters=SearchFilters(type="reply"))
    assert "<mark>算法</mark>" in zh.hits[0].snippet


def test_the_index_follows_changes(search_world, indexing, jsonl):
    from lianghui.exchange.importer import import_files

    assert proposals("无人机") == []
    with indexing():
        import_files(
            [jsonl({**_record("p-rider"), "title_zh": "关于无人机配送的建议", "text_zh": ""})]
        )
    assert proposals("无人机") == ["p-rider"]
    assert proposals("骑手") == []
    with indexing():
        import_files([jsonl({**_record("p-rider"), "published": False})])
    assert proposals("无人机") == []
    assert not SearchDocument.objects.filter(key="p-rider").exists()


def _record(key):
    from .conftest import RECORDS

    return next(r for r in RECORDS if r.get("key") == key and r["type"] == "proposal")


def test_reindex_command_rebuilds_the_same_index(search_world, capsys):
    from django.core.management import call_command

    before = sorted(
        SearchDocument.objects.values_list("doc_type", "object_id", "title_tokens", "text_tokens")
    )
    SearchDocument.objects.all().delete()
    assert search(query="人工智能").total == 0
    call_command("search", "reindex", "--no-progress")
    after = sorted(
        SearchDocument.objects.values_list("doc_type", "object_id", "title_tokens", "text_tokens")
    )
    assert before == after
    assert search(query="人工智能").total > 0
    assert "Indexed" in capsys.readouterr().out


@pytest.mark.parametrize("query", ["数字经济 -转型", "数字", '"digital economy"', "", "无此词"])
def test_records_matching_narrow_a_queryset_past_the_cap_too(search_world, monkeypatch, query):
    from lianghui.proposals.models import Proposal
    from lianghui.search import selectors

    def keys():
        condition = selectors.records_matching(query=query, model=Proposal)
        return list(
            Proposal.objects.filter(condition).order_by("key").values_list("key", flat=True)
        )

    gathered = keys()
    monkeypatch.setattr(selectors, "CAP", 0)  # every match is "common": probe row by row
    assert keys() == gathered
    if query == "数字经济 -转型":
        assert gathered == ["p-econ"]
    if query == "无此词":
        assert gathered == []


def test_counts_stop_at_the_cap_and_say_so(search_world, client, monkeypatch):
    from lianghui.search import selectors

    everything = search(query="")
    assert not everything.capped
    assert everything.total > 5
    monkeypatch.setattr(selectors, "CAP", 5)
    capped = search(query="")
    assert capped.capped and capped.total == 5
    # facet counts are lower bounds then, marked so on the page
    kinds = next(f for f in capped.facets if f.name == "type")
    assert sum(v.count for v in kinds.values) == 5
    assert all(v.at_least for f in capped.facets for v in f.values)
    # pages that chart the counts ask for every result
    assert search(query="", exact=True).total == everything.total
    html = client.get("/search/").content.decode()
    assert "5+ results" in html
    assert "More than 5 records match" in html
    assert '<span class="facet-count">' in html and "</span>" in html
    # under the cap, nothing changes: exact counts, no "+"
    narrow = search(query="", filters=SearchFilters(type="regulation"))
    assert not narrow.capped and narrow.total == 2
    assert not any(v.at_least for f in narrow.facets for v in f.values)


def test_capped_date_order_is_still_exact(search_world, monkeypatch):
    from lianghui.search import selectors

    full = search(query="", sort="newest")
    monkeypatch.setattr(selectors, "CAP", 3)
    capped = search(query="", sort="newest")
    # only the first CAP results can be paged through, and they are the newest
    assert capped.capped
    assert [h.doc.pk for h in capped.hits] == [h.doc.pk for h in full.hits][:3]
    oldest = search(query="", sort="oldest", exact=True)
    assert [h.doc.pk for h in search(query="", sort="oldest").hits] == [
        h.doc.pk for h in oldest.hits
    ][:3]


def test_cached_results_give_way_to_a_write(search_world, indexing, jsonl, client):
    from lianghui.core import versioning
    from lianghui.exchange.importer import import_files

    first = client.get("/search/", {"q": "无人机"})
    assert first.context["results"].total == 0
    again = client.get("/search/", {"q": "无人机"})
    assert again.content == first.content  # served from the cache
    before = versioning.current()
    with indexing():
        import_files(
            [jsonl({**_record("p-rider"), "title_zh": "关于无人机配送的建议", "text_zh": ""})]
        )
    # the writer's commit and the index's own update each move the data version
    assert versioning.current() >= before + 2
    after = client.get("/search/", {"q": "无人机"})
    assert after.context["results"].total > 0
    assert 'href="/proposals/p-rider/"' in after.content.decode()


def test_a_renamed_topic_is_named_anew_in_the_facets(search_world, indexing):
    from lianghui.proposals import stamps
    from lianghui.proposals.models import Topic

    stamps.connect()  # another test may have cleared core.events' subscribers

    def topic_names():
        facets = {f.name: f for f in search(query="人工智能").facets}
        return {v.label for v in facets["topic"].values}

    assert "Artificial intelligence" in topic_names()
    with indexing():
        topic = Topic.objects.get(key="ai")
        topic.name_en = "Machine intelligence"
        topic.save()
    names = topic_names()
    assert "Machine intelligence" in names
    assert "Artificial intelligence" not in names


def test_postgresql_plan_choice_takes_the_parts_of_a_word_together(monkeypatch):
    """The walk down the newest documents for common matches, the index's bitmap
    for fewer; the parts of one word are as common as the rarest of them."""
    from lianghui.search.engine import postgres
    from lianghui.search.query import parse

    rows = {"自动": 50_000, "驾驶": 60_000, "自动驾驶": 49_000, "开源": 42_000, "软件": 44_000}
    monkeypatch.setattr(postgres, "token_rows", lambda cur, token: rows.get(token, 500))

    def order(text):
        matches = postgres.expected_matches(None, parse(text), SearchFilters(), 273_000)
        return postgres.plan_order(
            matches, 273_000, long_phrase=postgres.has_long_phrase(parse(text))
        )

    word = parse("自动驾驶")
    assert len(word.must) == 1  # one word, however it is segmented
    assert postgres.expected_matches(None, word, SearchFilters(), 273_000) >= 49_000
    assert order("自动驾驶") == "d.id"  # common: walk the newest
    assert order("开源 软件") == "d.id + 0"  # two words, about 6,800 together: bitmap
    rows["芯片"] = 25_000
    assert order("芯片") == "d.id + 0"  # 25,000 of 273,000: still the bitmap
    rows["芯片"] = 32_000
    assert order("芯片") == "d.id"  # past the crossing: the walk
    assert order("区块链") == "d.id + 0"
    assert order('"a b c"') == "d.id + 0"  # a long phrase: checked on positions
    assert postgres.plan_order(200_000, 273_000, long_phrase=True) == "d.id + 0"


def test_longer_phrases_keep_their_order(search_world):
    assert proposals('"speed up artificial"') == ["p-ai"]
    assert proposals('"artificial intelligence technology"') == ["p-ai"]
    assert proposals('"up speed artificial"') == []
    assert proposals('-"artificial intelligence technology" artificial') == ["p-cppcc", "p-gen"]


def test_a_phrase_in_a_title_ranks_above_one_in_the_text(search_world):
    # p-ai and p-gen have it in their titles, p-cppcc only in its topic's name
    r = search(query='"artificial intelligence"', filters=SearchFilters(type="proposal"))
    assert [h.doc.key for h in r.hits][-1] == "p-cppcc"
    assert {h.doc.key for h in r.hits} == {"p-ai", "p-gen", "p-cppcc"}


def test_a_phrase_past_a_long_documents_pair_words_is_still_found(search_world, monkeypatch):
    """PostgreSQL keeps MAX_PAIRS pair words a document; past them a phrase is
    checked on positions (SQLite's FTS5 keeps every position)."""
    from lianghui.search import text
    from lianghui.search.services import rebuild

    monkeypatch.setattr(text, "MAX_PAIRS", 3)  # p-econ's title alone has more
    rebuild()
    assert proposals('"real economy"') == ["p-econ"]  # the last words of its text
    assert proposals('"economy real"') == []
    assert proposals('"digital economy"') == ["p-econ"]  # p-order has both words apart
    assert proposals('"serve the real economy"') == ["p-econ"]


def test_pairs_stop_at_their_cap(monkeypatch):
    from lianghui.search import text

    monkeypatch.setattr(text, "MAX_PAIRS", 3)
    assert text.pair_tokens("a b c d e f g").split()[3:] == [text.SOME_PAIRS]
    assert text.SOME_PAIRS not in text.pair_tokens("a b c a b")  # 3 distinct pairs
    assert text.pair_tokens("a b", "b a") == " ".join(
        [text.pair_token("a", "b"), text.pair_token("b", "a")]
    )
