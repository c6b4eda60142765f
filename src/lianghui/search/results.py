"""What a search returns (hits, facets, the results page) and how it is built
from what the engine found: the order of the rows, facet counts from their
filter tokens, labels and highlighting (which depend on the language).
Document types' names, links and status labels come from the registry."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lianghui.core import versioning
from lianghui.proposals import vocabulary
from lianghui.proposals.models import Body, ProposalKind, Session, Topic

from . import filtertokens, registry
from .enums import Sort
from .filters import SearchFilters
from .models import SearchDocument
from .query import ParsedQuery
from .snippets import highlight

FACET_LIMIT = 12


FACET_ORDER = [
    ("type", gettext_lazy("Type of record")),
    ("body", gettext_lazy("Body")),
    ("year", gettext_lazy("Year")),
    ("session", gettext_lazy("Session")),
    ("kind", gettext_lazy("Kind of proposal")),
    ("status", gettext_lazy("Status or stage")),
    ("topic", gettext_lazy("Topic")),
    ("agency", gettext_lazy("Agency")),
    ("group", gettext_lazy("Delegation or sector")),
    ("category", gettext_lazy("Reply category")),
    ("key", gettext_lazy("Key proposals")),
    ("generated", gettext_lazy("Origin")),
]


@dataclass
class Labels:
    """Names of reference records, for facets and filter options."""

    bodies: dict[str, Body]
    sessions: dict[str, Session]
    kinds: dict[str, ProposalKind]
    topics: dict[str, Topic]


LABELS_SECONDS = 600


def reference_labels() -> Labels:
    """The reference records' names, kept in the default cache under the
    reference version (moved by every change to records other than proposals
    and their parts): read afresh they were four queries and some sixty model
    instances on every search page, topic page and feed."""
    key = f"search:labels:{versioning.current(versioning.REFERENCE)}"
    cache = versioning.response_cache()
    labels = cache.get(key)
    if labels is None:
        labels = _read_labels()
        cache.set(key, labels, LABELS_SECONDS)
    return labels


def _read_labels() -> Labels:
    return Labels(
        bodies={b.key: b for b in Body.objects.order_by("key")},
        sessions={
            s.key: s for s in Session.objects.select_related("body").order_by("-year", "body__key")
        },
        kinds={k.key: k for k in ProposalKind.objects.select_related("body").order_by("key")},
        topics={t.key: t for t in Topic.objects.order_by("key")},
    )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    at_least: bool = False  # counted among the first CAP results only: a lower bound


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    more: int = 0  # values left out


@dataclass
class Hit:
    doc: SearchDocument
    url: str
    type_label: str
    title: object  # SafeString, highlighted
    title_lang: str
    context: str
    snippet: object  # SafeString, highlighted
    snippet_lang: str
    status_label: str
    by_meaning: bool = False  # found by what the query means, not by its words


@dataclass
class SearchResults:
    query: ParsedQuery
    filters: SearchFilters
    sort: str
    total: int
    page: Page
    facets: list[Facet] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    failed: bool = False
    capped: bool = False  # more than ``total`` results: shown as "2,000+"

    @property
    def hits(self) -> list[Hit]:
        return list(self.page.object_list)

    @property
    def any_by_meaning(self) -> bool:
        return any(h.by_meaning for h in self.page.object_list)


def order(rows: list[tuple], sort: str) -> list[int]:
    if sort == Sort.RELEVANCE:
        return [r[0] for r in sorted(rows, key=lambda r: (r[3], r[0]))]
    newest = sort != Sort.OLDEST
    dated = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r[0]))
    undated = sorted((r for r in rows if r[1] is None), key=lambda r: r[0])
    if newest:
        dated.reverse()
        undated.reverse()
    return [r[0] for r in dated + undated]


_MEMBER = filtertokens.token("member", "")


def count_facets(rows: list[tuple]) -> dict[str, Counter]:
    # One join and split: a generator over each row's words was most of the time.
    tokens = Counter(" ".join(r[2] for r in rows).split())
    counts: dict[str, Counter] = defaultdict(Counter)
    for tok, n in tokens.items():
        if tok.startswith(_MEMBER):  # no facet; most of the distinct tokens
            continue
        decoded = filtertokens.decode(tok)
        if decoded:
            counts[decoded[0]][decoded[1]] += n
    return counts


def make_hits(
    docs: list[SearchDocument], tokens: list[str], *, by_meaning=frozenset()
) -> list[Hit]:
    hits = [hit(doc, tokens) for doc in docs]
    for h in hits:
        h.by_meaning = h.doc.pk in by_meaning
    return hits


def _zh() -> bool:
    return (get_language() or "en").startswith("zh")


def pick(zh: str, en: str) -> tuple[str, str]:
    if _zh():
        return (zh, "zh-Hans") if zh else (en, "en")
    return (en, "en") if en else (zh, "zh-Hans")


def _url(doc: SearchDocument) -> str:
    t = registry.get(doc.doc_type)
    return t.url(doc) if t else ""


def hit(doc: SearchDocument, tokens: list[str]) -> Hit:
    title, title_lang = pick(doc.title_zh, doc.title_en)
    zh_first = _zh()
    texts = [(doc.text_zh, "zh-Hans"), (doc.text_en, "en")]
    if not zh_first:
        texts.reverse()
    from .snippets import matches

    snippet, snippet_lang = next(
        ((t, lang) for t, lang in texts if t and matches(t, tokens)),
        next(((t, lang) for t, lang in texts if t), ("", "")),
    )
    context, _lang = pick(doc.context_zh, doc.context_en)
    return Hit(
        doc=doc,
        url=_url(doc),
        type_label=registry.type_label(doc.doc_type),
        title=highlight(title, tokens),
        title_lang=title_lang,
        context=context,
        snippet=highlight(snippet, tokens, window=200) if snippet else "",
        snippet_lang=snippet_lang,
        status_label=registry.status_label(doc.doc_type, doc.status),
    )


def build_facets(
    counts, f: SearchFilters, labels: Labels, orgs: dict[str, str], *, capped: bool = False
) -> list[Facet]:
    categories: dict[str, str] | None = None

    def name_of(facet: str, value: str) -> str:
        nonlocal categories
        if facet == "type":
            return registry.type_label(value)
        if facet == "body":
            b = labels.bodies.get(value)
            return (
                (b.short_name_en if not _zh() and b and b.short_name_en else str(b)) if b else value
            )
        if facet == "session":
            s = labels.sessions.get(value)
            return s.name if s else value
        if facet == "kind":
            k = labels.kinds.get(value)
            return f"{k.body} · {k.name}" if k else value
        if facet == "status":
            return str(registry.status_choices().get(value, value))
        if facet == "topic":
            t = labels.topics.get(value)
            return t.name if t else value
        if facet in ("agency", "group"):
            return orgs.get(value, value)
        if facet == "category":
            if categories is None:
                # Read once, not per value (outside a request nothing keeps the terms).
                categories = dict(vocabulary.all_choices(vocabulary.REPLY_CATEGORY))
            return categories.get(value, value)
        if facet == "key":
            return _("Key proposals") if value == "1" else _("Other records")
        if facet == "generated":
            return _("Generated demo data") if value == "1" else _("Real records (cited)")
        return value

    out = []
    for name, label in FACET_ORDER:
        c = counts.get(name)
        if not c:
            continue
        current = getattr(f, name)
        if isinstance(current, bool):
            current = "1" if current else "0"
        current = "" if current is None else str(current)
        if name == "year":
            items = sorted(c.items(), key=lambda kv: kv[0], reverse=True)
        else:
            items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = items[:FACET_LIMIT]
        if current and all(v != current for v, _n in shown):
            shown += [(v, n) for v, n in items if v == current]
        values = [FacetValue(v, name_of(name, v), n, v == current, capped) for v, n in shown]
        if name == "key" and "1" not in c:
            continue
        out.append(Facet(name, str(label), values, max(0, len(items) - len(shown))))
    return out
