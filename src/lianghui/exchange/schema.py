"""The JSON Lines record types, declared once.

One declaration drives validation (import), the canonical form (export, and the
"unchanged?" test that makes re-imports idempotent), the batch writer and the
CSV/XLSX column lists. docs/data-format.md is the user-facing description.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from lianghui.core.models import Language, Source
from lianghui.core.text import clean, has_refused
from lianghui.laws.enums import DatePrecision, EventKind, ProvisionKind, RegulationKind, VersionKind
from lianghui.laws.models import (
    ORDERED_PAIRS,
    PRECISION_FIELD,
    Provision,
    Regulation,
    RegulationEvent,
    RegulationVersion,
)
from lianghui.people.enums import AgencyLevel, Gender, OrganizationKind, Sector
from lianghui.people.models import (
    Affiliation,
    Member,
    Membership,
    Organization,
    OrganizationSector,
)
from lianghui.proposals.enums import (
    AssignmentRole,
    BodyKind,
    CalendarDayKind,
    DeadlineUnit,
    ReviewDecision,
    SignerRole,
    Status,
    VocabularyKind,
)
from lianghui.proposals.models import (
    Assignment,
    Body,
    CalendarDay,
    Feedback,
    HolidayCalendar,
    Proposal,
    ProposalKind,
    Reply,
    Review,
    Session,
    Signer,
    Term,
    Topic,
    validate_month_day,
)
from lianghui.proposals.vocabulary import problems as vocabulary_problems
from lianghui.proposals.workflow import record_problems

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
# What no stored string may hold: NUL (PostgreSQL refuses it) and lone surrogates
# (JSON can spell them as "\ud800"; they are not text and no database stores them).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Size limits (docs/data-format.md): a free-text field (kind "text") holds at most
# MAX_TEXT characters, a line of a file at most MAX_LINE bytes.
MAX_TEXT = 200_000
MAX_LINE = 4 * 1024 * 1024


class Invalid(Exception):
    """A value that does not fit its field; the importer adds file, line and field."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class SourceProblem(Exception):
    """A file a mapping reads cannot be read on (encoding, CSV syntax): where and why."""

    def __init__(self, line: int, message: str, field: str = ""):
        super().__init__(message)
        self.line, self.message, self.field = line, message, field


