"""Charts and tables for the overview pages (a session, an agency, the agencies,
a member). Every number comes from `proposals/figures.py`, where each figure is
defined; this module only lays them out, with each chart's table alternative and
the short definitions printed beside them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from lianghui.following.selectors import FEEDS, is_following
from lianghui.people.models import Organization
from lianghui.proposals import figures, vocabulary
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
    reason: bool = False  # a not-filed reason, under "Not filed"
    definition: str = ""


def session_flow(*, session) -> tuple[list[Stage], str, figures.Funnel]:
    """The funnel's stages with their shares of submitted, and its chart. The
    counts include proposals whose texts are not public (the table says so)."""
    flow = figures.session_funnel(session=session)
    submitted = flow.submitted
    # The body's names for its outcomes; an outcome it does not use has no stage.
    outcomes = vocabulary.codes(session.body_id, vocabulary.OUTCOME)

    def named(status):
        return vocabulary.outcome_name(session.body_id, status)

    d = figures.DEFINITIONS

    def stage(label, n, status="", branch=False, definition="", reason=False):
        share = percent(n / submitted) if submitted else "—"
        return Stage(str(label), n, share, status, branch, reason, str(definition))

    stages = [
        stage(_("Submitted"), submitted, definition=d["submitted"]),
        stage(_("Awaiting review"), flow.waiting, branch=True, definition=d["waiting"]),
        # No link to the list for not filed and converted: those proposals are not
        # published, so the list would not show the number counted here.
        stage(named(Status.NOT_FILED), flow.not_filed, branch=True, definition=d["not_filed"]),
        *(stage(r.label, r.count, branch=True, reason=True) for r in flow.reasons),
        *(
            [stage(named(Status.CONVERTED), flow.converted, branch=True, definition=d["converted"])]
            if flow.converted or Status.CONVERTED in outcomes
            else []
        ),
        *(
            [
                stage(
                    named(Status.MERGED),
                    flow.merged,
                    Status.MERGED,
                    branch=True,
                    definition=d["merged"],
                )
            ]
            if flow.merged or Status.MERGED in outcomes
            else []
        ),
        stage(named(Status.FILED), flow.filed, definition=d["filed"]),
        stage(_("Assigned to agencies"), flow.assigned, definition=d["assigned_proposals"]),
        stage(Status.REPLIED.label, flow.replied, definition=d["replied_proposals"]),
        # A body whose replies are not rated has no rating stage.
        *(
            [stage(_("Rated by the proposer"), flow.rated, definition=d["rated"])]
            if flow.rated or vocabulary.has(session.body_id, vocabulary.SATISFACTION)
            else []
        ),
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
                " await review, and the reasons given for not filing. Proposals whose"
                " texts are not public are counted. The table below gives the same figures."
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
    return stages, chart, flow


@dataclass
class AgencyRow:
    agency: Organization
    stats: figures.Handling

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


def agency_rows(stats: dict[int, figures.Handling]) -> list[AgencyRow]:
    """The agencies behind the figures, in one query; by name."""
    agencies = Organization.objects.filter(pk__in=stats.keys()).only(
        "key", "name_zh", "name_en", "generated"
    )
    return [AgencyRow(a, stats[a.pk]) for a in agencies]


def agencies_compared(*, session=None, body=None) -> tuple[list[AgencyRow], figures.Handling]:
    """Every agency's figures (for a session, a body, or all) and their totals line."""
    rows = agency_rows(figures.handling(by="agency", session=session, body=body))
    return rows, figures.total(r.stats for r in rows)


