"""Import JSON Lines records: streaming, all-or-nothing, idempotent.

Records are validated line by line and written in batches with bulk inserts, all
inside one transaction; any error rolls everything back. A record whose key is
already stored is compared with its stored canonical form and rewritten only if
it differs, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lianghui.core import events
from lianghui.core.models import Citation
from lianghui.laws.enums import LinkStatus
from lianghui.laws.models import ProposalLink
from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Membership, Organization
from lianghui.proposals import vocabulary
from lianghui.proposals.models import Body, Term, Topic
from lianghui.proposals.workflow import merge_target_problem, signer_problem

from . import bulk, exporter
from .schema import CITATION, MAX_LINE, SPECS, Invalid, SourceProblem, Spec, check_record

BATCH_SIZE = 1000
# Rows written from which an import refreshes the planner's statistics: the
# database's own (autovacuum on PostgreSQL) may come much later, and until then a
# page's lookup by proposal was planned as a scan of every reply.
ANALYZE_AFTER = 5000
MAX_ERRORS = 20
# Types whose every key -> id fits in memory; proposals are looked up per batch.
SERVING_KINDS = {OrganizationKind.AGENCY, OrganizationKind.COMMITTEE}
CACHED_TYPES = (
    "source",
    "holiday_calendar",
    "body",
    "proposal_kind",
    "session",
    "topic",
    "organization",
    "member",
)


# Fields that point at rows of the same batch, set once the batch has its ids.
_LINKED_AFTER = {("assignments", "transferred_from"), ("provisions", "parent")}


@dataclass(frozen=True)
class RecordError:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )
        # A field name or file name from the file may hold a lone surrogate: show it
        # escaped rather than fail to print the error.
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class ImportFailed(Exception):
    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        more = " (and more; the import stopped there)" if len(errors) >= MAX_ERRORS else ""
        super().__init__(
            f"nothing was imported: {len(errors)} error(s){more}\n"
            + "\n".join(str(e) for e in errors)
        )


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def add(self, bucket: str, type_name: str, n: int) -> None:
        counts = getattr(self, bucket)
        counts[type_name] = counts.get(type_name, 0) + n

    def summary(self) -> str:
        parts = []
        for bucket in ("created", "updated", "unchanged"):
            counts = getattr(self, bucket)
            if counts:
                parts.append(f"{bucket} " + ", ".join(f"{n} {t}" for t, n in counts.items()))
        return "; ".join(parts) or "no records"


@dataclass
class Line:
    """One record of the import, parsed, with where it came from."""

    file: str
    number: int
    spec: Spec
    rec: dict
    ids: dict = field(default_factory=dict)  # resolved refs, by dotted field path


class Stop(Exception):
    """Too many errors: stop reading, report what we have."""


class Registry:
    """Natural key -> database id, per record type."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[str, int]] = {}
        self.extra: dict[str, dict[int, int]] = {}  # session/kind id -> body id
        # Who may sign for which body (loaded when first needed, again after the
        # import wrote members or organizations).
        self._seats: dict[int, set[int]] | None = None  # member id -> body ids
        self._group_body: dict[int, int] | None = None  # organization id -> its body id
        # Which bodies each agency or committee serves, and the topic schemes in use.
        self._served: set[tuple[int, int]] | None = None  # (organization id, body id)
        self._schemes: dict[int, set[str]] | None = None  # body id -> its topic schemes
        self._topic_scheme: dict[int, str] | None = None  # topic id -> its scheme
        # body id -> {vocabulary: codes} (loaded when first needed, again after bodies)
        self.vocabularies: dict[int, dict[str, set[str]]] | None = None

    def codes(self, body_id: int, name: str) -> set[str]:
        if self.vocabularies is None:
            self.vocabularies = {}
            for body, name_, code in Term.objects.values_list("body_id", "vocabulary", "code"):
                self.vocabularies.setdefault(body, {}).setdefault(name_, set()).add(code)
        return self.vocabularies.get(body_id, {}).get(name, set())

    def forget_signers(self) -> None:
        self._seats = self._group_body = None

    def forget_scopes(self) -> None:
        self._served = self._schemes = self._topic_scheme = None

    def serves(self, organization_id: int, body_id: int) -> bool:
        """The organization is one of the body's agencies or committees."""
        if self._served is None:
            self._served = set(
                Organization.bodies.through.objects.values_list("organization_id", "body_id")
            )
        return (organization_id, body_id) in self._served

    def topic_in_use(self, topic_id: int, body_id: int) -> bool:
        if self._schemes is None or self._topic_scheme is None:
            self._schemes = {
                pk: set(schemes or ())
                for pk, schemes in Body.objects.values_list("pk", "topic_schemes")
            }
            self._topic_scheme = dict(Topic.objects.values_list("pk", "scheme"))
        return self._topic_scheme.get(topic_id) in self._schemes.get(body_id, ())

    def seats(self, member_id: int) -> set[int]:
        if self._seats is None:
            self._seats = {}
            for member_id_, body_id in Membership.objects.values_list("member_id", "body_id"):
                self._seats.setdefault(member_id_, set()).add(body_id)
        return self._seats.get(member_id, set())

    def group_body(self, organization_id: int) -> int | None:
        if self._group_body is None:
            self._group_body = dict(
                Organization.objects.filter(body__isnull=False).values_list("id", "body_id")
            )
        return self._group_body.get(organization_id)

    def map(self, type_name: str) -> dict[str, int]:
        if type_name not in self.maps:
            model = SPECS[type_name].model
            self.maps[type_name] = dict(model.objects.values_list("key", "id"))
            if type_name in ("session", "proposal_kind"):
                self.extra[type_name] = dict(model.objects.values_list("id", "body_id"))
        return self.maps[type_name]

    def add(self, type_name: str, key: str, pk: int, body_id: int | None = None) -> None:
        if type_name in CACHED_TYPES:
            self.map(type_name)[key] = pk
            if type_name in self.extra:
                self.extra[type_name][pk] = body_id

    def resolve_many(self, type_name: str, keys: set[str]) -> dict[str, int]:
        if type_name in CACHED_TYPES:
            known = self.map(type_name)
            return {k: known[k] for k in keys if k in known}
        model = SPECS[type_name].model
        found: dict[str, int] = {}
        keys_list = list(keys)
        for start in range(0, len(keys_list), 900):
            chunk = keys_list[start : start + 900]
            found.update(model.objects.filter(key__in=chunk).values_list("key", "id"))
        return found