@dataclass
class F:
    """One field of a record: how to read it from JSON and where it goes in the model."""

    name: str
    kind: str = "str"  # key str text date int bool enum ref refs keys
    required: bool = False
    max_length: int | None = None
    choices: Any = None
    ref: str | None = None  # the record type a ref/refs field points to
    default: Any = None
    deferred: bool = False  # a ref resolved at the end of the import (may point forward)

    def __post_init__(self) -> None:
        if self.kind == "text" and self.max_length is None:
            self.max_length = MAX_TEXT
        if self.default is None and self.kind in {"str", "text", "enum", "key"}:
            self.default = ""
        if self.default is None and self.kind == "bool":
            self.default = False
        if self.kind == "refs":
            self.default = ()
        self.allowed_values = frozenset(self.choices.values) if self.choices else frozenset()

    @property
    def attr(self) -> str:
        return f"{self.name}_id" if self.kind == "ref" else self.name

    def parse(self, value: Any) -> Any:
        """JSON value -> Python value (refs stay keys; the writer resolves them)."""
        if value is None:
            if self.required:
                raise Invalid("is required")
            return self.default
        kind = self.kind
        if kind in {"str", "text", "key", "enum", "ref"}:
            if not isinstance(value, str):
                raise Invalid(f"must be a string, not {type(value).__name__}")
            if kind in {"str", "text"}:  # free text is cleaned like every input
                value = clean(value)
            elif has_refused(value):
                raise Invalid("contains a control character")
            if self.required and not value:
                raise Invalid("is required")
            if self.max_length and len(value) > self.max_length:
                raise Invalid(f"is {len(value)} characters long; the limit is {self.max_length}")
            if kind == "key" and value and not KEY_RE.match(value):
                raise Invalid(f"{value!r} is not a key (letters, digits, '-' and '_')")
            if kind == "enum" and value and value not in self.allowed_values:
                allowed = ", ".join(self.choices.values)
                raise Invalid(f"{value!r} is not one of: {allowed}")
            return value
        if kind == "date":
            if not isinstance(value, str):
                raise Invalid(f"must be a date string YYYY-MM-DD, not {type(value).__name__}")
            try:
                if len(value) != 10:  # fromisoformat also takes 20220306 and week dates
                    raise ValueError(value)
                return dt.date.fromisoformat(value)
            except ValueError:
                raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)") from None
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise Invalid(f"must be a whole number, not {type(value).__name__}")
            if not 0 <= value <= 32767:
                raise Invalid(f"{value} is out of range (0-32767)")
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise Invalid(f"must be true or false, not {type(value).__name__}")
            return value
        if kind == "keys":  # a list of keys stored in the record itself (not references)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise Invalid("must be a list of keys")
            for v in value:
                if not KEY_RE.match(v) or (self.max_length and len(v) > self.max_length):
                    raise Invalid(f"{v[:60]!r} is not a key (letters, digits, '-' and '_')")
            if len(set(value)) != len(value):
                raise Invalid("lists a key twice")
            return sorted(value)
        if kind == "refs":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise Invalid("must be a list of keys")
            if any(UNSTORABLE.search(v) for v in value):
                raise Invalid("contains a NUL character or a lone surrogate")
            if len(set(value)) != len(value):
                raise Invalid("lists a key twice")
            return tuple(sorted(value))
        raise AssertionError(kind)

    def dump(self, value: Any) -> Any:
        """Python value -> canonical JSON value."""
        if self.kind == "date" and value is not None:
            return value.isoformat()
        if self.kind in {"refs", "keys"}:
            return sorted(value)
        return value

    def is_default(self, value: Any) -> bool:
        if self.kind == "refs":
            return not value
        if self.kind == "keys":
            return sorted(value or ()) == sorted(self.default)
        return value == self.default or (value in ("", None) and self.default in ("", None))


@dataclass
class Spec:
    """A record type (or a nested part of one) and the model it is stored in."""

    name: str
    model: type[models.Model] | None
    fields: list[F]
    children: list[Spec] = field(default_factory=list)
    many: bool = True  # nested: a list of objects, or a single object
    parent_fk: str = ""  # nested: the FK attribute pointing at the parent row
    order_by: tuple[str, ...] = ("id",)  # nested: export order (matches import order)
    position: str = ""  # nested: a model field holding the list index
    m2m: dict[str, str] = field(default_factory=dict)  # refs field -> model M2M attribute
    cited: bool = False  # has "sources" citations
    self_ref: str = ""  # a ref field pointing at the same type (parents first)

    def __post_init__(self) -> None:
        self.by_name = {f.name: f for f in self.fields}
        self.child_by_name = {c.name: c for c in self.children}
        extra = {"type", "sources"} if self.cited else set()
        self.allowed = frozenset(set(self.by_name) | set(self.child_by_name) | extra)

    def scalar_fields(self) -> list[F]:
        return [f for f in self.fields if f.kind != "refs"]


def key(max_length: int = 120) -> F:
    return F("key", "key", required=True, max_length=max_length)


def s(name: str, max_length: int, **kw) -> F:
    return F(name, "str", max_length=max_length, **kw)


def t(name: str) -> F:
    return F(name, "text")


def d(name: str, **kw) -> F:
    return F(name, "date", **kw)


def e(name: str, choices, **kw) -> F:
    return F(name, "enum", choices=choices, **kw)


def r(name: str, ref: str, **kw) -> F:
    return F(name, "ref", ref=ref, **kw)


def i(name: str, **kw) -> F:
    return F(name, "int", **kw)


