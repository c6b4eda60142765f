"""Similar proposals: the distinctive words of a proposal, searched for among the
others, each result with the words it shares; on SQLite and PostgreSQL."""

import pytest
from django.core.cache import caches

from lianghui.proposals.models import Proposal
from lianghui.search import similar
from lianghui.search.services import rebuild

pytestmark = pytest.mark.django_db


def like(key):
    return similar.similar_proposals(proposal=Proposal.objects.get(key=key))


@pytest.fixture
def world(search_world):
    rebuild()  # fresh planner statistics on PostgreSQL, as after an import
    # and every list made again with them (`lianghui search similar --all`)
    similar.refresh(ids=similar.public_ids(), neighbours=False)


def test_the_proposal_on_the_same_subject_comes_first_with_its_reasons(world):
    found = like("p-ai")
    assert found, "p-cppcc shares 人工智能 and 治理 with p-ai"
    assert found[0].key == "p-cppcc"
    assert {"人工智能", "治理"} <= set(found[0].shared)
    # the parts of a word found in it too (人工, 智能) are not listed again
    assert "人工" not in found[0].shared and "智能" not in found[0].shared
    assert found[0].url == "/proposals/p-cppcc/"
    keys = [s.key for s in found]
    assert "p-ai" not in keys  # never itself
    assert "p-rider" not in keys  # riders' insurance shares nothing that matters
    assert "p-hidden" not in keys  # unpublished: not in the index at all


def test_each_result_shares_at_least_two_distinctive_words(world):
    for key in ("p-ai", "p-econ", "p-rider", "p-cppcc"):
        for s in like(key):
            assert len(s.shared) >= 2, (key, s)


def test_digital_economy_finds_the_other_digital_economy_proposal(world):
    assert [s.key for s in like("p-econ")][:1] == ["p-order"]


def test_words_every_document_has_do_not_count(world):
    terms = similar.distinctive_terms("人工智能 的 建议", "人工智能 的 2022 should the")
    assert "的" not in terms and "2022" not in terms
    assert "建议" not in terms  # every suggestion's title says so
    assert "should" not in terms and "the" not in terms
    assert "人工智能" in terms


def test_an_unpublished_proposal_is_never_listed_but_may_have_a_list(world):
    # staff may see its page: the list is drawn from published proposals
    found = [s.key for s in like("p-hidden")]
    assert found and "p-hidden" not in found
    assert all("p-hidden" not in [s.key for s in like(k)] for k in ("p-ai", "p-cppcc", "p-gen"))


def test_the_proposal_page_lists_them(world, client):
    page = client.get("/proposals/p-ai/").content.decode()
    assert "Similar proposals" in page
    assert 'href="/proposals/p-cppcc/"' in page.split('id="similar-heading"')[1]


def test_the_section_speaks_chinese_too(world, client):
    page = client.get("/proposals/p-ai/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "相似建议和提案" in page and "共有词语" in page


def test_english_words_are_not_parts_of_each_other(world):
    # 人工 is a part of 人工智能 (both indexed); "art" is no part of "party"
    assert similar._whole_words(("人工", "人工智能", "art", "party")) == (
        "人工智能",
        "art",
        "party",
    )


def test_words_in_over_a_fifth_of_a_large_index_are_left_out(world, monkeypatch):
    from lianghui.search.engine.common import forget_planner_figures

    monkeypatch.setattr(similar, "COUNTED", 2)  # as if the index were large
    forget_planner_figures()
    terms = similar.distinctive_terms("人工智能 治理", "")
    assert "人工智能" not in terms  # in 5 of the 21 documents
    assert "治理" in terms  # in 2
    forget_planner_figures()


def _found_now(key):
    """The list as the index gives it now (no stored list read)."""
    from lianghui.search.models import SimilarList

    proposal = Proposal.objects.get(key=key)
    stored = list(SimilarList.objects.filter(proposal_id=proposal.id))
    SimilarList.objects.filter(proposal_id=proposal.id).delete()
    try:
        return [(s.key, s.shared) for s in like(key)]
    finally:
        SimilarList.objects.bulk_create(stored)


def test_stored_lists_give_what_the_index_gives(world):
    from lianghui.search.models import SimilarList

    keys = ("p-ai", "p-econ", "p-cppcc", "p-order")
    similar.refresh(ids=Proposal.objects.filter(key__in=keys).values_list("id", flat=True))
    for key in keys:
        assert SimilarList.objects.filter(proposal_id=Proposal.objects.get(key=key).id).exists()
        assert [(s.key, s.shared) for s in like(key)] == _found_now(key)


def test_a_stored_list_shows_only_what_is_public_now(world):
    similar.refresh(ids=[Proposal.objects.get(key="p-ai").id])
    assert like("p-ai")[0].key == "p-cppcc"
    Proposal.objects.filter(key="p-cppcc").update(published=False)
    assert "p-cppcc" not in [s.key for s in like("p-ai")]


def test_a_newly_published_proposal_joins_the_lists_of_those_like_it(
    world, django_capture_on_commit_callbacks
):
    keys = ("p-ai", "p-cppcc", "p-gen")
    similar.refresh(ids=Proposal.objects.filter(key__in=keys).values_list("id", flat=True))
    assert all("p-hidden" not in [s.key for s in like(k)] for k in keys)
    # a model's save() (as the admin does) reports the change: the worker stores
    # p-hidden's list and makes again the lists of those on it
    hidden = Proposal.objects.get(key="p-hidden")
    hidden.published = True
    with django_capture_on_commit_callbacks(execute=True):
        hidden.save()
    assert any("p-hidden" in [s.key for s in like(k)] for k in keys)
    for key in keys:
        assert [(s.key, s.shared) for s in like(key)] == _found_now(key)


def _similar_on_page(client, key) -> str:
    page = client.get(f"/proposals/{key}/").content.decode()
    return page.split('id="similar-heading"')[1]


@pytest.mark.parametrize("how", ["unpublished", "deleted"])
def test_a_proposal_that_leaves_the_public_leaves_the_cached_pages_listing_it(
    world, client, settings, django_capture_on_commit_callbacks, how
):
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    similar.refresh(ids=Proposal.objects.filter(key="p-ai").values_list("id", flat=True))
    assert 'href="/proposals/p-cppcc/"' in _similar_on_page(client, "p-ai")  # now cached
    leaving = Proposal.objects.get(key="p-cppcc")
    # as the admin or a shell does it: through the model, no service
    with django_capture_on_commit_callbacks(execute=True):
        if how == "unpublished":
            leaving.published = False
            leaving.save()
        else:
            leaving.delete()
    assert 'href="/proposals/p-cppcc/"' not in _similar_on_page(client, "p-ai")


def test_a_proposal_that_was_never_public_moves_no_other_page(
    world, client, settings, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    first = client.get("/proposals/p-ai/")
    hidden = Proposal.objects.get(key="p-hidden")  # unpublished: no list names it
    hidden.title_en = "Edited while unpublished"
    with django_capture_on_commit_callbacks(execute=True):
        hidden.save()
    with django_assert_max_num_queries(1):  # the stamp: the page is still cached
        assert client.get("/proposals/p-ai/").content == first.content
