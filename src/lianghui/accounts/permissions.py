"""Who may act. Entry points (views, API, CLI) call these before calling a
service; services themselves trust their caller.

Who may see what is not decided here: lianghui.proposals.visibility is the one
policy every channel asks.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from lianghui.core.roles import role_of
from lianghui.proposals.enums import Status

from .enums import Role

__all__ = [
    "body_scope",
    "is_lead",
    "is_office_for",
    "require_agency",
    "require_cosigner",
    "require_draft_author",
    "require_lead",
    "require_office",
    "role_of",
    "role_required",
]


def role_required(*roles: str, admin: bool = True):
    """View decorator: only these roles (and administrators, unless the view needs a
    personal link such as the member's own record) may use the view; a visitor is
    sent to log in. Which records the view then acts on is the view's scope
    (``body_scope``, the policy)."""
    allowed = {*roles, Role.ADMIN} if admin else set(roles)

    def decorate(view):
        @login_required
        def wrapped(request, *args, **kwargs):
            if role_of(request.user) not in allowed:
                raise PermissionDenied(_("This desk is not for your role."))
            return view(request, *args, **kwargs)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def body_scope(user):
    """The body whose work a staff desk covers; None for administrators (all)."""
    return None if role_of(user) == Role.ADMIN else user.profile.body


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


def is_office_of(user, body_id: int) -> bool:
    """The office of this body, or an administrator."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.OFFICE and _profile(user).body_id == body_id


def is_office_for(user, proposal) -> bool:
    return is_office_of(user, proposal.session.body_id)


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


def require_moderator(user, consultation) -> None:
    """The office of the consultation's body, or an administrator."""
    from lianghui.proposals.visibility import may_moderate

    if not may_moderate(user, consultation):
        _deny(_("Only the moderators of this consultation can do this."))


def may_respond(user, consultation) -> bool:
    """Moderators, and the officers of the body that runs the consultation."""
    from lianghui.proposals.visibility import may_moderate

    if may_moderate(user, consultation):
        return True
    profile = _profile(user)
    return role_of(user) == Role.AGENCY and profile.agency_id == consultation.run_by_id


def require_responder(user, consultation) -> None:
    if not may_respond(user, consultation):
        _deny(_("Only the body that runs this consultation can do this."))


def require_commenter(user) -> None:
    if not getattr(user, "is_authenticated", False):
        _deny(_("Sign in to comment."))
