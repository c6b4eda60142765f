"""Reading digests. The public sees a published digest's shown items, and of their
proposals only those the visibility policy makes public (a proposal unpublished
after the digest was published drops out of it)."""

from __future__ import annotations

from dataclasses import dataclass

from lianghui.proposals import visibility
from lianghui.proposals.models import Proposal

from .enums import DigestStatus, Section
from .models import Digest, DigestItem


@dataclass
class Part:
    section: Section
    items: list[DigestItem]


def _resolved(digest: Digest, items: list[DigestItem]) -> list[Part]:
    public = visibility.public_proposals()
    keys = {k for i in items for k in i.related} | {i.proposal_id for i in items if i.proposal_id}
    shown = {
        p.key: p
        for p in public.filter(key__in=[k for k in keys if isinstance(k, str)]).only(
            "key", "title_zh", "title_en", "session_id"
        )
    }
    public_ids = set(
        public.filter(pk__in=[k for k in keys if isinstance(k, int)]).values_list("pk", flat=True)
    )
    parts: dict[str, list[DigestItem]] = {}
    for item in items:
        if item.proposal_id and item.proposal_id not in public_ids:
            continue
        item.examples = [shown[k] for k in item.related if k in shown]
        parts.setdefault(item.section, []).append(item)
    return [Part(Section(s), parts[s]) for s in Section.values if s in parts]


def _items(digest: Digest, *, removed: bool = False):
    rows = digest.items.select_related("proposal", "topic", "member")
    return list(rows if removed else rows.filter(removed=False))


def published_digest(*, session_key: str) -> tuple[Digest, list[Part]] | None:
    digest = (
        Digest.objects.select_related("session__body")
        .filter(session__key=session_key, status=DigestStatus.PUBLISHED)
        .first()
    )
    if digest is None:
        return None
    return digest, _resolved(digest, _items(digest))


def digest_for_staff(*, session) -> tuple[Digest | None, list[DigestItem]]:
    digest = Digest.objects.filter(session=session).first()
    return digest, (_items(digest, removed=True) if digest else [])


def proposal_titles(keys: list[str]) -> dict[str, Proposal]:
    return {p.key: p for p in visibility.public_proposals().filter(key__in=keys)}


def digest_status(*, session) -> str | None:
    """draft, published or None: what the session's page links to (one query)."""
    return Digest.objects.filter(session=session).values_list("status", flat=True).first()


def edited(digest: Digest) -> bool:
    """Whether a person changed, added or removed any item (the page says so, or
    says that it is published as generated)."""
    return digest.items.filter(changed=True).exists()
