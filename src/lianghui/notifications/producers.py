"""From an event (the audit entries one service call wrote) to the notifications
it makes: who is told, of what, in which words. The one place that knows which
changes notify whom; `tasks.produce` runs it for each event the change stream
delivers, so every channel that goes through the services notifies.

Who is told:

- the proposers (the lead and the co-signers with an account): filed, not filed
  (with the reason), merged, converted, assigned (each agency, with its due date
  and the rule that set it), transferred, replied (each reply), reopened, closed;
- the officers of an agency: assigned to it (also by a transfer), moved away
  from it, transfer refused, reopened for it;
- the office of the proposal's body: an unsatisfied rating, a transfer request.

The person who made the change is not told of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import translation

from lianghui.core.models import AuditEntry
from lianghui.core.roles import Role
from lianghui.proposals import vocabulary
from lianghui.proposals.enums import Rating, SignerRole, Status
from lianghui.proposals.models import Assignment, Proposal, Reply, Signer
from lianghui.proposals.workflow import awaiting_reply

from . import texts
from .enums import Kind
from .models import Notification

STATUS_KINDS = {
    f"status:{Status.FILED}": Kind.FILED,
    f"status:{Status.NOT_FILED}": Kind.NOT_FILED,
    f"status:{Status.MERGED}": Kind.MERGED,
    f"status:{Status.CONVERTED}": Kind.CONVERTED,
    f"status:{Status.CLOSED}": Kind.CLOSED,
}
# The other actions that notify someone (`drafts_for` says whom).
EVENT_ACTIONS = frozenset(
    {"assign", "transfer", "transfer-refused", "transfer-request", "reply", "feedback", "reopen"}
)
LANGUAGES = ("en", "zh-hans")


@dataclass
class Draft:
    """A notification to be made: to whom, of what, with the facts to word it."""

    users: list[int]
    kind: str
    context: dict
    params: dict = field(default_factory=dict)


def event_key(entry_id: int) -> str:
    return f"audit:{entry_id}"


# --- recipients ----------------------------------------------------------------------------


def _users():
    return get_user_model().objects.filter(is_active=True)


def proposers(proposal: Proposal) -> dict[int, bool]:
    """user id -> whether they lead, for the proposers with an active account."""
    rows = Signer.objects.filter(
        proposal=proposal, member__account__user__is_active=True
    ).values_list("member__account__user_id", "role")
    return {user_id: role == SignerRole.LEAD for user_id, role in rows}


def officers(agency_id: int) -> list[int]:
    return list(
        _users()
        .filter(profile__role=Role.AGENCY, profile__agency_id=agency_id)
        .values_list("pk", flat=True)
    )


def office(proposal: Proposal) -> list[int]:
    return list(
        _users()
        .filter(profile__role=Role.OFFICE, profile__body_id=proposal.session.body_id)
        .values_list("pk", flat=True)
    )


# --- events ---------------------------------------------------------------------------------


def _agency_key(entry: AuditEntry) -> str:
    return entry.target.removeprefix("agency ")


def _assignment(proposal: Proposal, agency_key: str) -> Assignment | None:
    """The agency's latest assignment on the proposal (the one the event is about)."""
    return (
        Assignment.objects.filter(proposal=proposal, agency__key=agency_key)
        .select_related("agency", "proposal__kind")
        .order_by("-active", "-id")
        .first()
    )


def _to_proposers(proposal, kind, context, params, *, per_role=False) -> list[Draft]:
    people = proposers(proposal)
    if not per_role:
        return [Draft(list(people), kind, context, params)] if people else []
    # The words differ for the lead (who rates) and the co-signers.
    drafts = []
    for lead in (True, False):
        users = [u for u, is_lead in people.items() if is_lead == lead]
        if users:
            drafts.append(Draft(users, kind, {**context, "lead": lead}, params))
    return drafts


def _with(params: dict, assignment: Assignment) -> dict:
    """An agency's notification also names its assignment (its answer form)."""
    return {**params, "assignment": assignment.pk}


