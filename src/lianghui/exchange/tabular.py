"""CSV and XLSX exports: the canonical records flattened into one table per part.

A top-level type gives a table named after it (lists of keys joined with "|");
each nested part gives a table named type_part with the owning record's key and
a `path` (e.g. `assignments[0].replies[1]`) locating the row inside it; citations
go to type_sources.

Every cell of every table (this export, and the public bulk CSVs) goes through
``cell``: a spreadsheet opening the file must show the text, never run it. Text
that a spreadsheet would read as a formula gets a leading apostrophe (OWASP's
advice for CSV injection), and characters XLSX cannot hold are dropped
(core.text). The JSON Lines export stays exactly what is stored; it is the
format that is imported back, so these tables never are.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import ExitStack

from lianghui.core.text import clean

from .exporter import iter_records
from .schema import CITATION, SPECS, Spec


def tables() -> dict[str, list[str]]:
    """Table name -> columns, for every table the export can write."""
    out: dict[str, list[str]] = {}

    def walk(spec: Spec, name: str, owner: str | None) -> None:
        lead = [owner, "path"] if owner else []
        out[name] = lead + [f.name for f in spec.fields]
        for child in spec.children:
            walk(child, f"{name}_{child.name}", owner or spec.name)
        if spec.cited:
            out[f"{name}_sources"] = [owner or spec.name, "path"] + [
                f.name for f in CITATION.fields
            ]

    for name, spec in SPECS.items():
        walk(spec, name, None)
    return out


# What Excel, LibreOffice and Google Sheets take as the start of a formula (the
# full-width forms too: a Chinese input method types them).
FORMULA_STARTS = tuple("=+-@\uff1d\uff0b\uff0d\uff20")
# Leading characters a spreadsheet may skip before looking for one.
_SKIPPED = " \t\r\n"


def cell(value) -> str | int | bool:
    """A value as a table cell that a spreadsheet shows as it is."""
    if isinstance(value, list):
        value = "|".join(value)
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    value = clean(value)
    if value[:1] in ("\t", "\r") or value.lstrip(_SKIPPED).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows() -> Iterator[tuple[str, list]]:
    """(table, row) for every record part, in export order; raw values (see ``cell``)."""
    columns = tables()

    def walk(spec: Spec, name: str, rec: dict, owner_key: str, path: str, top: bool):
        lead = [] if top else [owner_key, path]
        yield name, lead + [rec.get(f.name) for f in spec.fields]
        for child in spec.children:
            value = rec.get(child.name)
            items = value if child.many else ([value] if value else [])
            for n, item in enumerate(items or ()):
                sub = f"{path}.{child.name}" if path else child.name
                sub = f"{sub}[{n}]" if child.many else sub
                yield from walk(child, f"{name}_{child.name}", item, owner_key, sub, False)
        for n, cite in enumerate(rec.get("sources", ()) if spec.cited else ()):
            yield (
                f"{name}_sources",
                [owner_key, f"{path}sources[{n}]" if not path else f"{path}.sources[{n}]"]
                + [cite.get(f.name) for f in CITATION.fields],
            )

    for type_name, rec in iter_records():
        yield from walk(SPECS[type_name], type_name, rec, rec["key"], "", True)
    del columns


def export_csv(directory: str) -> dict[str, int]:
    os.makedirs(directory, exist_ok=True)
    columns = tables()
    writers, counts = {}, dict.fromkeys(columns, 0)
    with ExitStack() as stack:
        for name, cols in columns.items():
            path = os.path.join(directory, f"{name}.csv")
            handle = stack.enter_context(open(path, "w", newline="", encoding="utf-8"))
            writers[name] = csv.writer(handle, lineterminator="\n")
            writers[name].writerow(cols)
        for name, row in rows():
            writers[name].writerow([cell(v) for v in row])
            counts[name] += 1
    return counts


def export_xlsx(path: str) -> dict[str, int]:
    """One sheet a table; every cell is a value (``cell`` leaves no formula)."""
    from openpyxl import Workbook

    columns = tables()
    book = Workbook(write_only=True)
    sheets, counts = {}, dict.fromkeys(columns, 0)
    for name, cols in columns.items():
        # Excel limits sheet names to 31 characters.
        sheets[name] = book.create_sheet(title=name[:31])
        sheets[name].append(cols)
    for name, row in rows():
        sheets[name].append([cell(v) for v in row])
        counts[name] += 1
    book.save(path)
    return counts
