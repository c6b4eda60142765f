"""The proposal list's filters, declared once. The portal's filter form
(portal/filters.py: ``form_filters``), the API's ProposalFilterSet
(api/filters.py: ``filterset_for``), the command line's options
(`lianghui search proposals`) and the search filters a list's values are
(``search_filters``) are all derived from this list; ``ProposalFilters`` holds
the values and ``filter_proposals`` applies them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianghui.search.filters import CHOICE, FLAG, KEY, REFERENCE, FilterField

from .enums import Status


def _sessions():
    from .selectors import session_choices

    return [(s.key, s.name) for s in session_choices()]


def _bodies():
    from .selectors import body_list

    return [(b.key, b.name) for b in body_list()]


def _kinds():
    from .selectors import proposal_kind_list

    return [(k.key, f"{k.body} · {k.name}") for k in proposal_kind_list()]


def _topics():
    from .selectors import topic_list

    return [(t.key, t.name) for t in topic_list()]


def _member(*, key: str):
    from lianghui.people.selectors import member_lookup

    return member_lookup(key=key)


def _agency(*, key: str):
    from lianghui.people.selectors import organization_lookup

    return organization_lookup(key=key)


PROPOSAL_FILTERS: tuple[FilterField, ...] = (
    FilterField(
        "session",
        _("Session"),
        REFERENCE,
        "session__key",
        "Session key.",
        _sessions,
        search="session",
    ),
    FilterField(
        "body", _("Body"), REFERENCE, "session__body__key", "Body key.", _bodies, search="body"
    ),
    FilterField(
        "kind", _("Kind"), REFERENCE, "kind__key", "Proposal kind key.", _kinds, search="kind"
    ),
    FilterField(
        "status",
        _("Status"),
        CHOICE,
        "status",
        Status.help_text(),
        lambda: Status.choices,
        search="status",
    ),
    FilterField(
        "topic", _("Topic"), REFERENCE, "topics__key", "Topic key.", _topics, search="topic"
    ),
    FilterField(
        "generated",
        _("Origin"),
        FLAG,
        "generated",
        "true: demo data only; false: real (cited) records only.",
        lambda: [("0", _("Real records (cited)")), ("1", _("Generated demo data"))],
        search="generated",
    ),
    FilterField(
        "member",
        _("Signed by"),
        KEY,
        "signers__member__key",
        "Member key: proposals the member signed.",
        lookup=_member,
        search="member",
    ),
    FilterField(
        "agency",
        _("Assigned to"),
        KEY,
        "assignments__agency__key",
        "Agency key: proposals assigned to it.",
        lookup=_agency,
        search="agency",
    ),
)
