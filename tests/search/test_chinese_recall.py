"""Chinese compounds are found however the segmenter cut the text around them:
the index and the query cut words into the same parts (search/text.py)."""

import pytest

from lianghui.search.selectors import SearchFilters, search
from lianghui.search.text import index_tokens, query_words

from .conftest import RECORDS

pytestmark = pytest.mark.django_db

EXTRA = [
    {
        "type": "regulation",
        "key": "dsl",
        "title_zh": "中华人民共和国数据安全法",
        "title_en": "Data Security Law of the People's Republic of China",
        "kind": "law",
        "issuers": ["cac"],
        "published_on": "2021-06-10",
    },
    {
        **next(r for r in RECORDS if r.get("key") == "p-econ"),
        "key": "p-data",
        "title_zh": "关于加强数据安全保护的建议",
        "title_en": "",
        "text_zh": "落实个人信息保护法，保障数据安全。",
        "text_en": "",
    },
    {
        **next(r for r in RECORDS if r.get("key") == "p-econ"),
        "key": "p-pipl",
        "title_zh": "关于个人信息保护法实施情况的建议",
        "title_en": "",
        "text_zh": "",
        "text_en": "",
    },
]


@pytest.fixture
def recall_world(search_world, indexing, jsonl):
    from lianghui.exchange.importer import import_files

    with indexing():
        import_files([jsonl(*EXTRA)])


def found(query, type=""):
    return sorted(h.doc.key for h in search(query=query, filters=SearchFilters(type=type)).hits)


def test_a_compound_finds_the_law_whose_title_the_segmenter_cut_otherwise(recall_world):
    # precise mode cuts 数据安全法 as 数据 | 安全法: the compound 数据安全 is no word of it
    assert found("数据安全", "regulation") == ["dsl"]
    assert found("数据安全", "proposal") == ["p-data"]
    # the Cyberspace Administration's remit speaks of data security too
    assert found('"数据安全"') == ["cac", "dsl", "p-data"]
    assert found("数据安全法", "regulation") == ["dsl"]


def test_a_compound_across_two_words_of_the_text_is_found(recall_world):
    # 个人信息保护法 is cut 个人信息 | 保护法; the phrase 信息保护 straddles them (p-ai
    # says 保护个人信息: both words, not this phrase)
    assert found('"信息保护"', "proposal") == ["p-data", "p-pipl"]
    assert found("信息保护", "proposal") == ["p-ai", "p-data", "p-pipl"]
    assert found('"个人信息保护"', "proposal") == ["p-data", "p-pipl"]


def test_a_compound_is_a_phrase_of_its_parts_not_any_order(recall_world):
    # p-pipl holds 信息 and 保护法 but not 数据安全: both parts, next to each other
    assert "p-pipl" not in found("数据安全", "proposal")
    assert found('"安全数据"', "proposal") == []  # the parts in the other order
    assert query_words("数据安全") == [("数据", "安全")]


def test_whole_words_stay_single_tokens_in_the_index():
    tokens = index_tokens("关于加快人工智能技术发展的建议").split()
    assert "人工智能" in tokens  # similar proposals weigh whole words
    assert tokens[:4] == ["关于", "加快", "人工", "智能"]  # parts first, in order
