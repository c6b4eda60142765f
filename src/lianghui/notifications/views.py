"""The notification list every desk has (members, agencies, the office, ...)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import selectors, services
from .tasks import link_of

PER_PAGE = 25


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_of(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for n in page:
        n.link = link_of(n)
    return render(
        request,
        "notifications/list.html",
        {"section": "desk", "page_obj": page, "notifications": page},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read (``id``) or all of them; then follow ``next``
    when it is a page of this site (the notification's own link)."""
    ids = request.POST.getlist("id") or None
    ids = [int(i) for i in ids if i.isdigit()] if ids else None
    done = services.notification_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    if ids is None:
        messages.success(
            request,
            ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", done)
            % {"n": done},
        )
    return redirect("notifications:list")
