"""Export records in their canonical form: the same bytes from the same data.

Records come in dependency order (schema.SPECS), each type sorted by key in
Python (database collations differ), self-referencing types parents first.
Fields keep the schema's order and values equal to their default are left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType

from lianghui.core.models import Citation
from lianghui.proposals import vocabulary

from .schema import CITATION, SPECS, Spec

CHUNK = 2000


def canonical(spec: Spec, rec: dict, top: bool = True) -> dict:
    """The canonical dict of a parsed record (refs as keys)."""
    out: dict[str, Any] = {"type": spec.name} if top else {}
    for f in spec.fields:
        value = rec.get(f.name)
        if not f.is_default(value):
            out[f.name] = f.dump(value)
    for child in spec.children:
        value = rec.get(child.name)
        if child.many and value:
            out[child.name] = [canonical(child, item, False) for item in value]
        elif not child.many and value:
            out[child.name] = canonical(child, value, False)
    if spec.cited and rec.get("sources"):
        out["sources"] = [canonical(CITATION, c, False) for c in rec["sources"]]
    return out


class Keys:
    """Database id -> natural key, per type, loaded once per export."""

    def __init__(self) -> None:
        self.maps: dict[str, dict[int, str]] = {}

    def get(self, type_name: str, ids: set[int]) -> dict[int, str]:
        if type_name == "proposal":  # too many to hold: look up what this chunk needs
            found: dict[int, str] = {}
            ids_list = list(ids)
            for start in range(0, len(ids_list), 900):
                found.update(
                    SPECS["proposal"]
                    .model.objects.filter(id__in=ids_list[start : start + 900])
                    .values_list("id", "key")
                )
            return found
        if type_name not in self.maps:
            self.maps[type_name] = dict(SPECS[type_name].model.objects.values_list("id", "key"))
        return self.maps[type_name]


def _rows(spec: Spec, parent_ids: list[int], keys: Keys) -> dict[int, list[dict]]:
    """Rows of a nested spec, grouped by parent id, refs turned into keys."""
    attrs = [f.attr for f in spec.fields if f.name not in {"transferred_from", "parent"}]
    extra = {"assignments": ["transferred_from_id"], "provisions": ["parent_id"]}.get(spec.name, [])
    values = list(
        spec.model.objects.filter(**{f"{spec.parent_fk}__in": parent_ids})
        .order_by(spec.parent_fk, *spec.order_by)
        .values("id", spec.parent_fk, *attrs, *extra)
    )
    recs = _to_records(spec, values, keys)
    if spec.name == "assignments":
        agency_of = {row["id"]: rec["agency"] for row, rec in zip(values, recs, strict=True)}
        for row, rec in zip(values, recs, strict=True):
            rec["transferred_from"] = agency_of.get(row["transferred_from_id"], "")
    if spec.name == "provisions":
        # A parent is written as its index in its version's list.
        index_of, count = {}, defaultdict(int)
        for row in values:
            index_of[row["id"]] = count[row[spec.parent_fk]]
            count[row[spec.parent_fk]] += 1
        for row, rec in zip(values, recs, strict=True):
            rec["parent"] = index_of.get(row["parent_id"])
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row, rec in zip(values, recs, strict=True):
        grouped[row[spec.parent_fk]].append(rec)
    return grouped


def _to_records(spec: Spec, values: list[dict], keys: Keys) -> list[dict]:
    recs = []
    ref_maps = {}
    for f in spec.fields:
        if f.kind == "ref":
            ids = {row[f.attr] for row in values if row[f.attr] is not None}
            ref_maps[f.name] = keys.get(f.ref, ids) if ids else {}
    for row in values:
        rec = {}
        for f in spec.fields:
            if f.kind == "ref":
                rec[f.name] = ref_maps[f.name].get(row[f.attr], "") if row[f.attr] else ""
            elif f.kind != "refs" and f.name in row:
                rec[f.name] = row[f.name]
        recs.append(rec)
    ids = [row["id"] for row in values]
    if spec.children and ids:
        for child in spec.children:
            grouped = _rows(child, ids, keys)
            for row, rec in zip(values, recs, strict=True):
                items = grouped.get(row["id"], [])
                rec[child.name] = items if child.many else (items[0] if items else None)
    return recs


def serialize(spec: Spec, ids: list[int], keys: Keys | None = None) -> list[dict]:
    """Canonical dicts for these records of a top-level type, in the order given."""
    keys = keys or Keys()
    attrs = [f.attr for f in spec.scalar_fields()]
    by_id = {row["id"]: row for row in spec.model.objects.filter(id__in=ids).values("id", *attrs)}
    values = [by_id[pk] for pk in ids]
    recs = _to_records(spec, values, keys)
    for name, attr in spec.m2m.items():
        f = spec.by_name[name]
        through = getattr(spec.model, attr).through
        own = f"{spec.model._meta.model_name}_id"
        other = f"{SPECS[f.ref].model._meta.model_name}_id"
        links = list(through.objects.filter(**{f"{own}__in": ids}).values_list(own, other))
        names = keys.get(f.ref, {o for _p, o in links}) if links else {}
        grouped = defaultdict(list)
        for parent, target in links:
            grouped[parent].append(names[target])
        for pk, rec in zip(ids, recs, strict=True):
            rec[name] = sorted(grouped.get(pk, ()))
    if spec.cited:
        ct = ContentType.objects.get_for_model(spec.model)
        cites = Citation.objects.filter(content_type=ct, object_id__in=ids).values_list(
            "object_id", "source_id", "field", "locator", "figure_en", "figure_zh"
        )
        sources = keys.get("source", set())
        grouped = defaultdict(list)
        for object_id, source_id, field_name, locator, figure_en, figure_zh in cites:
            grouped[object_id].append(
                {
                    "source": sources[source_id],
                    "field": field_name,
                    "locator": locator,
                    "figure_en": figure_en,
                    "figure_zh": figure_zh,
                }
            )
        for pk, rec in zip(ids, recs, strict=True):
            rec["sources"] = sorted(
                grouped.get(pk, ()), key=lambda c: (c["source"], c["field"], c["locator"])
            )
    if spec.name == "body":
        for rec in recs:
            if vocabulary.is_default(rec["vocabulary"]):
                rec["vocabulary"] = []  # absent means the defaults (docs/data-format.md)
    return [canonical(spec, rec) for rec in recs]


def ordered_ids(spec: Spec) -> list[int]:
    """Ids sorted by key (in Python: collations differ); parents first where nested."""
    if not spec.self_ref:
        rows = sorted(spec.model.objects.values_list("key", "id"))
        return [pk for _key, pk in rows]
    rows = list(spec.model.objects.values_list("id", "key", f"{spec.self_ref}_id"))
    parent = {pk: up for pk, _k, up in rows}

    def depth(pk: int) -> int:
        n, seen = 0, set()
        while parent.get(pk) and pk not in seen:
            seen.add(pk)
            pk, n = parent[pk], n + 1
        return n

    return [pk for _d, _k, pk in sorted((depth(pk), key, pk) for pk, key, _up in rows)]


def iter_records(types: list[str] | None = None) -> Iterator[tuple[str, dict]]:
    keys = Keys()
    for name, spec in SPECS.items():
        if types and name not in types:
            continue
        ids = ordered_ids(spec)
        for start in range(0, len(ids), CHUNK):
            for rec in serialize(spec, ids[start : start + CHUNK], keys):
                yield name, rec


def dumps(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))


def export_jsonl(out: IO[str], types: list[str] | None = None) -> int:
    n = 0
    for _name, rec in iter_records(types):
        out.write(dumps(rec))
        out.write("\n")
        n += 1
    return n
