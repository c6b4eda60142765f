"""Reads of consultations for pages, the API, search, feeds and dumps. What a
viewer may see comes from the visibility policy (proposals/visibility.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from lianghui.laws.models import Provision
from lianghui.proposals import visibility

from .enums import LABOUR, Capacity, CommentStatus, ThemeStatus
from .models import Comment, Consultation, Response, ResponseChange, Theme


def consultation_list() -> QuerySet[Consultation]:
    return (
        visibility.public_consultations()
        .select_related("version__regulation", "run_by")
        .annotate(published=Count("comments", filter=Q(comments__status=CommentStatus.PUBLISHED)))
        .order_by("-opens_on", "key")
    )


def consultation_detail(*, key: str) -> Consultation:
    return (
        visibility.public_consultations()
        .select_related("version__regulation", "run_by", "body", "response__final_version")
        .get(key=key)
    )


def provisions_of(consultation: Consultation) -> list[Provision]:
    return list(Provision.objects.filter(version_id=consultation.version_id).order_by("position"))


def comments_shown(*, consultation, viewer) -> QuerySet[Comment]:
    """The comments of a consultation the viewer may see, oldest first."""
    return (
        visibility.comments_for(viewer)
        .filter(consultation=consultation)
        .select_related("provision", "theme")
        .order_by("created_at", "id")
    )


def public_comment_list() -> QuerySet[Comment]:
    return (
        visibility.public_comments()
        .select_related("consultation", "provision", "theme")
        .order_by("id")
    )


def own_comments(*, consultation, user) -> QuerySet[Comment]:
    if not getattr(user, "is_authenticated", False):
        return Comment.objects.none()
    return (
        Comment.objects.filter(consultation=consultation, author=user)
        .exclude(status=CommentStatus.WITHDRAWN)
        .select_related("provision")
        .order_by("created_at", "id")
    )


def moderation_queue(*, consultation, viewer, status: str = CommentStatus.PENDING):
    return (
        visibility.comments_for(viewer)
        .filter(consultation=consultation, status=status)
        .select_related("provision", "moderated_by")
        .order_by("created_at", "id")
    )


def campaign_sizes(*, consultation) -> dict[str, int]:
    """Published comments per campaign key, for keys shared by two or more."""
    rows = (
        visibility.public_comments()
        .filter(consultation=consultation)
        .values("campaign")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
    )
    return {r["campaign"]: r["n"] for r in rows}


@dataclass
class ThemeView:
    theme: Theme
    total: int
    by_capacity: list[tuple[str, str, int]]  # (value, label, count)
    labour: int  # what workers and unions said
    quotes: list[Comment]


def themes_of(*, consultation, statuses=(ThemeStatus.ACCEPTED,)) -> list[ThemeView]:
    """Themes with their counts by capacity and their quotes (published comments only)."""
    themes = list(
        Theme.objects.filter(consultation=consultation, status__in=statuses).order_by("id")
    )
    counts = (
        visibility.public_comments()
        .filter(theme__in=themes)
        .values("theme_id", "capacity")
        .annotate(n=Count("id"))
    )
    by_theme: dict[int, Counter] = defaultdict(Counter)
    for row in counts:
        by_theme[row["theme_id"]][row["capacity"]] = row["n"]
    quote_ids = {i for t in themes for i in t.quotes}
    quotes = visibility.public_comments().in_bulk(quote_ids)
    out = []
    for t in themes:
        c = by_theme[t.pk]
        out.append(
            ThemeView(
                theme=t,
                total=sum(c.values()),
                by_capacity=[
                    (cap.value, cap.label, c[cap.value]) for cap in Capacity if c[cap.value]
                ],
                labour=sum(c[v] for v in LABOUR),
                quotes=[quotes[i] for i in t.quotes if i in quotes],
            )
        )
    return sorted(out, key=lambda v: -v.total)


def capacity_counts(*, consultation) -> list[tuple[str, str, int]]:
    rows = dict(
        visibility.public_comments()
        .filter(consultation=consultation)
        .values_list("capacity")
        .annotate(n=Count("id"))
    )
    return [(c.value, c.label, rows.get(c.value, 0)) for c in Capacity]


def response_of(consultation) -> Response | None:
    """The published response with its changes and the public comments they cite."""
    return (
        Response.objects.filter(consultation=consultation, published_at__isnull=False)
        .prefetch_related(
            Prefetch(
                "changes",
                ResponseChange.objects.select_related(
                    "draft_provision", "final_provision"
                ).prefetch_related(
                    Prefetch("comments", visibility.public_comments().order_by("id")),
                    Prefetch("themes", Theme.objects.filter(status=ThemeStatus.ACCEPTED)),
                ),
            )
        )
        .first()
    )


def comment_key(consultation_key: str, comment_id: int) -> str:
    """A comment's public key: its consultation's key and its number."""
    return f"{consultation_key}.c{comment_id}"


def dump_records():
    """The consultations dump: each public consultation, then its published
    comments and accepted themes (what the visibility policy lets everyone see)."""
    consultations = (
        visibility.public_consultations()
        .select_related("version__regulation", "run_by", "response")
        .order_by("key")
    )
    for c in consultations:
        response = getattr(c, "response", None)
        if response is not None and response.published_at is None:
            response = None
        yield (
            "consultation",
            {
                "type": "consultation",
                "key": c.key,
                "regulation": c.version.regulation.key,
                "version": c.version.kind,
                "title_zh": c.title_zh,
                "title_en": c.title_en,
                "opens_on": c.opens_on.isoformat(),
                "closes_on": c.closes_on.isoformat(),
                "closed_at": c.closed_at.isoformat() if c.closed_at else None,
                "run_by": c.run_by.key,
                "use_of_comments_zh": c.use_of_comments_zh,
                "use_of_comments_en": c.use_of_comments_en,
                "generated": c.generated,
                "response_published_at": response.published_at.isoformat() if response else None,
                "response_summary_zh": response.summary_zh if response else "",
                "response_summary_en": response.summary_en if response else "",
            },
        )
        accepted = {
            t.pk: t
            for t in Theme.objects.filter(consultation=c, status=ThemeStatus.ACCEPTED).order_by(
                "id"
            )
        }
        rows = (
            visibility.public_comments()
            .filter(consultation=c)
            .select_related("provision")
            .order_by("id")
        )
        members: dict[int, int] = Counter()
        for m in rows.iterator(chunk_size=2000):
            theme = accepted.get(m.theme_id)
            if theme is not None:
                members[theme.pk] += 1
            yield (
                "comment",
                {
                    "type": "comment",
                    "key": comment_key(c.key, m.pk),
                    "consultation": c.key,
                    "provision": m.provision.number if m.provision else "",
                    "capacity": m.capacity,
                    "organization_name": m.organization_name,
                    "text": m.text,
                    "created_at": m.created_at.isoformat(),
                    "edited_at": m.edited_at.isoformat() if m.edited_at else None,
                    "moderated_at": m.moderated_at.isoformat() if m.moderated_at else None,
                    "campaign": m.campaign,
                    "theme": f"{c.key}.t{theme.pk}" if theme else "",
                    "generated": m.generated,
                },
            )
        for t in accepted.values():
            yield (
                "theme",
                {
                    "type": "theme",
                    "key": f"{c.key}.t{t.pk}",
                    "consultation": c.key,
                    "label_zh": t.label_zh,
                    "label_en": t.label_en,
                    "keywords": ", ".join(t.keywords),
                    "comments": members[t.pk],
                },
            )


def theme_members(*, themes: list[ThemeView], limit: int = 30) -> None:
    """Give each theme view ``members``: its first published comments (for staff to
    split a theme or move a comment out of it), in one query; ``more`` says how
    many are not listed."""
    ids = [t.theme.pk for t in themes]
    rows = (
        visibility.public_comments()
        .filter(theme_id__in=ids)
        .select_related("provision")
        .order_by("theme_id", "id")
    )
    listed: dict[int, list[Comment]] = defaultdict(list)
    for c in rows:
        if len(listed[c.theme_id]) < limit:
            listed[c.theme_id].append(c)
    for t in themes:
        t.members = listed.get(t.theme.pk, [])
        t.more = max(t.total - len(t.members), 0)
