"""The public register of algorithms: every automated function, declared by the app
that runs it.

Each app registers its functions in its AppConfig.ready()::

    from lianghui.insights.algorithms import Algorithm, register
    register(Algorithm(key="comment_themes", name=_("Comment themes"), ...))

An `Algorithm` says what the function does, what it reads, what it learnt from,
where its output is shown and how to contest it, in the reader's language. Its
figures are not written by hand: the version, training date and held-out
quality come from the newest trained artifact's metadata (``artifact``: the
kind `training` writes, per body as `serving` loads it), and how often people
accept, override or dismiss it from the recorded decisions
(`SuggestionDecision`, ``decision_kind``), per body. `register_of()` gathers
them for the portal page and the API.

Each function can be switched off per body (`Body.algorithms_off`, in the
admin); the office's suggestions also follow the body's master switch
(`Body.suggestions_enabled`). Where a function runs it asks `enabled(key,
body)`, which reads only the body row the caller already holds. A function
that ranks or recommends by what is known of the viewer (``personal=True``)
must also ask `accounts.personalisation.allowed(user)`; today none does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count

__all__ = [
    "Algorithm",
    "algorithms",
    "enabled",
    "get",
    "register",
    "register_of",
    "unregister",
]


@dataclass(frozen=True)
class Algorithm:
    key: str  # also the anchor of its section on the page: /algorithms/#<key>
    name: object  # lazy translations, all of the texts
    what: object
    inputs: object
    learns_from: object
    shown: object  # where its output appears
    contest: object  # how a person contests an output
    # The kind of artifact `insights.training` writes for it ("" for a fixed rule): its
    # metadata gives the version, the training date and the held-out evaluation.
    artifact: str = ""
    # (report key, label) of the held-out figures to show from the artifact.
    metrics: tuple[tuple[str, object], ...] = ()
    # For a rule that learns nothing: what it is when no artifact is in use.
    rule: object = ""
    rule_version: Callable[[], str] | str = ""
    decision_kind: str = ""  # SuggestionDecision.kind of the decisions people record on it
    office_suggestion: bool = False  # also follows Body.suggestions_enabled
    per_body: bool = True  # False: the same for every body (``not_per_body`` says why)
    not_per_body: object = ""
    personal: bool = False  # ranks or recommends by what is known of the viewer
    order: int = 100
    extra: dict = field(default_factory=dict)

    def version_of_rule(self) -> str:
        return self.rule_version() if callable(self.rule_version) else str(self.rule_version)


_algorithms: dict[str, Algorithm] = {}


def register(algorithm: Algorithm) -> Algorithm:
    """Add (or replace, when an app is reloaded) a function."""
    _algorithms[algorithm.key] = algorithm
    return algorithm


def unregister(key: str) -> None:
    _algorithms.pop(key, None)


def algorithms() -> list[Algorithm]:
    return sorted(_algorithms.values(), key=lambda a: (a.order, a.key))


def get(key: str) -> Algorithm | None:
    return _algorithms.get(key)


def switchable_keys() -> list[str]:
    """The keys a body may list in ``Body.algorithms_off``: the functions that can be
    switched off per body."""
    return sorted(a.key for a in _algorithms.values() if a.per_body)


def unknown_off_keys(keys) -> list[str]:
    """The keys of ``keys`` that name no function a body can switch off (a typo, a
    function that is the same for every body), in the order given."""
    valid = set(switchable_keys())
    return [k for k in keys if k not in valid]


def enabled(key: str, body) -> bool:
    """Whether the function runs for this body (no query: the body's own fields)."""
    if body is None:
        return True
    algorithm = _algorithms.get(key)
    if algorithm is not None and not algorithm.per_body:
        return True
    if algorithm is not None and algorithm.office_suggestion and not body.suggestions_enabled:
        return False
    return key not in (body.algorithms_off or [])


# --- the figures ----------------------------------------------------------------------------


def _artifact(kind: str, body_key: str) -> dict | None:
    """The metadata of the artifact the office pages would use for this body (the
    body's own, else the shared one), read without loading the model."""
    from .artifacts import METADATA_FILE
    from .serving import artifact_path, model_root

    path = artifact_path(kind, body_key)
    if path is None:
        return None
    try:
        meta = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = f"{path.parent.name}/{path.name}" if path.parent != model_root() else path.name
    return {
        "version": version,
        "created": meta.get("created", ""),
        "data_sha256": meta.get("data_sha256", ""),
        "app_version": meta.get("app_version", ""),
        "params": meta.get("params", {}),
        "evaluation": meta.get("evaluation", {}),
        "own": path.parent.name == body_key,
    }


def _decisions() -> dict[tuple[str, str], dict[str, int]]:
    """(body key, suggestion kind) -> {decision: count}, in one query."""
    from .models import SuggestionDecision

    out: dict[tuple[str, str], dict[str, int]] = {}
    rows = (
        SuggestionDecision.objects.values_list("proposal__session__body__key", "kind", "decision")
        .annotate(n=Count("id"))
        .order_by()
    )
    for body, kind, decision, n in rows:
        out.setdefault((body, kind), {})[decision] = n
    return out


def register_of(bodies=None) -> list[dict]:
    """Every registered function with its figures for each body (two queries:
    the bodies and the decisions; artifacts' metadata is read from their files)."""
    from lianghui.proposals.models import Body

    from .enums import Decision

    bodies = list(Body.objects.order_by("key") if bodies is None else bodies)
    decided = _decisions()
    out = []
    for a in algorithms():
        per_body = []
        for body in bodies:
            artifact = _artifact(a.artifact, body.key) if a.artifact else None
            quality = None
            if artifact:
                report = artifact["evaluation"]
                quality = {
                    "figures": [
                        {"key": k, "label": str(label), "value": report[k]}
                        for k, label in a.metrics
                        if isinstance(report.get(k), int | float)
                    ],
                    "n_test": report.get("n_test"),
                    "n_train": report.get("n_train"),
                    "scheme": report.get("scheme", ""),
                    "measured": artifact["created"],
                }
            counts = decided.get((body.key, a.decision_kind), {}) if a.decision_kind else {}
            total = sum(counts.values())
            per_body.append(
                {
                    "body": body,
                    "enabled": enabled(a.key, body),
                    "artifact": artifact,
                    "quality": quality,
                    "decisions": (
                        {
                            "total": total,
                            **{d.value: counts.get(d.value, 0) for d in Decision},
                            **{
                                f"{d.value}_share": (counts.get(d.value, 0) / total)
                                if total
                                else None
                                for d in Decision
                            },
                        }
                        if a.decision_kind
                        else None
                    ),
                }
            )
        out.append({"algorithm": a, "rule_version": a.version_of_rule(), "bodies": per_body})
    return out


# --- the functions this app runs -------------------------------------------------------------


def _vocabulary_version() -> str:
    from .vocabulary import vocabulary_map

    return vocabulary_map().version


def register_insights() -> None:
    from django.utils.translation import gettext_lazy as _

    from .enums import SuggestionKind
    from .suggestions import DUPLICATE_THRESHOLD

    office_contest = _(
        "A suggestion is never applied by itself: the office of the body accepts, changes"
        " or dismisses it, and the decision is recorded with the proposal's history. To"
        " contest what was decided, write to the office of the body; an agency that is not"
        " the right one asks for a transfer from its desk."
    )
    register(
        Algorithm(
            key="topics",
            name=_("Topic suggestions"),
            what=_(
                "Suggests the topics a proposal concerns, with the words behind each, to the"
                " office of the body, which sets the topics."
            ),
            inputs=_("The proposal's title, summary and text."),
            learns_from=_(
                "The topics the office set on the body's past proposals (an override counts"
                " twice). Without a trained model: the topics' names and the keywords of the"
                " vocabulary map."
            ),
            shown=_("The office's proposal page."),
            contest=office_contest,
            artifact="topics",
            metrics=(("micro_f1", _("micro-F1")), ("macro_f1", _("macro-F1"))),
            rule=_("Keywords of each topic (no training)."),
            rule_version=_vocabulary_version,
            decision_kind=SuggestionKind.TOPICS,
            office_suggestion=True,
            order=10,
        )
    )
    register(
        Algorithm(
            key="agency_routing",
            name=_("Agency routing"),
            what=_(
                "Ranks the agencies that could handle a filed proposal, as lead unit and"
                " co-handlers, with the terms, similar past proposals and remit behind each."
            ),
            inputs=_("The proposal's title, summary and text; the agencies' remits."),
            learns_from=_(
                "Which agency kept each of the body's past proposals as lead unit (after a"
                " transfer, the one that kept it; an override counts twice). Without a"
                " trained model: the similarity of the proposal to each agency's remit."
            ),
            shown=_("The office's proposal page."),
            contest=office_contest,
            artifact="routing",
            metrics=(
                ("top1", _("right agency first")),
                ("top3", _("right agency among the first three")),
                ("macro_f1", _("macro-F1")),
            ),
            rule=_("Similarity of the proposal to each agency's remit (no training)."),
            decision_kind=SuggestionKind.AGENCY,
            office_suggestion=True,
            order=20,
        )
    )
    register(
        Algorithm(
            key="duplicates",
            name=_("Duplicate detection"),
            what=_(
                "During review, finds earlier proposals of the same body that say nearly the"
                " same, with the passages they share, so the office can merge them."
            ),
            inputs=_("The texts of the body's proposals."),
            learns_from=_(
                "Nothing: a fixed rule (word and character overlap, a hand-set blend). On"
                " the project's benchmark it ranks edited copies of one text above merely"
                " similar texts with ROC-AUC 0.98."
            ),
            shown=_("The office's proposal page, during review."),
            contest=office_contest,
            rule=_("Similarity of the texts at or above a fixed threshold (no training)."),
            rule_version=f"similarity>={DUPLICATE_THRESHOLD}",
            decision_kind=SuggestionKind.DUPLICATE,
            office_suggestion=True,
            order=30,
        )
    )
    register(
        Algorithm(
            key="interest_flags",
            name=_("Interest flags"),
            what=_(
                "Flags a proposal when one of its member signers is, in the proposal's year,"
                " affiliated with an organization working in a sector its topics concern. A"
                " fact to weigh, not a finding."
            ),
            inputs=_(
                "The proposal's topics and year; its signers' affiliations; the"
                " organizations' sectors."
            ),
            learns_from=_(
                "Nothing: a fixed rule over the vocabulary map, which says which sectors"
                " meet which topics."
            ),
            shown=_("The public proposal and member pages, the office's proposal page, the API."),
            contest=_(
                "The member concerned can attach a statement to the flag from the proposal"
                " page; it is shown beside the flag wherever the flag is. A wrong"
                " affiliation or sector is corrected in the records: write to the site's"
                " administrators."
            ),
            rule=_("Affiliation in the proposal's year × sector meeting a topic."),
            rule_version=_vocabulary_version,
            order=40,
        )
    )


def how_it_works_url(key: str = "") -> str:
    from django.urls import reverse

    return reverse("portal:algorithms") + (f"#{key}" if key else "")