def b(name: str, **kw) -> F:
    return F(name, "bool", **kw)


CITATION = Spec(
    "sources",
    None,
    [
        r("source", "source", required=True),
        s("field", 60),
        s("locator", 500),
        s("figure_en", 300),
        s("figure_zh", 300),
    ],
)

SOURCE = Spec(
    "source",
    Source,
    [
        key(),
        s("title", 500, required=True),
        s("publisher", 200),
        s("url", 500),
        d("published_on"),
        e("language", Language, default=Language.EN),
        s("file", 200),
        t("note"),
    ],
)

HOLIDAY_CALENDAR = Spec(
    "holiday_calendar",
    HolidayCalendar,
    [key(60), s("name_zh", 200), s("name_en", 200)],
    children=[
        Spec(
            "days",
            CalendarDay,
            [
                d("date", required=True),
                e("kind", CalendarDayKind, required=True),
                s("name_zh", 100),
                s("name_en", 100),
            ],
            parent_fk="calendar_id",
            order_by=("date",),
        ),
    ],
    cited=True,
)

BODY = Spec(
    "body",
    Body,
    [
        key(60),
        s("name_zh", 200),
        s("name_en", 200),
        s("short_name_zh", 20),
        s("short_name_en", 40),
        e("kind", BodyKind, default=BodyKind.CONGRESS),
        s("jurisdiction", 100),
        e("deadline_unit", DeadlineUnit, default=DeadlineUnit.MONTHS),
        i("deadline_count", default=3),
        s("deadline_by", 5),
        r("calendar", "holiday_calendar"),
        e("language", Language, default=Language.ZH_HANS),
        # A body naming no schemes uses "tech", the scheme a topic naming none is in.
        F("topic_schemes", "keys", max_length=40, default=("tech",)),
        # Functions of the register of algorithms switched off for the body.
        F("algorithms_off", "keys", max_length=60, default=()),
        t("description_zh"),
        t("description_en"),
        b("generated"),
    ],
    children=[
        # The body's own words (proposals.vocabulary); none given: the Chinese defaults.
        Spec(
            "vocabulary",
            Term,
            [
                e("vocabulary", VocabularyKind, required=True),
                F("code", "key", required=True, max_length=30),
                s("label_zh", 100),
                s("label_en", 100),
                s("description_zh", 300),
                s("description_en", 300),
            ],
            parent_fk="body_id",
            order_by=("order", "id"),
            position="order",
        ),
    ],
    cited=True,
)

PROPOSAL_KIND = Spec(
    "proposal_kind",
    ProposalKind,
    [
        key(60),
        r("body", "body", required=True),
        F("code", "key", required=True, max_length=40),
        s("name_zh", 100),
        s("name_en", 100),
        i("min_cosigners", default=0),
        e("deadline_unit", DeadlineUnit),
        i("deadline_count"),
        s("deadline_by", 5),
    ],
    cited=True,
)

SESSION = Spec(
    "session",
    Session,
    [
        key(60),
        r("body", "body", required=True),
        i("term", required=True),
        i("number", required=True),
        i("year", required=True),
        d("opens_on"),
        d("closes_on"),
        s("name_zh", 200),
        s("name_en", 200),
    ],
    cited=True,
)

TOPIC = Spec(
    "topic",
    Topic,
    [
        key(60),
        F("scheme", "key", max_length=40, default="tech"),
        s("name_zh", 100),
        s("name_en", 100),
        r("parent", "topic"),
    ],
    self_ref="parent",
)

