"""The public figures: every number the portal, the office's statistics and the
API publish about how proposals were handled, each defined once here.

Two units are counted, never mixed:

- **proposals**, for a session's funnel (`session_funnel`): each proposal that
  left its draft is counted once, by where it stands. The funnel counts records
  whose texts are not public (not filed, converted, awaiting review) as plain
  numbers: the texts stay hidden, the counts do not.
- **assignments**, for an agency's handling (`handling`): an active assignment
  (one agency, one proposal; an assignment transferred away is counted for the
  agency it went to) of a published proposal. An assignment is *answered* when
  it has a published reply; its *first* published reply (by date, then by
  entry) decides whether it was on time, its category (A/B/C) and the
  proposer's rating. Later replies (after a re-handling) show on the proposal's
  page but do not change the figures, so an agency can never have more replies
  than assignments.

For the public, handling figures count published proposals and published
replies only; `PUBLIC` below is the one place that says so. The office's
statistics pass ``public=False`` and count every record.

See docs/figures.md for the definitions in prose; `DEFINITIONS` holds the short
explanation the pages print beside each chart and table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, fields

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import vocabulary
from .enums import AssignmentRole, Rating, ReplyCategory, Status
from .models import Assignment, Feedback, Proposal, Reply

# ---------------------------------------------------------------------------
# What the public may count: published proposals, published replies. Written
# once; every query below goes through `_assignments` and `_first_replies`.


@dataclass(frozen=True)
class Audience:
    """Which records a figure may count."""

    public: bool

    def assignments(self) -> Q:
        return Q(active=True) & (Q(proposal__published=True) if self.public else Q())

    def replies(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}published": True}) if self.public else Q()


PUBLIC = Audience(public=True)
OFFICE = Audience(public=False)


def _audience(public: bool) -> Audience:
    return PUBLIC if public else OFFICE


# ---------------------------------------------------------------------------
# Definitions shown beside the figures (docs/figures.md says the same at length)

DEFINITIONS = {
    "submitted": _(
        "Proposals handed in for the session (drafts and withdrawn proposals are left out),"
        " whether or not their texts are public."
    ),
    "waiting": _("Submitted proposals the office has not decided on yet."),
    "not_filed": _(
        "Proposals the office did not accept, with its coded reason. Their texts are not"
        " public; their number is."
    ),
    "converted": _("Proposals passed on as letters for reference instead of being filed."),
    "merged": _("Proposals merged into another on the same matter; they follow its handling."),
    "filed": _("Proposals accepted for handling, whatever stage they have reached since."),
    "assigned_proposals": _("Filed proposals sent to at least one agency."),
    "replied_proposals": _("Proposals every assigned agency has answered."),
    "rated": _("Proposals whose proposer rated at least one reply."),
    "assigned": _(
        "Published proposals assigned to the agency and not transferred away (one"
        " assignment per proposal and agency)."
    ),
    "answered": _(
        "Assignments with at least one published reply; each assignment counts once,"
        " however many replies it has."
    ),
    "on_time": _("Answered assignments whose first published reply came by the due date."),
    "late": _("Answered assignments whose first published reply came after the due date."),
    "overdue": _("Assignments past their due date with no published reply."),
    "pending": _("Assignments not answered yet and not yet due."),
    "due": _(
        "Assignments whose outcome is known: answered, or past the due date."
        " Due = on time + late + overdue."
    ),
    "on_time_rate": _(
        "On time ÷ due: an assignment left unanswered past its due date counts against the agency."
    ),
    "abc": _(
        "The category of each answered assignment’s first published reply; A + B + C = answered."
    ),
    "satisfaction_rate": _(
        "Satisfied or basically satisfied ÷ rated, over the proposers’ ratings of first"
        " published replies."
    ),
}


# ---------------------------------------------------------------------------
# An agency's handling


@dataclass
class Handling:
    """Handling figures for a set of assignments (an agency, a year, a session).

    Identities, checked by the tests: ``assigned = on_time + late + overdue +
    pending``; ``due = on_time + late + overdue``; ``answered = on_time + late =
    a + b + c``; ``rated = satisfied + basically_satisfied + unsatisfied ≤
    answered``; ``lead + joint + assisting = assigned``.
    """

    key: object = None  # the agency's id, a year, or None for a total
    assigned: int = 0
    lead: int = 0
    joint: int = 0
    assisting: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    # First replies by category code and by rating code: each body has its own
    # words (proposals.vocabulary); the pages lay out the codes the body uses.
    categories: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)

    # The Chinese defaults' names, read by the pages of bodies that use them.
    @property
    def a(self) -> int:
        return self.categories.get(ReplyCategory.A, 0)

    @property
    def b(self) -> int:
        return self.categories.get(ReplyCategory.B, 0)

    @property
    def c(self) -> int:
        return self.categories.get(ReplyCategory.C, 0)

    @property
    def satisfied(self) -> int:
        return self.ratings.get(Rating.SATISFIED, 0)

    @property
    def basically_satisfied(self) -> int:
        return self.ratings.get(Rating.BASICALLY_SATISFIED, 0)

    @property
    def unsatisfied(self) -> int:
        return self.ratings.get(Rating.UNSATISFIED, 0)

    @property
    def answered(self) -> int:
        return self.on_time + self.late

    replied = answered  # the name the tables' "Replied" column reads

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def on_time_rate(self) -> float | None:
        """On time ÷ due; None when nothing is due yet."""
        return self.on_time / self.due if self.due else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Rated anything but unsatisfied ÷ rated; None when nothing is rated. (The
        default scale: satisfied + basically satisfied; a yes/no scale: yes.)"""
        rated = self.rated
        return (rated - self.unsatisfied) / rated if rated else None

    def counts(self, name: str, codes) -> list[int]:
        """The counts of these codes of ``categories`` or ``ratings``, in order."""
        found = getattr(self, name)
        return [found.get(code, 0) for code in codes]

    def __add__(self, other: Handling) -> Handling:
        return Handling(
            None,
            *(getattr(self, f) + getattr(other, f) for f in COUNTS),
            categories=dict(Counter(self.categories) + Counter(other.categories)),
            ratings=dict(Counter(self.ratings) + Counter(other.ratings)),
        )


