"""The search page: read the query string forgivingly, call the one selector,
render. Unknown filter values are dropped with a note, never an error."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import filtertokens, selectors
from .enums import Sort
from .params import Choice, link, read


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    labels = selectors.reference_labels()
    filters, fields, hidden, ignored = read(params, labels)
    query = params.get("q", "")
    sort = params.get("sort", "")
    results = selectors.search(
        query=query,
        filters=filters,
        viewer=request.user,
        page=params.get("page"),
        sort=sort,
        labels=labels,
    )
    for facet in results.facets:
        for v in facet.values:
            v.url = link(params, **{facet.name: "" if v.selected else v.value})
    names = {v.value: v.label for f in results.facets for v in f.values}
    for h in hidden:
        h.label_value = (
            selectors.member_name(h.value) if h.name == "member" else names.get(h.value, h.value)
        )
    chips = [
        (
            f.label,
            next((c.label for c in f.options if c.value == f.value), f.value),
            link(params, **{f.name: ""}),
        )
        for f in fields
        if f.value
    ] + [(h.label, h.label_value, link(params, **{h.name: ""})) for h in hidden]
    sorts = [Choice(v, str(lbl)) for v, lbl in Sort.choices]
    follow_key = _follow_key(params)
    return render(
        request,
        "search/search.html",
        {
            "section": "search",
            "q": query[:500].replace("\x00", ""),
            "results": results,
            "page_obj": results.page,
            "fields": fields,
            "hidden": hidden,
            "chips": chips,
            "ignored": ignored,
            "sorts": sorts,
            "clear_url": link(QueryDict(mutable=True), q=query[:500].replace("\x00", "")),
            # Whether the user follows it is asked by the template (following's tags).
            "follow_key": follow_key,
        },
    )


def _follow_key(params: QueryDict) -> str:
    """The search as a saved search's key: its words and filters (not the page or
    the order, which a feed does not have; not unknown parameters)."""
    q = QueryDict(mutable=True)
    for name, values in params.lists():
        if name != "q" and name not in filtertokens.NAMES:
            continue
        for value in values[:1]:
            value = value.replace("\x00", "").strip()[:500]
            if value:
                q[name] = value
    return q.urlencode()[:500]
