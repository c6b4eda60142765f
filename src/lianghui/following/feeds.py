"""RSS and Atom feeds of everything one can follow; anonymous, cacheable.

A public channel: every reader gets what the public may see. Items come from
search (selectors.items), which shows only records the visibility policy
(proposals/visibility.py) lets the public see, even while the index lags.

Feed readers render an RSS description, an Atom summary of type html and (most
of them) an RSS title as HTML. Records are plain text, so those carry the text
escaped as HTML: a reply that says ``<script>`` reads as that, never runs.
Everything written passes through ``core.text.clean`` (XML 1.0 refuses most
control characters), so a stored one cannot break a feed.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from lianghui.core.text import clean

from . import selectors
from .enums import Target


def _cleaned(value):
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    return value


class _Clean:
    """A feed generator that writes only characters XML 1.0 allows, and item
    bodies (and, for RSS, titles) as plain text escaped for readers that take
    them as HTML."""

    html_titles = False

    def __init__(self, title, link, description, **kwargs):
        super().__init__(
            _cleaned(title),
            link,
            _cleaned(description),
            **{k: _cleaned(v) for k, v in kwargs.items()},
        )

    def add_item(self, title, link, description, **kwargs):
        title, description = _cleaned(str(title)), _cleaned(str(description))
        super().add_item(
            escape(title) if self.html_titles else title,
            link,
            escape(description),
            **{k: _cleaned(v) for k, v in kwargs.items()},
        )


class RssFeed(_Clean, Rss201rev2Feed):
    html_titles = True


class AtomFeed(_Clean, Atom1Feed):
    """Atom titles are text by definition; summaries are written as type html."""


class _Feed(Feed):
    target: str = ""
    feed_type = RssFeed

    def get_object(self, request, key: str = ""):
        if self.target == Target.SEARCH:
            key = request.GET.urlencode()
        thing = selectors.followed(target=self.target, key=key)
        if thing is None:
            raise Http404(_("No such record."))
        return thing

    def title(self, obj):
        return _("%(name)s — Lianghui") % {"name": obj.name}

    def link(self, obj):
        return obj.url

    def description(self, obj):
        return _("New records for “%(name)s” on Lianghui.") % {"name": obj.name}

    def items(self, obj):
        return selectors.items(target=obj.target, key=obj.key)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description or item.kind

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        if item.date is None:
            return None
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time()))

    def item_updateddate(self, item):
        # Atom needs <updated>; undated records (members, organizations) get today.
        day = item.date or timezone.localdate()
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    def item_categories(self, item):
        return [item.kind]


def _atom(cls):
    return type(f"{cls.__name__}Atom", (cls,), {"feed_type": AtomFeed, "subtitle": cls.description})


class MemberFeed(_Feed):
    target = Target.MEMBER


class AgencyFeed(_Feed):
    target = Target.AGENCY


class TopicFeed(_Feed):
    target = Target.TOPIC


class RegulationFeed(_Feed):
    target = Target.REGULATION


class ConsultationFeed(_Feed):
    target = Target.CONSULTATION


class SearchFeed(_Feed):
    target = Target.SEARCH

    def link(self, obj):
        return reverse("search:search") + "?" + obj.key


class ProposalFeed(Feed):
    """A published proposal's timeline, newest step first: the same steps, in the
    same words, as its page."""

    def get_object(self, request, key: str = ""):
        from lianghui.proposals.selectors import proposal_detail

        try:
            return proposal_detail(key=key, history=True)
        except ObjectDoesNotExist:
            raise Http404(_("No such record.")) from None

    def title(self, obj):
        return _("%(name)s — Lianghui") % {"name": obj.title}

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return _("Each step in the handling of “%(name)s”.") % {"name": obj.title}

    def items(self, obj):
        from lianghui.proposals.timeline import proposal_timeline

        timeline = proposal_timeline(proposal=obj, entries=obj.history)
        steps = [(obj, n, e) for n, e in enumerate(timeline)]
        return list(reversed(steps))[: selectors.MAX_ITEMS]

    def item_title(self, item):
        _proposal, _n, event = item
        text = event.text
        return f"{text} {event.link_text}" if event.link_text else text

    def item_description(self, item):
        return self.item_title(item)

    def item_link(self, item):
        proposal, n, _event = item
        return f"{proposal.get_absolute_url()}#step-{n + 1}"

    def item_guid(self, item):
        proposal, _n, event = item
        return f"proposal:{proposal.pk}:{event.kind}:{event.on}:{event.seq}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        day = item[2].on
        return timezone.make_aware(dt.datetime.combine(day, dt.time())) if day else None

    def item_updateddate(self, item):
        day = item[2].on or timezone.localdate()
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))


FEEDS = {
    "proposal": ProposalFeed,
    "member": MemberFeed,
    "agency": AgencyFeed,
    "topic": TopicFeed,
    "regulation": RegulationFeed,
    "consultation": ConsultationFeed,
    "search": SearchFeed,
}
ATOM = {name: _atom(cls) for name, cls in FEEDS.items()}
