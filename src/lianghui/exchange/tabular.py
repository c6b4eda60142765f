"""CSV and XLSX exports: the canonical records flattened into one table per part.

A top-level type gives a table named after it (lists of keys joined with "|");
each nested part gives a table named type_part with the owning record's key and
a `path` (e.g. `assignments[0].replies[1]`) locating the row inside it; citations
go to type_sources.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from contextlib import ExitStack

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


def _cell(value) -> str | int | bool:
    if isinstance(value, list):
        return "|".join(value)
    return "" if value is None else value


def rows() -> Iterator[tuple[str, list]]:
    """(table, row) for every record part, in export order."""
    columns = tables()

    def walk(spec: Spec, name: str, rec: dict, owner_key: str, path: str, top: bool):
        lead = [] if top else [owner_key, path]
        yield name, lead + [_cell(rec.get(f.name)) for f in spec.fields]
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
                + [_cell(cite.get(f.name)) for f in CITATION.fields],
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
            writers[name].writerow(row)
            counts[name] += 1
    return counts


def export_xlsx(path: str) -> dict[str, int]:
    from openpyxl import Workbook

    columns = tables()
    book = Workbook(write_only=True)
    sheets, counts = {}, dict.fromkeys(columns, 0)
    for name, cols in columns.items():
        # Excel limits sheet names to 31 characters.
        sheets[name] = book.create_sheet(title=name[:31])
        sheets[name].append(cols)
    for name, row in rows():
        sheets[name].append(row)
        counts[name] += 1
    book.save(path)
    return counts
