"""Who may see and do what. Entry points (views, API, CLI) call these before
calling a service; services themselves trust their caller.

Visibility of proposals:
- anonymous and watchers: published proposals only;
- members: published ones, plus every proposal they lead or co-sign;
- agency officers: published ones, plus every proposal assigned (now or before
  a transfer) to their agency;
- supervisors: published ones, plus the key proposals of their body;
- office staff: everything of their body; administrators: everything.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from lianghui.proposals.enums import Status

from .enums import Role


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else Role.WATCHER


def visible_proposals_q(user) -> Q:
    role = role_of(user)
    public = Q(published=True)
    if role == Role.ADMIN:
        return Q()
    profile = getattr(user, "profile", None)
    if role == Role.OFFICE:
        return Q(session__body_id=profile.body_id)
    if role == Role.MEMBER:
        return public | Q(signers__member_id=profile.member_id)
    if role == Role.AGENCY:
        return public | Q(assignments__agency_id=profile.agency_id)
    if role == Role.SUPERVISOR:
        return public | Q(is_key=True, session__body_id=profile.body_id)
    return public


def visible_proposals(user, queryset):
    q = visible_proposals_q(user)
    filtered = queryset.filter(q)
    # Joins through signers/assignments can repeat a row.
    return filtered.distinct() if role_of(user) in {Role.MEMBER, Role.AGENCY} else filtered


def visible_proposal_or_404(user, queryset, **lookup):
    """The proposal matching ``lookup`` among those ``user`` may see, else Http404:
    a record one may not see answers as if it did not exist, so that keys and ids
    cannot be probed by telling "forbidden" from "not found"."""
    return get_object_or_404(visible_proposals(user, queryset), **lookup)


def visible_replies(user, queryset):
    """Replies to proposals ``user`` may see."""
    from lianghui.proposals.models import Proposal

    visible = visible_proposals(user, Proposal.objects.all())
    return queryset.filter(assignment__proposal__in=visible.values("pk"))


def can_view(user, proposal) -> bool:
    return visible_proposals(user, type(proposal).objects.filter(pk=proposal.pk)).exists()


def _deny(message: str):
    raise PermissionDenied(message)


def _profile(user):
    return getattr(user, "profile", None)


def is_lead(user, proposal) -> bool:
    profile = _profile(user)
    return bool(
        role_of(user) == Role.MEMBER
        and proposal.signers.filter(role="lead", member_id=profile.member_id).exists()
    )


def is_office_for(user, proposal) -> bool:
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.OFFICE and _profile(user).body_id == proposal.session.body_id


def require_lead(user, proposal) -> None:
    if not is_lead(user, proposal):
        _deny(_("Only the lead proposer can do this."))


def require_office(user, proposal) -> None:
    if not is_office_for(user, proposal):
        _deny(_("Only the office of this body can do this."))


def require_agency(user, assignment) -> None:
    role = role_of(user)
    if role == Role.ADMIN:
        return
    if role != Role.AGENCY or _profile(user).agency_id != assignment.agency_id:
        _deny(_("Only an officer of the assigned agency can do this."))


def require_cosigner(user, proposal) -> None:
    profile = _profile(user)
    if (
        role_of(user) != Role.MEMBER
        or not proposal.signers.filter(role="cosigner", member_id=profile.member_id).exists()
    ):
        _deny(_("Only a co-signer can confirm their signature."))


def require_draft_author(user, proposal) -> None:
    require_lead(user, proposal)
    if proposal.status != Status.DRAFT:
        _deny(_("Only a draft can be edited."))
