"""Proposals and their replies in the search index: how their documents are
built, where hits link to, and who may see them (the visibility policy).
Registered with the search app's registry in ProposalsConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianghui.people.models import Membership
from lianghui.search.enums import TagFacet
from lianghui.search.registry import Doc, DocumentType, join_text, register, snip
from lianghui.search.text import index_tokens

from . import visibility
from .enums import Status
from .models import Assignment, Reply, Signer


def proposal_documents(ids: list[int]) -> Iterator[Doc]:
    replies = Reply.objects.filter(visibility.replies_shown_q(None)).order_by("replied_on", "id")
    proposals = (
        visibility.public_proposals()
        .filter(id__in=ids)
        .select_related("session__body", "kind")
        .prefetch_related(
            "topics",
            Prefetch("signers", queryset=Signer.objects.select_related("member", "group")),
            Prefetch(
                "signers__member__memberships",
                queryset=Membership.objects.select_related("group"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("agency").prefetch_related(
                    Prefetch("replies", queryset=replies)
                ),
            ),
        )
    )
    for p in proposals:
        session = p.session
        topics = list(p.topics.all())
        signers = list(p.signers.all())
        assignments = list(p.assignments.all())
        tags = [(TagFacet.TOPIC, t.key) for t in topics]
        names = []
        groups: set[str] = set()
        for s in signers:
            if s.member_id:
                tags.append((TagFacet.MEMBER, s.member.key))
                names += [s.member.name_zh, s.member.name_en]
                groups |= {
                    m.group.key
                    for m in s.member.memberships.all()
                    if m.group_id and m.body_id == session.body_id
                }
            else:
                groups.add(s.group.key)
                names += [s.group.name_zh, s.group.name_en]
        tags += [(TagFacet.GROUP, g) for g in sorted(groups)]
        agencies = sorted({a.agency.key for a in assignments})
        tags += [(TagFacet.AGENCY, a) for a in agencies]
        all_replies = [(a, r) for a in assignments for r in a.replies.all()]
        tags += [(TagFacet.CATEGORY, c) for c in sorted({r.category for _a, r in all_replies})]
        common = {
            "key": p.key,
            "body": session.body.key,
            "session": session.key,
            "year": session.year,
            "proposal_kind": p.kind.key,
            "status": p.status,
            "is_key": p.is_key,
            "generated": p.generated,
        }
        topic_names = [n for t in topics for n in (t.name_zh, t.name_en)]
        leads = [s.signatory for s in signers if s.role == "lead"]
        yield Doc(
            {
                **common,
                "doc_type": "proposal",
                "object_id": p.id,
                "title_zh": p.title_zh,
                "title_en": p.title_en,
                "context_zh": "、".join(x.name_zh or x.name_en for x in leads)[:300],
                "context_en": ", ".join(x.name_en or x.name_zh for x in leads)[:300],
                "text_zh": snip(join_text(p.summary_zh, p.text_zh)),
                "text_en": snip(join_text(p.summary_en, p.text_en)),
                "title_tokens": index_tokens(p.title_zh, p.title_en),
                "text_tokens": index_tokens(
                    p.summary_zh,
                    p.summary_en,
                    p.text_zh,
                    p.text_en,
                    p.number,
                    *names,
                    *topic_names,
                ),
                "date": p.submitted_on,
            },
            tags,
        )
        shared = [t for t in tags if t[0] in (TagFacet.TOPIC, TagFacet.MEMBER, TagFacet.GROUP)]
        for a, r in all_replies:
            yield Doc(
                {
                    **common,
                    "doc_type": "reply",
                    "object_id": r.id,
                    "parent_id": p.id,
                    "title_zh": p.title_zh,
                    "title_en": p.title_en,
                    "context_zh": (a.agency.name_zh or a.agency.name_en)[:300],
                    "context_en": (a.agency.name_en or a.agency.name_zh)[:300],
                    "text_zh": snip(r.text_zh),
                    "text_en": snip(r.text_en),
                    "title_tokens": index_tokens(a.agency.name_zh, a.agency.name_en),
                    "text_tokens": index_tokens(r.text_zh, r.text_en, p.title_zh, p.title_en),
                    "date": r.replied_on,
                },
                [*shared, (TagFacet.AGENCY, a.agency.key), (TagFacet.CATEGORY, r.category)],
            )


def proposal_url(doc) -> str:
    return reverse("portal:proposal", args=[doc.key])


def reply_url(doc) -> str:
    return reverse("portal:proposal", args=[doc.key]) + f"#reply-{doc.object_id}"


def register_documents() -> None:
    statuses = dict(Status.choices)
    register(
        DocumentType(
            key="proposal",
            label=_("Proposal"),
            model="proposals.Proposal",
            build=proposal_documents,
            url=proposal_url,
            public=visibility.public_proposals,
            statuses=statuses,
            compared=(
                ("key", "key"),
                ("status", "status"),
                ("is_key", "is_key"),
                ("title_zh", "title_zh"),
                ("title_en", "title_en"),
            ),
            order=10,
        )
    )
    register(
        DocumentType(
            key="reply",
            label=_("Agency reply"),
            model="proposals.Reply",
            built_by="proposal",
            parent_field="assignment__proposal_id",
            url=reply_url,
            public=visibility.public_replies,
            statuses=statuses,
            order=20,
        )
    )
