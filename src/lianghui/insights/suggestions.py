"""Suggestions for one proposal, each with its reasons: topics, agencies, duplicates.

Read-only: scores with the newest trained artifacts when there are any, and
otherwise with what needs no training (agencies by their remit, topics by
keywords). A fixed number of queries whatever the size of the database: the
topics, the agencies, one look at the duplicate index for changed rows, and the
candidate duplicates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lianghui.people.models import Organization
from lianghui.proposals import selectors as proposal_selectors
from lianghui.proposals import vocabulary
from lianghui.proposals.enums import AssignmentRole, Status
from lianghui.proposals.models import Proposal, Topic

from . import serving

__all__ = ["Suggestions", "compute", "REVIEW_STATES", "ASSIGN_STATES"]

REVIEW_STATES = {Status.SUBMITTED, Status.UNDER_REVIEW}
ASSIGN_STATES = {Status.FILED, Status.ASSIGNED}
# A duplicate is shown from this similarity up (`duplicates.similarity`, 0..1). Texts
# sharing only stock phrases ("建议有关部门尽快出台…") score about 0.5.
DUPLICATE_THRESHOLD = 0.6
# Candidates sharing fewer character bigrams than this (Jaccard) are not scored: pairs
# at DUPLICATE_THRESHOLD share far more.
PREFILTER_JACCARD = 0.3
# A proposal can be merged only into one the office took up (or is still reviewing).
NOT_MERGE_TARGETS = {Status.NOT_FILED, Status.CONVERTED, Status.WITHDRAWN, Status.DRAFT}
# Pairs are scored on at most this many characters of each text (difflib is quadratic).
PAIR_CHARS = 1500
N_AGENCIES = 5
MIN_SCORE = 0.05
# Below this an agency suggestion is shown with its reasons but without a one-click
# "Assign" button: the office picks it from the full list if it agrees.
ASSIGN_THRESHOLD = 0.3
CO_SHARE = 0.2
N_DUPLICATES = 5


@dataclass
class Example:
    text: str
    similarity: float
    proposal_key: str = ""


@dataclass
class AgencySuggestion:
    agency: Organization
    score: float
    role: str
    terms: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    remit: float = 0.0
    history: bool = True
    role_label: str = ""  # the body's name for the role (set by the office page)

    @property
    def role_name(self) -> str:
        return self.role_label or str(AssignmentRole(self.role).label) if self.role else ""

    def reasons(self) -> dict:
        return {
            "terms": self.terms,
            "examples": [e.proposal_key or e.text[:80] for e in self.examples],
            "remit": round(self.remit, 3),
        }

    def reasons_json(self) -> str:
        return json.dumps(self.reasons(), ensure_ascii=False)

    @property
    def confident(self) -> bool:
        return self.score >= ASSIGN_THRESHOLD


@dataclass
class TopicSuggestion:
    topic: Topic
    score: float
    terms: list[str] = field(default_factory=list)


@dataclass
class DuplicateSuggestion:
    proposal: Proposal
    similarity: float
    passages: list[str]
    same_session: bool
    # Where a merge would go: the candidate, or what the candidate itself was merged into.
    merge_into_key: str = ""
    # Found by sentence vectors (a reworded or translated copy): ``similarity`` is
    # their cosine, ``passages`` the sentences that say the same, "a ↔ b".
    by_meaning: bool = False
    # A copy found by meaning whose matching sentences the worker has yet to find.
    passages_pending: bool = False

    def reasons_json(self) -> str:
        return json.dumps(
            {"similarity": round(self.similarity, 3), "passages": self.passages},
            ensure_ascii=False,
        )


@dataclass
class Suggestions:
    topics: list[TopicSuggestion] = field(default_factory=list)
    agencies: list[AgencySuggestion] = field(default_factory=list)
    duplicates: list[DuplicateSuggestion] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    show_topics: bool = False
    show_agencies: bool = False
    show_duplicates: bool = False
    duplicates_pending: bool = False  # the body's index is still being built
    assign_threshold: float = ASSIGN_THRESHOLD


def compute(proposal: Proposal, *, all_topics=None, agencies=None) -> Suggestions:
    """Suggestions fitting the proposal's stage: duplicates during review, agencies
    once filed, topics at both."""
    body = proposal.session.body
    text = serving.proposal_text(proposal)
    out = Suggestions()
    if proposal.status not in REVIEW_STATES | ASSIGN_STATES or not text.strip():
        return out
    from .algorithms import enabled

    out.show_topics = enabled("topics", body)
    out.show_duplicates = proposal.status in REVIEW_STATES and enabled("duplicates", body)
    out.show_agencies = proposal.status in ASSIGN_STATES and enabled("agency_routing", body)
    # Only the body's own topics and agencies are candidates: a model trained on every
    # body's proposals may name another body's agency, which this body cannot assign.
    if all_topics is None:
        all_topics = list(proposal_selectors.topics_for(body).order_by("key"))
    if out.show_topics:
        _topics(out, proposal, text, body.key, all_topics)
    if out.show_agencies:
        if agencies is None:
            agencies = list(proposal_selectors.agencies_for(body))
        _agencies(out, proposal, text, body.key, agencies)
    if out.show_duplicates:
        _duplicates(out, proposal, text, body.key)
    return out


# -- topics -----------------------------------------------------------------------------


def _topics(out: Suggestions, proposal: Proposal, text: str, body_key: str, all_topics) -> None:
    by_key = {t.key: t for t in all_topics}
    model = serving.latest_model("topics", body_key)
    scored: list[tuple[str, float, list[str]]] = []
    if model is not None:
        topic_model = model.obj
        scored = [(t.topic, t.score, t.terms) for t in topic_model.tag([text])[0]]
        out.versions["topics"] = model.version
    else:
        tagger = serving.keyword_tagger(
            [(t.key, t.name_zh, t.name_en) for t in all_topics], body_key
        )
        scored = [(t.topic, t.score, t.terms) for t in tagger.tag(text)]
        out.versions["topics"] = "keywords"
    out.topics = [
        TopicSuggestion(by_key[key], float(score), list(terms))
        for key, score, terms in scored[:5]
        if key in by_key
    ]


# -- agencies ---------------------------------------------------------------------------


def _agency_lookup(agencies) -> dict[str, Organization]:
    """Labels a model may use for an agency: its key or any of its names."""
    lookup: dict[str, Organization] = {}
    for a in agencies:
        for label in (a.name_en, a.short_name_en, a.name_zh, a.key):
            if label:
                lookup[label] = a
    return lookup


def _agencies(out: Suggestions, proposal: Proposal, text: str, body_key: str, agencies) -> None:
    active = [a for a in proposal.assignments.all() if a.active]
    taken = {a.agency_id for a in active}
    has_lead = any(a.role == AssignmentRole.LEAD for a in active)
    lookup = _agency_lookup(agencies)
    ranked: list[AgencySuggestion] = []
    model = serving.latest_model("routing", body_key)
    knows_body = False  # the model named at least one of this body's agencies
    if model is not None:
        router = model.obj
        keys_of = _example_keys(model)
        for s in router.route(text, k=N_AGENCIES + len(taken) + 3):
            agency = lookup.get(s.agency)
            knows_body = knows_body or agency is not None
            if agency is None or agency.pk in taken:
                continue
            ranked.append(
                AgencySuggestion(
                    agency=agency,
                    score=s.score,
                    role="",
                    terms=list(s.terms),
                    examples=[
                        Example(e.text, e.similarity, keys_of.get(e.text, ""))
                        for e in s.examples
                        if keys_of.get(e.text, "") != proposal.key
                    ],
                    remit=s.prior,
                    history=s.has_history,
                )
            )
        out.versions["agency"] = model.version
    if not knows_body:
        # Nothing trained, or a model (trained on other bodies) that knows none of this
        # body's agencies: rank the body's agencies by their remits.
        remits = {a.key: a.responsibilities for a in agencies if a.responsibilities.strip()}
        by_key = {a.key: a for a in agencies}
        for r in serving.remit_ranker(remits).rank(text, k=N_AGENCIES + len(taken)):
            agency = by_key[r.key]
            if agency.pk in taken:
                continue
            ranked.append(
                AgencySuggestion(agency, r.score, "", r.terms, [], remit=r.score, history=False)
            )
        out.versions["agency"] = "remits"
    # Co-handlers only where the evidence is not negligible beside the first suggestion.
    top = ranked[0].score if ranked else 0.0
    ranked = [
        s for i, s in enumerate(ranked) if i == 0 or s.score >= max(MIN_SCORE, CO_SHARE * top)
    ][:N_AGENCIES]
    # Co-handlers in the body's own roles: a body answered by a single department
    # (only the lead role) gets one suggestion, and none once it has its lead.
    roles = vocabulary.codes(proposal.session.body_id, vocabulary.HANDLING_ROLE)
    co_role = next(
        (r for r in (AssignmentRole.JOINT, AssignmentRole.ASSISTING) if r in roles), None
    )
    if co_role is None:
        ranked = [] if has_lead else ranked[:1]
    for i, s in enumerate(ranked):
        s.role = AssignmentRole.LEAD if i == 0 and not has_lead else co_role
    out.agencies = ranked


def _example_keys(model: serving.Loaded) -> dict[str, str]:
    """Past examples' proposal keys, kept beside the texts by `train --from-db`."""
    if "example_keys" not in model.cache:
        router = model.obj
        keys = getattr(router, "example_keys", None)
        texts = getattr(router, "example_texts", None)
        model.cache["example_keys"] = (
            {str(t): str(k) for t, k in zip(texts, keys, strict=False)}
            if keys is not None and texts is not None
            else {}
        )
    return model.cache["example_keys"]