def session_agencies(*, session, limit: int = 10) -> tuple[list[AgencyRow], str]:
    rows = agency_rows(figures.handling(by="agency", session=session))
    rows.sort(key=lambda r: (-r.stats.assigned, r.agency.key))
    rows = rows[:limit]
    chart = hbar_chart(
        rows=[Row(r.agency.name, r.stats.assigned) for r in rows],
        title=_("Agencies given the most proposals this session"),
        desc=_(
            "Horizontal bars: published proposals assigned to each agency (assignments"
            " not transferred away). The table below gives these figures with replies,"
            " timeliness and ratings."
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


def definitions(*names: str) -> list[tuple[str, str]]:
    """(label, definition) of the named figures, for the notes beside a table."""
    labels = {
        "assigned": _("Assigned"),
        "answered": _("Replied"),
        "on_time": _("On time"),
        "late": _("Late"),
        "overdue": _("Overdue, unanswered"),
        "pending": _("Not yet due"),
        "due": _("Due"),
        "on_time_rate": _("On-time rate"),
        "abc": _("A / B / C"),
        "satisfaction_rate": _("Satisfaction"),
    }
    return [(str(labels[n]), str(figures.DEFINITIONS[n])) for n in names]


AGENCY_DEFINITIONS = (
    "assigned",
    "answered",
    "on_time",
    "late",
    "overdue",
    "pending",
    "on_time_rate",
    "abc",
    "satisfaction_rate",
)


# ---------------------------------------------------------------------------
# An agency across years


def category_mix(counts: list[int]):
    """A small bar of a row's reply categories, for up to three categories (the
    table beside it gives the numbers)."""
    if not counts or len(counts) > len(ABC_CSS):
        return ""
    return mix_bar(counts, ABC_CSS[: len(counts)])


def words_of(bodies) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The reply categories and satisfaction levels these bodies use, (code, label),
    each code once, named as the first body names it: an agency's figures in the
    words of the bodies it serves, never another body's (nor the defaults')."""
    categories: dict[str, str] = {}
    ratings: dict[str, str] = {}
    for body in bodies:
        for code, label in vocabulary.choices(body, vocabulary.REPLY_CATEGORY):
            categories.setdefault(code, label)
        for code, label in vocabulary.choices(body, vocabulary.SATISFACTION):
            ratings.setdefault(code, label)
    return list(categories.items()), list(ratings.items())


def agency_years(*, agency) -> dict:
    years = figures.agency_years(agency=agency)
    if not years:
        return {"years": []}
    labels = [str(y.key) for y in years]
    categories, ratings = words_of(agency.bodies.all())
    category_codes = [c for c, _label in categories]
    rating_codes = [c for c, _label in ratings]
    total = figures.total(years)
    rates = [Series(_("Replied on time"), "bar bar-on-time")]
    if ratings:
        rates.append(Series(_("Satisfied or basically satisfied"), "bar bar-satisfied"))
    return {
        "years": years,
        "total": total,
        # Each year's counts in the columns' order, for the table.
        "rows": [
            (y, y.counts("categories", category_codes), y.counts("ratings", rating_codes))
            for y in years
        ],
        "total_categories": total.counts("categories", category_codes),
        "total_ratings": total.counts("ratings", rating_codes),
        "categories": categories,
        "ratings": ratings,
        "definitions": definitions(
            *(
                d
                for d in AGENCY_DEFINITIONS
                # The A/B/C definition only where the categories are A, B and C.
                if (d != "abc" or category_codes == list(ReplyCategory.values))
                and (d != "satisfaction_rate" or ratings)
            )
        ),
        "handled_chart": column_chart(
            columns=[
                (label, [y.on_time, y.late, y.overdue, y.pending])
                for label, y in zip(labels, years, strict=True)
            ],
            series=[
                Series(_("On time"), "bar bar-on-time"),
                Series(_("Late"), "bar bar-late"),
                Series(_("Overdue, unanswered"), "bar bar-overdue"),
                Series(_("Not yet due"), "bar bar-pending"),
            ],
            title=_("Proposals assigned to %(agency)s per year") % {"agency": agency.name},
            desc=_(
                "Stacked columns: the assignments of each year (by the year the proposals"
                " were made), answered on time, answered late, past their due date without"
                " a reply, and not yet due; each column’s height is the year’s assignments."
                " The table below gives the same figures."
            ),
            chart_id="agency-years",
        ),
        "abc_chart": column_chart(
            columns=[
                (label, y.counts("categories", category_codes))
                for label, y in zip(labels, years, strict=True)
            ],
            series=[
                Series(str(label), ABC_CSS[n % len(ABC_CSS)])
                for n, (_code, label) in enumerate(categories)
            ],
            title=_("Replies by category per year"),
            desc=_(
                "Stacked columns: answered assignments by the category of their first"
                " published reply each year; the table below gives the same figures."
            ),
            chart_id="agency-abc",
        )
        if categories
        else "",
        "rates_chart": column_chart(
            columns=[
                (label, [y.on_time_rate, y.satisfaction_rate][: len(rates)])
                for label, y in zip(labels, years, strict=True)
            ],
            series=rates,
            title=_("On-time replies and proposers’ satisfaction per year")
            if ratings
            else _("On-time replies per year"),
            desc=_(
                "Paired columns, in percent: the share of due assignments answered by"
                " their due date (an assignment overdue without a reply counts against),"
                " and the share of rated replies the proposer was satisfied or basically"
                " satisfied with; the table below gives the same figures."
            )
            if ratings
            else _(
                "Columns, in percent: the share of due assignments answered by their due"
                " date (an assignment overdue without a reply counts against); the table"
                " below gives the same figures."
            ),
            chart_id="agency-rates",
            stacked=False,
            percent=True,
        ),
    }


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
