"""Account pages beyond Django's own views."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponseRedirect

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