ORGANIZATION = Spec(
    "organization",
    Organization,
    [
        key(),
        s("name_zh", 300),
        s("name_en", 300),
        s("short_name_en", 100),
        e("kind", OrganizationKind, required=True),
        e("sector", Sector),
        r("parent", "organization"),
        e("level", AgencyLevel),
        t("responsibilities"),
        r("body", "body"),
        # Agencies and committees: the bodies they serve. Left out, the importer fills
        # in the committee's own body, or for an agency every body known at that line.
        F("bodies", "refs", ref="body"),
        d("founded_on"),
        d("dissolved_on"),
        b("generated"),
    ],
    children=[
        Spec(
            "sectors",
            OrganizationSector,
            [e("sector", Sector, required=True), i("start_year"), i("end_year")],
            parent_fk="organization_id",
        ),
    ],
    m2m={"bodies": "bodies"},
    cited=True,
    self_ref="parent",
)

MEMBER = Spec(
    "member",
    Member,
    [
        key(),
        s("name_zh", 200),
        s("name_en", 200),
        e("gender", Gender),
        t("bio_zh"),
        t("bio_en"),
        b("generated"),
    ],
    children=[
        Spec(
            "memberships",
            Membership,
            [
                r("body", "body", required=True),
                r("group", "organization"),
                s("role", 100),
                i("start_year"),
                i("end_year"),
            ],
            parent_fk="member_id",
        ),
        Spec(
            "affiliations",
            Affiliation,
            [
                r("organization", "organization", required=True),
                s("role", 200),
                i("start_year"),
                i("end_year"),
            ],
            parent_fk="member_id",
        ),
    ],
    cited=True,
)

PROPOSAL = Spec(
    "proposal",
    Proposal,
    [
        key(),
        r("session", "session", required=True),
        r("kind", "proposal_kind", required=True),
        s("number", 40),
        # Left out: the body's working language (the importer fills it in).
        e("original_language", Language),
        s("title_zh", 500),
        s("title_en", 500),
        t("summary_zh"),
        t("summary_en"),
        t("text_zh"),
        t("text_en"),
        d("submitted_on"),
        e("status", Status, default=Status.DRAFT),
        b("published"),
        b("is_key"),
        r("key_supervisor", "organization"),
        b("generated"),
        r("merged_into", "proposal", deferred=True),
        F("topics", "refs", ref="topic"),
    ],
    children=[
        Spec(
            "signers",
            Signer,
            [
                r("member", "member"),
                r("group", "organization"),
                e("role", SignerRole, default=SignerRole.LEAD),
            ],
            parent_fk="proposal_id",
            order_by=("position", "id"),
            position="position",
        ),
        Spec(
            "review",
            Review,
            [
                e("decision", ReviewDecision, required=True),
                F("reason", "key", max_length=30),
                t("note"),
                d("decided_on"),
            ],
            parent_fk="proposal_id",
            many=False,
        ),
        Spec(
            "assignments",
            Assignment,
            [
                r("agency", "organization", required=True),
                e("role", AssignmentRole, required=True),
                d("assigned_on", required=True),
                d("due_on", required=True),
                e("due_unit", DeadlineUnit),
                i("due_count"),
                d("due_from"),
                d("due_by"),
                F("transferred_from", "key", max_length=120),
                b("active", default=True),
                d("transfer_requested_on"),
                t("transfer_reason"),
            ],
            parent_fk="proposal_id",
            children=[
                Spec(
                    "replies",
                    Reply,
                    [
                        F("category", "key", max_length=30),
                        d("replied_on", required=True),
                        t("text_zh"),
                        t("text_en"),
                        b("published"),
                    ],
                    parent_fk="assignment_id",
                    children=[
                        Spec(
                            "feedback",
                            Feedback,
                            [
                                F("rating", "key", required=True, max_length=30),
                                t("comment"),
                                b("comment_public"),
                                d("given_on"),
                            ],
                            parent_fk="reply_id",
                            many=False,
                        ),
                    ],
                ),
            ],
        ),
    ],
    m2m={"topics": "topics"},
    cited=True,
)