# -- duplicates -------------------------------------------------------------------------


def _pair_scorer(body_key: str):
    from .duplicates import PairScorer

    model = serving.latest_model("pairs", body_key)
    if model is not None:
        return model.obj, model.version
    return PairScorer(), "similarity"


def _bigrams(text: str) -> set[str]:
    from .duplicates import _squeeze

    s = _squeeze(text)
    return {s[i : i + 2] for i in range(len(s) - 1)}


def verify(mine: str, theirs: list[str], scorer) -> list[float]:
    """Pair scores of ``mine`` against each candidate; candidates sharing too few
    character bigrams to reach the threshold score 0 without the (costly) full scoring."""
    a = _bigrams(mine)
    keep = []
    for i, t in enumerate(theirs):
        b = _bigrams(t)
        if a and b and len(a & b) / len(a | b) >= PREFILTER_JACCARD:
            keep.append(i)
    scores = [0.0] * len(theirs)
    if keep:
        for i, s in zip(keep, scorer.score([(mine, theirs[i]) for i in keep]), strict=True):
            scores[i] = float(s)
    return scores


def _near_in_meaning(proposal: Proposal) -> list[tuple[int, float]]:
    """Proposals of the same body close enough in meaning to be the same one
    reworded or translated (the search index's vectors; none when it is off)."""
    from lianghui.search import semantic
    from lianghui.search.enums import DocType

    doc = semantic.text_of(
        proposal.title_zh, proposal.title_en, proposal.summary_zh, proposal.summary_en
    )
    near = semantic.near_text(doc, DocType.PROPOSAL, limit=5)
    near = [(pk, s) for pk, s in near if pk != proposal.pk]
    same_body = set(
        Proposal.objects.filter(
            pk__in=[pk for pk, _s in near], session__body_id=proposal.session.body_id
        ).values_list("pk", flat=True)
    )
    return [(pk, s) for pk, s in near if pk in same_body]


