"""A body's own vocabulary: its reply categories, satisfaction scale, handling
roles, review outcomes and reasons for not filing (proposals.Term).

Records store a term's code; every channel asks here for the choices a body
offers, whether a code is one of them, and what it is called (forms, services,
the API, figures, the timeline, templates). A body with no terms of a vocabulary
has none of it: no rating form and no satisfaction figures without a
satisfaction scale, no category without reply categories.

Two vocabularies name workflow states and so are closed sets: handling roles are
among lead/joint/assisting (the lead is required: one per proposal, the others
follow it) and outcomes among the review decisions (filed is required); a body
chooses which it uses and what it calls them. A satisfaction code
``unsatisfied`` is the rating that lets the office reopen handling.

The enums in enums.py are the Chinese defaults, copied to a body created
without a vocabulary of its own (``vocabulary_defaults_copy``).

All terms are read in one query and kept for the rest of a scope, ``cached()``:
each request (``RequestCache``), each of the worker's tasks, the demo's
generator, a command's block of work; elsewhere each call reads them afresh. A
write to terms or kinds within a scope drops its copy (``forget()``: called by
the bulk writers, and on the models' save and delete). A record's page that
reads its own row in one statement brings its body's terms in it (``BODY_TERMS``,
``seed``), so the page reads no terms apart.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from lianghui.core.prepared import Prepared

from .enums import (
    AssignmentRole,
    NotFiledReason,
    Rating,
    ReplyCategory,
    ReviewDecision,
    Status,
    VocabularyKind,
)
from .models import Body, ProposalKind, Term

REPLY_CATEGORY = VocabularyKind.REPLY_CATEGORY
SATISFACTION = VocabularyKind.SATISFACTION
HANDLING_ROLE = VocabularyKind.HANDLING_ROLE
OUTCOME = VocabularyKind.OUTCOME
NOT_FILED_REASON = VocabularyKind.NOT_FILED_REASON

DEFAULT_ENUMS = {
    REPLY_CATEGORY: ReplyCategory,
    SATISFACTION: Rating,
    HANDLING_ROLE: AssignmentRole,
    OUTCOME: ReviewDecision,
    NOT_FILED_REASON: NotFiledReason,
}
# Vocabularies whose codes are workflow states: the allowed codes, and the one required.
CLOSED = {
    HANDLING_ROLE: (frozenset(AssignmentRole.values), AssignmentRole.LEAD.value),
    OUTCOME: (frozenset(ReviewDecision.values), ReviewDecision.FILED.value),
}
CODE_MAX_LENGTH = 30

_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar("vocabulary", default=None)


@contextlib.contextmanager
def cached():
    """The one scope in which the terms (and which body each kind is of) are read at
    most once: a request (``RequestCache``), a worker's task, the demo's generator,
    a command's block of work. A block within another shares its copy. A write to
    terms or kinds within it drops the copy (``forget``, also on their models'
    save and delete), so the next label reads them anew."""
    if _cache.get() is not None:
        yield
        return
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


class RequestCache:
    """Middleware: each request is one ``cached()`` scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with cached():
            return self.get_response(request)


# Compiled once: every request that names a status or category reads them.
_TERMS = Prepared(lambda: Term.objects.order_by("body_id", "vocabulary", "order", "code"))
# One body's terms, in the same order: run inside a record's own statement
# (``Prepared.rows_column`` with the body's id), then given to ``seed``.
BODY_TERMS = Prepared(
    lambda body_id: Term.objects.filter(body_id=body_id).order_by("vocabulary", "order", "code"),
    int,
)


def seed(body_id: int, rows) -> None:
    """The scope's copy of one body's terms, from ``BODY_TERMS``'s rows read by
    another statement (outside a scope there is nothing to keep them in)."""
    cached = _cache.get()
    if cached is None:
        return
    by_vocabulary: dict[str, list[Term]] = defaultdict(list)
    for term in BODY_TERMS.from_rows(rows):
        by_vocabulary[term.vocabulary].append(term)
    cached.setdefault("bodies", {})[body_id] = by_vocabulary


def _body_id(body: Body | int) -> int:
    return body if isinstance(body, int) else body.pk


