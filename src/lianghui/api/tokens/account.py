"""The account page for API tokens (/desk/tokens/): list, create (the secret is
shown once), revoke. Mounted by the project's urls.py through account_urls."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianghui.api.models import TokenScope
from lianghui.api.tokens.services import token_create, token_list, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “office import script”."),
    )
    # Not required: a form that names no scope gets the lesser one.
    scope = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Read only: the token can read what you may see, and nothing more."
            " Read and write: it can also act for you (draft, reply, review…)."
        ),
    )

    def clean_scope(self):
        return self.cleaned_data.get("scope") or TokenScope.READ


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as exc:
            form.add_error("name", exc.messages)
        else:
            form = TokenForm()
            messages.success(
                request,
                _("Token “%(name)s” created (%(scope)s).")
                % {"name": token.name, "scope": token.get_scope_display()},
            )
    return render(
        request,
        "api/tokens.html",
        {
            "section": "desk",
            "form": form,
            "secret": secret,
            "new_token": token if secret else None,
            "tokens": token_list(user=request.user),
        },
    )


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(token_list(user=request.user), pk=token_id)
    token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api-account:tokens")
