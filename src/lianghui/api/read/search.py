"""Full-text search of proposals for the API: the one place it is done.

It goes through the search app's selector (the segmented index the /search/ page
uses), so the API and the portal find the same proposals. The index holds public
records; an unpublished proposal is found by staff through the portal's desks,
not by `q=`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lianghui.proposals.models import Proposal
from lianghui.search.selectors import records_matching

MAX_QUERY_LENGTH = 200


def proposal_text_search(queryset: QuerySet, *, query: str) -> QuerySet:
    """``queryset`` narrowed to proposals matching ``query`` (the search syntax)."""
    return queryset.filter(records_matching(query=query[:MAX_QUERY_LENGTH], model=Proposal))
