"""Querysets compiled to SQL once per process, run with new values on each use.

A page that reads one record by its key runs the same few queries on every
request, only the key differs, and Django compiles each queryset anew every
time (lookups, joins, selected columns, order): on the proposal page that was
two thirds of the selector's time, running the queries a tenth. A `Prepared`
query is built and compiled on first use, with markers where the values go;
later uses run the same SQL with the values put in, and Django's own iterable
makes the rows into instances as the queryset would (related rows selected,
annotations). Only for querysets without slices of variable size, ``__in``
lists or prefetches: the SQL must not depend on the values.

The SQL is kept per database alias; ``forget()`` drops it (tests that recreate
content types or the schema)."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_all: list[Prepared] = []
# What a queryset's iterable reads from it besides its query.
_KEPT = ("_iterable_class", "_fields", "_known_related_objects", "_fetch_mode", "_hints")


def _marker(kind: type, i: int):
    # Values no constant of a query is: within every integer field's range (one
    # out of it makes Django compile no SQL), a string with NULs.
    return 2_147_480_000 + i if kind is int else f"\x00prepared-{i}\x00"


class _Query:
    """The queryset's query as Django's iterable asks it: for the compiler, which
    runs the kept SQL; anything else from the query it was compiled from."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


class Prepared:
    """``Prepared(build, int, str)``: ``build(a, b)`` returns the queryset for values
    a (an int) and b (a str); ``prepared(1, "x")`` runs it and returns a list."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type):
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, tuple] = {}
        _all.append(self)

    def _compile(self, using: str) -> tuple:
        markers = [_marker(kind, i) for i, kind in enumerate(self.kinds)]
        queryset = self.build(*markers).using(using)
        if queryset._prefetch_related_lookups:
            raise ValueError("a prepared query cannot prefetch")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {}
        for position, value in enumerate(params):
            for i, marker in enumerate(markers):
                if isinstance(value, type(marker)) and value == marker:
                    slots[position] = i
        if sorted(set(slots.values())) != list(range(len(markers))):
            raise ValueError("a value of the prepared query does not reach its SQL as given")
        return queryset, compiler, sql, tuple(params), slots

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        queryset, template, sql, params, slots = compiled
        params = tuple(values[slots[p]] if p in slots else v for p, v in enumerate(params))
        compiler = copy.copy(template)
        compiler.connection = connections[using]  # this thread's
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        # A new queryset on the kept one's settings (a clone would copy its query).
        run = type(queryset)(
            model=queryset.model, query=_Query(queryset.query, compiler), using=using
        )
        for name in _KEPT:
            if hasattr(queryset, name):
                setattr(run, name, getattr(queryset, name))
        return list(run)


def forget() -> None:
    for prepared in _all:
        prepared._compiled.clear()
