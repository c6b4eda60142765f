"""Following: a signed-in user's list, follow/unfollow, digest choice; and the
one-click unsubscribe reached from a digest email (no sign-in needed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from lianghui.accounts.consent import may_mail
from lianghui.accounts.enums import MailKind

from . import selectors, services
from .enums import Digest, Target


def _back(request: HttpRequest, default: str = "following:home"):
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect(default)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    follows = list(selectors.follows_of(user=request.user))
    things = [(f, selectors.followed(target=f.target, key=f.key)) for f in follows]
    setting = selectors.digest_of(user=request.user)
    consented = may_mail(request.user, MailKind.DIGESTS)
    nxt = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = ""
    return render(
        request,
        "following/home.html",
        {
            "section": "following",
            "things": things,
            # Without consent no digest goes, whatever frequency is stored.
            "frequency": setting.frequency if setting and consented else Digest.NONE,
            "frequencies": Digest.choices,
            "ask": things and services.digest_undecided(user=request.user),
            "no_email": not request.user.email,
            "back": nxt,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest, target: str) -> HttpResponse:
    """GET: a page with the button (linked from record pages); POST: follow."""
    if target not in Target.values:
        raise Http404(_("No such record."))
    key = (request.POST if request.method == "POST" else request.GET).get("key", "")
    if request.method == "POST":
        try:
            services.follow_create(user=request.user, target=target, key=key)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("You follow it now."))
            if services.digest_undecided(user=request.user):
                # Following is not a request for email: ask, once.
                nxt = request.POST.get("next", "")
                url = reverse("following:home")
                if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                    url += "?" + urlencode({"next": nxt})
                return redirect(url)
        return _back(request)
    thing = selectors.followed(target=target, key=key[:500]) if key else None
    if thing is None:
        raise Http404(_("No such record."))
    return render(
        request,
        "following/follow.html",
        {
            "section": "following",
            "thing": thing,
            "target_label": Target(target).label,
            "already": selectors.is_following(user=request.user, target=target, key=key),
        },
    )


@login_required
@require_POST
def unfollow(request: HttpRequest, target: str) -> HttpResponse:
    services.follow_delete(user=request.user, target=target, key=request.POST.get("key", ""))
    messages.success(request, _("You no longer follow it."))
    return _back(request)


@login_required
@require_POST
def digest(request: HttpRequest) -> HttpResponse:
    try:
        services.digest_set(user=request.user, frequency=request.POST.get("frequency", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your email setting is saved."))
    return _back(request)


@csrf_exempt  # RFC 8058: mail clients POST here without a session or CSRF token
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (link scanners must not unsubscribe anyone); POST does it."""
    done = False
    error = ""
    if request.method == "POST":
        try:
            services.digest_unsubscribe(token=token)
            done = True
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "following/unsubscribe.html",
        {"section": "following", "done": done, "error": error},
        status=400 if error else 200,
    )