REGULATION = Spec(
    "regulation",
    Regulation,
    [
        key(160),
        s("title_zh", 500),
        s("title_en", 500),
        s("short_name_en", 120),
        e("kind", RegulationKind, required=True),
        s("jurisdiction", 100, default="PRC"),
        s("category", 100),
        s("document_number", 100),
        t("summary_zh"),
        t("summary_en"),
        d("drafted_on"),
        d("comment_opens_on"),
        d("comment_closes_on"),
        d("adopted_on"),
        d("published_on"),
        d("effective_on"),
        d("repealed_on"),
        *[e(p, DatePrecision, default=DatePrecision.DAY) for p in PRECISION_FIELD.values()],
        b("expired"),
        b("generated"),
        F("issuers", "refs", ref="organization"),
        F("related_proposals", "refs", ref="proposal"),
    ],
    children=[
        Spec(
            "events",
            RegulationEvent,
            [
                d("date", required=True),
                e("date_precision", DatePrecision, default=DatePrecision.DAY),
                e("kind", EventKind, required=True),
                s("note_zh", 500),
                s("note_en", 500),
            ],
            parent_fk="regulation_id",
        ),
        Spec(
            "versions",
            RegulationVersion,
            [
                e("kind", VersionKind, required=True),
                s("label_zh", 200),
                s("label_en", 200),
                d("date", required=True),
                e("date_precision", DatePrecision, default=DatePrecision.DAY),
                r("issuer", "organization"),
                s("source_url", 500),
                b("generated"),
            ],
            children=[
                # A version's text in order; "parent" is the list index of the
                # enclosing provision (a chapter for an article, an article for a
                # paragraph), which must come earlier in the list.
                Spec(
                    "provisions",
                    Provision,
                    [
                        e("kind", ProvisionKind, required=True),
                        s("number", 40),
                        i("parent"),
                        s("heading_zh", 300),
                        s("heading_en", 300),
                        t("text_zh"),
                        t("text_en"),
                    ],
                    parent_fk="version_id",
                    order_by=("position",),
                    position="position",
                ),
            ],
            parent_fk="regulation_id",
            order_by=("date", "id"),
        ),
    ],
    m2m={"issuers": "issuers", "related_proposals": "related_proposals"},
    cited=True,
)

# Dependency order: export writes types in this order, and a reference must point
# to an earlier type (or, for self references, an earlier record).
SPECS: dict[str, Spec] = {
    spec.name: spec
    for spec in [
        SOURCE,
        HOLIDAY_CALENDAR,
        BODY,
        PROPOSAL_KIND,
        SESSION,
        TOPIC,
        ORGANIZATION,
        MEMBER,
        PROPOSAL,
        REGULATION,
    ]
}
MODEL_TYPES = {spec.model: name for name, spec in SPECS.items()}


# --- cross-field rules (the database enforces them too; here they get a line number)


