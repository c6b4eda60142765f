"""The search box's syntax, parsed by a small parser that never fails.

    数字经济 platform       both words (any order, anywhere)
    "人工智能 治理"         a phrase: these words next to each other, in this order
    外卖 OR 快递            either word (OR in capitals, or |)
    算法 -推荐              the first word but not the second
    -"digital economy"     exclusion works on phrases too

Anything else is read as words: unbalanced quotes close at the end, operators
with nothing to act on are ignored, punctuation separates words. What the
parser had to change is reported in ``messages`` so the page can say so.

The parse tree is small: the query must match every clause; a clause is a
choice (OR) of alternatives; an alternative needs all its atoms; an atom is one
token or a phrase of tokens. ``to_fts5`` and ``to_tsquery`` write it out for
SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import (
    CONTROL_CHARS,
    QUERY_STOPWORDS,
    SOME_PAIRS,
    has_cjk,
    normalise,
    pair_token,
    query_tokens,
    query_words,
)

MAX_QUERY_LENGTH = 500
MAX_ATOMS = 24

Atom = tuple[str, ...]  # one token, or a phrase of several
Alt = tuple[Atom, ...]  # all of these
Clause = tuple[Alt, ...]  # any of these

_CHUNK = re.compile(r'(-?)"([^"]*)("?)|(\S+)')
_OR = {"OR", "|", "或"}


@dataclass(frozen=True)
class ParsedQuery:
    text: str = ""
    must: tuple[Clause, ...] = ()
    must_not: tuple[Alt, ...] = ()
    messages: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.must and not self.must_not

    @property
    def positive_tokens(self) -> list[str]:
        """Every token the results should contain, for highlighting; the parts of a
        Chinese phrase as the one string they spell (人工 智能: 人工智能)."""
        seen: dict[str, None] = {}
        for clause in self.must:
            for alt in clause:
                for atom in alt:
                    if len(atom) > 1 and all(has_cjk(t) for t in atom):
                        seen.setdefault("".join(atom), None)
                        continue
                    for token in atom:
                        seen.setdefault(token, None)
        return list(seen)


def _clean(text: str) -> str:
    # Quotes people type on Chinese and smart keyboards count as quotes.
    return re.sub(r"[“”„‟＂「」『』]", '"', text)


def parse(raw: str) -> ParsedQuery:
    messages: list[str] = []
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        raw = raw[:MAX_QUERY_LENGTH]
        messages.append(
            _("The search was cut to its first %(n)d characters.") % {"n": MAX_QUERY_LENGTH}
        )
    text = _clean(normalise(raw)).strip()
    # Chunks and operators are read before case-folding: OR must be in capitals.
    source = _clean(unicodedata.normalize("NFKC", CONTROL_CHARS.sub(" ", raw)))
    items: list[tuple[str, object]] = []  # ("or", None) | ("pos"/"neg", Alt)
    unclosed = False
    for m in _CHUNK.finditer(source):
        neg, quoted, closing, bare = m.group(1), m.group(2), m.group(3), m.group(4)
        if bare is not None:
            if bare in _OR:
                items.append(("or", None))
                continue
            negative = bare.startswith("-") and len(bare) > 1
            word = bare[1:] if negative else bare
            words = query_words(word)
            if not words:
                continue
            alt: Alt = tuple(words)
            items.append(("neg" if negative else "pos", alt))
        else:
            if not closing:
                unclosed = True
            tokens = query_tokens(quoted)
            if not tokens:
                continue
            items.append(("neg" if neg else "pos", (tuple(tokens),)))
    if unclosed:
        messages.append(_("A quotation mark was not closed; it was closed at the end."))

    must: list[list[Alt]] = []
    must_not: list[Alt] = []
    pending_or = False
    dropped_or = False
    for kind, alt in items:
        if kind == "or":
            if must and not pending_or:
                pending_or = True
            else:
                dropped_or = True
            continue
        if kind == "neg":
            if pending_or:
                dropped_or = True
                pending_or = False
            must_not.append(alt)  # type: ignore[arg-type]
            continue
        if pending_or:
            must[-1].append(alt)  # type: ignore[arg-type]
            pending_or = False
        else:
            must.append([alt])  # type: ignore[list-item]
    if pending_or:
        dropped_or = True
    if dropped_or:
        messages.append(_("An OR with nothing on one side was ignored."))

    must, must_not = _drop_stopwords(must, must_not)
    must, must_not, cut = _limit(must, must_not)
    if cut:
        messages.append(_("Only the first %(n)d words of the search were used.") % {"n": MAX_ATOMS})
    if not must and must_not:
        messages.append(_("Showing everything except the excluded words."))
    return ParsedQuery(
        text=text,
        must=tuple(tuple(clause) for clause in must),
        must_not=tuple(must_not),
        messages=tuple(messages),
    )


def _drop_stopwords(must, must_not):
    def keep(atom: Atom) -> bool:
        return len(atom) > 1 or atom[0] not in QUERY_STOPWORDS

    pruned = []
    for clause in must:
        alts = [tuple(a for a in alt if keep(a)) for alt in clause]
        if all(alts):
            pruned.append(alts)
        else:
            pruned.append(None)
    if all(p is None for p in pruned):
        return must, must_not  # only stopwords: search for them after all
    return [p for p in pruned if p is not None], must_not


def _limit(must, must_not):
    budget = MAX_ATOMS
    out_must, out_not, cut = [], [], False
    for clause in must:
        size = sum(len(alt) for alt in clause)
        if size > budget:
            cut = True
            break
        budget -= size
        out_must.append(clause)
    for alt in must_not:
        if len(alt) > budget:
            cut = True
            break
        budget -= len(alt)
        out_not.append(alt)
    return out_must, out_not, cut


# ---------------------------------------------------------------------------
# Writing the tree out for each database. Tokens hold letters and digits only.


def _fts5_atom(atom: Atom) -> str:
    return '"' + " ".join(atom) + '"'


def _fts5_alt(alt: Alt) -> str:
    return "(" + " AND ".join(_fts5_atom(a) for a in alt) + ")"


def _fts5_any(alts) -> str:
    return "(" + " OR ".join(_fts5_alt(a) for a in alts) + ")"


def to_fts5(q: ParsedQuery) -> tuple[str, str]:
    """(positive expression, negative expression) for FTS5 MATCH; either may be ""."""
    positive = " AND ".join(_fts5_any(clause) for clause in q.must)
    negative = _fts5_any(q.must_not) if q.must_not else ""
    return positive, negative


def atom_lexemes(atom: Atom) -> list[str]:
    """The index words an atom needs on PostgreSQL: its token, or a phrase's pairs
    (see text.pair_token)."""
    if len(atom) == 1:
        return [atom[0]]
    return [pair_token(a, b) for a, b in zip(atom, atom[1:], strict=False)]


def _ts_atom(atom: Atom, weights: str, pairs: bool) -> str:
    marked = f":{weights}" if weights else ""
    if len(atom) == 1:
        return f"('{atom[0]}'{marked})"
    positions = "(" + " <-> ".join(f"'{t}'{marked}" for t in atom) + ")"
    if not pairs:
        return positions
    # A pair word says the two tokens stand together: exact for two tokens, and
    # for more the pairs narrow the rows that the positions (<->) are checked in.
    # A very long document keeps only some pairs (SOME_PAIRS): there positions
    # decide. PostgreSQL's GIN index answers "maybe" only for such rows, so only
    # they are checked on positions (a row holding the pair is a plain "yes").
    found = " & ".join(f"'{p}'" for p in atom_lexemes(atom))
    if len(atom) == 2:
        return f"(({found}) | ('{SOME_PAIRS}' & {positions}))"
    return f"((({found}) | '{SOME_PAIRS}') & {positions})"


def _ts_alt(alt: Alt, weights: str, pairs: bool) -> str:
    return "(" + " & ".join(_ts_atom(a, weights, pairs) for a in alt) + ")"


def _ts_any(alts, weights: str, pairs: bool) -> str:
    return "(" + " | ".join(_ts_alt(a, weights, pairs) for a in alts) + ")"


def to_tsquery(q: ParsedQuery, *, weights: str = "", pairs: bool = True) -> tuple[str, str]:
    """(positive, negative) tsquery texts for to_tsquery('simple', ...); ``weights``
    (e.g. "AB") limits every word to those parts of the document. ``pairs``: a
    phrase is found by its pair words (the index's way); without, by positions
    alone (what ts_rank needs: pair words carry no positions or weights, so they
    would rank every match alike)."""
    positive = " & ".join(_ts_any(clause, weights, pairs) for clause in q.must)
    negative = _ts_any(q.must_not, weights, pairs) if q.must_not else ""
    return positive, negative
