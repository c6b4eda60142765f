"""What is new for a followed thing: one function per target, all but regulations
answered by the search selector (newest first), so feeds, digests and the
search page agree."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from django.http import QueryDict
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from lianghui.laws import selectors as laws
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Topic
from lianghui.search import params as search_params
from lianghui.search import selectors as search

from .enums import Target
from .models import DigestSetting, Follow

MAX_ITEMS = 30


@dataclass
class Item:
    guid: str
    title: str
    link: str
    description: str
    date: dt.date | None
    kind: str


@dataclass
class Followed:
    """A followable thing: its name, page and feed."""

    target: str
    key: str
    name: str
    url: str
    feed_url: str


def _lookup(target: str, key: str):
    if target == Target.MEMBER:
        return Member.objects.filter(key=key).first()
    if target == Target.AGENCY:
        return Organization.objects.filter(key=key).first()
    if target == Target.TOPIC:
        return Topic.objects.filter(key=key).first()
    if target == Target.REGULATION:
        return laws.Regulation.objects.filter(key=key).first()
    if target == Target.CONSULTATION:
        from lianghui.consultations import selectors as consultations

        return consultations.consultation_list().filter(key=key).first()
    return None


FEEDS = {
    Target.MEMBER: "member",
    Target.AGENCY: "agency",
    Target.TOPIC: "topic",
    Target.REGULATION: "regulation",
    Target.CONSULTATION: "consultation",
}


def followed(*, target: str, key: str) -> Followed | None:
    """The thing, or None if there is no such record (or the search is empty)."""
    if target == Target.SEARCH:
        q = QueryDict(key)
        name = q.get("q", "") or "*"
        return Followed(
            target,
            key,
            name,
            reverse("search:search") + "?" + key,
            reverse("feeds:search") + "?" + key,
        )
    record = _lookup(target, key)
    if record is None:
        return None
    name = record.title if target in (Target.REGULATION, Target.CONSULTATION) else record.name
    url = (
        reverse("watch:topic", args=[key]) if target == Target.TOPIC else record.get_absolute_url()
    )
    return Followed(target, key, name, url, reverse(f"feeds:{FEEDS[target]}", args=[key]))


def _hits_as_items(results) -> list[Item]:
    out = []
    for hit in results.hits:
        doc = hit.doc
        out.append(
            Item(
                guid=f"{doc.doc_type}:{doc.object_id}",
                title=_plain(str(hit.title)),
                link=hit.url,
                description=_plain(str(hit.snippet)),
                date=doc.date,
                kind=hit.type_label,
            )
        )
    return out


def _plain(markup: str) -> str:
    """Highlighted, escaped HTML back to text (the feed generator escapes it)."""
    return html.unescape(strip_tags(markup))


def search_items(
    *, query: str = "", filters=None, since: dt.date | None = None, until: dt.date | None = None
) -> list[Item]:
    filters = filters or search.SearchFilters()
    if since or until:
        filters = search.narrowed(filters, since=since, until=until)
    results = search.search(query=query, filters=filters, sort="newest", page=1, with_facets=False)
    return _hits_as_items(results)[:MAX_ITEMS]


def _entry_kind(entry) -> str:
    return entry.stage or ("version" if entry.version else "event")


def _entry_description(entry) -> str:
    """What happened, with its date as precisely as the source states it."""
    from lianghui.laws.dates import shown

    when = shown(entry.date, entry.precision)
    note = entry.event.note if entry.event else ""
    return f"{when}: {note or entry.label}"


def items(
    *, target: str, key: str, since: dt.date | None = None, until: dt.date | None = None
) -> list[Item]:
    """Newest first, at most MAX_ITEMS; optionally only those dated in [since, until)."""
    if target == Target.REGULATION:
        try:
            regulation = laws.regulation_detail(key=key)
        except laws.Regulation.DoesNotExist:
            return []
        entries = laws.regulation_timeline(regulation=regulation)
        out = [
            Item(
                guid=f"regulation:{regulation.pk}:{_entry_kind(e)}:{e.date}:{i}",
                title=f"{regulation.title}: {e.label}",
                link=e.version.get_absolute_url() if e.version else regulation.get_absolute_url(),
                description=_entry_description(e),
                date=e.date,
                kind=e.label,
            )
            for i, e in enumerate(entries)
            if (not since or e.date >= since) and (not until or e.date < until)
        ]
        return list(reversed(out))[:MAX_ITEMS]
    if target == Target.CONSULTATION:
        return consultation_items(key=key, since=since, until=until)
    if target == Target.SEARCH:
        params = QueryDict(key)
        filters, _fields, _hidden, _ignored = search_params.read(params, search.reference_labels())
        return search_items(query=params.get("q", ""), filters=filters, since=since, until=until)
    field = {Target.MEMBER: "member", Target.AGENCY: "agency", Target.TOPIC: "topic"}[target]
    return search_items(filters=search.SearchFilters(**{field: key}), since=since, until=until)


def consultation_items(
    *, key: str, since: dt.date | None = None, until: dt.date | None = None
) -> list[Item]:
    """A consultation's published comments and its response, newest first. Read from
    the records under the visibility policy, so a withdrawn comment leaves at once."""
    from lianghui.consultations import selectors as consultations

    try:
        consultation = consultations.consultation_detail(key=key)
    except consultations.Consultation.DoesNotExist:
        return []
    comments = consultations.comments_shown(consultation=consultation, viewer=None).order_by(
        "-created_at", "-id"
    )
    if since:
        comments = comments.filter(created_at__date__gte=since)
    if until:
        comments = comments.filter(created_at__date__lt=until)
    out = []
    response = consultations.response_of(consultation)
    if response is not None:
        day = response.published_at.date()
        if (not since or day >= since) and (not until or day < until):
            out.append(
                Item(
                    guid=f"consultation:{consultation.pk}:response",
                    title=f"{consultation.title}: {_('What we heard and what changed')}",
                    link=consultation.get_absolute_url() + "#response",
                    description=response.summary,
                    date=day,
                    kind=str(_("Response")),
                )
            )
    for c in comments[:MAX_ITEMS]:
        out.append(
            Item(
                guid=f"comment:{c.pk}",
                title=f"{consultation.title}: {c.get_capacity_display()}",
                link=f"{consultation.get_absolute_url()}#comment-{c.pk}",
                description=c.text[:1000],
                date=c.created_at.date(),
                kind=str(_("Consultation comment")),
            )
        )
    return out[:MAX_ITEMS]


def follows_of(*, user):
    return Follow.objects.filter(user=user).order_by("target", "label", "id")


def is_following(*, user, target: str, key: str) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and Follow.objects.filter(user=user, target=target, key=key).exists()
    )


def digest_of(*, user) -> DigestSetting | None:
    return DigestSetting.objects.filter(user=user).first()