# Characters of each text compared sentence by sentence for a copy found by meaning.
SENTENCE_CHARS = 600


def _compared(p: Proposal) -> str:
    return serving.proposal_text(p)[:SENTENCE_CHARS]


def _stored_sentences(proposal: Proposal, other: Proposal) -> list[str] | None:
    """The sentences of the two that say the same, "a ↔ b", as the worker found
    them; None while it has not, and then it is asked (once per pair of texts)."""
    from django.db import transaction

    from lianghui.search import semantic

    from .models import SentenceMatch
    from .tasks import match_sentences

    m = semantic.model()
    if m is None:
        return []
    digest = semantic.digest(f"{_compared(proposal)}\x00{_compared(other)}")
    row = (
        SentenceMatch.objects.filter(model=m.name, proposal=proposal, other=other)
        .only("digest", "pairs")
        .first()
    )
    if row is not None and row.digest == digest:
        return None if row.pairs is None else [f"{a} ↔ {b}" for a, b, _c in row.pairs]
    SentenceMatch.objects.update_or_create(
        model=m.name, proposal=proposal, other=other, defaults={"digest": digest, "pairs": None}
    )
    ids = (proposal.pk, other.pk)
    transaction.on_commit(lambda: match_sentences.enqueue(*ids))
    return None