COUNTS = [f.name for f in fields(Handling) if f.name not in ("key", "categories", "ratings")]


def total(rows) -> Handling:
    """The sum of several rows: a table's totals line."""
    result = Handling()
    for row in rows:
        result = result + row
    return result


GROUPS = {"agency": "agency_id", "year": "proposal__session__year", "all": None}


def _first_replies(audience: Audience):
    """Each assignment's first reply the audience may count: no earlier one exists."""
    earlier = Reply.objects.filter(audience.replies(), assignment=OuterRef("assignment")).filter(
        Q(replied_on__lt=OuterRef("replied_on"))
        | Q(replied_on=OuterRef("replied_on"), id__lt=OuterRef("id"))
    )
    return Reply.objects.filter(audience.replies()).exclude(Exists(earlier))


def handling(
    *,
    by: str = "agency",
    session=None,
    body=None,
    agency=None,
    year: int | None = None,
    public: bool = True,
    today: dt.date | None = None,
) -> dict[object, Handling]:
    """Handling figures per agency (``by="agency"``, keyed by its id), per session
    year (``by="year"``) or in one row (``by="all"``, keyed by None); narrowed to a
    session, a body, an agency or a year. Two queries."""
    audience = _audience(public)
    today = today or timezone.localdate()
    scope = audience.assignments()
    if session is not None:
        scope &= Q(proposal__session=session)
    if body is not None:
        scope &= Q(proposal__session__body=body)
    if agency is not None:
        scope &= Q(agency=agency)
    if year is not None:
        scope &= Q(proposal__session__year=year)
    group = GROUPS[by]

    # Each answered assignment has exactly one first reply, so the unanswered
    # ones are the assignments less the first replies, on either side of today:
    # no per-row subquery over the assignments.
    assignments = Assignment.objects.filter(scope).order_by()
    if group:
        assignments = assignments.values(group)
    counts = {
        "assigned": Count("id"),
        "lead": Count("id", filter=Q(role=AssignmentRole.LEAD)),
        "joint": Count("id", filter=Q(role=AssignmentRole.JOINT)),
        "assisting": Count("id", filter=Q(role=AssignmentRole.ASSISTING)),
        "past_due": Count("id", filter=Q(due_on__lt=today)),
    }
    rows = (
        {r[group]: r for r in assignments.annotate(**counts)}
        if group
        else {None: assignments.aggregate(**counts)}
    )

    first = (
        _first_replies(audience)
        .filter(assignment__in=Assignment.objects.filter(scope).values("pk"))
        .order_by()
    )
    due = F("assignment__due_on")
    reply_counts = {
        "on_time": Count("id", filter=Q(replied_on__lte=due)),
        "late": Count("id", filter=Q(replied_on__gt=due)),
        "answered_past_due": Count("id", filter=Q(assignment__due_on__lt=today)),
    }
    # One count per code any body uses (the codes are few): still one query.
    by_code = {}
    for prefix, name, lookup in (
        ("cat", "reply_category", "category"),
        ("rat", "satisfaction", "feedback__rating"),
    ):
        for n, code in enumerate(vocabulary.all_codes(name)):
            by_code[f"{prefix}_{n}"] = (prefix, code)
            reply_counts[f"{prefix}_{n}"] = Count("id", filter=Q(**{lookup: code}))
    if group:
        replies = {
            r["assignment__" + group]: r
            for r in first.values("assignment__" + group).annotate(**reply_counts)
        }
    else:
        replies = {None: first.aggregate(**reply_counts)}

    result = {}
    for key in sorted(rows.keys() | replies.keys(), key=lambda k: (k is None, k)):
        values = {k: v or 0 for k, v in ((rows.get(key) or {}) | (replies.get(key) or {})).items()}
        if not values.get("assigned"):
            continue  # an empty scope: no assignments, nothing to say
        answered = values.get("on_time", 0) + values.get("late", 0)
        answered_past_due = values.get("answered_past_due", 0)
        values["overdue"] = values["past_due"] - answered_past_due
        values["pending"] = values["assigned"] - values["past_due"] - (answered - answered_past_due)
        split = {"cat": {}, "rat": {}}
        for alias, (prefix, code) in by_code.items():
            if values.get(alias):
                split[prefix][code] = values[alias]
        result[key] = Handling(
            key,
            **{f: values.get(f) or 0 for f in COUNTS},
            categories=split["cat"],
            ratings=split["rat"],
        )
    return result