def _no_duplicate_names(pairs: list[tuple[str, Any]]) -> dict:
    obj = {}
    for name, value in pairs:
        if name in obj:
            raise Invalid(f"the field {name!r} appears twice in one object", name)
        obj[name] = value
    return obj


def parse(spec: Spec, obj: Any, path: str = "") -> dict:
    """Validate one JSON object against its spec; raise Invalid naming the field."""
    if not isinstance(obj, dict):
        raise Invalid(f"must be an object, not {type(obj).__name__}", path)
    for name in obj:
        if name not in spec.allowed and not (name == "type" and not path):
            raise Invalid(f"unknown field for {spec.name}", path + name)
    rec: dict[str, Any] = {}
    for f in spec.fields:
        value = obj.get(f.name)
        if value is None and not f.required:
            rec[f.name] = f.default  # the common case, kept cheap
            continue
        try:
            rec[f.name] = f.parse(value)
        except Invalid as exc:
            raise Invalid(exc.message, path + f.name) from None
    for child in spec.children:
        value = obj.get(child.name)
        if child.many:
            if value is None:
                value = []
            if not isinstance(value, list):
                raise Invalid("must be a list", path + child.name)
            rec[child.name] = [
                parse(child, item, f"{path}{child.name}[{n}].") for n, item in enumerate(value)
            ]
        else:
            rec[child.name] = None if value is None else parse(child, value, f"{path}{child.name}.")
    if spec.cited:
        value = obj.get("sources") or []
        if not isinstance(value, list):
            raise Invalid("must be a list", path + "sources")
        rec["sources"] = sorted(
            (parse(CITATION, item, f"{path}sources[{n}].") for n, item in enumerate(value)),
            key=lambda c: (c["source"], c["field"], c["locator"]),
        )
    return rec


