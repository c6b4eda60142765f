"""The office's decision on a suggested link between a proposal and a regulation.

Thin like insights.views: check the role and the body, call laws.services, go
back to the proposal's office page with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.proposals import visibility

from . import services
from .enums import LinkStatus
from .models import ProposalLink

ACTIONS = {"confirm": LinkStatus.CONFIRMED, "reject": LinkStatus.REJECTED}


@require_POST
@login_required
def office_link(request: HttpRequest, key: str, link: int, action: str) -> HttpResponse:
    if perms.role_of(request.user) not in {Role.OFFICE, Role.ADMIN}:
        raise PermissionDenied(_("This desk is not for your role."))
    proposal = get_object_or_404(
        visibility.proposals_for(request.user).select_related("session__body"), key=key
    )
    perms.require_office(request.user, proposal)
    if action not in ACTIONS:
        raise Http404
    found = get_object_or_404(
        ProposalLink.objects.select_related("regulation"), pk=link, proposal=proposal
    )
    try:
        services.link_decide(link=found, status=ACTIONS[action], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if action == "confirm":
            messages.success(
                request,
                _("Linked to %(title)s; the link is now public.")
                % {"title": found.regulation.title},
            )
        else:
            messages.success(request, _("Link rejected."))
    return redirect("desks:office-proposal", key=proposal.key)
