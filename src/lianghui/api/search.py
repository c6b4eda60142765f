"""Full-text search of proposals for the API: the one place it is done.

The search app (lianghui.search) is being built with a segmented index; until it
offers a selector this falls back to case-insensitive containment in titles,
summaries and texts. Switch here, and every API caller follows.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

MAX_QUERY_LENGTH = 200


def proposal_text_search(queryset: QuerySet, *, query: str) -> QuerySet:
    """``queryset`` narrowed to proposals matching ``query`` (all its words)."""
    for word in query.split()[:8]:
        queryset = queryset.filter(
            Q(title_zh__icontains=word)
            | Q(title_en__icontains=word)
            | Q(summary_zh__icontains=word)
            | Q(summary_en__icontains=word)
            | Q(text_zh__icontains=word)
            | Q(text_en__icontains=word)
        )
    return queryset