def check_record(spec: Spec, rec: dict) -> list[Invalid]:
    problems: list[Invalid] = []
    name = spec.name
    if name in {"body", "organization", "member"} and not (
        rec.get("name_zh") or rec.get("name_en")
    ):
        problems.append(Invalid("needs name_zh or name_en", "name_zh"))
    if name in {"proposal", "regulation"} and not (rec.get("title_zh") or rec.get("title_en")):
        problems.append(Invalid("needs title_zh or title_en", "title_zh"))
    if name == "session" and _after(rec.get("opens_on"), rec.get("closes_on")):
        problems.append(Invalid("closes before it opens", "closes_on"))
    if name == "organization" and _after(rec.get("founded_on"), rec.get("dissolved_on")):
        problems.append(Invalid("dissolved before it was founded", "dissolved_on"))
    if name == "regulation":
        for earlier, later in ORDERED_PAIRS:
            if _after(rec.get(earlier), rec.get(later)):
                problems.append(Invalid(f"{rec[later]} is before {earlier} {rec[earlier]}", later))
        for date_field, precision in PRECISION_FIELD.items():
            problems.extend(_check_precision(rec.get(date_field), rec.get(precision), date_field))
        for part in ("events", "versions"):
            for n, item in enumerate(rec.get(part) or ()):
                where = f"{part}[{n}].date"
                problems.extend(_check_precision(item["date"], item["date_precision"], where))
        for n, version in enumerate(rec.get("versions") or ()):
            for m, provision in enumerate(version["provisions"]):
                parent = provision["parent"]
                if parent is not None and parent >= m:
                    problems.append(
                        Invalid(
                            "must be the index of an earlier provision",
                            f"versions[{n}].provisions[{m}].parent",
                        )
                    )
    if name in {"topic", "organization"} and rec.get("parent") == rec.get("key"):
        problems.append(Invalid("a record cannot be its own parent", "parent"))
    if name == "organization":
        for n, item in enumerate(rec.get("sectors", ())):
            if _after(item.get("start_year"), item.get("end_year")):
                problems.append(Invalid("end_year is before start_year", f"sectors[{n}].end_year"))
    if name == "member":
        for part in ("memberships", "affiliations"):
            for n, item in enumerate(rec.get(part, ())):
                if _after(item.get("start_year"), item.get("end_year")):
                    problems.append(
                        Invalid("end_year is before start_year", f"{part}[{n}].end_year")
                    )
    if name in {"body", "proposal_kind"}:
        problems.extend(_check_deadline(rec, own=name == "body"))
    if name == "holiday_calendar":
        seen: dict[dt.date, int] = {}
        for n, day in enumerate(rec["days"]):
            if day["date"] in seen:
                problems.append(
                    Invalid(
                        f"{day['date']} is already listed at days[{seen[day['date']]}]",
                        f"days[{n}].date",
                    )
                )
            seen.setdefault(day["date"], n)
    if name == "proposal":
        problems.extend(_check_proposal(rec))
    if name == "body" and rec.get("algorithms_off"):
        problems.extend(_check_algorithms_off(rec["algorithms_off"]))
    if name == "body" and rec.get("vocabulary"):
        problems.extend(_check_vocabulary(rec["vocabulary"]))
    return problems


def _check_precision(date: dt.date | None, precision: str | None, where: str) -> list[Invalid]:
    """A month is stored as its first day and a year as 1 January (so they sort)."""
    if date is None or precision in (None, "", DatePrecision.DAY):
        return []
    if date.day != 1 or (precision == DatePrecision.YEAR and date.month != 1):
        first = "the first of the month" if precision == DatePrecision.MONTH else "1 January"
        return [Invalid(f"{date} has {precision} precision: give {first}", where)]
    return []


def _check_algorithms_off(keys: list[str]) -> list[Invalid]:
    from lianghui.insights import algorithms

    valid = ", ".join(algorithms.switchable_keys())
    return [
        Invalid(
            f"{k!r} is not a function that can be switched off per body: one of {valid}",
            "algorithms_off",
        )
        for k in algorithms.unknown_off_keys(keys)
    ]


def _check_vocabulary(items: list[dict]) -> list[Invalid]:
    problems, seen = [], {}
    for n, item in enumerate(items):
        where = f"vocabulary[{n}]"
        pair = (item["vocabulary"], item["code"])
        if pair in seen:
            problems.append(
                Invalid(f"{pair[0]} {pair[1]!r} already appears at vocabulary[{seen[pair]}]", where)
            )
        seen.setdefault(pair, n)
        if not (item["label_zh"] or item["label_en"]):
            problems.append(Invalid("needs label_zh or label_en", f"{where}.label_zh"))
    for part, why in vocabulary_problems(seen):
        problems.append(Invalid(why, f"vocabulary.{part}"))
    return problems


