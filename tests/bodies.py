"""The demo's two kinds of body, each built from a small definition (never the
full demo): the Two Sessions' NPC from the small world, and the generated
written-questions chamber from the demo's own definition file
(src/lianghui/demo/fixtures/written_questions.jsonl) with its holiday calendar
and two members. A `Case` says what differs between them, so one lifecycle test
serves both: its records, its words and its deadline rule."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from lianghui.demo import questions
from lianghui.exchange.importer import import_files

from .conftest import FIXTURES, SEED_FACTS


@dataclass(frozen=True)
class Case:
    body: str
    session: str
    kind: str
    member: str
    other_member: str
    agency: str
    other_agency: str
    supervisor: str
    language: str  # the working language: which title and text fields are written
    final: str  # the reply category that answers
    interim: str  # one that does not answer in full (B: in progress; a holding answer)
    rating: str  # "" for a body whose replies are not rated
    reason: str  # a reason for not filing
    assigned_on: dt.date
    due_on: dt.date  # by the body's rule
    rule: str  # how the due date shows the rule

    @property
    def id(self) -> str:
        return self.body

    def texts(self, title: str, text: str = "") -> dict:
        suffix = "zh" if self.language == "zh-hans" else "en"
        return {f"title_{suffix}": title, **({f"text_{suffix}": text} if text else {})}


NPC = Case(
    body="npc",
    session="npc-2022",
    kind="npc-suggestion",
    member="deputy-a",
    other_member="deputy-b",
    agency="miit",
    other_agency="mohrss",
    supervisor="npc-committee",
    language="zh-hans",
    final="A",
    interim="B",
    rating="satisfied",
    reason="out_of_scope",
    assigned_on=dt.date(2022, 3, 25),
    due_on=dt.date(2022, 6, 25),  # three months
    rule="3 months",
)
WQ = Case(
    body=questions.BODY,
    session=questions.SESSION,
    kind="wq-question",
    member="wq-member-01",
    other_member="wq-member-02",
    agency="wq-transport",
    other_agency="wq-treasury",
    supervisor="wq-procedure-committee",
    language="en",
    final="answered",
    interim="holding",
    rating="",
    reason="out_of_order",
    # Thursday 18 December 2025: Christmas and Boxing Day are bank holidays.
    assigned_on=dt.date(2025, 12, 18),
    due_on=dt.date(2025, 12, 29),
    rule="5 working days",
)
CASES = [NPC, WQ]


def _calendar() -> dict:
    """The demo's England and Wales calendar, without the citations the seed gives it."""
    for line in Path(SEED_FACTS).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["type"] == "holiday_calendar" and rec["key"] == "uk-england-wales":
            rec.pop("sources", None)
            return rec
    raise LookupError("uk-england-wales")


def written_questions_records() -> list[dict]:
    members = [
        {
            "type": "member",
            "key": f"wq-member-0{n}",
            "name_en": name,
            "generated": True,
            "memberships": [{"body": questions.BODY, "role": "member"}],
        }
        for n, name in ((1, "Alex Morgan"), (2, "Priya Shah"))
    ]
    definition = [json.loads(line) for line in questions.DEFINITION.read_text().splitlines()]
    return [_calendar(), *definition, *members]


def load(case: Case | None = None) -> None:
    """The case's body (both when None), through the importer."""
    paths, extra = [], []
    if case is None or case.body == "npc":
        paths.append(str(FIXTURES / "small_world.jsonl"))
    if case is None or case.body == WQ.body:
        extra.append(("written-questions", enumerate(written_questions_records(), 1)))
    import_files(paths)
    if extra:
        import_files([], extra=iter(extra))


def accounts(case: Case) -> dict:
    """One user per role of the case's body: {role: user}."""
    from lianghui.accounts.services import account_create
    from lianghui.people.models import Member, Organization
    from lianghui.proposals.models import Body

    body = Body.objects.get(key=case.body)
    tag = case.body
    return {
        "member": account_create(
            username=f"{tag}-m", password="x", role="member",
            member=Member.objects.get(key=case.member),
        ),
        "office": account_create(username=f"{tag}-o", password="x", role="office", body=body),
        "agency": account_create(
            username=f"{tag}-a", password="x", role="agency",
            agency=Organization.objects.get(key=case.agency),
        ),
        "other_agency": account_create(
            username=f"{tag}-a2", password="x", role="agency",
            agency=Organization.objects.get(key=case.other_agency),
        ),
        "supervisor": account_create(
            username=f"{tag}-s", password="x", role="supervisor", body=body
        ),
    }  # fmt: skip
