"""Account pages beyond Django's own views."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lianghui.core.roles import role_of
from lianghui.following.services import digest_consent

from . import consent, personalisation
from . import mydata as mydata_service
from .enums import ConsentHow, MailKind
from .forms import EraseForm, ProfileForm
from .network import client_ip

WINDOW = 3600  # seconds


def _spend(kind: str, who: str, limit: int) -> bool:
    """Count one more request of ``kind`` by ``who`` this hour; False past ``limit``."""
    digest = hashlib.sha256(who.encode()).hexdigest()[:32]
    key = f"accounts:{kind}:{digest}"
    cache.add(key, 0, WINDOW)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        return True


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with a cap on the emails a client address can ask for in an hour,
    in all and for one mailbox, so the form cannot be used to flood an inbox. Past
    the cap the answer is the same "check your email" page, and no email."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        client = client_ip(self.request)
        limits = settings.LIANGHUI_PASSWORD_RESET_LIMITS
        # Per mailbox *and* client: one address using up a mailbox's allowance must
        # not stop its owner, elsewhere, from resetting their password.
        allowed = _spend("reset-client", client, limits["client"]) and _spend(
            "reset-mailbox", f"{client} {email}", limits["mailbox"]
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


# --- my data ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mydata(request: HttpRequest) -> HttpResponse:
    """See what is held, download it, correct the profile; the deletion form is below."""
    user = request.user
    initial = {f: getattr(user, f) for f in mydata_service.EDITABLE}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mydata_service.profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:mydata")
    return render(
        request,
        "accounts/mydata.html",
        {
            "section": "mydata",
            "form": form,
            "erase_form": EraseForm(user=user),
            "tables": mydata_service.summary(user),
            "retention": mydata_service.retention(user),
            "role": role_of(user),
            "personalisation": _personalisation(user),
        },
        status=400 if form.errors else 200,
    )


def _personalisation(user) -> dict:
    from lianghui.insights.algorithms import algorithms

    return {
        "enabled": personalisation.allowed(user),
        "functions": algorithms(),
        "profile": personalisation.profile_of(user),
    }


@login_required
@require_http_methods(["POST"])
def mydata_personalisation(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("enabled") == "on"
    personalisation.personalisation_set(user=request.user, enabled=on)
    messages.success(
        request,
        _("Personalisation is on.") if on else _("Personalisation is off."),
    )
    return redirect(reverse("accounts:mydata") + "#personalisation")


@login_required
def mydata_archive(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(mydata_service.archive(request.user), content_type="application/zip")
    name = f"lianghui-{request.user.get_username()}-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mydata_erase(request: HttpRequest) -> HttpResponse:
    """POST with the password deletes the account (GET shows the same page)."""
    form = EraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            mydata_service.erase(user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            logout(request)
            return redirect("accounts:erased")
    return render(
        request,
        "accounts/mydata_erase.html",
        {"section": "mydata", "form": form, "retention": mydata_service.retention(request.user)},
        status=400 if form.errors else 200,
    )


def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/erased.html", {"section": "mydata"})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def mail(request: HttpRequest) -> HttpResponse:
    """Consent per kind of email: a checkbox each; mandatory kinds shown, not editable."""
    user = request.user
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        try:
            for pref in consent.preferences(user=user):
                if pref.mandatory:
                    continue
                on = pref.kind in wanted
                if on == (pref.given is not None):
                    continue
                if pref.kind == MailKind.DIGESTS:
                    # Digests also have a frequency: the following app keeps both.
                    digest_consent(user=user, consent_given=on, how=ConsentHow.FORM)
                elif on:
                    consent.consent_grant(user=user, kind=pref.kind, how=ConsentHow.FORM)
                else:
                    consent.consent_withdraw(user=user, kind=pref.kind, how=ConsentHow.FORM)
            if "language" in request.POST:
                mydata_service.email_language_set(
                    user=user, language=request.POST.get("language", "")
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your mail preferences are saved."))
        return redirect("accounts:mail")
    return render(
        request,
        "accounts/mail.html",
        {
            "section": "mydata",
            "preferences": consent.preferences(user=user),
            "transactional": consent.TRANSACTIONAL_LABELS,
            "no_email": not user.email,
            "profile": getattr(user, "profile", None),
            "languages": settings.LANGUAGES,
        },
    )