def _check_deadline(rec: dict, *, own: bool) -> list[Invalid]:
    """A body always has a rule; a kind has its own (unit and count) or none."""
    problems = []
    unit, count, by = rec["deadline_unit"], rec["deadline_count"], rec["deadline_by"]
    if not own and bool(unit) != (count is not None):
        missing = "deadline_count" if unit else "deadline_unit"
        problems.append(Invalid("give both deadline_unit and deadline_count, or neither", missing))
    if count is not None and count < 1:
        problems.append(
            Invalid("must be at least 1 (a reply cannot be due the same day)", "deadline_count")
        )
    if by:
        try:
            validate_month_day(by)
        except ValidationError:
            problems.append(
                Invalid(f"{by!r} is not a day of the year MM-DD, such as 11-30", "deadline_by")
            )
        if not own and not unit:
            problems.append(Invalid("a fixed day needs the kind's own rule", "deadline_by"))
    return problems


def _check_due_rule(a: dict, n: int) -> list[Invalid]:
    """An assignment states the rule that set its due date completely, or not at all."""
    given = [bool(a["due_unit"]), a["due_count"] is not None, a["due_from"] is not None]
    where = f"assignments[{n}]"
    if not any(given) and a["due_by"] is None:
        return []
    if not all(given):
        return [Invalid("due_unit, due_count and due_from go together", f"{where}.due_unit")]
    problems = []
    if a["due_count"] < 1:
        problems.append(Invalid("must be at least 1", f"{where}.due_count"))
    if a["due_from"] > a["due_on"]:
        problems.append(Invalid("is after due_on", f"{where}.due_from"))
    return problems


def _after(a, b) -> bool:
    return a is not None and b is not None and b < a


def _check_proposal(rec: dict) -> list[Invalid]:
    # A stored proposal must be one the services could have produced: its status
    # agrees with its publication, key selection, merge, review and assignments.
    review = rec.get("review")
    problems = [
        Invalid(why, field)
        for field, why in record_problems(
            status=rec["status"],
            published=rec["published"],
            is_key=rec["is_key"],
            merged=bool(rec.get("merged_into")),
            decision=review["decision"] if review else None,
            assigned=bool(rec.get("assignments")),
        )
    ]
    if rec.get("merged_into") == rec["key"]:
        problems.append(Invalid("a proposal cannot be merged into itself", "merged_into"))
    signers = rec.get("signers", ())
    leads = [s for s in signers if s["role"] == SignerRole.LEAD]
    if signers and len(leads) != 1:
        problems.append(Invalid(f"needs exactly one lead signer, has {len(leads)}", "signers"))
    seen = set()
    for n, signer in enumerate(signers):
        who = ("member", signer["member"]) if signer["member"] else ("group", signer["group"])
        if bool(signer["member"]) == bool(signer["group"]):
            problems.append(Invalid("names a member or a group, exactly one", f"signers[{n}]"))
        elif who in seen:
            problems.append(Invalid(f"{who[0]} {who[1]!r} signs twice", f"signers[{n}]"))
        seen.add(who)
    if review and review["decision"] == ReviewDecision.NOT_FILED and not review["reason"]:
        problems.append(Invalid("a not-filed decision needs a reason", "review.reason"))
    active_leads, agencies = 0, {}
    for n, a in enumerate(rec.get("assignments", ())):
        if a["due_on"] < a["assigned_on"]:
            problems.append(Invalid("is before assigned_on", f"assignments[{n}].due_on"))
        problems.extend(_check_due_rule(a, n))
        if a["active"]:
            active_leads += a["role"] == AssignmentRole.LEAD
            if a["agency"] in agencies:
                problems.append(
                    Invalid(f"agency {a['agency']!r} is assigned twice", f"assignments[{n}].agency")
                )
            agencies[a["agency"]] = n
        if a["transferred_from"] and a["transferred_from"] not in {
            x["agency"] for x in rec["assignments"][:n]
        }:
            problems.append(
                Invalid(
                    f"{a['transferred_from']!r} is not an earlier assignment's agency",
                    f"assignments[{n}].transferred_from",
                )
            )
    if active_leads > 1:
        problems.append(Invalid("has more than one active lead agency", "assignments"))
    return problems
