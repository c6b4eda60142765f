"""Helpers for vocabulary enums: labels in zh-Hans and en, plus an explanation."""

from django.db import models


class Vocabulary(models.TextChoices):
    """TextChoices whose members may carry an explanation.

    Subclasses define ``HELP = {value: gettext_lazy(...)}`` after the members;
    ``help_text()`` turns it into a field's help text so the admin and the API
    docs explain every value.
    """

    @classmethod
    def explain(cls, value: str) -> str:
        return str(getattr(cls, "_help", {}).get(value, ""))

    @classmethod
    def help_text(cls, lead: str = "") -> str:
        helps = getattr(cls, "_help", {})
        parts = [
            f"{m.value}: {m.label}" + (f" ({helps[m.value]})" if m.value in helps else "")
            for m in cls
        ]
        return (lead + " " if lead else "") + "; ".join(parts)


def with_help(enum_cls, helps: dict):
    """Attach explanations to an enum (Enum forbids new members, not attributes)."""
    type.__setattr__(enum_cls, "_help", helps)
    return enum_cls