def drafts_for(entries: list[AuditEntry], proposal: Proposal) -> list[Draft]:
    """What one event (the entries of one service call) tells whom."""
    first = entries[0]
    action = first.action
    changes = {e.field: e for e in entries if e.field}
    base = {"proposal": proposal}
    if action in STATUS_KINDS:
        kind = STATUS_KINDS[action]
        context, params = dict(base), {}
        if kind == Kind.NOT_FILED:
            review = getattr(proposal, "review", None)
            context["reason"] = params["reason"] = review.reason if review else ""
        if kind == Kind.MERGED:
            if proposal.merged_into_id is None:
                return []
            context["target"] = proposal.merged_into
            params["merged_into"] = proposal.merged_into.key
        return _to_proposers(proposal, kind, context, params)
    if action == "assign":
        a = _assignment(proposal, _agency_key(first))
        if a is None:
            return []
        context = {**base, "assignment": a}
        params = {"agency": a.agency.key, "role": a.role, "due_on": a.due_on.isoformat()}
        return [
            *_to_proposers(proposal, Kind.ASSIGNED, context, params),
            Draft(
                officers(a.agency_id), Kind.AGENCY_ASSIGNED, context, {**params, "assignment": a.pk}
            ),
        ]
    if action == "transfer":
        a = _assignment(proposal, _agency_key(first))
        if a is None or a.transferred_from_id is None:
            return []
        old = a.transferred_from.agency
        context = {**base, "assignment": a, "old": old}
        params = {"from": old.key, "agency": a.agency.key, "due_on": a.due_on.isoformat()}
        return [
            *_to_proposers(proposal, Kind.TRANSFERRED, context, params),
            Draft(
                officers(a.agency_id), Kind.AGENCY_ASSIGNED, context, {**params, "assignment": a.pk}
            ),
            Draft(officers(old.pk), Kind.AGENCY_TRANSFERRED_AWAY, context, params),
        ]
    if action == "transfer-refused":
        a = _assignment(proposal, _agency_key(first))
        if a is None:
            return []
        params = {"agency": a.agency.key, "assignment": a.pk}
        context = {**base, "assignment": a}
        return [Draft(officers(a.agency_id), Kind.AGENCY_TRANSFER_REFUSED, context, params)]
    if action == "transfer-request":
        a = _assignment(proposal, _agency_key(first))
        reason = changes["transfer_reason"].after if "transfer_reason" in changes else ""
        if a is None:
            return []
        context = {**base, "assignment": a, "reason": reason}
        params = {"agency": a.agency.key, "reason": reason}
        return [Draft(office(proposal), Kind.OFFICE_TRANSFER_REQUESTED, context, params)]
    if action == "reply":
        return _replied(proposal, first, base)
    if action == "feedback":
        rating = changes["rating"].after if "rating" in changes else ""
        if rating != Rating.UNSATISFIED:
            return []
        a = _assignment(proposal, _agency_key(first))
        if a is None:
            return []
        context = {**base, "assignment": a}
        params = {"agency": a.agency.key, "rating": rating}
        return [Draft(office(proposal), Kind.OFFICE_UNSATISFIED, context, params)]
    if action == "reopen":
        reopened = list(
            Assignment.objects.filter(awaiting_reply(), proposal=proposal)
            .exclude(replies=None)
            .select_related("agency", "proposal__kind")
        )
        if not reopened:
            return []
        context = {**base, "assignments": reopened}
        params = {
            "agencies": [a.agency.key for a in reopened],
            "due_on": reopened[0].due_on.isoformat(),
        }
        drafts = _to_proposers(proposal, Kind.REOPENED, context, params)
        for a in reopened:
            drafts.append(
                Draft(
                    officers(a.agency_id),
                    Kind.AGENCY_REOPENED,
                    {**base, "assignment": a},
                    {"agency": a.agency.key, "assignment": a.pk, "due_on": a.due_on.isoformat()},
                )
            )
        return drafts
    return []


def _replied(proposal: Proposal, entry: AuditEntry, base: dict) -> list[Draft]:
    a = _assignment(proposal, _agency_key(entry))
    if a is None:
        return []
    reply = Reply.objects.filter(assignment=a).order_by("-id").first()
    active = Assignment.objects.filter(proposal=proposal, active=True)
    total = active.count()
    # Counted as at this reply: the agencies whose reply is recorded no later than it.
    replied = active.filter(replies__id__lte=reply.pk if reply else 0).distinct().count()
    body = proposal.kind.body_id
    category = vocabulary.label(body, vocabulary.REPLY_CATEGORY, reply.category) if reply else ""
    context = {
        **base,
        "assignment": a,
        "category": category,
        "replied": replied,
        "total": total,
        "rated": vocabulary.has(body, vocabulary.SATISFACTION),
    }
    params = {
        "agency": a.agency.key,
        "reply": reply.pk if reply else None,
        "replied": replied,
        "agencies": total,
    }
    return _to_proposers(proposal, Kind.REPLIED, context, params, per_role=True)


# --- making them ---------------------------------------------------------------------------


def _event_entries(entry_ids: list[int]) -> dict[int, list[AuditEntry]]:
    """entry id -> the entries of its service call (same record, action and moment)."""
    ct = ContentType.objects.get_for_model(Proposal)
    firsts = list(
        AuditEntry.objects.filter(
            pk__in=entry_ids, content_type=ct, action__in=[*STATUS_KINDS, *EVENT_ACTIONS]
        )
    )
    out = {}
    for first in firsts:
        group = list(
            AuditEntry.objects.filter(
                content_type=ct, object_id=first.object_id, action=first.action, at=first.at
            ).order_by("id")
        )
        # Keyed by the call's first entry whichever of its entries was given, so
        # an event is one event however it is reported.
        out[group[0].pk] = group
    return out


def produce(entry_ids: list[int]) -> list[int]:
    """Make the notifications of these events (ids of their first audit entries);
    an event already produced makes nothing new. Returns the new notifications' ids."""
    made: list[int] = []
    for entry_id, entries in _event_entries(entry_ids).items():
        first = entries[0]
        proposal = (
            Proposal.objects.select_related("session__body", "kind", "merged_into")
            .filter(pk=first.object_id)
            .first()
        )
        if proposal is None:
            continue
        key = event_key(entry_id)
        for draft in drafts_for(entries, proposal):
            users = [u for u in draft.users if u != first.actor_id]
            if not users:
                continue
            words = {}
            for language in LANGUAGES:
                with translation.override(language):
                    words[language] = texts.render(draft.kind, draft.context)
            made += _create(users, draft, proposal, key, words, at=first.at)
    return made


def _create(users, draft: Draft, proposal, key: str, words: dict, *, at) -> list[int]:
    done = set(
        Notification.objects.filter(user_id__in=users, event=key).values_list("user_id", flat=True)
    )
    made = []
    for user_id in users:
        if user_id in done:
            continue
        try:
            # A savepoint each: a worker beside this one may make the same row first.
            with transaction.atomic():
                n = Notification.objects.create(
                    user_id=user_id,
                    kind=draft.kind,
                    proposal=proposal,
                    event=key,
                    params=draft.params,
                    text_en=words["en"],
                    text_zh=words["zh-hans"],
                    created_at=at,
                )
        except IntegrityError:
            continue
        made.append(n.pk)
    return made