def store_sentence_match(proposal_id: int, other_id: int) -> int:
    """Embed the two proposals sentence by sentence and keep the pairs that say the
    same (the worker's half of ``_stored_sentences``); returns how many."""
    from lianghui.search import semantic

    from .embeddings import matching_sentences
    from .models import SentenceMatch

    m = semantic.model()
    rows = {p.pk: p for p in Proposal.objects.filter(pk__in=[proposal_id, other_id])}
    if m is None or len(rows) < 2:
        return 0
    mine, theirs = _compared(rows[proposal_id]), _compared(rows[other_id])
    pairs = [[a, b, round(c, 3)] for a, b, c in matching_sentences(m, mine, theirs)]
    SentenceMatch.objects.update_or_create(
        model=m.name,
        proposal_id=proposal_id,
        other_id=other_id,
        defaults={"digest": semantic.digest(f"{mine}\x00{theirs}"), "pairs": pairs},
    )
    return len(pairs)


def _duplicates(out: Suggestions, proposal: Proposal, text: str, body_key: str) -> None:
    from .duplicates import matching_passages

    index = serving.duplicate_index(proposal.session.body_id)
    if index is None:
        out.duplicates_pending = True
        out.versions["duplicate"] = "minhash-lsh"
        return
    candidates = index.candidates(text, exclude=proposal.pk, limit=30)
    # Reworded or translated copies share few character shingles: their
    # candidates come from the sentence vectors (search/semantic.py).
    meaning = dict(_near_in_meaning(proposal))
    candidates += [(pk, s) for pk, s in meaning.items() if pk not in dict(candidates)]
    if not candidates:
        out.versions["duplicate"] = "minhash-lsh"
        return
    rows = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=[pk for pk, _ in candidates])
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .select_related("session", "merged_into")
    }
    mine_year = proposal.session.year

    def earlier_or_same(p: Proposal) -> bool:
        if p.session_id == proposal.session_id:
            return True
        return p.session.year < mine_year

    keep = [rows[pk] for pk, _ in candidates if pk in rows and earlier_or_same(rows[pk])]
    keep = keep[:10] + [p for p in keep[10:] if p.pk in meaning]
    if not keep:
        out.versions["duplicate"] = "minhash-lsh"
        return
    scorer, version = _pair_scorer(body_key)
    mine = text[:PAIR_CHARS]
    theirs = [serving.proposal_text(p)[:PAIR_CHARS] for p in keep]
    found = []
    for p, t, s in zip(keep, theirs, verify(mine, theirs, scorer), strict=True):
        by_meaning = s < DUPLICATE_THRESHOLD and p.pk in meaning
        if s < DUPLICATE_THRESHOLD and not by_meaning:
            continue
        pending = False
        if by_meaning:
            s = meaning[p.pk]
            passages = _stored_sentences(proposal, p)
            pending = passages is None
            passages = passages or []
        else:
            passages = [m.text for m in matching_passages(mine, t, min_chars=6)[:3]]
        target = p.merged_into if p.status == Status.MERGED and p.merged_into else p
        if target.status in NOT_MERGE_TARGETS:
            target = None
        found.append(
            DuplicateSuggestion(
                proposal=p,
                similarity=float(s),
                passages=passages,
                same_session=p.session_id == proposal.session_id,
                merge_into_key=target.key if target and target.pk != proposal.pk else "",
                by_meaning=by_meaning,
                passages_pending=pending,
            )
        )
    found.sort(key=lambda d: -d.similarity)
    out.duplicates = found[:N_DUPLICATES]
    out.versions["duplicate"] = f"minhash-lsh+{version}"
