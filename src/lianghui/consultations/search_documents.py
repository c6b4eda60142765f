"""Consultations and their published comments in the search index. Registered
with the search app's registry in ConsultationsConfig.ready(); which comments
are public is the visibility policy's (a withdrawn, hidden or unmoderated one
never has a document)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianghui.proposals import visibility
from lianghui.search.enums import TagFacet
from lianghui.search.registry import Doc, DocumentType, register, snip
from lianghui.search.text import index_tokens

from .enums import CommentStatus


def consultation_documents(ids: list[int]) -> Iterator[Doc]:
    found = (
        visibility.public_consultations()
        .filter(id__in=ids)
        .select_related("version__regulation", "run_by")
    )
    for c in found:
        regulation = c.version.regulation
        title_zh = c.title_zh or regulation.title_zh
        title_en = c.title_en or regulation.title_en
        run_by = c.run_by
        yield Doc(
            {
                "doc_type": "consultation",
                "object_id": c.id,
                "key": c.key,
                "title_zh": title_zh,
                "title_en": title_en,
                "context_zh": (run_by.name_zh or run_by.name_en)[:300],
                "context_en": (run_by.name_en or run_by.name_zh)[:300],
                "text_zh": snip(c.use_of_comments_zh),
                "text_en": snip(c.use_of_comments_en),
                "title_tokens": index_tokens(title_zh, title_en, regulation.short_name_en),
                "text_tokens": index_tokens(
                    c.use_of_comments_zh, c.use_of_comments_en, run_by.name_zh, run_by.name_en
                ),
                "status": "open" if c.is_open() else "closed",
                "year": c.opens_on.year,
                "date": c.opens_on,
                "generated": c.generated,
            },
            [(TagFacet.AGENCY, run_by.key)],
        )


def comment_documents(ids: list[int]) -> Iterator[Doc]:
    found = (
        visibility.public_comments()
        .filter(id__in=ids)
        .select_related("consultation__version__regulation", "provision")
    )
    for c in found:
        consultation = c.consultation
        regulation = consultation.version.regulation
        where = c.provision.number if c.provision else ""
        capacity = c.get_capacity_display()
        name_zh = regulation.title_zh or regulation.title_en
        name_en = regulation.title_en or regulation.title_zh
        yield Doc(
            {
                "doc_type": "comment",
                "object_id": c.id,
                "parent_id": consultation.id,
                "key": f"{consultation.key}.c{c.id}",
                "title_zh": f"{capacity}：{name_zh}",
                "title_en": f"{capacity}: {name_en}",
                "context_zh": " ".join(x for x in (where, c.organization_name) if x)[:300],
                "context_en": " ".join(x for x in (where, c.organization_name) if x)[:300],
                "text_zh": snip(c.text),
                "text_en": "",
                "title_tokens": index_tokens(regulation.title_zh, regulation.title_en),
                "text_tokens": index_tokens(c.text, c.organization_name, where),
                "status": CommentStatus.PUBLISHED.value,
                "year": c.created_at.year,
                "date": c.created_at.date(),
                "generated": c.generated,
            },
        )


def register_documents() -> None:
    register(
        DocumentType(
            key="consultation",
            label=_("Public consultation"),
            model="consultations.Consultation",
            build=consultation_documents,
            url=lambda doc: reverse("consultations:detail", args=[doc.key]),
            statuses={"open": _("Open for comment"), "closed": _("Closed")},
            order=55,
        )
    )
    register(
        DocumentType(
            key="comment",
            label=_("Consultation comment"),
            model="consultations.Comment",
            build=comment_documents,
            url=lambda doc: (
                reverse("consultations:detail", args=[doc.key.rsplit(".c", 1)[0]])
                + f"#comment-{doc.object_id}"
            ),
            public=visibility.public_comments,
            statuses={"published": CommentStatus.PUBLISHED.label},
            # A comment has no key of its own: verify compares it by id and status.
            compared=(("object_id", "id"), ("status", "status")),
            order=56,
        )
    )
