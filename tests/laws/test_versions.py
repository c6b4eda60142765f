"""Versions of a regulation: imported with their text, shown, compared, dated as
precisely as their source, and in the feed and the API."""

import io
import json

import pytest
from django.db import IntegrityError, transaction

from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.laws.models import Provision, Regulation, RegulationEvent

pytestmark = pytest.mark.django_db

ORG = {"type": "organization", "key": "cac", "name_en": "CAC", "kind": "agency"}


def _draft_and_final():
    chapter = {"kind": "chapter", "number": "第一章", "heading_zh": "总则", "heading_en": "General"}
    return {
        "type": "regulation",
        "key": "algo",
        "title_zh": "算法推荐管理规定",
        "title_en": "Algorithmic Recommendation Provisions",
        "kind": "departmental_rule",
        "drafted_on": "2021-08-27",
        "published_on": "2022-01-04",
        "events": [
            {"date": "2021-07-01", "date_precision": "month", "kind": "announced"},
        ],
        "versions": [
            {
                "kind": "draft",
                "date": "2021-08-27",
                "issuer": "cac",
                "provisions": [
                    chapter,
                    {
                        "kind": "article",
                        "number": "第一条",
                        "parent": 0,
                        "text_zh": "为了规范算法推荐活动，制定本规定。",
                        "text_en": "These provisions regulate algorithmic recommendation.",
                    },
                    {
                        "kind": "article",
                        "number": "第二条",
                        "parent": 0,
                        "text_zh": "算法推荐服务提供者应当保护劳动者取得劳动报酬等权益。",
                    },
                ],
            },
            {
                "kind": "final",
                "date": "2022-01-04",
                "provisions": [
                    chapter,
                    {
                        "kind": "article",
                        "number": "第一条",
                        "parent": 0,
                        "text_zh": "为了规范算法推荐活动，制定本规定。",
                        "text_en": "These provisions regulate algorithmic recommendation.",
                    },
                    {
                        "kind": "article",
                        "number": "第二条",
                        "parent": 0,
                        "text_zh": "用户可以选择关闭算法推荐服务。",
                    },
                    {
                        "kind": "article",
                        "number": "第三条",
                        "parent": 0,
                        "text_zh": "算法推荐服务提供者应当依法保护劳动者取得劳动报酬等权益。",
                    },
                    {"kind": "paragraph", "parent": 3, "text_zh": "具体办法另行制定。"},
                ],
            },
        ],
    }


@pytest.fixture
def algo(jsonl):
    import_files([jsonl({"type": "source", "key": "s", "title": "S"}, ORG, _draft_and_final())])
    return Regulation.objects.get(key="algo")


