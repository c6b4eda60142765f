"""Writes: suggesting links between proposals and regulations, and the office's
decision on each.

A link is suggested by text: the regulation's title, summary and provisions
against each public proposal's title, summary and text and its published
replies, weighted by TF-IDF over the insights app's word analyzer (Chinese
segmented, English by word) so that words every text uses count for little.
Each suggestion keeps the terms and passages both texts share, which is what
the office reads before deciding. A decision is recorded as a suggestion
decision of the insights app (the same record, rules and per-body switch as
the other suggestions) and in the proposal's history.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianghui.insights import services as insight_services
from lianghui.insights.duplicates import matching_passages
from lianghui.insights.enums import Decision, SuggestionKind
from lianghui.insights.text import WordAnalyzer, default_segmenter
from lianghui.proposals import visibility
from lianghui.proposals.models import Proposal, Reply

from . import selectors
from .enums import LinkStatus
from .models import ProposalLink, Provision, Regulation

__all__ = ["link_decide", "links_suggest", "MIN_SCORE"]

# Below this cosine a regulation and a proposal share only common words.
MIN_SCORE = 0.12
# A word in more than this share of the texts says nothing about a pair ("China").
MAX_DF = 0.2
# Editors' asides about the record ("(no date in the source)") are not its subject.
_ASIDE = re.compile(r"[（(][^（）()]*(?:source|seed|来源)[^（）()]*[)）]", re.IGNORECASE)
PER_REGULATION = 8
TERMS = 8
PASSAGES = 3


def _joined(parts: Iterable[str]) -> str:
    return _ASIDE.sub("", "\n".join(t for t in parts if t))


def regulation_text(regulation: Regulation, provisions: Iterable[Provision] = ()) -> str:
    parts = [regulation.title_zh, regulation.title_en, regulation.short_name_en]
    parts += [regulation.summary_zh, regulation.summary_en]
    for p in provisions:
        parts += [p.heading_zh, p.heading_en, p.text_zh, p.text_en]
    return _joined(parts)


def proposal_text(proposal: Proposal) -> str:
    parts = [proposal.title_zh, proposal.title_en, proposal.summary_zh, proposal.summary_en]
    parts += [proposal.text_zh, proposal.text_en]
    return _joined(parts)


def _shared_terms(a: str, b: str, weights: dict[str, float]) -> list[str]:
    """Words of both texts that the scoring counted, the rarest first."""
    seg = default_segmenter()
    shared = {w for w in seg.tokens(a) if len(w) > 1} & {w for w in seg.tokens(b) if len(w) > 1}
    shared = {w for w in shared if w in weights}
    return sorted(shared, key=lambda w: (-weights[w], w))[:TERMS]


_HAN = re.compile(r"[\u4e00-\u9fff]")


def _shared_passages(a: str, b: str) -> list[str]:
    """Runs both texts share: four Chinese characters, or some words of English."""
    found = [
        p.text.strip()
        for p in matching_passages(a, b, min_chars=4)
        if len(_HAN.findall(p.text)) >= 4 or (len(p.text) >= 16 and " " in p.text.strip())
    ]
    return list(dict.fromkeys(found))[:PASSAGES]


@transaction.atomic
def links_suggest(
    *,
    regulations: Iterable[Regulation] | None = None,
    proposals: Iterable[Proposal] | None = None,
    min_score: float = MIN_SCORE,
) -> list[ProposalLink]:
    """Suggest links for ``regulations`` (all) among ``proposals`` (all public ones).

    Links already decided keep their decision; a suggested one gets the new
    score, terms and passages. Returns the links suggested or refreshed.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    regs = list(regulations if regulations is not None else Regulation.objects.all())
    props = list(
        proposals
        if proposals is not None
        else visibility.public_proposals().filter(merged_into__isnull=True)
    )
    if not regs or not props:
        return []
    provisions = selectors.newest_texts(r.pk for r in regs)
    replies: dict[int, list[Reply]] = {}
    for reply in Reply.objects.filter(
        published=True, assignment__proposal__in=props
    ).select_related("assignment"):
        replies.setdefault(reply.assignment.proposal_id, []).append(reply)
    reg_texts = [regulation_text(r, provisions.get(r.id, ())) for r in regs]
    prop_texts = [proposal_text(p) for p in props]
    reply_rows = [(i, r) for i, p in enumerate(props) for r in replies.get(p.id, ())]
    reply_texts = [f"{r.text_zh}\n{r.text_en}" for _i, r in reply_rows]
    vectorizer = TfidfVectorizer(
        analyzer=WordAnalyzer(ngram_range=(1, 1)),
        sublinear_tf=True,
        # Small corpora (a test, a new site) keep every word.
        max_df=MAX_DF if len(reg_texts) + len(prop_texts) >= 50 else 1.0,
    )
    matrix = vectorizer.fit_transform(reg_texts + prop_texts + reply_texts)
    weights = dict(zip(vectorizer.get_feature_names_out(), vectorizer.idf_, strict=True))
    n_reg, n_prop = len(regs), len(props)
    reg_m, prop_m = matrix[:n_reg], matrix[n_reg : n_reg + n_prop]
    scores = (reg_m @ prop_m.T).toarray()
    best_reply: dict[tuple[int, int], tuple[float, Reply]] = {}
    if reply_rows:
        reply_scores = (reg_m @ matrix[n_reg + n_prop :].T).toarray()
        for k, (i, reply) in enumerate(reply_rows):
            for r in range(n_reg):
                s = float(reply_scores[r, k])
                if s > scores[r, i] and s > best_reply.get((r, i), (0.0, None))[0]:
                    best_reply[(r, i)] = (s, reply)
    existing = {
        (link.regulation_id, link.proposal_id): link
        for link in ProposalLink.objects.filter(regulation__in=regs, proposal__in=props)
    }
    out: list[ProposalLink] = []
    for r, regulation in enumerate(regs):
        row = np.maximum(scores[r], [best_reply.get((r, i), (0.0,))[0] for i in range(n_prop)])
        for i in np.argsort(-row)[:PER_REGULATION]:
            score = float(row[i])
            if score < min_score:
                break
            proposal = props[i]
            link = existing.get((regulation.id, proposal.id))
            if link is not None and link.status != LinkStatus.SUGGESTED:
                continue
            reply = best_reply.get((r, i), (0.0, None))[1]
            other = reply_texts[reply_rows.index((i, reply))] if reply else prop_texts[i]
            fields = {
                "score": round(score, 4),
                "reply": reply,
                "shared_terms": _shared_terms(reg_texts[r], other, weights),
                "shared_passages": _shared_passages(reg_texts[r], other),
            }
            if link is None:
                link = ProposalLink.objects.create(
                    regulation=regulation, proposal=proposal, **fields
                )
            else:
                for name, value in fields.items():
                    setattr(link, name, value)
                link.save(update_fields=list(fields))
            out.append(link)
    return out