class Importer:
    def __init__(
        self, *, batch_size: int = BATCH_SIZE, progress: Callable[[int], None] | None = None
    ):
        self.batch_size = batch_size
        self.progress = progress or (lambda n: None)
        self.registry = Registry()
        self.errors: list[RecordError] = []
        self.report = Report()
        self.batch: list[Line] = []
        self.seen: dict[tuple[str, str], tuple[str, int]] = {}
        self.deferred: list[tuple[Line, str, str]] = []  # (line, field, target key)
        self.content_types: dict[str, int] = {}
        self.languages: dict[int, str] | None = None  # body id -> working language

    # --- reading -----------------------------------------------------------------

    def error(self, file: str, line: int, field: str, message: str) -> None:
        self.errors.append(RecordError(file, line, field, message))
        if len(self.errors) >= MAX_ERRORS:
            raise Stop

    def read_file(self, path: str) -> None:
        name = os.path.basename(path)
        try:
            with open(path, "rb") as handle:
                number = 0
                while raw := handle.readline(MAX_LINE + 1):
                    number += 1
                    self.progress(len(raw))
                    if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                        while raw and not raw.endswith(b"\n"):  # skip the rest unread
                            raw = handle.readline(1 << 20)
                            self.progress(len(raw))
                        self.error(name, number, "", f"is longer than {MAX_LINE:,} bytes")
                        continue
                    self.read_line(name, number, raw)
        except OSError as exc:
            self.error(name, 0, "", f"cannot be read: {exc.strerror}")

    def read_line(self, name: str, number: int, raw: bytes) -> None:
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.error(
                name,
                number,
                "",
                f"is not UTF-8 (byte {exc.start + 1} of the line); save the file as UTF-8",
            )
            return
        if not text.strip():
            return
        try:
            obj = json.loads(text, object_pairs_hook=_no_duplicate_names)
        except Invalid as exc:
            self.error(name, number, exc.field, exc.message)
            return
        except json.JSONDecodeError as exc:
            self.error(name, number, "", f"is not valid JSON: {exc.msg} at column {exc.colno}")
            return
        except RecursionError:
            self.error(name, number, "", "is nested too deeply to be a record")
            return
        self.take(name, number, obj)

    def read_records(self, name: str, records: Iterable[tuple[int, dict]]) -> None:
        """Records already decoded (e.g. from a CSV mapping), with their line numbers.
        A mapping that cannot read on reports where (SourceProblem)."""
        try:
            for number, obj in records:
                self.take(name, number, obj)
        except SourceProblem as exc:
            self.error(name, exc.line, exc.field, exc.message)

    def take(self, file: str, number: int, obj: Any) -> None:
        if not isinstance(obj, dict):
            self.error(file, number, "", f"must be a JSON object, not {type(obj).__name__}")
            return
        type_name = obj.get("type")
        spec = SPECS.get(type_name) if isinstance(type_name, str) else None
        if spec is None:
            known = ", ".join(SPECS)
            self.error(file, number, "type", f"{type_name!r} is not a record type ({known})")
            return
        try:
            rec = parse(spec, obj)
        except Invalid as exc:
            self.error(file, number, exc.field, exc.message)
            return
        problems = check_record(spec, rec)
        for problem in problems:
            self.error(file, number, problem.field, problem.message)
        if problems:
            return
        ident = (spec.name, rec["key"])
        if ident in self.seen:
            first_file, first_line = self.seen[ident]
            self.error(
                file,
                number,
                "key",
                f"{spec.name} {rec['key']!r} already appears at {first_file}:{first_line}",
            )
            return
        self.seen[ident] = (file, number)
        if self.batch and (
            self.batch[0].spec is not spec
            or len(self.batch) >= self.batch_size
            or (spec.self_ref and rec.get(spec.self_ref) in {ln.rec["key"] for ln in self.batch})
        ):
            self.flush()
        self.batch.append(Line(file, number, spec, rec))

    # --- resolving references -----------------------------------------------------

    def _refs(self, spec: Spec, rec: dict, path: str, out: list) -> None:
        """Collect (path, type, key, many) for every reference in a record."""
        for f in spec.fields:
            value = rec.get(f.name)
            if f.kind == "ref" and value and not f.deferred:
                out.append((path + f.name, f.ref, value, False))
            elif f.kind == "refs":
                out.extend((path + f.name, f.ref, v, True) for v in value)
        for child in spec.children:
            items = rec.get(child.name)
            items = items if child.many else ([items] if items else [])
            for n, item in enumerate(items):
                prefix = f"{path}{child.name}[{n}]." if child.many else f"{path}{child.name}."
                self._refs(child, item, prefix, out)
        for n, citation in enumerate(rec.get("sources", ())):
            out.append((f"{path}sources[{n}].source", "source", citation["source"], False))

    def _default_bodies(self, rec: dict) -> None:
        """An agency or committee naming no bodies serves its own body (a committee's),
        or else every body in the database or earlier in the import: files written
        before bodies had their own agencies keep every agency in every pick list."""
        if rec["bodies"] or rec["kind"] not in SERVING_KINDS:
            return
        rec["bodies"] = (rec["body"],) if rec["body"] else tuple(sorted(self.registry.map("body")))

    def resolve(self, lines: list[Line]) -> bool:
        wanted: dict[str, set[str]] = {}
        per_line = []
        for line in lines:
            if line.spec.name == "organization":
                self._default_bodies(line.rec)
            refs: list = []
            self._refs(line.spec, line.rec, "", refs)
            per_line.append(refs)
            for _path, type_name, key, _many in refs:
                wanted.setdefault(type_name, set()).add(key)
        found = {t: self.registry.resolve_many(t, keys) for t, keys in wanted.items()}
        ok = True
        for line, refs in zip(lines, per_line, strict=True):
            line_ok = True
            for path, type_name, key, many in refs:
                pk = found[type_name].get(key)
                if pk is None:
                    line_ok = False
                    self.error(
                        line.file,
                        line.number,
                        path,
                        f"refers to {type_name} {key!r}, which is neither in the database"
                        " nor earlier in the import",
                    )
                elif many:
                    line.ids.setdefault(path, []).append(pk)
                else:
                    line.ids[path] = pk
            if line_ok and line.spec.name == "proposal":
                line_ok = self._check_proposal_context(line)
            ok = ok and line_ok
        return ok

    def _check_proposal_context(self, line: Line) -> bool:
        extra = self.registry.extra
        session_body = extra["session"][line.ids["session"]]
        if not line.rec["original_language"]:  # written in its body's working language
            if self.languages is None:
                self.languages = dict(Body.objects.values_list("pk", "language"))
            line.rec["original_language"] = self.languages[session_body]
        if extra["proposal_kind"][line.ids["kind"]] != session_body:
            self.error(
                line.file,
                line.number,
                "kind",
                f"{line.rec['kind']!r} is a kind of another body than the session's",
            )
            return False
        ok = self._check_vocabulary(line, session_body)
        # Only the body's own (or shared) agencies, committees and topics.
        registry = self.registry
        scoped = [
            (f"assignments[{n}].agency", a["agency"], "an agency")
            for n, a in enumerate(line.rec["assignments"])
        ]
        if line.rec["key_supervisor"]:
            scoped.append(("key_supervisor", line.rec["key_supervisor"], "a committee"))
        for path, key, what in scoped:
            if not registry.serves(line.ids[path], session_body):
                ok = False
                self.error(
                    line.file, line.number, path, f"{key!r} is not {what} of the session's body"
                )
        for key, topic_id in zip(line.rec["topics"], line.ids.get("topics", ()), strict=True):
            if not registry.topic_in_use(topic_id, session_body):
                ok = False
                self.error(
                    line.file,
                    line.number,
                    "topics",
                    f"{key!r} is in none of the topic schemes of the session's body",
                )
        for n, signer in enumerate(line.rec["signers"]):
            if signer["member"]:
                member_id = line.ids[f"signers[{n}].member"]
                if signer_problem(
                    session_body_id=session_body, seat_bodies=self.registry.seats(member_id)
                ):
                    ok = False
                    self.error(
                        line.file,
                        line.number,
                        f"signers[{n}].member",
                        f"{signer['member']!r} has no seat (membership) in the session's body",
                    )
            elif (
                signer["group"]
                and self.registry.group_body(line.ids[f"signers[{n}].group"]) != session_body
            ):
                ok = False
                self.error(
                    line.file,
                    line.number,
                    f"signers[{n}].group",
                    f"{signer['group']!r} is not a group of the session's body",
                )
        return ok

    def _check_vocabulary(self, line: Line, body_id: int) -> bool:
        """Every code in the proposal is one of its body's words."""
        rec, used = line.rec, []
        if rec["review"]:
            used.append(("review.decision", vocabulary.OUTCOME, rec["review"]["decision"]))
            used.append(("review.reason", vocabulary.NOT_FILED_REASON, rec["review"]["reason"]))
        for n, a in enumerate(rec["assignments"]):
            used.append((f"assignments[{n}].role", vocabulary.HANDLING_ROLE, a["role"]))
            for m, reply in enumerate(a["replies"]):
                where = f"assignments[{n}].replies[{m}]"
                used.append((f"{where}.category", vocabulary.REPLY_CATEGORY, reply["category"]))
                if reply["feedback"]:
                    rating = reply["feedback"]["rating"]
                    used.append((f"{where}.feedback.rating", vocabulary.SATISFACTION, rating))
        ok = True
        for where, name, code in used:
            allowed = self.registry.codes(body_id, name)
            if code in allowed or (not code and (name != vocabulary.REPLY_CATEGORY or not allowed)):
                continue
            ok = False
            if allowed:
                why = (
                    f"{code!r} is not one of the body's {name} codes: {', '.join(sorted(allowed))}"
                )
            elif code:
                why = f"the body has no {name} vocabulary"
            else:
                why = "is required"
            self.error(line.file, line.number, where, why)
        return ok

    def check_numbers(self, lines: list[Line]) -> bool:
        """Proposal numbers are unique per session and kind: in the batch and in the database."""
        numbered = [ln for ln in lines if ln.rec["number"]]
        if not numbered:
            return True
        spec = SPECS["proposal"]
        ok, mine = True, {}
        for ln in numbered:
            slot = (ln.ids["session"], ln.ids["kind"], ln.rec["number"])
            if slot in mine:
                ok = False
                self.error(
                    ln.file,
                    ln.number,
                    "number",
                    f"{ln.rec['number']!r} is already used in this session and kind by"
                    f" {mine[slot].rec['key']!r} (line {mine[slot].number})",
                )
            mine[slot] = ln
        taken = (
            spec.model.objects.filter(
                session_id__in={s for s, _k, _n in mine}, number__in={n for _s, _k, n in mine}
            )
            .exclude(key__in=[ln.rec["key"] for ln in lines])
            .values_list("session_id", "kind_id", "number", "key")
        )
        for session_id, kind_id, number, other in taken:
            ln = mine.get((session_id, kind_id, number))
            if ln:
                ok = False
                self.error(
                    ln.file,
                    ln.number,
                    "number",
                    f"{number!r} is already used in this session and kind by {other!r}",
                )
        return ok

    # --- writing --------------------------------------------------------------------

    def flush(self) -> None:
        lines, self.batch = self.batch, []
        if not lines or self.errors:
            # After an error nothing is written, so later references could not be
            # checked fairly; keep reading only to report other malformed lines.
            return
        ok = self.resolve(lines)
        if ok and lines[0].spec.name == "proposal":
            ok = self.check_numbers(lines)
        if not ok or self.errors:
            return  # keep validating; nothing will be committed
        try:
            with transaction.atomic():
                self.write(lines[0].spec, lines)
        except IntegrityError as exc:
            self.error(
                lines[0].file,
                lines[0].number,
                "",
                f"the database refused the records on lines {lines[0].number}"
                f"-{lines[-1].number}: {exc}",
            )

    def write(self, spec: Spec, lines: list[Line]) -> None:
        model = spec.model
        existing = self.registry.resolve_many(spec.name, {ln.rec["key"] for ln in lines})
        new = [ln for ln in lines if ln.rec["key"] not in existing]
        old = [ln for ln in lines if ln.rec["key"] in existing]
        changed: list[tuple[int, Line]] = []
        if old:
            stored = exporter.serialize(spec, [existing[ln.rec["key"]] for ln in old])
            for ln, current in zip(old, stored, strict=True):
                if exporter.canonical(spec, ln.rec) == current:
                    self.report.add("unchanged", spec.name, 1)
                else:
                    changed.append((existing[ln.rec["key"]], ln))
        if changed:
            names = [f.attr for f in spec.scalar_fields() if not f.deferred]
            objs = [model(id=pk, **self.attrs(spec, ln.rec, ln.ids, "")) for pk, ln in changed]
            if any(f.name == "updated_at" for f in model._meta.fields):
                now = timezone.now()
                for obj in objs:
                    obj.updated_at = now
                names.append("updated_at")
            model.objects.bulk_update(objs, names)
            self.clear_parts(spec, [pk for pk, _ln in changed])
            self.report.add("updated", spec.name, len(changed))
        created: list[int] = []
        if new:
            values = [self.attrs(spec, ln.rec, ln.ids, "") for ln in new]
            created = bulk.table(model).insert(values, returning=True)
            for pk, ln, row in zip(created, new, values, strict=True):
                self.registry.add(spec.name, ln.rec["key"], pk, row.get("body_id"))
            self.report.add("created", spec.name, len(new))
        if spec.name in ("member", "organization"):
            self.registry.forget_signers()
        if spec.name == "body":
            self.languages = None
        if spec.name in ("body", "topic", "organization"):
            self.registry.forget_scopes()
        rows = [(pk, ln) for pk, ln in changed] + list(zip(created, new, strict=True))
        events.changed(model._meta.label, [pk for pk, _ln in rows])
        if not rows:
            return
        self.write_parts(spec, rows)
        if spec.name == "body":
            # A body given without its own words speaks the Chinese defaults.
            for pk, ln in rows:
                if not ln.rec["vocabulary"]:
                    vocabulary.vocabulary_defaults_copy(body=Body(pk=pk))
            self.registry.vocabularies = None
            vocabulary.forget()  # a command or task holding the terms reads them anew
        if spec.name == "proposal":
            # merged_into may point forward: set at the end (and cleared on changed rows).
            for pk, ln in changed:
                self.deferred.append((ln, pk, ln.rec["merged_into"]))
            for pk, ln in zip(created, new, strict=True):
                if ln.rec["merged_into"]:
                    self.deferred.append((ln, pk, ln.rec["merged_into"]))

    def attrs(self, spec: Spec, rec: dict, ids: dict, path: str) -> dict:
        out = {}
        for f in spec.scalar_fields():
            if f.deferred or (spec.name, f.name) in _LINKED_AFTER:
                continue
            if f.kind == "ref":
                out[f.attr] = ids.get(path + f.name)
            else:
                out[f.attr] = rec[f.name]
        return out

    def clear_parts(self, spec: Spec, pks: list[int]) -> None:
        for child in spec.children:
            child.model.objects.filter(**{f"{child.parent_fk}__in": pks}).delete()
        for attr in spec.m2m.values():
            through = getattr(spec.model, attr).through
            through.objects.filter(**{f"{spec.model._meta.model_name}_id__in": pks}).delete()
        if spec.cited:
            Citation.objects.filter(
                content_type_id=self.content_type(spec), object_id__in=pks
            ).delete()
        if spec.name == "regulation":
            # Links the file confirmed are replaced by what it says now; links the
            # office decided stay (they are in the file's related_proposals on export).
            ProposalLink.objects.filter(
                regulation_id__in=pks, status=LinkStatus.CONFIRMED, decided_by__isnull=True
            ).delete()

    def content_type(self, spec: Spec) -> int:
        if spec.name not in self.content_types:
            self.content_types[spec.name] = ContentType.objects.get_for_model(spec.model).id
        return self.content_types[spec.name]

    def write_parts(self, spec: Spec, rows: list[tuple[int, Line]]) -> None:
        self.write_children(spec, [(pk, ln.rec, ln.ids, "") for pk, ln in rows])
        for name, attr in spec.m2m.items():
            through = getattr(spec.model, attr).through
            own = f"{spec.model._meta.model_name}_id"
            other = f"{SPECS[spec.by_name[name].ref].model._meta.model_name}_id"
            links = [{own: pk, other: target} for pk, ln in rows for target in ln.ids.get(name, ())]
            bulk.table(through).insert(links)
            if spec.name == "regulation" and name == "related_proposals":
                self.confirm_links(links)
        if spec.cited:
            ct = self.content_type(spec)
            citations = [
                {
                    "source_id": ln.ids[f"sources[{n}].source"],
                    "content_type_id": ct,
                    "object_id": pk,
                    "field": c["field"],
                    "locator": c["locator"],
                    "figure_en": c["figure_en"],
                    "figure_zh": c["figure_zh"],
                }
                for pk, ln in rows
                for n, c in enumerate(ln.rec["sources"])
            ]
            bulk.table(Citation).insert(citations)

    def write_children(self, spec: Spec, parents: list[tuple[int, dict, dict, str]]) -> None:
        for child in spec.children:
            objs, items = [], []
            for pk, rec, ids, path in parents:
                values = rec.get(child.name)
                values = values if child.many else ([values] if values else [])
                for n, item in enumerate(values):
                    sub = f"{path}{child.name}[{n}]." if child.many else f"{path}{child.name}."
                    row = self.attrs(child, item, ids, sub)
                    row[child.parent_fk] = pk
                    if child.position:
                        row[child.position] = n
                    objs.append(row)
                    items.append((item, ids, sub, pk))
            if not objs:
                continue
            # Ids are needed to hang grandchildren (and transfers) on these rows.
            wants_ids = bool(child.children) or child.name in {"assignments", "provisions"}
            created = bulk.table(child.model).insert(objs, returning=wants_ids)
            if child.name == "assignments":
                self.link_transfers(child.model, created, items)
            if child.name == "provisions":
                self.link_provisions(child.model, created, items)
            if child.children:
                self.write_children(
                    child,
                    [
                        (pk, it, ids, sub)
                        for pk, (it, ids, sub, _p) in zip(created, items, strict=True)
                    ],
                )

    @staticmethod
    def confirm_links(pairs: list[dict]) -> None:
        """Related proposals named by a file are links people chose: confirmed."""
        if not pairs:
            return
        wanted = {(p["regulation_id"], p["proposal_id"]) for p in pairs}
        existing = ProposalLink.objects.filter(
            regulation_id__in={r for r, _p in wanted}, proposal_id__in={p for _r, p in wanted}
        )
        found = set()
        for link in existing:
            if (link.regulation_id, link.proposal_id) in wanted:
                found.add((link.regulation_id, link.proposal_id))
                if link.status != LinkStatus.CONFIRMED:
                    link.status = LinkStatus.CONFIRMED
                    link.save(update_fields=["status"])
        ProposalLink.objects.bulk_create(
            [
                ProposalLink(regulation_id=r, proposal_id=p, status=LinkStatus.CONFIRMED)
                for r, p in sorted(wanted - found)
            ]
        )

    @staticmethod
    def link_provisions(model, created: list[int], items: list) -> None:
        """A provision's parent is an earlier index in its version's list."""
        by_index: dict[tuple[int, int], int] = {}
        changed = []
        index: dict[int, int] = {}
        for pk, (item, _ids, _sub, version) in zip(created, items, strict=True):
            n = index.get(version, 0)
            index[version] = n + 1
            by_index[(version, n)] = pk
            if item["parent"] is not None:
                changed.append(model(id=pk, parent_id=by_index[(version, item["parent"])]))
        if changed:
            model.objects.bulk_update(changed, ["parent_id"])

    @staticmethod
    def link_transfers(model, created: list[int], items: list) -> None:
        by_agency: dict[tuple[int, str], int] = {}
        changed = []
        for pk, (item, _ids, _sub, parent) in zip(created, items, strict=True):
            source = item["transferred_from"]
            if source:
                changed.append(model(id=pk, transferred_from_id=by_agency[(parent, source)]))
            by_agency[(parent, item["agency"])] = pk
        if changed:
            model.objects.bulk_update(changed, ["transferred_from_id"])

    def finish(self) -> None:
        self.flush()
        if self.errors or not self.deferred:
            return
        spec = SPECS["proposal"]
        found = self.registry.resolve_many(
            "proposal", {target for _l, _pk, target in self.deferred if target}
        )
        targets = self._merge_targets(set(found.values()))
        session_body = self.registry.extra["session"]
        updates = []
        for line, pk, target in self.deferred:
            if not target:
                updates.append(spec.model(id=pk, merged_into_id=None))
            elif target not in found:
                self.error(
                    line.file,
                    line.number,
                    "merged_into",
                    f"refers to proposal {target!r}, which is in neither the import nor"
                    " the database",
                )
            else:
                status, published, body_id = targets[found[target]]
                problem = merge_target_problem(
                    body_id=session_body[line.ids["session"]],
                    target_status=status,
                    target_published=published,
                    target_body_id=body_id,
                    same=found[target] == pk,
                )
                if problem:
                    self.error(line.file, line.number, "merged_into", f"{target!r}: {problem}")
                else:
                    updates.append(spec.model(id=pk, merged_into_id=found[target]))
        if not self.errors:
            spec.model.objects.bulk_update(updates, ["merged_into_id"], batch_size=1000)

    @staticmethod
    def _merge_targets(pks: set[int]) -> dict[int, tuple[str, bool, int]]:
        """Proposal id -> (status, published, body id), as the import left them."""
        model, out, pks_list = SPECS["proposal"].model, {}, sorted(pks)
        for start in range(0, len(pks_list), 900):
            rows = model.objects.filter(pk__in=pks_list[start : start + 900]).values_list(
                "pk", "status", "published", "session__body_id"
            )
            out.update((pk, (status, published, body)) for pk, status, published, body in rows)
        return out


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    # disable=None: a bar on a terminal, silence in logs and pipes
    return tqdm(total=total, unit="B", unit_scale=True, desc="import", leave=False, disable=None)