def _all() -> dict[int, dict[str, list[Term]]]:
    cached = _cache.get()
    if cached is not None and "terms" in cached:
        return cached["terms"]
    by_body: dict[int, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for term in _TERMS():
        by_body[term.body_id][term.vocabulary].append(term)
    if cached is not None:
        cached["terms"] = by_body
    return by_body


def body_of_kind(kind_id: int) -> int | None:
    """The body a proposal kind belongs to (all kinds read once per request), so a
    record reached from its proposal is labelled without another join."""
    cached = _cache.get()
    if cached is not None and "kinds" in cached:
        kinds = cached["kinds"]
    else:
        kinds = dict(ProposalKind.objects.values_list("id", "body_id"))
        if cached is not None:
            cached["kinds"] = kinds
    return kinds.get(kind_id)


def body_of(proposal) -> int:
    """The proposal's body id, from what is already loaded when it is."""
    state = proposal._state.fields_cache
    if "session" in state:
        return state["session"].body_id
    if "kind" in state:
        return state["kind"].body_id
    return body_of_kind(proposal.kind_id) or 0


def of_proposal(proposal, name: str, code: str) -> str:
    """What the proposal's body calls a code."""
    return label(body_of(proposal), name, code)


def forget(*_args, **_kwargs) -> None:
    """Drop the scope's copy (after a write to terms or kinds within it); a signal
    receiver too."""
    cached = _cache.get()
    if cached is not None:
        cached.pop("terms", None)
        cached.pop("bodies", None)
        cached.pop("kinds", None)


def connect() -> None:
    """Writes through the models (the admin's inlines, a shell, a service) drop the
    scope's copy; bulk writers (the importer, ``vocabulary_defaults_copy``) call
    ``forget()`` themselves."""
    from django.db.models.signals import post_delete, post_save

    for model in (Term, ProposalKind):
        post_save.connect(forget, sender=model, dispatch_uid=f"vocabulary-{model.__name__}-save")
        post_delete.connect(
            forget, sender=model, dispatch_uid=f"vocabulary-{model.__name__}-delete"
        )


def terms(body: Body | int, vocabulary: str) -> list[Term]:
    """The body's terms of one vocabulary, in order ([] when it has none)."""
    body_id = _body_id(body)
    cached = _cache.get()
    seeded = cached.get("bodies") if cached is not None else None
    found = seeded[body_id] if seeded and body_id in seeded else _all().get(body_id)
    return list(found.get(vocabulary, ())) if found else []


def has(body: Body | int, vocabulary: str) -> bool:
    return bool(terms(body, vocabulary))


def codes(body: Body | int, vocabulary: str) -> list[str]:
    return [t.code for t in terms(body, vocabulary)]


def choices(body: Body | int, vocabulary: str) -> list[tuple[str, str]]:
    """(code, label) pairs in the reader's language, for forms and filters."""
    return [(t.code, t.label) for t in terms(body, vocabulary)]


def label(body: Body | int, vocabulary: str, code: str) -> str:
    """What the body calls a stored code, in the reader's language (the code itself
    if the body no longer has that term; '' for an empty code)."""
    if not code:
        return ""
    for term in terms(body, vocabulary):
        if term.code == code:
            return term.label
    return code


def outcome_name(body: Body | int, status: str) -> str:
    """A status that is a review outcome (filed, not filed, merged, converted) by the
    body's name for the outcome; other statuses, and outcomes the body does not
    name, by the workflow's label. Statuses stay workflow states everywhere."""
    for term in terms(body, OUTCOME):
        if term.code == status:
            return term.label
    return str(Status(status).label)


def all_codes(vocabulary: str) -> list[str]:
    """Every code some body uses in a vocabulary (filters across bodies)."""
    return [code for code, _label in all_choices(vocabulary)]


def all_choices(vocabulary: str) -> list[tuple[str, str]]:
    """(code, label) for every code some body uses, named as the first body that
    uses it names it: for search across bodies, where no one body applies."""
    seen: dict[str, str] = {}
    for _body, by_vocabulary in sorted(_all().items()):
        for term in by_vocabulary.get(vocabulary, ()):
            seen.setdefault(term.code, term.label)
    return list(seen.items())


def check(body: Body | int, vocabulary: str, code: str, field: str) -> None:
    """Refuse a code the body does not have, naming the field and its choices."""
    allowed = codes(body, vocabulary)
    if not allowed:
        if code:
            raise ValidationError(
                {field: _("This body uses no %(vocabulary)s.") % _words(vocabulary)}
            )
        return
    if code not in allowed:
        raise ValidationError(
            {
                field: _("%(code)s is not one of this body's %(vocabulary)s: %(allowed)s.")
                % {"code": repr(code), "allowed": ", ".join(allowed), **_words(vocabulary)}
            }
        )


def _words(vocabulary: str) -> dict:
    return {"vocabulary": str(VocabularyKind(vocabulary).label).lower()}


# --- the defaults, and the rules a body's vocabulary must follow


def defaults() -> list[dict]:
    """The Chinese defaults, from the enums, in both languages."""
    rows = []
    for vocabulary, enum in DEFAULT_ENUMS.items():
        for member in enum:
            row = {"vocabulary": str(vocabulary), "code": member.value, "order": len(rows)}
            for lang, suffix in (("zh-hans", "zh"), ("en", "en")):
                with translation.override(lang):
                    row[f"label_{suffix}"] = str(member.label)
                    row[f"description_{suffix}"] = enum.explain(member.value)
            rows.append(row)
    return rows


WORDS = ("vocabulary", "code", "label_zh", "label_en", "description_zh", "description_en")


def is_default(items: Iterable[dict]) -> bool:
    """Whether a body's terms (dicts, in order) are exactly the defaults: the
    export leaves them out, as the import fills them in."""
    return [tuple(i[w] for w in WORDS) for i in items] == [
        tuple(d[w] for w in WORDS) for d in defaults()
    ]


def problems(entries: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(field, why) for a body's vocabulary given as (vocabulary, code) pairs that
    the workflow could not run on: a role or outcome it does not know, or the lead
    role or the filed outcome missing while others are given."""
    found: dict[str, set[str]] = defaultdict(set)
    for vocabulary, code in entries:
        found[vocabulary].add(code)
    out = []
    for name, (allowed, required) in CLOSED.items():
        vocabulary = str(name)
        given = found.get(vocabulary, set())
        for code in sorted(given - allowed):
            out.append(
                ("code", f"{code!r} is not a {vocabulary} code: {', '.join(sorted(allowed))}")
            )
        if required not in given:
            out.append(("code", f"the {vocabulary} vocabulary needs the code {required!r}"))
    return out


def vocabulary_defaults_copy(*, body: Body) -> int:
    """Give a body without any terms the Chinese defaults; returns how many were made."""
    if Term.objects.filter(body=body).exists():
        return 0
    made = Term.objects.bulk_create(Term(body=body, **row) for row in defaults())
    forget()
    return len(made)
