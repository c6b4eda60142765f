"""Pages built on the search index: a topic's trend across years. Thin views;
the figures come from the search selector's facets (one pass each)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lianghui.following.enums import Target
from lianghui.portal.figures import follow_context
from lianghui.proposals.models import Topic

from . import selectors
from .charts import Bar, bar_chart
from .enums import DocType


def _facet(results, name):
    return next((f for f in results.facets if f.name == name), None)


@require_safe
def topic_page(request: HttpRequest, key: str) -> HttpResponse:
    topic = Topic.objects.filter(key=key).first()
    if topic is None:
        raise Http404(_("No such record."))
    labels = selectors.reference_labels()
    results = selectors.search(
        filters=selectors.SearchFilters(type=DocType.PROPOSAL, topic=key),
        sort="newest",
        labels=labels,
        viewer=request.user,
        exact=True,  # the chart and its table need every proposal counted
    )
    years = _facet(results, "year")
    per_year = (
        sorted(((int(v.value), v.count) for v in years.values), key=lambda p: p[0]) if years else []
    )
    if per_year:  # fill the gaps so the trend reads true
        counts = dict(per_year)
        per_year = [(y, counts.get(y, 0)) for y in range(per_year[0][0], per_year[-1][0] + 1)]
    chart = bar_chart(
        bars=[Bar(str(y), n) for y, n in per_year],
        title=_("Proposals on “%(topic)s” per year") % {"topic": topic.name},
        desc=_(
            "Bar chart of the number of published proposals per year;"
            " the table below gives the same figures."
        ),
        chart_id="topic-years",
        series=_("Published proposals"),
    )
    return render(
        request,
        "search/topic.html",
        {
            "section": "topics",
            "topic": topic,
            "results": results,
            "per_year": per_year,
            "chart": chart,
            "follow": follow_context(request, Target.TOPIC, topic.key),
            "tables": [
                f for f in (_facet(results, n) for n in ("body", "agency", "category")) if f
            ],
        },
    )
