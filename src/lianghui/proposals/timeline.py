"""A proposal's public timeline: what happened to it, one line per event, in words.

The records carry the dates of a proposal's life (submission, the office's
decision, each assignment, reply and rating); the audit log only says when a row
was written, which for imported or generated records is long after the fact. So
every step a record dates is dated by that record, and the log adds only the
steps no record dates (every agency has replied, reopening, closing, key
supervision, topics). Such a step is dated by its distance in the log from the
dated step written just before it, and never before any earlier step: a close
written a second after a rating dated 2022 happened in 2022, while one written a
month after a rating given the same day happened a month later.

The page, the feeds and anything else that shows a proposal's history call
`proposal_timeline`; the sentences are made in the active language when read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lianghui.core.models import AuditEntry
from lianghui.core.prepared import Prepared
from lianghui.people.models import Organization

from . import visibility, vocabulary
from .enums import AssignmentRole, ReviewDecision, Status
from .models import Proposal, Topic

# Within one day, steps follow the order of a proposal's life.
RANK = {
    "submitted": 0,
    "filed": 1,
    "not_filed": 1,
    "merged": 1,
    "converted": 1,
    "topics": 2,
    "key": 3,
    "assigned": 4,
    "transferred": 5,
    "replied": 6,
    "all_replied": 7,
    "rated": 8,
    "reopened": 9,
    "closed": 10,
}

# Steps that only the audit log records, by the log's action name.
LOGGED_ONLY = {
    f"status:{Status.REPLIED}": "all_replied",
    f"status:{Status.CLOSED}": "closed",
    "reopen": "reopened",
    "key": "key",
    "topics": "topics",
}


@dataclass
class Event:
    """One step. `text` is the sentence in the active language; `link` and
    `link_text` name a record the step points to (the proposal merged into)."""

    kind: str
    on: dt.date | None
    seq: int = 0
    agency: Organization | None = None
    other_agency: Organization | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    link: str = ""
    link_label: Any = None
    body: int = 0  # the proposal's body: its words name categories, ratings, roles

    @property
    def rank(self) -> int:
        return RANK[self.kind]

    @property
    def link_text(self) -> str:
        return self.link_label.title if self.link_label is not None else ""

    @property
    def text(self) -> str:
        return _sentence(self)


def _names(values) -> str:
    names = [str(v) for v in values]
    return _(", ").join(names)


def _sentence(e: Event) -> str:
    d = e.detail
    agency = e.agency.name if e.agency else ""
    if e.kind == "submitted":
        lead = d.get("lead")
        n = d.get("cosigners", 0)
        if lead is None:
            return _("Submitted")
        if n:
            return ngettext(
                "Submitted by %(lead)s with %(n)d co-signer",
                "Submitted by %(lead)s with %(n)d co-signers",
                n,
            ) % {"lead": lead.name, "n": n}
        return _("Submitted by %(lead)s") % {"lead": lead.name}
    if e.kind in ("filed", "not_filed"):
        named = vocabulary.outcome_name(e.body, e.kind)
        own = named != str(Status(e.kind).label)  # the body's own name for the outcome
    if e.kind == "filed":
        if own:
            return _("%(outcome)s by the office and made public") % {"outcome": named}
        return _("Filed by the office and made public")
    if e.kind == "not_filed":
        reason = d.get("reason")
        if reason:
            reason = vocabulary.label(e.body, vocabulary.NOT_FILED_REASON, reason)
            if own:
                return _("%(outcome)s by the office: %(reason)s") % {
                    "outcome": named,
                    "reason": reason,
                }
            return _("Not filed by the office: %(reason)s") % {"reason": reason}
        if own:
            return _("%(outcome)s by the office") % {"outcome": named}
        return _("Not filed by the office")
    if e.kind == "merged":
        if e.link_label is not None:
            return _("Merged by the office into another proposal on the same matter:")
        return _("Merged by the office into another proposal on the same matter")
    if e.kind == "converted":
        return _("Passed on by the office as a letter for reference")
    if e.kind == "assigned":
        role = d.get("role", "")
        named = vocabulary.label(e.body, vocabulary.HANDLING_ROLE, role)
        if role in AssignmentRole.values and named != str(AssignmentRole(role).label):
            # The body's own name for the role.
            return _("Assigned to %(agency)s (%(role)s)") % {"agency": agency, "role": named}
        return {
            AssignmentRole.LEAD: _("Assigned to %(agency)s as the lead unit"),
            AssignmentRole.JOINT: _("Assigned to %(agency)s as a joint handler"),
            AssignmentRole.ASSISTING: _("Assigned to %(agency)s as an assisting unit"),
        }.get(d.get("role"), _("Assigned to %(agency)s")) % {"agency": agency}
    if e.kind == "transferred":
        return _("Transferred from %(old)s to %(new)s") % {
            "old": e.other_agency.name if e.other_agency else _("another agency"),
            "new": agency,
        }
    if e.kind == "replied":
        if not d.get("category"):  # a body without reply categories
            return _("%(agency)s replied") % {"agency": agency}
        return _("%(agency)s replied: %(category)s") % {
            "agency": agency,
            "category": vocabulary.label(e.body, vocabulary.REPLY_CATEGORY, d["category"]),
        }
    if e.kind == "all_replied":
        if not vocabulary.has(e.body, vocabulary.SATISFACTION):
            return _("Every assigned agency has replied")
        return _("Every assigned agency has replied; the proposer rates the replies")
    if e.kind == "rated":
        return _("The proposer rated the reply from %(agency)s: %(rating)s") % {
            "agency": agency,
            "rating": vocabulary.label(e.body, vocabulary.SATISFACTION, d["rating"]),
        }
    if e.kind == "reopened":
        due = d.get("due")
        if due:
            return _("Reopened after an unsatisfied rating; new reply due by %(due)s") % {
                "due": date_format(due)
            }
        return _("Reopened after an unsatisfied rating")
    if e.kind == "closed":
        return _("Handling closed")
    if e.kind == "key":
        if not d.get("is_key"):
            return _("No longer under key supervision")
        supervisor = d.get("supervisor")
        if supervisor is not None:
            return _("Selected for key supervision by %(supervisor)s") % {
                "supervisor": supervisor.name
            }
        return _("Selected for key supervision")
    if e.kind == "topics":
        topics = d.get("topics") or []
        if not topics:
            return _("Topics removed")
        return _("Classified under %(topics)s") % {"topics": _names(t.name for t in topics)}
    return ""


# ---------------------------------------------------------------------------


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _agency_key(entry: AuditEntry) -> str:
    return entry.target.removeprefix("agency ").strip() if entry.target else ""


def _group(entries: list[AuditEntry]) -> list[tuple[AuditEntry, dict[str, AuditEntry]]]:
    """One action that changed several fields wrote one row per field: one step."""
    groups: list[tuple[AuditEntry, dict[str, AuditEntry]]] = []
    for e in entries:
        if groups:
            head, fields = groups[-1]
            if (head.at, head.action, head.target) == (e.at, e.action, e.target):
                fields[e.field] = e
                continue
        groups.append((e, {e.field: e}))
    return groups


def _record_events(proposal: Proposal, *, public: bool) -> list[Event]:
    events: list[Event] = []
    signers = list(proposal.signers.all())
    if proposal.status not in {Status.DRAFT} and (proposal.submitted_on or signers):
        lead = next((s.signatory for s in signers if s.role == "lead"), None)
        cosigners = sum(1 for s in signers if s.role != "lead")
        events.append(
            Event(
                "submitted",
                proposal.submitted_on,
                detail={"lead": lead, "cosigners": cosigners},
            )
        )
    review = getattr(proposal, "review", None) if _has_review(proposal) else None
    if review is not None:
        kind = {
            ReviewDecision.FILED: "filed",
            ReviewDecision.NOT_FILED: "not_filed",
            ReviewDecision.MERGED: "merged",
            ReviewDecision.CONVERTED: "converted",
        }[review.decision]
        event = Event(kind, review.decided_on, detail={"reason": review.reason})
        if kind == "merged" and proposal.merged_into is not None:
            event.link = proposal.merged_into.get_absolute_url()
            event.link_label = proposal.merged_into
        events.append(event)
    for a in proposal.assignments.all():
        if a.transferred_from_id:
            old = a.transferred_from.agency if a.transferred_from else None
            events.append(Event("transferred", a.assigned_on, agency=a.agency, other_agency=old))
        else:
            events.append(
                Event("assigned", a.assigned_on, agency=a.agency, detail={"role": a.role})
            )
        for r in a.replies.all():
            if public and not visibility.reply_is_public(r):
                continue
            events.append(
                Event("replied", r.replied_on, agency=a.agency, detail={"category": r.category})
            )
            fb = getattr(r, "feedback", None) if _has_feedback(r) else None
            if fb is not None:
                events.append(
                    Event("rated", fb.given_on, agency=a.agency, detail={"rating": fb.rating})
                )
    return events


def _has_review(proposal: Proposal) -> bool:
    try:
        proposal.review  # noqa: B018 - a missing one-to-one raises
    except Proposal.review.RelatedObjectDoesNotExist:
        return False
    return True


def _has_feedback(reply) -> bool:
    try:
        reply.feedback  # noqa: B018
    except type(reply).feedback.RelatedObjectDoesNotExist:
        return False
    return True


def _anchors(
    groups: list[tuple[AuditEntry, dict[str, AuditEntry]]], events: list[Event]
) -> dict[int, dt.date]:
    """For each logged step that a record dates, that record's date, by the
    position of its group in the log."""
    by_kind: dict[tuple[str, str], list[dt.date | None]] = defaultdict(list)
    for e in events:
        by_kind[(e.kind, e.agency.key if e.agency else "")].append(e.on)
    used: dict[tuple[str, str], int] = defaultdict(int)
    review_kinds = {f"status:{k}": k for k in ("filed", "not_filed", "merged", "converted")}
    out: dict[int, dt.date] = {}
    for i, (head, fields) in enumerate(groups):
        day = None
        if head.action == f"status:{Status.SUBMITTED}" and "submitted_on" in fields:
            day = _date(fields["submitted_on"].after)
        elif head.action in review_kinds:
            dates = by_kind.get((review_kinds[head.action], ""), [])
            day = dates[0] if dates else None
        elif head.action in {"assign", "transfer", "reply", "feedback"}:
            kind = {
                "assign": "assigned",
                "transfer": "transferred",
                "reply": "replied",
                "feedback": "rated",
            }[head.action]
            slot = (kind, _agency_key(head))
            dates = by_kind.get(slot, [])
            n = used[slot]
            used[slot] += 1
            day = dates[n] if n < len(dates) else None
            if head.action == "reply" and "replied_on" in fields:
                day = _date(fields["replied_on"].after) or day
        if day is not None:
            out[i] = day
    return out


def _logged_events(
    proposal: Proposal, entries: list[AuditEntry], events: list[Event], *, public: bool
) -> list[Event]:
    groups = _group(entries)
    anchors = _anchors(groups, events)
    today = timezone.localdate()
    org_keys, topic_keys = set(), set()
    for head, fields in groups:
        if head.action == "key" and "key_supervisor" in fields:
            org_keys.add(fields["key_supervisor"].after)
        if head.action == "topics" and "topics" in fields:
            topic_keys.update(fields["topics"].after or [])
    orgs = _organizations(proposal, org_keys - {None, ""})
    topics = _topics(proposal, topic_keys)

    out: list[Event] = []
    anchor: tuple[dt.datetime, dt.date] | None = None
    floor: dt.date | None = None
    for i, (head, fields) in enumerate(groups):
        if i in anchors:
            anchor = (head.at, anchors[i])
            floor = max(floor, anchors[i]) if floor else anchors[i]
            continue
        kind = LOGGED_ONLY.get(head.action)
        if kind is None or (public and not head.public):
            continue
        if anchor is None:
            day = timezone.localdate(head.at)
        else:
            at, anchored = anchor
            day = anchored + (head.at - at).days * dt.timedelta(days=1)
        if floor and day < floor:
            day = floor
        day = min(day, today)
        floor = max(floor, day) if floor else day
        detail: dict[str, Any] = {}
        if kind == "reopened" and "due_on" in fields:
            detail["due"] = _date(fields["due_on"].after)
        elif kind == "key":
            is_key = fields.get("is_key")
            supervisor = fields.get("key_supervisor")
            detail["is_key"] = bool(is_key.after) if is_key else proposal.is_key
            detail["supervisor"] = orgs.get(supervisor.after) if supervisor else None
        elif kind == "topics":
            keys = (fields["topics"].after or []) if "topics" in fields else []
            detail["topics"] = [topics[k] for k in keys if k in topics]
        out.append(Event(kind, day, seq=i, detail=detail))
    return out


def _organizations(proposal: Proposal, keys: set[str]) -> dict[str, Organization]:
    if not keys:
        return {}
    found = {}
    supervisor = proposal.key_supervisor if proposal.key_supervisor_id else None
    if supervisor is not None and supervisor.key in keys:
        found[supervisor.key] = supervisor
    missing = keys - set(found)
    if missing:
        found.update({o.key: o for o in Organization.objects.filter(key__in=missing)})
    return found


def _topics(proposal: Proposal, keys: set[str]) -> dict[str, Topic]:
    if not keys:
        return {}
    found = {t.key: t for t in proposal.topics.all() if t.key in keys}
    missing = keys - set(found)
    if missing:
        found.update({t.key: t for t in Topic.objects.filter(key__in=missing)})
    return found


# Compiled once: every proposal page reads its log so (the public's read brings it
# with the proposal: selectors.proposal_detail).
HISTORY = Prepared(
    lambda ct, pk: AuditEntry.objects.filter(content_type_id=ct, object_id=pk).order_by("at", "id"),
    int,
    int,
)


def _history(proposal: Proposal) -> list[AuditEntry]:
    return HISTORY(ContentType.objects.get_for_model(Proposal).pk, proposal.pk)


def proposal_timeline(
    *, proposal: Proposal, public: bool = True, entries: list[AuditEntry] | None = None
) -> list[Event]:
    """The proposal's steps, oldest first, each dated by when it happened.

    Reads the proposal's signers, review, assignments with their replies and
    feedback (prefetched by `selectors.proposal_detail`, or fetched here) and one
    query of the audit log. `public` leaves out unpublished replies and steps the
    log keeps for staff alone.
    """
    events = _record_events(proposal, public=public)
    for n, e in enumerate(events):
        e.seq = n
    logged = _logged_events(
        proposal, _history(proposal) if entries is None else entries, events, public=public
    )
    everything = events + logged
    body = vocabulary.body_of(proposal)
    for e in everything:
        e.body = body
    return _in_order(everything)


def _in_order(events: list[Event]) -> list[Event]:
    """By date, then by the order of a proposal's life; an undated step sits after
    the latest dated step that comes before it in that order."""
    by_rank = sorted(events, key=lambda e: (e.rank, e.on or dt.date.min, e.seq))
    placed: list[tuple[dt.date, int, int, Event]] = []
    latest = dt.date.min
    for e in by_rank:
        if e.on is not None:
            latest = max(latest, e.on)
        placed.append((e.on or latest, e.rank, e.seq, e))
    placed.sort(key=lambda t: (t[0], t[1], t[2]))
    return [t[3] for t in placed]


def describe(event: Event) -> str:
    """The step as one plain line with its date (feeds, plain-text channels)."""
    text = event.text
    if event.link_text:
        text = f"{text} {event.link_text}"
    if event.on is None:
        return text
    return f"{formats.date_format(event.on)}: {text}"