def import_files(
    paths: list[str],
    *,
    progress: bool = False,
    batch_size: int = BATCH_SIZE,
    extra: Iterator[tuple[str, Iterable[tuple[int, dict]]]] = (),
) -> Report:
    """Import JSON Lines files (and pre-decoded record streams) all-or-nothing."""
    total = sum(os.path.getsize(p) for p in paths if os.path.exists(p))
    bar = _progress_bar(total, progress)
    importer = Importer(batch_size=batch_size, progress=bar.update if bar else None)
    try:
        # The importer reports what it writes itself, a few outbox rows per table.
        with transaction.atomic(), events.bulk():
            try:
                for name, records in extra:
                    importer.read_records(name, records)
                for path in paths:
                    importer.read_file(path)
                importer.finish()
            except Stop:
                pass
            if importer.errors:
                raise ImportFailed(importer.errors)
    finally:
        if bar:
            bar.close()
    written = sum(importer.report.created.values()) + sum(importer.report.updated.values())
    if written >= ANALYZE_AFTER:
        refresh_statistics()
    return importer.report


def refresh_statistics() -> None:
    """Bring the query planner's statistics up to date after a large write."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            # Sampled: a full ANALYZE reads every index of a large file.
            cur.execute("PRAGMA analysis_limit = 1000")
        cur.execute("ANALYZE")
