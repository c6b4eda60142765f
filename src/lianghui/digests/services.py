"""Writing digests: generate a draft, edit, reorder, remove, publish. Each step is
audited on the session's trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianghui.core import audit
from lianghui.proposals.models import Session

from . import generate
from .enums import DigestStatus, Section
from .models import Digest, DigestItem

SECTION_ORDER = {s.value: n for n, s in enumerate(Section)}


def _draft(digest: Digest) -> Digest:
    digest = Digest.objects.select_for_update().get(pk=digest.pk)
    if digest.status != DigestStatus.DRAFT:
        raise ValidationError(_("A published digest is not edited; withdraw it first."))
    return digest


@transaction.atomic
def digest_generate(*, session: Session, actor=None) -> Digest:
    """Choose the highlights again. Items a person changed or added stay; removed
    ones stay removed; the generator's unchanged items are replaced."""
    digest, created = Digest.objects.get_or_create(
        session=session,
        defaults={"generator": generate.VERSION, "generated_at": timezone.now()},
    )
    if not created:
        digest = _draft(digest)
    kept = list(digest.items.filter(changed=True)) + list(digest.items.filter(removed=True))
    taken = {(i.section, i.proposal_id, i.topic_id, i.member_id) for i in kept}
    digest.items.filter(changed=False, removed=False).delete()
    items = []
    for c in generate.choose(session):
        if (c.section, getattr(c.proposal, "pk", None), getattr(c.topic, "pk", None),
                getattr(c.member, "pk", None)) in taken:  # fmt: skip
            continue
        items.append(
            DigestItem(
                digest=digest,
                section=c.section,
                position=0,
                proposal=c.proposal,
                topic=c.topic,
                member=c.member,
                count=c.count,
                title_zh=c.title["zh"][:300],
                title_en=c.title["en"][:300],
                text_zh=c.text["zh"],
                text_en=c.text["en"],
                reason_zh=c.reason["zh"],
                reason_en=c.reason["en"],
                related=c.related,
                generated=True,
            )
        )
    DigestItem.objects.bulk_create(items)
    # Positions: by section, the person-changed items keep their place among them.
    ordered = sorted(digest.items.all(), key=lambda i: (SECTION_ORDER[i.section], i.position, i.pk))
    for n, item in enumerate(ordered):
        item.position = n
    DigestItem.objects.bulk_update(ordered, ["position"])
    digest.generator = generate.VERSION
    digest.generated_at = timezone.now()
    digest.save(update_fields=["generator", "generated_at"])
    audit.record(actor=actor, root=session, action="digest_generated", target=str(len(items)))
    return digest


@transaction.atomic
def digest_item_edit(*, item: DigestItem, actor, **fields) -> DigestItem:
    _draft(item.digest)
    allowed = {"title_zh", "title_en", "text_zh", "text_en"}
    if unknown := set(fields) - allowed:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if not (fields.get("title_zh", item.title_zh) or fields.get("title_en", item.title_en)):
        raise ValidationError({"title_en": _("Give a title in at least one language.")})
    changes = {f: (getattr(item, f), v) for f, v in fields.items() if getattr(item, f) != v}
    if not changes:
        return item
    if item.generated and not item.changed:
        item.generated_text = {f: getattr(item, f) for f in sorted(allowed)}
    for f, (_before, after) in changes.items():
        setattr(item, f, after)
    item.changed = True
    item.save()
    audit.record(
        actor=actor, root=item.digest.session, action="digest_item_edited", changes=changes
    )
    return item


@transaction.atomic
def digest_item_move(*, item: DigestItem, by: int, actor) -> DigestItem:
    """Move an item up (by=-1) or down (by=1) among the shown items of the digest."""
    digest = _draft(item.digest)
    shown = list(digest.items.filter(removed=False).order_by("position", "pk"))
    index = next(n for n, i in enumerate(shown) if i.pk == item.pk)
    other = index + by
    if not 0 <= other < len(shown):
        return item
    a, b = shown[index], shown[other]
    a.position, b.position = b.position, a.position
    if a.position == b.position:
        a.position += by
    a.changed = True
    DigestItem.objects.bulk_update([a, b], ["position", "changed"])
    audit.record(actor=actor, root=digest.session, action="digest_item_moved", target=a.title[:200])
    return a


@transaction.atomic
def digest_item_remove(*, item: DigestItem, actor, removed: bool = True) -> DigestItem:
    _draft(item.digest)
    item.removed = removed
    item.changed = True
    item.save(update_fields=["removed", "changed"])
    audit.record(
        actor=actor,
        root=item.digest.session,
        action="digest_item_removed" if removed else "digest_item_restored",
        target=item.title[:200],
    )
    return item


@transaction.atomic
def digest_item_add(*, digest: Digest, actor, section: str, title_zh="", title_en="",
                    text_zh="", text_en="") -> DigestItem:  # fmt: skip
    digest = _draft(digest)
    if section not in Section.values:
        raise ValidationError({"section": _("Choose a section.")})
    if not (title_zh or title_en):
        raise ValidationError({"title_en": _("Give a title in at least one language.")})
    last = digest.items.aggregate(m=Max("position"))["m"]
    item = DigestItem.objects.create(
        digest=digest,
        section=section,
        position=(last or 0) + 1,
        title_zh=title_zh,
        title_en=title_en,
        text_zh=text_zh,
        text_en=text_en,
        generated=False,
        changed=True,
    )
    audit.record(actor=actor, root=digest.session, action="digest_item_added", target=item.title)
    return item


@transaction.atomic
def digest_publish(*, digest: Digest, actor, publish: bool = True) -> Digest:
    digest = Digest.objects.select_for_update().get(pk=digest.pk)
    if publish and not digest.items.filter(removed=False).exists():
        raise ValidationError(_("A digest with no items cannot be published."))
    digest.status = DigestStatus.PUBLISHED if publish else DigestStatus.DRAFT
    digest.published_at = timezone.now() if publish else None
    digest.save(update_fields=["status", "published_at"])
    audit.record(
        actor=actor,
        root=digest.session,
        action="digest_published" if publish else "digest_withdrawn",
        public=True,
    )
    return digest
