"""Figures and charts for the overview pages (a session, an agency, the agencies,
a member), built from the supervision and proposals selectors. Counts are of
published proposals only, like every list on the portal; each chart comes with
the rows of its table alternative."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from lianghui.following.selectors import FEEDS, is_following
from lianghui.people.models import Organization
from lianghui.proposals import supervision
from lianghui.proposals.enums import ReplyCategory, Status
from lianghui.search.charts import Bar, bar_chart

from .charts import Row, Series, column_chart, hbar_chart, mix_bar
from .templatetags.portal import percent

ABC_CSS = ["bar bar-a", "bar bar-b", "bar bar-c"]


def _abc_series() -> list[Series]:
    return [Series(str(c.label), css) for c, css in zip(ReplyCategory, ABC_CSS, strict=True)]


# ---------------------------------------------------------------------------
# Following


def follow_context(request, target: str, key: str) -> dict:
    """What the follow box and the feed links need; one query for a signed-in user."""
    feed = FEEDS[target]
    user = request.user
    return {
        "target": target,
        "key": key,
        "rss": reverse(f"feeds:{feed}", args=[key]),
        "atom": reverse(f"feeds:{feed}-atom", args=[key]),
        "following": user.is_authenticated and is_following(user=user, target=target, key=key),
    }


# ---------------------------------------------------------------------------
# A session's flow


@dataclass
class Stage:
    label: str
    count: int
    share: str  # of submitted
    status: str = ""  # a Status to link the list filtered by it, or ""
    branch: bool = False


def session_flow(*, session) -> tuple[list[Stage], str]:
    flow = supervision.session_flow(session=session, public=True)
    submitted = flow["submitted"]

    def stage(label, n, status="", branch=False):
        share = percent(n / submitted) if submitted else "—"
        return Stage(str(label), n, share, status, branch)

    stages = [
        stage(Status.SUBMITTED.label, submitted),
        stage(_("Awaiting review"), flow["waiting"], branch=True),
        stage(Status.NOT_FILED.label, flow["not_filed"], Status.NOT_FILED, branch=True),
        stage(Status.MERGED.label, flow["merged"], Status.MERGED, branch=True),
        stage(Status.CONVERTED.label, flow["converted"], Status.CONVERTED, branch=True),
        stage(Status.FILED.label, flow["filed"]),
        stage(_("Assigned to agencies"), flow["assigned"]),
        stage(Status.REPLIED.label, flow["replied"]),
        stage(_("Rated by the proposer"), flow["rated"]),
    ]
    chart = (
        hbar_chart(
            rows=[
                Row(s.label, s.count, "bar bar-branch" if s.branch else "bar", s.branch)
                for s in stages
            ],
            title=_("How the session’s proposals were handled"),
            desc=_(
                "Horizontal bars: proposals submitted, then filed, assigned to agencies,"
                " replied and rated; the indented bars are those that left the flow or"
                " await review. The table below gives the same figures."
            ),
            chart_id="session-flow",
            legend_items=[
                Series(_("Stage of handling"), "bar"),
                Series(_("Left the flow or awaiting review"), "bar bar-branch"),
            ],
        )
        if submitted
        else ""
    )
    return stages, chart


@dataclass
class AgencyRow:
    agency: Organization
    stats: supervision.AgencyStats

    @property
    def on_time(self) -> str:
        return percent(self.stats.on_time_rate)

    @property
    def satisfaction(self) -> str:
        return percent(self.stats.satisfaction_rate)

    @property
    def mix(self):
        s = self.stats
        return mix_bar([s.a, s.b, s.c], ABC_CSS)


def agency_rows(stats: dict[int, supervision.AgencyStats]) -> list[AgencyRow]:
    """The agencies behind the figures, in one query; by name."""
    agencies = Organization.objects.filter(pk__in=stats.keys()).only(
        "key", "name_zh", "name_en", "generated"
    )
    return [AgencyRow(a, stats[a.pk]) for a in agencies]


def session_agencies(*, session, limit: int = 10) -> tuple[list[AgencyRow], str]:
    rows = agency_rows(supervision.agency_stats(session=session, public=True))
    rows.sort(key=lambda r: (-r.stats.assigned, r.agency.key))
    rows = rows[:limit]
    chart = hbar_chart(
        rows=[Row(r.agency.name, r.stats.assigned) for r in rows],
        title=_("Agencies given the most proposals this session"),
        desc=_(
            "Horizontal bars: proposals assigned to each agency (active assignments)."
            " The table below gives these figures with replies, timeliness and ratings."
        ),
        chart_id="session-agencies",
        legend_items=[Series(_("Proposals assigned"), "bar")],
    )
    return rows, chart


def topic_chart(topics, *, chart_id: str, title: str) -> str:
    return hbar_chart(
        rows=[Row(t.name, t.proposal_count) for t in topics],
        title=title,
        desc=_("Horizontal bars: published proposals per topic; the table gives the same."),
        chart_id=chart_id,
        legend_items=[Series(_("Published proposals"), "bar")],
    )


# ---------------------------------------------------------------------------
# An agency across years


def agency_years(*, agency) -> dict:
    years = list(supervision.agency_years(agency=agency, public=True).values())
    if not years:
        return {"years": []}
    span = range(years[0].agency_id, years[-1].agency_id + 1)
    by_year = {y.agency_id: y for y in years}
    # Fill the gaps so the trend reads true.
    years = [by_year.get(y) or supervision.AgencyStats(y, 0, 0, 0, 0, 0, 0, 0, 0, 0) for y in span]
    labels = [str(y.agency_id) for y in years]
    total = supervision.AgencyStats(0, *(sum(getattr(y, f) for y in years) for f in AGENCY_FIELDS))
    return {
        "years": years,
        "total": total,
        "handled_chart": bar_chart(
            bars=[Bar(label, y.assigned) for label, y in zip(labels, years, strict=True)],
            title=_("Proposals assigned to %(agency)s per year") % {"agency": agency.name},
            desc=_(
                "Bar chart of the proposals assigned each year (by the year they were"
                " made); the table below gives the same figures."
            ),
            chart_id="agency-years",
            series=_("Proposals assigned"),
        ),
        "abc_chart": column_chart(
            columns=[(label, [y.a, y.b, y.c]) for label, y in zip(labels, years, strict=True)],
            series=_abc_series(),
            title=_("Replies by category per year"),
            desc=_(
                "Stacked columns: replies in category A, B and C each year;"
                " the table below gives the same figures."
            ),
            chart_id="agency-abc",
        ),
        "rates_chart": column_chart(
            columns=[
                (label, [y.on_time_rate, y.satisfaction_rate])
                for label, y in zip(labels, years, strict=True)
            ],
            series=[
                Series(_("Replied on time"), "bar bar-on-time"),
                Series(_("Satisfied or basically satisfied"), "bar bar-satisfied"),
            ],
            title=_("On-time replies and proposers’ satisfaction per year"),
            desc=_(
                "Paired columns, in percent: the share of replies sent by their due date,"
                " and the share of rated replies the proposer was satisfied or basically"
                " satisfied with; the table below gives the same figures."
            ),
            chart_id="agency-rates",
            stacked=False,
            percent=True,
        ),
    }


AGENCY_FIELDS = [
    "assigned",
    "replied",
    "on_time",
    "a",
    "b",
    "c",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
]


# ---------------------------------------------------------------------------
# A member


def member_years(signatures) -> tuple[list[tuple[int, int]], str]:
    counts = Counter(s.proposal.session.year for s in signatures)
    if not counts:
        return [], ""
    per_year = [(y, counts.get(y, 0)) for y in range(min(counts), max(counts) + 1)]
    chart = bar_chart(
        bars=[Bar(str(y), n) for y, n in per_year],
        title=_("Proposals signed per year"),
        desc=_(
            "Bar chart of the published proposals signed each year;"
            " the table below gives the same figures."
        ),
        chart_id="member-years",
        series=_("Proposals signed"),
    )
    return per_year, chart


def member_sectors(member) -> list[str]:
    """Sectors of the member's groups (e.g. a CPPCC sector) and organizations."""
    seen: dict[str, str] = {}
    for s in member.memberships.all():
        if s.group and s.group.sector:
            seen.setdefault(s.group.sector, s.group.get_sector_display())
    for a in member.affiliations.all():
        if a.organization.sector:
            seen.setdefault(a.organization.sector, a.organization.get_sector_display())
    return list(seen.values())
