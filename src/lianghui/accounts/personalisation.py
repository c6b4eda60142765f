"""A person's switch for personalisation, and what is kept to personalise.

Nothing the platform ranks or recommends today depends on who is looking:
similar proposals, search ranking and the digests (what you follow, by date) are
the same for everyone, and no interest profile (tags or weights inferred from
what a person reads, searches or follows) is kept. The register of algorithms
says so per function (``Algorithm.personal``), and the my-data page reads it
from there rather than from a sentence written here.

The switch is still the person's to set, and it is kept (`Personalisation`,
in their archive, erased with the account): a function registered later with
``personal=True`` must ask `allowed(user)` before using anything about them.
"""

from __future__ import annotations

from django.db import transaction

from .models import Personalisation

__all__ = ["allowed", "personal_functions", "personalisation_set", "profile_of"]


def allowed(user) -> bool:
    """Whether ranking and recommending may use what is known of ``user`` (on
    unless they switched it off; never for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return False
    row = Personalisation.objects.filter(user=user).only("enabled").first()
    return row is None or row.enabled


@transaction.atomic
def personalisation_set(*, user, enabled: bool) -> Personalisation:
    row, _created = Personalisation.objects.select_for_update().get_or_create(user=user)
    if row.enabled != enabled:
        row.enabled = enabled
        row.save(update_fields=["enabled", "changed_at"])
    return row


def personal_functions() -> list:
    """The registered functions that rank or recommend by what is known of the person."""
    from lianghui.insights.algorithms import algorithms

    return [a for a in algorithms() if a.personal]


def profile_of(user) -> list[dict]:
    """The interest profile kept about ``user``: what each personal function keeps
    (today none is registered, so nothing is kept)."""
    return [
        {"function": a.key, "name": str(a.name), "kept": a.extra.get("profile", lambda u: [])(user)}
        for a in personal_functions()
    ]
