"""The office's one-click decisions on suggestions: accept, override, dismiss.

Thin: check the role and the body, read the form, call insights.services, and
go back to the proposal's office page with a message saying what happened.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Organization
from lianghui.proposals import visibility, vocabulary
from lianghui.proposals.enums import AssignmentRole
from lianghui.proposals.models import Topic

from . import services
from .enums import Decision, SuggestionKind


def _score(request) -> float | None:
    try:
        value = float(request.POST.get("score", ""))
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def _reasons(request) -> dict:
    try:
        value = json.loads(request.POST.get("reasons") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@require_POST
@login_required
def office_suggestion(request: HttpRequest, key: str, kind: str, action: str) -> HttpResponse:
    if perms.role_of(request.user) not in {Role.OFFICE, Role.ADMIN}:
        raise PermissionDenied(_("This desk is not for your role."))
    proposal = get_object_or_404(
        visibility.proposals_for(request.user).select_related("session__body", "kind"), key=key
    )
    perms.require_office(request.user, proposal)
    # Links to regulations are decided in the laws app (they are not applied here).
    if kind not in SuggestionKind.values or kind == SuggestionKind.REGULATION:
        raise Http404
    if action not in {"apply", "dismiss"}:
        raise Http404
    back = redirect("desks:office-proposal", key=proposal.key)
    if not proposal.session.body.suggestions_enabled:
        messages.error(request, _("Suggestions are switched off for this body."))
        return back
    post, user, today = request.POST, request.user, timezone.localdate()
    common = {
        "proposal": proposal,
        "score": _score(request),
        "reasons": _reasons(request),
        "model_version": post.get("model_version", ""),
        "actor": user,
    }
    try:
        if action == "dismiss":
            services.suggestion_decide(
                kind=kind,
                decision=Decision.DISMISSED,
                suggested=post.get("suggested", ""),
                **common,
            )
            messages.success(request, _("Suggestion dismissed."))
        elif kind == SuggestionKind.AGENCY:
            agency = Organization.objects.filter(
                kind=OrganizationKind.AGENCY, key=post.get("agency", "")
            ).first()
            if agency is None:
                raise ValidationError({"agency": _("Choose an agency.")})
            role = post.get("role", "")
            if role not in AssignmentRole.values:
                raise ValidationError({"role": _("Unknown role.")})
            services.agency_suggestion_apply(
                agency=agency, role=role, on=today, suggested=post.get("suggested", ""), **common
            )
            messages.success(
                request,
                _("%(agency)s assigned as %(role)s.")
                % {
                    "agency": agency.name,
                    "role": vocabulary.label(
                        proposal.session.body_id, vocabulary.HANDLING_ROLE, role
                    ),
                },
            )
        elif kind == SuggestionKind.TOPICS:
            keys = post.getlist("topics")
            topics = list(Topic.objects.filter(key__in=keys))
            if len(topics) != len(set(keys)):
                raise ValidationError({"topics": _("Unknown topic.")})
            suggested = [k for k in post.get("suggested", "").split(",") if k]
            services.topics_suggestion_apply(topics=topics, suggested=suggested, **common)
            messages.success(request, _("Topics saved."))
        else:
            # The target is looked up as the officer may see it: a key they cannot
            # see reads as no proposal at all.
            into = (
                visibility.proposals_for(request.user)
                .select_related("session")
                .filter(key=post.get("into", ""))
                .first()
            )
            if into is None:
                raise ValidationError({"into": _("No proposal has this key.")})
            services.duplicate_suggestion_apply(
                into=into, on=today, suggested=post.get("suggested", ""), **common
            )
            messages.success(request, _("Merged into %(key)s.") % {"key": into.number or into.key})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back


@login_required
def interest_statement(request: HttpRequest, key: str, organization: str) -> HttpResponse:
    """The member concerned by an interest flag writes (or withdraws) their statement."""
    from django.shortcuts import render

    from .interests import proposal_interest_flags

    profile = getattr(request.user, "profile", None)
    member = profile.member if profile and profile.member_id else None
    if member is None:
        raise PermissionDenied(_("Only the member concerned may make a statement on a flag."))
    proposal = get_object_or_404(
        visibility.proposals_for(request.user)
        .select_related("session__body")
        .prefetch_related("topics", "signers"),
        key=key,
    )
    flag = next(
        (
            f
            for f in proposal_interest_flags(proposal)
            if f.member.pk == member.pk and f.organization.key == organization
        ),
        None,
    )
    if flag is None:
        raise Http404
    error = ""
    text = flag.statement.text if flag.statement else ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            services.interest_statement_set(
                proposal=proposal,
                member=member,
                organization=flag.organization,
                text=text,
                actor=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your statement is saved; it is shown beside the flag."))
            return redirect("portal:proposal", key=proposal.key)
    return render(
        request,
        "insights/interest_statement.html",
        {"proposal": proposal, "flag": flag, "text": text, "error": error},
    )
