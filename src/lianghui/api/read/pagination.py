"""Cursor (keyset) pagination on each list's unique, stable sort order.

A view names its order with ``keyset`` (ascending fields, the last one unique);
the cursor is an opaque token holding the last row's values, so a page costs
one indexed query however deep it is, and rows added meanwhile never shift it.
"""

from __future__ import annotations

import base64
import json
from functools import reduce
from operator import or_

from django.db.models import IntegerField, Q
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from lianghui.core.text import has_refused

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Ids fit a signed 64-bit column on both databases; keys are short slugs.
MAX_ID = 2**63 - 1
MAX_KEY_LENGTH = 160


def decode_cursor(token: str, kinds: int | list[type]) -> list:
    """The keyset values in ``token``: as many as ``kinds``, each of its kind (an
    int within a column's range, or a string a key column can hold), else a 400.
    ``kinds`` may be a count: then every value is a key (a string)."""
    if isinstance(kinds, int):
        kinds = [str] * kinds
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        values = None
    if not (
        isinstance(values, list)
        and len(values) == len(kinds)
        and all(_fits(v, kind) for v, kind in zip(values, kinds, strict=True))
    ):
        raise ValidationError({"cursor": [_("Not a cursor from this list; start again.")]})
    return values


def _fits(value, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID
    return isinstance(value, str) and len(value) <= MAX_KEY_LENGTH and not has_refused(value)


def keyset_kinds(model, fields: tuple[str, ...]) -> list[type]:
    """int or str for each keyset field (``a__b__c`` followed through relations)."""
    kinds = []
    for name in fields:
        current, field = model, None
        for part in name.split("__"):
            field = current._meta.get_field(part)
            current = field.related_model or current
        if field.is_relation:  # a foreign key compares by the id it holds
            field = field.target_field
        kinds.append(int if isinstance(field, IntegerField) else str)
    return kinds


def after(fields: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ascending (fields) order."""
    parts = []
    for n, name in enumerate(fields):
        equal = {fields[m]: values[m] for m in range(n)}
        parts.append(Q(**equal, **{f"{name}__gt": values[n]}))
    return reduce(or_, parts)


def limit_of(request) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    # isdigit() alone accepts "²" and 5,000-digit numbers, which int() refuses.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError({"limit": [_("A whole number from 1 to %d.") % MAX_LIMIT]})
    return int(raw)


def next_link(request, values: list) -> str:
    """This request's URL with the cursor after the row with these keyset values."""
    return replace_query_param(request.build_absolute_uri(), "cursor", _encode(values))


class KeysetPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        fields = view.keyset
        self.request, self.fields = request, fields
        limit = limit_of(request)
        cursor = request.query_params.get("cursor")
        if cursor:
            kinds = keyset_kinds(queryset.model, fields)
            queryset = queryset.filter(after(fields, decode_cursor(cursor, kinds)))
        rows = list(queryset.order_by(*fields)[: limit + 1])
        self.next_values = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            self.next_values = [view.keyset_value(last, f) for f in fields]
        return rows

    def get_next_link(self) -> str | None:
        if self.next_values is None:
            return None
        return next_link(self.request, self.next_values)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page (same filters), or null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "Opaque position from a previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
        ]