def agency_years(*, agency, public: bool = True, today: dt.date | None = None) -> list[Handling]:
    """One agency's figures for every year from its first to its last (a year
    without assignments gives a row of zeros, so a trend reads true). Two queries."""
    years = handling(by="year", agency=agency, public=public, today=today)
    if not years:
        return []
    return [years.get(y) or Handling(y) for y in range(min(years), max(years) + 1)]


# ---------------------------------------------------------------------------
# A session's funnel


@dataclass
class Reason:
    code: str
    label: str
    count: int


@dataclass
class Funnel:
    """A session's proposals by where they stand. Identities, checked by the tests:
    ``submitted = waiting + not_filed + converted + merged + filed``;
    ``not_filed = sum of reasons``; ``filed ≥ assigned ≥ replied``."""

    submitted: int = 0
    waiting: int = 0
    not_filed: int = 0
    converted: int = 0
    merged: int = 0
    filed: int = 0
    assigned: int = 0
    replied: int = 0
    closed: int = 0
    rated: int = 0
    key: int = 0
    reasons: list[Reason] | None = None


FILED = [Status.FILED, Status.ASSIGNED, Status.REPLIED, Status.CLOSED]
HANDLED = [Status.ASSIGNED, Status.REPLIED, Status.CLOSED]


def session_funnel(*, session) -> Funnel:
    """Where the session's submitted proposals stand, in one query. Every proposal
    out of draft and not withdrawn is counted, published or not: the funnel is a
    count, and a hidden record's count is public (its text is not)."""
    proposals = Proposal.objects.filter(session=session).exclude(
        status__in=[Status.DRAFT, Status.WITHDRAWN]
    )
    rated = Feedback.objects.filter(reply__assignment__proposal=OuterRef("pk"))
    # The body's own reasons, in its order and words.
    terms = vocabulary.terms(session.body_id, vocabulary.NOT_FILED_REASON)
    reasons = {
        f"reason_{n}": Count("id", filter=Q(status=Status.NOT_FILED, review__reason=t.code))
        for n, t in enumerate(terms)
    }
    row = proposals.aggregate(
        submitted=Count("id"),
        waiting=Count("id", filter=Q(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])),
        not_filed=Count("id", filter=Q(status=Status.NOT_FILED)),
        converted=Count("id", filter=Q(status=Status.CONVERTED)),
        merged=Count("id", filter=Q(status=Status.MERGED)),
        filed=Count("id", filter=Q(status__in=FILED)),
        assigned=Count("id", filter=Q(status__in=HANDLED)),
        replied=Count("id", filter=Q(status__in=[Status.REPLIED, Status.CLOSED])),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
        rated=Count("id", filter=Q(Exists(rated))),
        key=Count("id", filter=Q(is_key=True)),
        **reasons,
    )
    listed = [Reason(t.code, t.label, row.pop(f"reason_{n}") or 0) for n, t in enumerate(terms)]
    funnel = Funnel(**{k: v or 0 for k, v in row.items()})
    # A not-filed proposal without its review row (an old import) still shows.
    unknown = funnel.not_filed - sum(r.count for r in listed)
    if unknown:
        listed.append(Reason("", str(_("Reason not recorded")), unknown))
    funnel.reasons = [r for r in listed if r.count]
    return funnel


# ---------------------------------------------------------------------------
# A member's replies


def member_ratings(*, member, public: bool = True) -> dict[str, int]:
    """How the member rated the answers to the proposals they led: per answered
    assignment, the rating of its first published reply. One query."""
    from .enums import SignerRole

    audience = _audience(public)
    led = Assignment.objects.filter(
        audience.assignments(),
        proposal__signers__member=member,
        proposal__signers__role=SignerRole.LEAD,
    )
    first = _first_replies(audience).filter(assignment__in=led.values("pk")).order_by()
    # The default scale's three levels; another scale's codes count under their own.
    codes = list(dict.fromkeys([*Rating.values, *vocabulary.all_codes(vocabulary.SATISFACTION)]))
    row = first.aggregate(
        answered=Count("id"),
        **{f"r_{n}": Count("id", filter=Q(feedback__rating=code)) for n, code in enumerate(codes)},
    )
    return {"answered": row["answered"]} | {code: row[f"r_{n}"] for n, code in enumerate(codes)}
