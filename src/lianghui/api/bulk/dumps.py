"""Bulk dumps: the public records in JSON Lines and CSV, with a manifest.

Dumps (see docs/bulk-data.md):
- ``reference``: sources, bodies, proposal kinds, sessions, topics,
  organizations, members;
- one per session (named by its key): the session's public proposals, with
  their signers, review, assignments and published replies with the rating
  (the proposer's comment only where they published it; no transfer requests);
- ``regulations``: regulations, with related proposals limited to public ones;
- ``consultations``: public consultations with their published comments,
  accepted themes and published response (not an import format: a flat table
  per record type; a withdrawn or unpublished comment is never in it).

What is public is the policy's to say (proposals/visibility.py).

The JSON Lines files are the canonical import format (lianghui.exchange), so
``lianghui import reference/records.jsonl <session>/records.jsonl
regulations/records.jsonl`` loads them into another database. Each dump is
written to a temporary folder and swapped in whole, so readers never see half
a dump.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from lianghui.exchange.exporter import CHUNK, Keys, dumps, ordered_ids, serialize
from lianghui.exchange.schema import CITATION, SPECS, Spec
from lianghui.exchange.tabular import cell, tables
from lianghui.proposals import visibility
from lianghui.proposals.models import Session

SCHEMA_VERSION = "1"
REFERENCE = "reference"
REGULATIONS = "regulations"
CONSULTATIONS = "consultations"
# The consultations dump's tables: record type -> (CSV table, columns).
CONSULTATION_TABLES = {
    "consultation": (
        "consultations",
        [
            "key",
            "regulation",
            "version",
            "title_zh",
            "title_en",
            "opens_on",
            "closes_on",
            "closed_at",
            "run_by",
            "use_of_comments_zh",
            "use_of_comments_en",
            "generated",
            "response_published_at",
            "response_summary_zh",
            "response_summary_en",
        ],
    ),
    "comment": (
        "consultation_comments",
        [
            "key",
            "consultation",
            "provision",
            "capacity",
            "organization_name",
            "text",
            "created_at",
            "edited_at",
            "moderated_at",
            "campaign",
            "theme",
            "generated",
        ],
    ),
    "theme": (
        "consultation_themes",
        ["key", "consultation", "label_zh", "label_en", "keywords", "comments"],
    ),
}
REFERENCE_TYPES = [
    "source",
    "holiday_calendar",
    "body",
    "proposal_kind",
    "session",
    "topic",
    "organization",
    "member",
]
# Never public: only the parties to an assignment see its transfer request.
PRIVATE_COLUMNS = {"proposal_assignments": set(visibility.PRIVATE_ASSIGNMENT_FIELDS)}
MANIFEST = "manifest.json"
RECORDS = "records.jsonl"


def dumps_dir() -> Path:
    return Path(settings.LIANGHUI_DUMPS_DIR)


# --- making records public --------------------------------------------------------------


def _published_among(keys: Iterable[str]) -> set[str]:
    wanted = list(set(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 900):
        found.update(
            visibility.public_proposals()
            .filter(key__in=wanted[start : start + 900])
            .values_list("key", flat=True)
        )
    return found


def session_records(session: Session) -> Iterator[tuple[str, dict]]:
    rows = visibility.public_proposals().filter(session=session).values_list("key", "id")
    ids = [pk for _key, pk in sorted(rows)]
    keys, spec = Keys(), SPECS["proposal"]
    for start in range(0, len(ids), CHUNK):
        recs = serialize(spec, ids[start : start + CHUNK], keys)
        published = _published_among(r["merged_into"] for r in recs if r.get("merged_into"))
        for rec in recs:
            yield "proposal", visibility.public_record(rec, published)


def reference_records() -> Iterator[tuple[str, dict]]:
    keys = Keys()
    for name in REFERENCE_TYPES:
        spec = SPECS[name]
        ids = ordered_ids(spec)
        for start in range(0, len(ids), CHUNK):
            for rec in serialize(spec, ids[start : start + CHUNK], keys):
                yield name, rec


def regulation_records() -> Iterator[tuple[str, dict]]:
    keys, spec = Keys(), SPECS["regulation"]
    ids = ordered_ids(spec)
    for start in range(0, len(ids), CHUNK):
        recs = serialize(spec, ids[start : start + CHUNK], keys)
        published = _published_among(k for r in recs for k in r.get("related_proposals", ()))
        for rec in recs:
            related = [k for k in rec.get("related_proposals", ()) if k in published]
            if related:
                rec["related_proposals"] = related
            else:
                rec.pop("related_proposals", None)
            yield "regulation", rec


def consultation_records() -> Iterator[tuple[str, dict]]:
    from lianghui.consultations.selectors import dump_records

    yield from dump_records()


# --- flattening to CSV ------------------------------------------------------------------


def columns() -> dict[str, list[str]]:
    out = {}
    for name, cols in tables().items():
        hidden = PRIVATE_COLUMNS.get(name, set())
        out[name] = [c for c in cols if c not in hidden]
    return out


def flatten(spec: Spec, rec: dict, cols: dict[str, list[str]]) -> Iterator[tuple[str, list]]:
    """(table, row) for a record and its nested parts, as ``lianghui export --format csv``;
    raw values (the writer makes them cells)."""

    def walk(spec: Spec, name: str, rec: dict, owner: str, path: str, top: bool):
        lead = [] if top else [owner, path]
        width = len(cols[name]) - len(lead)
        values = [rec.get(f.name) for f in spec.fields if f.name in cols[name]]
        yield name, lead + values[:width]
        for child in spec.children:
            value = rec.get(child.name)
            items = value if child.many else ([value] if value else [])
            for n, item in enumerate(items or ()):
                sub = f"{path}.{child.name}" if path else child.name
                sub = f"{sub}[{n}]" if child.many else sub
                yield from walk(child, f"{name}_{child.name}", item, owner, sub, False)
        for n, cite in enumerate(rec.get("sources", ()) if spec.cited else ()):
            where = f"{path}.sources[{n}]" if path else f"sources[{n}]"
            yield (
                f"{name}_sources",
                [owner, where] + [cite.get(f.name) for f in CITATION.fields],
            )

    yield from walk(spec, spec.name, rec, rec["key"], "", True)


# --- writing a dump -------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_dump(name: str, records: Iterable[tuple[str, dict]], types: list[str], **meta) -> dict:
    """Write ``records`` as records.jsonl plus one CSV per table into dumps_dir()/name."""
    wanted = tables_of(types)
    cols = {t: c for t, c in columns().items() if t in wanted}
    return _write(
        name, records, cols, lambda type_name, rec: flatten(SPECS[type_name], rec, cols), meta
    )


def write_flat_dump(name: str, records: Iterable[tuple[str, dict]], tables: dict, **meta) -> dict:
    """Write ``records`` as records.jsonl plus one flat CSV per record type
    (``tables``: type -> (table, columns)) into dumps_dir()/name."""

    def rows(type_name: str, rec: dict):
        table, header = tables[type_name]
        yield table, [rec.get(c) for c in header]

    return _write(name, records, dict(tables.values()), rows, meta)


def _write(name: str, records, cols: dict[str, list[str]], rows, meta: dict) -> dict:
    """The files of a dump, written to a temporary folder and swapped in whole;
    ``rows(type, record)`` gives the (table, raw values) rows of a record."""
    root = dumps_dir()
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    counts = dict.fromkeys(cols, 0)
    jsonl_rows = 0
    try:
        with ExitStack() as stack:
            jsonl = stack.enter_context(open(tmp / RECORDS, "w", encoding="utf-8"))
            writers = {}
            for table, header in cols.items():
                handle = stack.enter_context(
                    open(tmp / f"{table}.csv", "w", newline="", encoding="utf-8")
                )
                writers[table] = csv.writer(handle, lineterminator="\n")
                writers[table].writerow(header)
            for type_name, rec in records:
                jsonl.write(dumps(rec))
                jsonl.write("\n")
                jsonl_rows += 1
                for table, row in rows(type_name, rec):
                    writers[table].writerow([cell(v) for v in row])
                    counts[table] += 1
        files = [_describe(tmp, RECORDS, "jsonl", "", jsonl_rows, None)]
        files += [_describe(tmp, f"{t}.csv", "csv", t, counts[t], cols[t]) for t in sorted(cols)]
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "dump": name,
            "generated_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            **meta,
            "files": files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        _swap(tmp, root / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def tables_of(types: list[str]) -> set[str]:
    """The CSV tables of these record types and their nested parts."""
    out: set[str] = set()

    def walk(spec: Spec, name: str) -> None:
        out.add(name)
        for child in spec.children:
            walk(child, f"{name}_{child.name}")
        if spec.cited:
            out.add(f"{name}_sources")

    for type_name in types:
        walk(SPECS[type_name], type_name)
    return out


def _describe(folder: Path, name: str, fmt: str, table: str, rows: int, cols) -> dict:
    path = folder / name
    out = {
        "name": name,
        "format": fmt,
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": _sha256(path),
    }
    if table:
        out["table"] = table
        out["columns"] = cols
    return out


def _swap(new: Path, final: Path) -> None:
    old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)


# --- entry points ---------------------------------------------------------------------------


def build_session(key: str) -> dict:
    session = Session.objects.select_related("body").get(key=key)
    return write_dump(
        session.key,
        session_records(session),
        ["proposal"],
        session=session.key,
        body=session.body.key,
    )


def build_reference() -> dict:
    return write_dump(REFERENCE, reference_records(), REFERENCE_TYPES)


def build_regulations() -> dict:
    return write_dump(REGULATIONS, regulation_records(), ["regulation"])


def build_consultations() -> dict:
    return write_flat_dump(CONSULTATIONS, consultation_records(), CONSULTATION_TABLES)


SHARED = {
    REFERENCE: build_reference,
    REGULATIONS: build_regulations,
    CONSULTATIONS: build_consultations,
}
SHARED_RECORDS = {
    REFERENCE: reference_records,
    REGULATIONS: regulation_records,
    CONSULTATIONS: consultation_records,
}


def build_all(*, session: str | None = None, progress=None) -> list[dict]:
    """Every dump (or one session's); ``progress(name)`` is called before each."""
    done = []
    if session is None:
        for name, build in SHARED.items():
            if progress:
                progress(name)
            done.append(build())
    keys = (
        [session]
        if session
        else list(Session.objects.order_by("key").values_list("key", flat=True))
    )
    for key in keys:
        if progress:
            progress(key)
        done.append(build_session(key))
    return done


def manifests() -> list[dict]:
    """The manifests of the dumps on disk, by name."""
    root = dumps_dir()
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            out.append(json.loads((folder / MANIFEST).read_text()))
        except (OSError, ValueError):
            continue
    return out


def manifest(name: str) -> dict | None:
    if name.startswith("."):
        return None
    try:
        return json.loads((dumps_dir() / name / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
