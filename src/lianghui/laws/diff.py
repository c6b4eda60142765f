"""Compare two texts of a regulation article by article.

Articles are matched by what they say, not by their number: a revision that
inserts an article renumbers every one after it, and a number match would
report them all as rewritten. Identical texts pair first, then the most similar
remaining pairs (character n-gram cosine over both languages, the analyzer the
insights app uses for routing) down to ``THRESHOLD``. What stays unmatched was
added or removed. A matched article is *renumbered* when its number changed and
*moved* when it left the order of the other matched articles (it is not on the
longest run of matches kept in order).

Within a matched article the change is shown by word in English and by
character in Chinese, which has no spaces to split words on.

The library takes plain ``Article`` values, so it runs without a database;
``articles_of`` builds them from a version's provisions.
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from lianghui.insights.text import CharAnalyzer, normalize

# Below this similarity two articles are different articles, not one revised.
THRESHOLD = 0.45

_ANALYZER = CharAnalyzer(ngram_range=(2, 3))
_WORDS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass
class Article:
    number: str
    text_zh: str = ""
    text_en: str = ""
    heading_zh: str = ""
    heading_en: str = ""
    anchor: str = ""  # the fragment of the article on its version's page
    chapter_zh: str = ""
    chapter_en: str = ""

    @cached_property
    def grams(self) -> Counter:
        return Counter(_ANALYZER(f"{self.text_zh}\n{self.text_en}"))

    @cached_property
    def squeezed(self) -> str:
        return re.sub(r"\s+", "", normalize(f"{self.text_zh}\n{self.text_en}"))


@dataclass
class Segment:
    op: str  # "equal", "insert" or "delete"
    text: str


@dataclass
class Row:
    """One line of the side-by-side view: an article before and after."""

    old: Article | None
    new: Article | None
    similarity: float = 0.0
    moved: bool = False
    segments_zh: list[Segment] = field(default_factory=list)
    segments_en: list[Segment] = field(default_factory=list)

    @property
    def added(self) -> bool:
        return self.old is None

    @property
    def removed(self) -> bool:
        return self.new is None

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)

    @property
    def changed(self) -> bool:
        return bool(
            self.old
            and self.new
            and (self.old.text_zh, self.old.text_en) != (self.new.text_zh, self.new.text_en)
        )

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved or self.renumbered)

    @property
    def status(self) -> str:
        """The main kind of change, for styling and counting."""
        if self.added:
            return "added"
        if self.removed:
            return "removed"
        if self.changed:
            return "changed"
        if self.moved:
            return "moved"
        if self.renumbered:
            return "renumbered"
        return "unchanged"


@dataclass
class Comparison:
    rows: list[Row]

    def counts(self) -> dict[str, int]:
        counts = Counter(r.status for r in self.rows)
        counts["moved"] = sum(r.moved for r in self.rows)
        counts["renumbered"] = sum(r.renumbered for r in self.rows)
        return dict(counts)


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _tokens(text: str, lang: str) -> list[str]:
    return list(text) if lang == "zh" else _WORDS.findall(text)


def inline_diff(old: str, new: str, lang: str) -> list[Segment]:
    """Segments of ``new`` against ``old``: by character for Chinese, by word otherwise."""
    a, b = _tokens(old, lang), _tokens(new, lang)
    out: list[Segment] = []

    def add(op: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if out and out[-1].op == op:
            out[-1].text += text
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return out


def _in_order(seq: list[int]) -> set[int]:
    """Indexes into ``seq`` of one longest increasing subsequence."""
    tails: list[int] = []  # seq value ending the best run of each length
    tail_at: list[int] = []  # its index in seq
    previous = [-1] * len(seq)
    for i, value in enumerate(seq):
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_at.append(i)
        else:
            tails[k] = value
            tail_at[k] = i
        previous[i] = tail_at[k - 1] if k else -1
    kept: set[int] = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        kept.add(i)
        i = previous[i]
    return kept


def match(old: list[Article], new: list[Article]) -> dict[int, tuple[int, float]]:
    """Old index -> (new index, similarity) for the articles that are one article."""
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, article in enumerate(new):
        by_text.setdefault(article.squeezed, []).append(j)
    for i, article in enumerate(old):
        for j in by_text.get(article.squeezed, ()):
            if j not in taken:
                pairs[i] = (j, 1.0)
                taken.add(j)
                break
    candidates = sorted(
        (
            (_cosine(a.grams, b.grams), i, j)
            for i, a in enumerate(old)
            if i not in pairs
            for j, b in enumerate(new)
            if j not in taken
        ),
        # Best first; between equals, the pair nearest in position.
        key=lambda c: (-c[0], abs(c[1] - c[2]), c[1]),
    )
    for score, i, j in candidates:
        if score < THRESHOLD:
            break
        if i in pairs or j in taken:
            continue
        pairs[i] = (j, score)
        taken.add(j)
    return pairs


def compare(old: list[Article], new: list[Article]) -> Comparison:
    """Rows in the new text's order; a removed article follows the row of its predecessor."""
    pairs = match(old, new)
    matched_old = sorted(pairs)
    ordered = _in_order([pairs[i][0] for i in matched_old])
    moved = {matched_old[k] for k in range(len(matched_old)) if k not in ordered}
    keyed: list[tuple[tuple, Row]] = []
    new_of_old = {i: j for i, (j, _s) in pairs.items()}
    old_of_new = {j: (i, s) for i, (j, s) in pairs.items()}
    for j, article in enumerate(new):
        if j in old_of_new:
            i, score = old_of_new[j]
            before = old[i]
            row = Row(
                before,
                article,
                similarity=score,
                moved=i in moved,
                segments_zh=inline_diff(before.text_zh, article.text_zh, "zh"),
                segments_en=inline_diff(before.text_en, article.text_en, "en"),
            )
        else:
            row = Row(None, article)
        keyed.append(((j, 0, 0), row))
    for i, article in enumerate(old):
        if i in pairs:
            continue
        anchor = next((new_of_old[k] for k in range(i - 1, -1, -1) if k in new_of_old), -1)
        keyed.append(((anchor, 1, i), Row(article, None)))
    keyed.sort(key=lambda kr: kr[0])
    return Comparison([row for _k, row in keyed])


