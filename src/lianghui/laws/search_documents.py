"""Regulations in the search index: how their documents are built and where hits
link to (every regulation is public). Registered with the search app's registry
in LawsConfig.ready().

A regulation is found by its words too: the headings and text of its newest
version (``selectors.newest_texts``, the text the link suggester compares) are
among its indexed words, so a phrase of an article finds the law that holds it.
Its result still shows the summary: the text is long, and a version's own page
shows it whole."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianghui.search.enums import TagFacet
from lianghui.search.registry import Doc, DocumentType, register, snip
from lianghui.search.text import index_tokens

from .enums import Stage
from .models import MILESTONE_FIELDS, Regulation
from .selectors import newest_texts


def regulation_documents(ids: list[int]) -> Iterator[Doc]:
    regulations = list(Regulation.objects.filter(id__in=ids).prefetch_related("issuers"))
    texts = newest_texts(r.pk for r in regulations)
    for r in regulations:
        issuers = list(r.issuers.all())
        dates = [getattr(r, f) for f in MILESTONE_FIELDS if getattr(r, f)]
        latest = max(dates) if dates else None
        stage = r.stage
        yield Doc(
            {
                "doc_type": "regulation",
                "object_id": r.id,
                "key": r.key,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "context_zh": "、".join(o.name_zh or o.name_en for o in issuers)[:300],
                "context_en": ", ".join(o.name_en or o.name_zh for o in issuers)[:300],
                "text_zh": snip(r.summary_zh),
                "text_en": snip(r.summary_en),
                "title_tokens": index_tokens(r.title_zh, r.title_en, r.short_name_en),
                "text_tokens": index_tokens(
                    r.summary_zh,
                    r.summary_en,
                    r.document_number,
                    r.category,
                    *[n for o in issuers for n in (o.name_zh, o.name_en)],
                    *[
                        t
                        for p in texts.get(r.pk, ())
                        for t in (p.heading_zh, p.heading_en, p.text_zh, p.text_en)
                    ],
                ),
                "status": stage.value if stage else "",
                "year": latest.year if latest else None,
                "date": latest,
                "generated": r.generated,
            },
            [(TagFacet.AGENCY, o.key) for o in issuers],
        )


def register_documents() -> None:
    register(
        DocumentType(
            key="regulation",
            label=_("Regulation"),
            model="laws.Regulation",
            build=regulation_documents,
            url=lambda doc: reverse("portal:regulation", args=[doc.key]),
            statuses=dict(Stage.choices),
            compared=(("key", "key"), ("title_zh", "title_zh"), ("title_en", "title_en")),
            order=50,
        )
    )
