"""`insights train --from-db`: learn from the office's own past decisions.

Routing rows are proposals with an active lead agency (one per proposal; after
a transfer, the agency that kept it): the text the office pages score
(`serving.proposal_text`) labelled with the agency's key. Topic rows are
proposals with topics. Every assignment and topic counts, whether or not a
suggestion was involved; a recorded override (`SuggestionDecision`,
decision ``overridden``) is a labelled correction and its row counts twice in
training. Dismissals carry no label and are not used.

Evaluation is on a held-out 20% of proposals, split before any row is
weighted, so a proposal is never trained on and tested at once. The artifact
(routing, and topics when there are labels) goes where the office pages look:
``LIANGHUI_INSIGHTS_MODELS/<body>/`` with ``--body``, else the root.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from .artifacts import data_hash, new_artifact_dir, save_artifact
from .serving import TEXT_FIELDS, _row_text

__all__ = ["TrainingError", "routing_rows", "topic_rows", "train_from_db"]

MIN_ROWS = 10
OVERRIDE_WEIGHT = 2  # an override's row is seen this many times in training


class TrainingError(ValueError):
    pass


def _body(body_key: str | None):
    from lianghui.proposals.models import Body

    if not body_key:
        return None
    body = Body.objects.filter(key=body_key).first()
    if body is None:
        known = ", ".join(Body.objects.values_list("key", flat=True)) or "none"
        raise TrainingError(f"--body: no body has the key {body_key!r} (known: {known})")
    return body


def routing_rows(body=None) -> tuple[list[str], list[str], list[str], set[str]]:
    """(texts, agency keys, proposal keys, keys of proposals whose lead was an override)."""
    from lianghui.proposals.enums import AssignmentRole
    from lianghui.proposals.models import Assignment

    from .enums import Decision, SuggestionKind
    from .models import SuggestionDecision

    qs = Assignment.objects.filter(active=True, role=AssignmentRole.LEAD)
    decisions = SuggestionDecision.objects.filter(
        kind=SuggestionKind.AGENCY, decision=Decision.OVERRIDDEN, role=AssignmentRole.LEAD
    )
    if body is not None:
        qs = qs.filter(proposal__session__body=body)
        decisions = decisions.filter(proposal__session__body=body)
    fields = [f"proposal__{f}" for f in TEXT_FIELDS]
    texts, labels, keys = [], [], []
    rows = qs.order_by("proposal_id").values_list("agency__key", "proposal__key", *fields)
    for agency, key, *text_fields in rows.iterator(chunk_size=5000):
        text = _row_text(*text_fields)
        if text.strip():
            texts.append(text)
            labels.append(agency)
            keys.append(key)
    overridden = {(p, chosen) for p, chosen in decisions.values_list("proposal__key", "chosen")}
    corrected = {k for k, y in zip(keys, labels, strict=True) if (k, y) in overridden}
    return texts, labels, keys, corrected


def topic_rows(body=None) -> tuple[list[str], list[list[str]], list[str], set[str]]:
    """(texts, topic keys per proposal, proposal keys, keys whose topics were overridden)."""
    from lianghui.proposals.models import Proposal

    from .enums import Decision, SuggestionKind
    from .models import SuggestionDecision

    through = Proposal.topics.through.objects.all()
    decisions = SuggestionDecision.objects.filter(
        kind=SuggestionKind.TOPICS, decision=Decision.OVERRIDDEN
    )
    proposals = Proposal.objects.filter(topics__isnull=False).distinct()
    if body is not None:
        through = through.filter(proposal__session__body=body)
        decisions = decisions.filter(proposal__session__body=body)
        proposals = proposals.filter(session__body=body)
    labels: dict[int, list[str]] = {}
    for pid, topic in through.order_by("proposal_id", "topic__key").values_list(
        "proposal_id", "topic__key"
    ):
        labels.setdefault(pid, []).append(topic)
    texts, label_lists, keys = [], [], []
    for pid, key, *text_fields in (
        proposals.order_by("id").values_list("id", "key", *TEXT_FIELDS).iterator(chunk_size=5000)
    ):
        text = _row_text(*text_fields)
        if text.strip() and pid in labels:
            texts.append(text)
            label_lists.append(labels[pid])
            keys.append(key)
    corrected = set(decisions.values_list("proposal__key", flat=True))
    return texts, label_lists, keys, corrected


def _split(n: int, labels=None, seed: int = 0):
    from sklearn.model_selection import train_test_split

    idx = np.arange(n)
    strat = None
    if labels is not None:
        counts = Counter(labels)
        strat = [y if counts[y] >= 2 else "__rare__" for y in labels]
        if Counter(strat).most_common()[-1][1] < 2:
            strat = None
    try:
        return train_test_split(idx, test_size=0.2, random_state=seed, stratify=strat)
    except ValueError:
        return train_test_split(idx, test_size=0.2, random_state=seed)


def _extras(texts, keys, corrected, rows) -> list[str]:
    """Each override's text once more (the Router's extra rows: trained on, never
    shown as a similar example)."""
    return [texts[i] if keys[i] in corrected else "" for i in rows]


def train_routing(body, *, say, min_rows: int = 2, tune: bool = False, segmenter=None):
    from lianghui.people.models import Organization

    from .classifier import ClassifierConfig
    from .evaluation import evaluate_split
    from .routing import Router

    texts, labels, keys, corrected = routing_rows(body)
    say(
        f"routing: {len(texts)} proposals with a lead agency, {len(set(labels))} agencies, "
        f"{len(corrected)} overrides"
    )
    if len(texts) < MIN_ROWS or len(set(labels)) < 2:
        raise TrainingError(
            f"not enough assignments to train routing: {len(texts)} proposals with a lead agency "
            f"and {len(set(labels))} agencies (need {MIN_ROWS} and 2)"
        )
    remits = dict(
        Organization.objects.filter(kind="agency")
        .exclude(responsibilities="")
        .values_list("key", "responsibilities")
    )
    say("held-out evaluation (80/20 by proposal)")
    tr, te = _split(len(texts), labels)
    report = evaluate_split(
        [texts[i] for i in tr] + [e for e in _extras(texts, keys, corrected, tr) if e],
        [labels[i] for i in tr]
        + [labels[i] for i, e in zip(tr, _extras(texts, keys, corrected, tr), strict=True) if e],
        [texts[i] for i in te],
        [labels[i] for i in te],
        min_rows=min_rows,
        tune=tune,
        responsibilities=remits,
        segmenter=segmenter,
        progress=say,
    )
    report["scheme"] = "held-out 20% of proposals, seed 0; overrides weighted in training only"
    say(f"held-out top1={report['top1']:.3f} top3={report['top3']:.3f}")
    counts = Counter(labels)
    rows = [i for i in range(len(texts)) if counts[labels[i]] >= min_rows]
    say(f"training on all {len(rows)} proposals")
    router = Router(ClassifierConfig(), segmenter=segmenter)
    router.fit(
        [texts[i] for i in rows],
        [labels[i] for i in rows],
        responsibilities=remits,
        extra_texts=_extras(texts, keys, corrected, rows),
        tune=tune,
        progress=say,
    )
    # Which proposal each past example is, so the office page can link to it.
    router.example_keys = np.array([keys[i] for i in rows], dtype=object)
    rows_hash = data_hash(
        (texts[i], labels[i], "override" if keys[i] in corrected else "") for i in rows
    )
    params = {
        "source": "database",
        "body": body.key if body else "",
        "n_proposals": len(rows),
        "n_overrides": len(corrected),
        "override_weight": OVERRIDE_WEIGHT,
        "min_rows": min_rows,
        "tune": tune,
        **router.describe(),
    }
    return router, rows_hash, params, report


def train_topics(body, *, say, segmenter=None):
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    from lianghui.proposals.models import Topic

    from .serving import database_scheme
    from .topics import TopicModel

    texts, label_lists, keys, corrected = topic_rows(body)
    n_topics = len({t for ls in label_lists for t in ls})
    say(
        f"topics: {len(texts)} proposals with topics, {n_topics} topics, {len(corrected)} overrides"
    )
    if len(texts) < MIN_ROWS or n_topics < 2:
        say("topics: not enough labelled proposals; the keyword scheme stays in use")
        return None
    # The body's own topics and map (every topic when training across bodies).
    if body is not None:
        from lianghui.proposals.selectors import topics_for

        topics = topics_for(body)
    else:
        topics = Topic.objects.all()
    scheme = database_scheme(
        list(topics.values_list("key", "name_zh", "name_en")), body.key if body else None
    )

    def weighted(rows):
        xs = [texts[i] for i in rows] + [texts[i] for i in rows if keys[i] in corrected]
        ys = [label_lists[i] for i in rows] + [label_lists[i] for i in rows if keys[i] in corrected]
        return xs, ys

    tr, te = _split(len(texts))
    model = TopicModel(scheme, segmenter).fit(*weighted(tr))
    predicted = [[t.topic for t in row] for row in model.tag([texts[i] for i in te])]
    mlb = MultiLabelBinarizer().fit(label_lists + predicted)
    truth = mlb.transform([label_lists[i] for i in te])
    guess = mlb.transform(predicted)
    report = {
        "n_train": len(tr),
        "n_test": len(te),
        "n_topics": n_topics,
        "micro_f1": float(f1_score(truth, guess, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(truth, guess, average="macro", zero_division=0)),
        "scheme": "held-out 20% of proposals, seed 0; overrides weighted in training only",
    }
    say(f"topics held-out micro_f1={report['micro_f1']:.3f} macro_f1={report['macro_f1']:.3f}")
    say(f"topics: training on all {len(texts)} proposals")
    model = TopicModel(scheme, segmenter).fit(*weighted(range(len(texts))))
    rows_hash = data_hash((t, ",".join(ls)) for t, ls in zip(texts, label_lists, strict=True))
    params = {
        "source": "database",
        "body": body.key if body else "",
        "n_proposals": len(texts),
        "n_overrides": len(corrected),
        "override_weight": OVERRIDE_WEIGHT,
    }
    return model, rows_hash, params, report


def train_from_db(
    *,
    body_key: str | None = None,
    output: str | Path | None = None,
    min_rows: int = 2,
    tune: bool = False,
    segmenter=None,
    say=lambda _m: None,
) -> dict:
    """Train routing (and topics where labelled) from the database; write the artifacts.

    Returns {"routing": {"artifact": ..., **metadata}, "topics": {...} or None}.
    """
    from .serving import model_root

    body = _body(body_key)
    root = Path(output) if output else model_root() / body.key if body else model_root()
    result: dict = {"body": body.key if body else "", "routing": None, "topics": None}
    router, rows_hash, params, report = train_routing(
        body, say=say, min_rows=min_rows, tune=tune, segmenter=segmenter
    )
    directory = new_artifact_dir("routing", root)
    meta = save_artifact(
        router, directory, kind="routing", data_sha256=rows_hash, params=params, evaluation=report
    )
    say(f"wrote {directory}")
    result["routing"] = {"artifact": str(directory), **meta}
    topics = train_topics(body, say=say, segmenter=segmenter)
    if topics is not None:
        model, rows_hash, params, report = topics
        directory = new_artifact_dir("topics", root)
        meta = save_artifact(
            model, directory, kind="topics", data_sha256=rows_hash, params=params, evaluation=report
        )
        say(f"wrote {directory}")
        result["topics"] = {"artifact": str(directory), **meta}
    return result
