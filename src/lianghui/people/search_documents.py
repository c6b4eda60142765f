"""Members and organizations in the search index: how their documents are built
and where hits link to (every member and organization is public). Registered
with the search app's registry in PeopleConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianghui.search.enums import TagFacet
from lianghui.search.registry import Doc, DocumentType, register, snip
from lianghui.search.text import has_cjk, index_tokens

from .models import Affiliation, Member, Membership, Organization


def member_documents(ids: list[int]) -> Iterator[Doc]:
    members = Member.objects.filter(id__in=ids).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("body", "group").order_by(
                "start_year", "id"
            ),
        ),
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
    )
    for m in members:
        seats = list(m.memberships.all())
        affiliations = list(m.affiliations.all())
        words = []
        for s in seats:
            words += [s.role, s.body.name_zh, s.body.name_en]
            if s.group_id:
                words += [s.group.name_zh, s.group.name_en]
        for a in affiliations:
            words += [a.role, a.organization.name_zh, a.organization.name_en]
        groups = sorted({s.group.key for s in seats if s.group_id})
        seat = seats[-1] if seats else None
        where = (seat.group or seat.body) if seat else None
        yield Doc(
            {
                "doc_type": "member",
                "object_id": m.id,
                "key": m.key,
                "title_zh": m.name_zh,
                "title_en": m.name_en,
                "context_zh": (where.name_zh or where.name_en)[:300] if where else "",
                "context_en": (where.name_en or where.name_zh)[:300] if where else "",
                "text_zh": snip(m.bio_zh),
                "text_en": snip(m.bio_en),
                "title_tokens": index_tokens(m.name_zh, m.name_en),
                "text_tokens": index_tokens(m.bio_zh, m.bio_en, *words),
                "body": seats[-1].body.key if seats else "",
                "generated": m.generated,
            },
            [(TagFacet.GROUP, g) for g in groups],
        )


def organization_documents(ids: list[int]) -> Iterator[Doc]:
    for o in Organization.objects.filter(id__in=ids).select_related("body", "parent"):
        parent = [o.parent.name_zh, o.parent.name_en] if o.parent_id else []
        yield Doc(
            {
                "doc_type": "organization",
                "object_id": o.id,
                "key": o.key,
                "title_zh": o.name_zh,
                "title_en": o.name_en or o.short_name_en,
                "context_zh": (o.parent.name_zh or o.parent.name_en) if o.parent_id else "",
                "context_en": (o.parent.name_en or o.parent.name_zh) if o.parent_id else "",
                # The remit in the language it is written in (a snippet's lang attribute).
                ("text_zh" if has_cjk(o.responsibilities) else "text_en"): snip(o.responsibilities),
                "title_tokens": index_tokens(o.name_zh, o.name_en, o.short_name_en),
                "text_tokens": index_tokens(o.responsibilities, *parent),
                "body": o.body.key if o.body_id else "",
                "generated": o.generated,
            },
        )


def register_documents() -> None:
    register(
        DocumentType(
            key="member",
            label=_("Member"),
            model="people.Member",
            build=member_documents,
            url=lambda doc: reverse("portal:member", args=[doc.key]),
            compared=(("key", "key"), ("title_zh", "name_zh"), ("title_en", "name_en")),
            order=30,
        )
    )
    register(
        DocumentType(
            key="organization",
            label=_("Organization"),
            model="people.Organization",
            build=organization_documents,
            url=lambda doc: reverse("portal:organization", args=[doc.key]),
            compared=(("key", "key"), ("title_zh", "name_zh")),
            order=40,
        )
    )