@transaction.atomic
def link_decide(*, link: ProposalLink, status: str, actor=None) -> ProposalLink:
    """Confirm or reject a link (``status``); the public sees only confirmed ones.

    Whether ``actor`` may decide (the office of the proposal's body) is checked
    by the caller; whether suggestions are on for the body is checked here, by
    the decision record.
    """
    if status not in {LinkStatus.CONFIRMED, LinkStatus.REJECTED}:
        raise ValidationError({"status": _("Confirm or reject the link.")})
    link = ProposalLink.objects.select_for_update().select_related("regulation").get(pk=link.pk)
    proposal = Proposal.objects.select_related("session__body").get(pk=link.proposal_id)
    insight_services.suggestion_decide(
        proposal=proposal,
        kind=SuggestionKind.REGULATION,
        decision=Decision.ACCEPTED if status == LinkStatus.CONFIRMED else Decision.DISMISSED,
        suggested=link.regulation.key,
        score=link.score,
        chosen=link.regulation.key if status == LinkStatus.CONFIRMED else "",
        reasons={"terms": link.shared_terms, "passages": link.shared_passages},
        actor=actor,
    )
    link.status = status
    link.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    link.decided_at = timezone.now()
    link.save(update_fields=["status", "decided_by", "decided_at"])
    _mirror(link)
    return link


def _mirror(link: ProposalLink) -> None:
    """Keep ``Regulation.related_proposals`` to the confirmed links (without the
    signal that reads additions made elsewhere as confirmations)."""
    through = Regulation.related_proposals.through
    pair = {"regulation_id": link.regulation_id, "proposal_id": link.proposal_id}
    if link.status == LinkStatus.CONFIRMED:
        if not through.objects.filter(**pair).exists():
            through.objects.create(**pair)
    else:
        through.objects.filter(**pair).delete()


def link_deleted(sender, instance: ProposalLink, **kwargs) -> None:
    """A link deleted (from a shell; with its regulation or proposal) takes its
    mirror pair with it: ``related_proposals`` holds confirmed links only."""
    Regulation.related_proposals.through.objects.filter(
        regulation_id=instance.regulation_id, proposal_id=instance.proposal_id
    ).delete()


def related_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """``related_proposals`` set by an import or in the admin: people chose those
    links, so they are confirmed (and a removal rejects)."""
    if action not in {"post_add", "post_remove"} or not pk_set:
        return
    pairs = (
        [(instance.pk, pk) for pk in pk_set]
        if not reverse
        else [(pk, instance.pk) for pk in pk_set]
    )
    for regulation_id, proposal_id in pairs:
        link, _created = ProposalLink.objects.get_or_create(
            regulation_id=regulation_id,
            proposal_id=proposal_id,
            defaults={"status": LinkStatus.CONFIRMED},
        )
        status = LinkStatus.CONFIRMED if action == "post_add" else LinkStatus.REJECTED
        if link.status != status:
            link.status = status
            link.save(update_fields=["status"])
