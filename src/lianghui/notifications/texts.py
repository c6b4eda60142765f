"""The words of each notification: what happened, what happens next, what the
reader can do. Called once per language when a notification is made
(`producers`), with the facts as records so that names come in that language."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lianghui.proposals import vocabulary

from .enums import Kind


def _due(assignment) -> str:
    """The due date with the rule that set it ("30 June 2026 (3 months from …)")."""
    day = date_format(assignment.due_on, "DATE_FORMAT")
    rule = assignment.due_rule
    if rule:
        return _("%(day)s (%(rule)s)") % {"day": day, "rule": rule}
    return _("%(day)s (a date the office chose)") % {"day": day}


def _role(assignment) -> str:
    return assignment.get_role_display()


def _filed(c) -> str:
    return _(
        "The office of %(body)s filed your proposal “%(title)s”. Next: it assigns the "
        "proposal to one or more agencies, each of which must reply by a due date. "
        "Nothing is needed from you now; you will be told when it is assigned."
    ) % {"body": str(c["proposal"].session.body), "title": c["proposal"].title}


def _not_filed(c) -> str:
    reason = vocabulary.label(c["proposal"].kind.body_id, vocabulary.NOT_FILED_REASON, c["reason"])
    return _(
        "Your proposal “%(title)s” was not filed. Reason: %(reason)s. It stays "
        "unpublished and will not be handled. You can revise it and submit it again as a "
        "new proposal, or ask the office about the decision."
    ) % {"title": c["proposal"].title, "reason": reason}


def _merged(c) -> str:
    target = c["target"]
    return _(
        "Your proposal “%(title)s” was merged into “%(target)s” (%(key)s), which is on "
        "the same matter. From now on it is handled as part of that proposal: follow it "
        "to see its assignments and replies."
    ) % {"title": c["proposal"].title, "target": target.title, "key": target.number or target.key}


def _converted(c) -> str:
    return _(
        "Your proposal “%(title)s” will be handled as a letter, not as a proposal: the "
        "office forwards it and no formal reply with a due date follows. You can ask the "
        "office about the decision."
    ) % {"title": c["proposal"].title}


def _assigned(c) -> str:
    a = c["assignment"]
    return _(
        "Your proposal “%(title)s” was assigned to %(agency)s (%(role)s). Its reply is "
        "due by %(due)s. Next: the agency studies it and replies; you will be told of "
        "each reply as it is published."
    ) % {"title": c["proposal"].title, "agency": a.agency.name, "role": _role(a), "due": _due(a)}


def _transferred(c) -> str:
    a = c["assignment"]
    return _(
        "Your proposal “%(title)s” was transferred from %(old)s to %(new)s, which now "
        "answers it, by %(due)s. Nothing is needed from you."
    ) % {"title": c["proposal"].title, "old": c["old"].name, "new": a.agency.name, "due": _due(a)}


def _replied(c) -> str:
    a = c["assignment"]
    text = _("%(agency)s replied to your proposal “%(title)s”.") % {
        "agency": a.agency.name,
        "title": c["proposal"].title,
    }
    if c["category"]:
        text += " " + _("Category: %(category)s.") % {"category": c["category"]}
    replied, total = c["replied"], c["total"]
    if replied < total:
        text += " " + _(
            "%(replied)d of %(total)d agencies have replied; the replies can be rated "
            "when all have."
        ) % {"replied": replied, "total": total}
    elif not c["rated"]:
        text += " " + _("Every agency has replied. Next: the office closes the handling.")
    elif c["lead"]:
        text += " " + _(
            "Every agency has replied: you can now rate each reply on your desk. If you "
            "are unsatisfied, the office may reopen the handling."
        )
    else:
        text += " " + _("Every agency has replied: the lead proposer can now rate each reply.")
    return text


def _reopened(c) -> str:
    return _(
        "Handling of your proposal “%(title)s” was reopened after an unsatisfied rating: "
        "%(agencies)s must reply again by %(due)s. You will be told of the new reply, "
        "and can rate it when it comes."
    ) % {
        "title": c["proposal"].title,
        "agencies": ", ".join(a.agency.name for a in c["assignments"]),
        "due": _due(c["assignments"][0]),
    }


def _closed(c) -> str:
    return _(
        "Handling of your proposal “%(title)s” is closed. The proposal, its replies and "
        "the ratings stay on the public record. Nothing more is needed from you."
    ) % {"title": c["proposal"].title}


def _agency_assigned(c) -> str:
    a = c["assignment"]
    text = _("Your agency was assigned the proposal “%(title)s” (%(role)s).") % {
        "title": c["proposal"].title,
        "role": _role(a),
    }
    if c.get("old"):
        text += " " + _("The office transferred it from %(old)s.") % {"old": c["old"].name}
    return (
        text
        + " "
        + _(
            "Reply by %(due)s, from your agency inbox. If it is not your agency's "
            "matter, ask the office for a transfer before replying."
        )
        % {"due": _due(a)}
    )


def _agency_moved(c) -> str:
    return _(
        "The office moved the proposal “%(title)s” from your agency to %(new)s. Nothing "
        "more is needed from your agency."
    ) % {"title": c["proposal"].title, "new": c["assignment"].agency.name}


def _agency_kept(c) -> str:
    return _(
        "The office refused your agency's request to transfer the proposal “%(title)s”. "
        "Your agency still answers it: reply by %(due)s."
    ) % {"title": c["proposal"].title, "due": _due(c["assignment"])}


def _agency_reopened(c) -> str:
    return _(
        "The proposer rated your agency's reply to “%(title)s” unsatisfied and the office "
        "reopened the handling. A new reply is due by %(due)s; answer from your agency inbox."
    ) % {"title": c["proposal"].title, "due": _due(c["assignment"])}


def _office_unsatisfied(c) -> str:
    return _(
        "The proposer rated the reply of %(agency)s to “%(title)s” unsatisfied. Next: "
        "reopen the handling (the agency replies again, by a new due date) or close the "
        "proposal as it stands, from its page in the office queue."
    ) % {"agency": c["assignment"].agency.name, "title": c["proposal"].title}


def _office_transfer(c) -> str:
    return _(
        "%(agency)s asked to be relieved of the proposal “%(title)s”: “%(reason)s”. "
        "Approve by choosing another agency, or refuse, from its page in the office queue."
    ) % {
        "agency": c["assignment"].agency.name,
        "title": c["proposal"].title,
        "reason": c["reason"],
    }


WORDS = {
    Kind.FILED: _filed,
    Kind.NOT_FILED: _not_filed,
    Kind.MERGED: _merged,
    Kind.CONVERTED: _converted,
    Kind.ASSIGNED: _assigned,
    Kind.TRANSFERRED: _transferred,
    Kind.REPLIED: _replied,
    Kind.REOPENED: _reopened,
    Kind.CLOSED: _closed,
    Kind.AGENCY_ASSIGNED: _agency_assigned,
    Kind.AGENCY_TRANSFERRED_AWAY: _agency_moved,
    Kind.AGENCY_TRANSFER_REFUSED: _agency_kept,
    Kind.AGENCY_REOPENED: _agency_reopened,
    Kind.OFFICE_UNSATISFIED: _office_unsatisfied,
    Kind.OFFICE_TRANSFER_REQUESTED: _office_transfer,
}


def render(kind: str, context: dict) -> str:
    return WORDS[kind](context)