def test_versions_import_with_their_structured_text_and_export_the_same(algo):
    draft, final = algo.versions.order_by("date")
    assert draft.issuer.key == "cac" and final.kind == "final"
    paragraph = Provision.objects.get(version=final, kind="paragraph")
    assert paragraph.parent.number == "第三条" and paragraph.parent.parent.number == "第一章"
    out = io.StringIO()
    export_jsonl(out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    exported = next(r for r in records if r.get("key") == "algo")
    assert exported["versions"][1]["provisions"][4]["parent"] == 3
    assert exported["events"][0]["date_precision"] == "month"


def test_a_month_must_be_given_as_its_first_day(jsonl):
    rec = _draft_and_final()
    rec["events"][0]["date"] = "2021-07-15"
    with pytest.raises(ImportFailed) as caught:
        import_files([jsonl(ORG, rec)])
    assert caught.value.errors[0].field == "events[0].date"


def test_the_database_refuses_a_month_that_is_not_its_first_day(algo):
    with transaction.atomic(), pytest.raises(IntegrityError):
        RegulationEvent.objects.create(
            regulation=algo, date="2021-07-15", date_precision="month", kind="other"
        )


def test_pages_show_versions_text_with_anchors_and_the_comparison(client, algo):
    draft, final = algo.versions.order_by("date")
    page = client.get(algo.get_absolute_url()).content.decode()
    assert "Versions of the text" in page and final.get_absolute_url() in page
    # Month precision: "July 2021", not 1 July.
    assert "July 2021" in page and "July 1, 2021" not in page
    text = client.get(final.get_absolute_url()).content.decode()
    assert 'id="article-3"' in text and "具体办法另行制定" in text and 'lang="en"' in text
    compare = client.get(
        f"/regulations/algo/compare/?from={draft.pk}&to={final.pk}"
    ).content.decode()
    # The article on workers moved from 2 to 3 and gained 依法; article 2 is new.
    assert "<ins>依法</ins>" in compare
    assert "was 第二条" in compare and "added" in compare
    assert client.get("/regulations/algo/compare/?from=x&to=1").status_code == 404


def test_tracker_and_feed_carry_precision_and_versions(client, algo):
    from lianghui.following import selectors as feeds

    items = feeds.items(target="regulation", key="algo")
    assert any("/versions/" in item.link for item in items)
    assert any(item.description.startswith("July 2021") for item in items)


def test_api_lists_versions_with_provisions_and_date_precision(client, algo):
    data = client.get("/api/v1/regulations/algo/").json()
    assert [v["kind"] for v in data["versions"]] == ["draft", "final"]
    assert data["versions"][1]["provisions"][4]["parent"] == 3
    assert data["events"][0]["date_precision"] == "month"


def test_query_counts_do_not_grow_with_the_text(client, algo, django_assert_num_queries, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lianghui.laws.models import RegulationVersion

    settings.LIANGHUI_API_CACHE_SECONDS = 0
    draft, final = algo.versions.order_by("date")
    urls = [
        algo.get_absolute_url(),
        final.get_absolute_url(),
        f"/regulations/algo/compare/?from={draft.pk}&to={final.pk}",
        "/api/v1/regulations/?include=versions,links",
        "/api/v1/regulations/algo/",
    ]

    def counts():
        out = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    before = counts()
    more = RegulationVersion.objects.create(regulation=algo, kind="amended", date="2023-01-01")
    for n in range(5):
        Provision.objects.create(
            version=more, position=n, kind="article", number=f"第{n}条", text_zh="文" * n
        )
        Provision.objects.create(version=final, position=10 + n, kind="article", text_zh="新" * n)
    assert counts() == before
    # The page: regulation, issuers, links, events, versions, citations,
    # consultations; a version: itself, its provisions, citations; the comparison:
    # two versions.
    assert before == [7, 3, 6, 5, 8]


@pytest.mark.django_db(transaction=True)
def test_a_text_edited_or_removed_through_the_models_leaves_every_cached_copy(
    client, algo, settings
):
    """The admin's version page saves provisions as rows; a shell may too. With the
    page and API caches on, the next reader sees the change, not the copy kept."""
    settings.LIANGHUI_PAGE_CACHE_SECONDS = settings.LIANGHUI_API_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    draft, final = algo.versions.order_by("date")
    page, api = final.get_absolute_url(), "/api/v1/regulations/algo/"
    for url in (page, api):
        assert "用户可以选择关闭算法推荐服务" in client.get(url).content.decode()
        assert "用户可以选择关闭算法推荐服务" in client.get(url).content.decode()  # kept
    provision = Provision.objects.get(version=final, text_zh="用户可以选择关闭算法推荐服务。")
    provision.text_zh = "用户可以选择关闭个性化推荐。"
    provision.save()
    for url in (page, api):
        shown = client.get(url).content.decode()
        assert "关闭个性化推荐" in shown and "关闭算法推荐服务" not in shown, url
    draft_page = draft.get_absolute_url()
    assert client.get(draft_page).status_code == 200
    draft.delete()
    assert client.get(draft_page).status_code == 404
    assert [v["kind"] for v in client.get(api).json()["versions"]] == ["final"]


def _found(query: str) -> set[str]:
    from lianghui.search import selectors

    results = selectors.search(query=query, page=1, with_facets=False)
    return {hit.doc.key for hit in results.hits if hit.doc.doc_type == "regulation"}


@pytest.mark.django_db(transaction=True)
def test_a_phrase_of_the_newest_text_finds_the_regulation_and_follows_its_edits(algo):
    """Words only an article holds find the regulation, in either language; an
    article edited through the model is found by its new words, not its old ones."""
    assert "algo" in _found("劳动报酬")  # article 3 of the final text, in no title
    article = Provision.objects.get(version=algo.versions.order_by("date").last(), number="第二条")
    assert "algo" not in _found("personalised feeds")
    article.text_en = "Users may switch off personalised feeds."
    article.save()
    assert "algo" in _found("personalised feeds")
    article.delete()
    assert "algo" not in _found("personalised feeds")
