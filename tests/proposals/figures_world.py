"""Generated handling data for the figures' invariant tests: proposals in the
importer's record format (published or not, in every status, with assignments,
replies published or not, and ratings), and the figures' definitions written
again, independently, over those records (`expected_handling`, `expected_funnel`).
The same reckoning runs over what the API and the bulk dumps publish."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from lianghui.exchange.importer import import_files

PORTAL_WORLD = Path(__file__).resolve().parents[1] / "portal" / "fixtures" / "portal.jsonl"
AGENCIES = ["t-cac", "t-mohrss", "t-state-council", "t-miit"]
SESSIONS = {"t-npc-2022": 2022, "t-npc-2021": 2021}
STATUSES = [
    "submitted",
    "under_review",
    "not_filed",
    "converted",
    "merged",
    "withdrawn",
    "filed",
    "assigned",
    "replied",
    "closed",
]
HANDLED = {"assigned", "replied", "closed"}
FILED = {"filed", *HANDLED}
REASONS = ["out_of_scope", "no_concrete_measure", "duplicate", "personal_matter", "other"]

# Small enough that a file runs in seconds per database; the shapes that matter
# (ties, unpublished firsts, overdue) are reached within these counts.
FIGURES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PAGES = settings(FIGURES, max_examples=8)


def today() -> dt.date:
    return timezone.localdate()


@st.composite
def replies(draw, assigned_on: dt.date) -> list[dict]:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        reply = {
            "category": draw(st.sampled_from("ABC")),
            # few distinct days, so two replies often share one (ties by entry)
            "replied_on": (
                assigned_on + dt.timedelta(days=draw(st.sampled_from([0, 60, 90, 200])))
            ).isoformat(),
            "published": draw(st.booleans()),
            "text_en": "Answer.",
        }
        rating = draw(st.sampled_from([None, "satisfied", "basically_satisfied", "unsatisfied"]))
        if rating:
            reply["feedback"] = {"rating": rating}
        out.append(reply)
    return out


@st.composite
def assignments(draw) -> list[dict]:
    agencies = draw(st.lists(st.sampled_from(AGENCIES), unique=True, max_size=3))
    out = []
    for n, agency in enumerate(agencies):
        # due dates around today: long overdue, just due, not yet due
        due = today() + dt.timedelta(days=draw(st.sampled_from([-700, -1, 0, 1, 120])))
        assigned = due - dt.timedelta(days=90)
        out.append(
            {
                "agency": agency,
                "role": "lead" if n == 0 else draw(st.sampled_from(["joint", "assisting"])),
                "assigned_on": assigned.isoformat(),
                "due_on": due.isoformat(),
                # a lead transferred away is inactive; others may be too
                "active": draw(st.booleans()) if n else draw(st.sampled_from([True, True, False])),
                "replies": draw(replies(assigned)),
            }
        )
    return out


@st.composite
def proposal(draw, n: int) -> dict:
    status = draw(st.sampled_from(STATUSES))
    rec = {
        "type": "proposal",
        "key": f"h-{n}",
        "session": draw(st.sampled_from(list(SESSIONS))),
        "kind": "t-npc-suggestion",
        "title_en": f"Generated {n}",
        "status": status,
        # published or not whatever the status: the figures must hold either way
        "published": draw(st.booleans()),
        "signers": [{"member": draw(st.sampled_from(["t-ma", "t-lei"])), "role": "lead"}],
    }
    if status == "not_filed":
        rec["review"] = {"decision": "not_filed", "reason": draw(st.sampled_from(REASONS))}
    elif status in ("converted", "merged"):
        rec["review"] = {"decision": status}
        if status == "merged":
            rec["merged_into"] = "t-rich"
    elif status in FILED:
        rec["review"] = {"decision": "filed"}
    if status in HANDLED:
        rec["assignments"] = draw(assignments())
    return rec


@st.composite
def worlds(draw, max_size: int = 6) -> list[dict]:
    size = draw(st.integers(1, max_size))
    return [draw(proposal(n)) for n in range(size)]


SESSION_2021 = {
    "type": "session",
    "key": "t-npc-2021",
    "body": "t-npc",
    "term": 13,
    "number": 4,
    "year": 2021,
}


def load(records: list[dict]) -> None:
    import_files([], extra=iter([("generated", enumerate([SESSION_2021, *records], 1))]))


def base_proposals() -> list[dict]:
    """The portal world's own proposals (always loaded under the generated ones)."""
    rows = [json.loads(line) for line in PORTAL_WORLD.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["type"] == "proposal"]


class rolled_back:
    """Each generated example in a savepoint undone afterwards (the test's own
    transaction keeps the portal world). The cache is emptied first: an example's
    writes never commit, so the data version would not tell a cached answer of an
    earlier example from a fresh one."""

    def __enter__(self):
        cache.clear()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        return self.atomic.__exit__(*exc)


# ---------------------------------------------------------------------------
# The definitions again, over records


COUNTS = [
    "assigned",
    "lead",
    "joint",
    "assisting",
    "on_time",
    "late",
    "overdue",
    "pending",
    "a",
    "b",
    "c",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
]
RATING_FIELD = {
    "satisfied": "satisfied",
    "basically_satisfied": "basically_satisfied",
    "unsatisfied": "unsatisfied",
}


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def expected_handling(
    proposals: list[dict], *, public: bool, by: str, on: dt.date, years: dict | None = None
) -> dict:
    """{agency key | year | None: {count: n}} as docs/figures.md defines them."""
    years = years or SESSIONS | {"t-npc-2022": 2022, "t-cppcc-2022": 2022}
    rows: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for p in proposals:
        if public and not p.get("published", False):
            continue
        for a in p.get("assignments", ()):
            if not a.get("active", True):
                continue
            key = {"agency": a["agency"], "year": years.get(p["session"]), "all": None}[by]
            row = rows[key]
            row["assigned"] += 1
            row[a["role"]] += 1
            shown = [
                (_day(r["replied_on"]), i, r)
                for i, r in enumerate(a.get("replies", ()))
                if r.get("published", False) or not public
            ]
            if shown:
                day, _i, first = min(shown, key=lambda t: (t[0], t[1]))
                row["on_time" if day <= _day(a["due_on"]) else "late"] += 1
                row[first["category"].lower()] += 1
                rating = (first.get("feedback") or {}).get("rating")
                if rating:
                    row[RATING_FIELD[rating]] += 1
            else:
                row["overdue" if _day(a["due_on"]) < on else "pending"] += 1
    return dict(rows)


def expected_funnel(proposals: list[dict], session: str) -> dict:
    counts: dict = defaultdict(int)
    for p in proposals:
        status = p.get("status", "draft")
        if p["session"] != session or status in ("draft", "withdrawn"):
            continue
        counts["submitted"] += 1
        counts["waiting"] += status in ("submitted", "under_review")
        counts["not_filed"] += status == "not_filed"
        counts["converted"] += status == "converted"
        counts["merged"] += status == "merged"
        counts["filed"] += status in FILED
        counts["assigned"] += status in HANDLED
        counts["replied"] += status in ("replied", "closed")
        rated = any(
            r.get("feedback") for a in p.get("assignments", ()) for r in a.get("replies", ())
        )
        counts["rated"] += rated
    return dict(counts)


def as_counts(handling: dict) -> dict:
    return {k: {f: getattr(h, f) for f in COUNTS} for k, h in handling.items()}