def articles_of(provisions) -> list[Article]:
    """A version's articles, their paragraphs' text joined to theirs, in order.

    ``provisions`` are all of one version's provisions in position order.
    """
    from .enums import ProvisionKind

    by_id = {p.id: p for p in provisions}
    articles: list[Article] = []
    own: dict[int, Article] = {}
    for p in provisions:
        if p.kind == ProvisionKind.ARTICLE:
            chapter = by_id.get(p.parent_id)
            article = Article(
                number=p.number,
                text_zh=p.text_zh,
                text_en=p.text_en,
                heading_zh=p.heading_zh,
                heading_en=p.heading_en,
                anchor=anchor_of(p),
                chapter_zh=_heading(chapter, "zh"),
                chapter_en=_heading(chapter, "en"),
            )
            own[p.id] = article
            articles.append(article)
        elif p.kind == ProvisionKind.PARAGRAPH and p.parent_id in own:
            article = own[p.parent_id]
            article.text_zh = "\n".join(t for t in (article.text_zh, p.text_zh) if t)
            article.text_en = "\n".join(t for t in (article.text_en, p.text_en) if t)
    return articles


def _heading(provision, lang: str) -> str:
    if provision is None:
        return ""
    heading = getattr(provision, f"heading_{lang}")
    return " ".join(t for t in (provision.number, heading) if t)


def anchor_of(provision) -> str:
    """The fragment of a provision on its version's page (stable across renders)."""
    return f"{provision.kind}-{provision.position}"
