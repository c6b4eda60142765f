"""Each page runs a fixed number of queries, however many rows it shows.

The counts are pinned on the small world, then the world grows (more members,
agencies, proposals with more signers, assignments, replies and citations,
regulations) and the same pages must run exactly the same number of queries.
"""

import pytest

from lianghui.search import similar
from lianghui.search.services import rebuild

# Similar proposals: the proposal's stored list (found by the worker) with those
# of its proposals the public may see now, in one statement.
SIMILAR = 1

# (url, queries). A first request warms the content-type cache used by
# citations (a generic relation), so the pinned figure is the steady state.
LIST_PAGES = [
    # counts (proposals, members, agencies, regulations, sessions), latest
    # sessions, recent proposals + their lead signers + topics, tracker, the bodies
    # the page describes, the bodies' vocabularies (statuses in the body's words)
    ("/", 12),
    # filter options (sessions, bodies, kinds, topics), count, rows, lead signers, topics,
    # the bodies' vocabularies (statuses in the body's words)
    ("/proposals/", 9),
    ("/proposals/?session=t-npc-2022&status=replied&topic=t-ai&generated=0", 9),
    # ... plus one lookup to validate a member or agency key
    ("/proposals/?member=t-lei", 10),
    ("/proposals/?agency=t-cac", 10),
    # body options, count, rows, memberships, affiliations
    ("/members/", 5),
    ("/members/?organization=t-tencent", 6),
    # count, rows (parent and body joined)
    ("/organizations/", 2),
    ("/organizations/?kind=agency", 2),
    # body options, count, rows (with proposal counts)
    ("/sessions/", 3),
    # session options, body options, the bodies' vocabularies (the codes counted and
    # named), assignments per agency, first replies per agency, the agencies
    ("/agencies/", 6),
    ("/agencies/?sort=on_time", 6),
    ("/agencies/?session=t-npc-2022&sort=satisfaction", 6),
    # jurisdictions, count, rows, issuers
    ("/regulations/?stage=effective&kind=departmental_rule", 4),
]

DETAIL_PAGES = [
    # proposal (session, body, kind, review joined; whether it has regulations,
    # merged proposals and citations; its signers, topics, assignments with their
    # agency, public replies with their feedback, its audit trail and its body's
    # vocabulary, in its row), those of regulations, merged proposals, citations
    # and the proposal merged into that it has, the signers' interests; similar
    # proposals
    ("/proposals/t-rich/", 3 + SIMILAR),
    # member, memberships, affiliations, citations, signatures, topics, the
    # bodies' vocabularies, ratings, regulations that came of the proposals
    ("/members/t-lei/", 9),
    # organization, children, citations, assignments, affiliations, seats,
    # regulations issued, assignments and first replies per year (the headline
    # is the per-year table's total line: no query of its own), the bodies' vocabularies
    # + its commitments (one count), the bodies whose words its figures use
    ("/organizations/t-cac/", 12),
    # session, citations, totals, status counts, kind counts, funnel (with the
    # not-filed reasons), topics, assignments and first replies per agency, the
    # agencies, key proposals, the bodies' vocabularies
    ("/sessions/t-npc-2022/", 13),  # + whether highlights are published
    # regulation, issuers, proposals that asked for it, events, versions, citations,
    # consultations
    ("/regulations/t-algo-rules/", 7),
]


def _count(client, django_assert_num_queries, url, expected):
    rebuild()  # the search index, which similar proposals read
    similar.refresh(ids=similar.public_ids())  # as the worker stores them
    client.get(url)  # warm caches
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(("url", "expected"), LIST_PAGES + DETAIL_PAGES)
def test_query_count_is_pinned(client, portal_world, django_assert_num_queries, url, expected):
    response = _count(client, django_assert_num_queries, url, expected)
    if url == "/proposals/t-rich/":
        # Nothing in the small world is like t-rich (the grown world's has, below).
        assert response.context["similar"] == []


@pytest.mark.parametrize(("url", "expected"), LIST_PAGES + DETAIL_PAGES)
def test_query_count_does_not_grow_with_rows(
    client, grow, django_assert_num_queries, url, expected
):
    grow(60)  # more than a page of proposals and members
    response = _count(client, django_assert_num_queries, url, expected)
    if url == "/proposals/t-rich/":
        assert len(response.context["similar"]) == 5
    if url == "/proposals/":
        assert response.context["page_obj"].paginator.count == 63
        assert len(response.context["page_obj"].object_list) == 50


def test_proposal_detail_with_more_of_everything_runs_the_same_queries(
    client, grow, django_assert_num_queries
):
    grow(8)
    # x-proposal-3 has 6 signers, 3 assignments, 3 replies, feedback, 3 topics and
    # 3 citations, more of each than t-rich.
    response = _count(client, django_assert_num_queries, "/proposals/x-proposal-3/", 3 + SIMILAR)
    assert response.context["similar"], "the grown world's proposals share their words"
    proposal = response.context["proposal"]
    assert len(proposal.signers.all()) == 6
    assert len(proposal.assignments.all()) == 3
    assert sum(len(a.replies.all()) for a in proposal.assignments.all()) == 3
    assert len(proposal.citations.all()) == 3


def test_second_page_runs_the_same_queries(client, grow, django_assert_num_queries):
    grow(60)
    response = _count(client, django_assert_num_queries, "/proposals/?page=2", 9)
    assert len(response.context["page_obj"].object_list) == 13
    _count(client, django_assert_num_queries, "/members/?page=2", 5)
