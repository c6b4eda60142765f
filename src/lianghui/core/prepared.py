"""Querysets compiled to SQL once per process, run with new values on each use.

A page that reads one record by its key runs the same few queries on every
request, only the key differs, and Django compiles each queryset anew every
time (lookups, joins, selected columns, order): on the proposal page that was
two thirds of the selector's time, running the queries a tenth. A `Prepared`
query is built and compiled on first use, with markers where the values go;
later uses run the same SQL with the values put in, and Django's own iterable
makes the rows into instances as the queryset would (related rows selected,
annotations). Only for querysets without slices of variable size or
prefetches: the SQL must not depend on the values. A list of values (for
``__in``) is a kind of its own, ``[int]``: its SQL is compiled once per length.

The SQL is kept per database alias and list lengths; ``forget()`` drops it
(tests that recreate content types or the schema). The columns' converters are
kept with it (Django works them out on every run otherwise)."""

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
    """``Prepared(build, int, [str])``: ``build(a, b)`` returns the queryset for
    values a (an int) and b (a list of str, none empty); ``prepared(1, ["x"])`` runs
    it and returns a list."""

    def __init__(self, build: Callable[..., QuerySet], *kinds: type | list[type]):
        self.build = build
        self.kinds = kinds
        self._compiled: dict[tuple, tuple] = {}
        self._kept_converters: dict[tuple, dict] = {}
        _all.append(self)

    def _compile(self, using: str, lengths: tuple[int, ...]) -> tuple:
        args, places = [], []  # places: (marker, (argument, item or None))
        for arg, kind in enumerate(self.kinds):
            if isinstance(kind, list):
                items = [_marker(kind[0], len(places) + j) for j in range(lengths[arg])]
                places += [(m, (arg, j)) for j, m in enumerate(items)]
                args.append(items)
            else:
                args.append(_marker(kind, len(places)))
                places.append((args[-1], (arg, None)))
        queryset = self.build(*args).using(using)
        if queryset._prefetch_related_lookups:
            raise ValueError("a prepared query cannot prefetch")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = {}
        for position, value in enumerate(params):
            for marker, place in places:
                if isinstance(value, type(marker)) and value == marker:
                    slots[position] = place
        if set(slots.values()) != {place for _m, place in places}:
            raise ValueError("a value of the prepared query does not reach its SQL as given")
        return queryset, compiler, sql, tuple(params), slots

    def _converters(self, template, expressions) -> dict:
        key = (id(template), *map(id, expressions))  # the template's own columns
        found = self._kept_converters.get(key)
        if found is None:
            found = self._kept_converters[key] = type(template).get_converters(
                template, expressions
            )
        return found

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        lists = [isinstance(kind, list) for kind in self.kinds]
        lengths = tuple(len(v) if is_list else 0 for is_list, v in zip(lists, values, strict=True))
        if any(is_list and not n for is_list, n in zip(lists, lengths, strict=True)):
            raise ValueError("a list of values of a prepared query is empty")
        compiled = self._compiled.get((using, lengths))
        if compiled is None:
            compiled = self._compiled[using, lengths] = self._compile(using, lengths)
        queryset, template, sql, params, slots = compiled
        params = tuple(
            v if p not in slots else _value(values, *slots[p]) for p, v in enumerate(params)
        )
        compiler = copy.copy(template)
        compiler.connection = connections[using]  # this thread's
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        # The columns' converters depend on the columns only: worked out once, not
        # on every run (a tenth of a short query's time).
        compiler.get_converters = lambda expressions: self._converters(template, expressions)
        # A new queryset on the kept one's settings (a clone would copy its query).
        run = type(queryset)(
            model=queryset.model, query=_Query(queryset.query, compiler), using=using
        )
        for name in _KEPT:
            if hasattr(queryset, name):
                setattr(run, name, getattr(queryset, name))
        return list(run)


def _value(values: tuple, arg: int, item: int | None):
    return values[arg] if item is None else values[arg][item]


def forget() -> None:
    for prepared in _all:
        prepared._compiled.clear()
        prepared._kept_converters.clear()
