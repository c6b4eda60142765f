"""The search page: filters as a GET form, facet links, highlighted snippets,
pagination; any query string gives a page, never an error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianghui.search.query import parse, to_fts5, to_tsquery
from lianghui.search.selectors import search

pytestmark = pytest.mark.django_db


def get(client, params, language="en"):
    response = client.get("/search/", params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_search_page_shows_highlighted_results_facets_and_filters(client, search_world):
    html = get(client, {"q": "人工智能", "type": "proposal"})
    assert "<mark>人工智能</mark>" in html
    assert 'href="/proposals/p-ai/"' in html
    assert "p-hidden" not in html
    # facets link to the narrowed search with their counts
    assert (
        'href="?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD&amp;type=proposal&amp;topic=labour"'
        not in html
    )
    assert "topic=ai" in html and 'aria-current="true"' in html
    # the active filter is a removable chip
    assert "Remove the filter" in html


def test_search_page_in_chinese(client, search_world):
    html = get(client, {"q": "algorithm"}, language="zh-hans")
    assert '<html lang="zh-hans">' in html


def test_unknown_filter_values_are_ignored_with_a_note(client, search_world):
    html = get(client, {"q": "数据", "body": "nope", "year": "abc", "agency": "bad key!"})
    assert "Ignored the unknown value “nope”" in html
    assert "Ignored the unknown value “abc”" in html
    assert "Ignored the unknown value “bad key!”" in html


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "OR",
        "- OR -",
        "-",
        '""',
        "x" * 10_000,
        "数据\x00安全",
        "\x00",
        "\x01\x02\x1f",
        "(a OR b",
        "a NOT b AND",
        "*:^~",
        "'; DROP TABLE search_searchdocument; --",
        "NEAR(a b)",
    ],
)
def test_malformed_queries_give_a_page(client, search_world, q):
    response = client.get("/search/", {"q": q, "page": "-1", "sort": "bogus"})
    assert response.status_code == 200


def test_invalid_utf8_and_repeated_parameters_give_a_page(client, search_world):
    response = client.get("/search/?q=%ED%A0%80%FF%00&q=x&type=%00&year=99999999999&page=9e99")
    assert response.status_code == 200


def test_header_search_box_on_every_page(client, search_world):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html and 'role="search"' in html


ODD = st.text(
    alphabet=st.sampled_from(list('"-|() ORAND数据安全人工智能aiAI\x00\x01\t\n　“”＂－*:^')),
    max_size=40,
)


@given(st.one_of(st.text(max_size=60), ODD))
@settings(max_examples=300, deadline=None)
def test_the_parser_never_fails_and_writes_safe_expressions(text):
    q = parse(text)
    for expression in (*to_fts5(q), *to_tsquery(q)):
        # Only word characters, quotes, brackets, spaces and the operators.
        stripped = expression.replace(" AND ", " ").replace(" OR ", " ").replace(" NOT ", " ")
        assert "\x00" not in stripped
        for ch in stripped:
            assert ch.isalnum() or ch in "\"'()&|!<-> ", repr(ch)


@given(st.one_of(st.text(max_size=80), ODD))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_query_string_returns_results_or_a_message(search_world, text):
    results = search(query=text)
    assert not results.failed, results.messages
    assert results.total >= 0


def test_a_search_can_be_followed_from_its_page(client, client_for, search_world):
    from lianghui.accounts.services import account_create
    from lianghui.following import services as following

    html = get(client, {"q": "人工智能", "type": "proposal", "page": "1", "sort": "newest"})
    # the saved search keeps the words and filters, not the page or the order
    key = "q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD&amp;type=proposal"
    # anonymous: the same sign-in link as on every followable page
    assert "Sign in to follow" in html and "/accounts/login/?next=" in html
    assert f'href="/feeds/search/?{key}"' in html
    assert "Sign in to follow" not in get(client, {})  # nothing to follow yet

    watcher = account_create(username="w", password="x", role="watcher")
    c = client_for(watcher)
    html = c.get("/search/", {"q": "人工智能", "type": "proposal"}).content.decode()
    # signed in: a button that posts, as everywhere else
    assert '<form method="post" action="/following/follow/search/"' in html
    assert f'name="key" value="{key}"' in html and "Follow this search" in html
    following.follow_create(
        user=watcher, target="search", key="q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD&type=proposal"
    )
    html = c.get("/search/", {"q": "人工智能", "type": "proposal"}).content.decode()
    assert "You follow this search." in html and "Follow this search" not in html
