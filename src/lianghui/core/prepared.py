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
kept with it (Django works them out on every run otherwise).

A query whose values are known to another query (its row's id, a constant) can
also run inside it: ``rows_column(*outer)`` is a column of the other query
holding the rows as a JSON array (``outer``: for each value, a ``Column`` of the
other query, e.g. its row's id, or a value), and ``from_rows`` makes that
column's rows into instances as a run would: one statement for several lists
instead of a round trip and an iterable each."""

from __future__ import annotations

import copy
import datetime
import decimal
import functools
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

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
        # What each compiled query's rows need, worked out once per query: its
        # converters, the JSON columns to parse, its reader (or None).
        self._worked_out: dict[tuple, object] = {}
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
        found = self._worked_out.get(key)
        if found is None:
            found = self._worked_out[key] = type(template).get_converters(template, expressions)
        return found

    def __call__(self, *values, using: str = DEFAULT_DB_ALIAS) -> list:
        lists = [isinstance(kind, list) for kind in self.kinds]
        lengths = tuple(len(v) if is_list else 0 for is_list, v in zip(lists, values, strict=True))
        if any(is_list and not n for is_list, n in zip(lists, lengths, strict=True)):
            raise ValueError("a list of values of a prepared query is empty")
        queryset, template, sql, params, slots = self._compiled_for(using, lengths)
        params = tuple(
            v if p not in slots else _value(values, *slots[p]) for p, v in enumerate(params)
        )
        compiler = self._compiler(template, using)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return self._run(queryset, compiler, using)

    def _compiler(self, template, using: str):
        compiler = copy.copy(template)
        compiler.connection = connections[using]  # this thread's
        # The columns' converters depend on the columns only: worked out once, not
        # on every run (a tenth of a short query's time).
        compiler.get_converters = lambda expressions: self._converters(template, expressions)
        return compiler

    @staticmethod
    def _run(queryset, compiler, using: str) -> list:
        # A new queryset on the kept one's settings (a clone would copy its query).
        run = type(queryset)(
            model=queryset.model, query=_Query(queryset.query, compiler), using=using
        )
        for name in _KEPT:
            if hasattr(queryset, name):
                setattr(run, name, getattr(queryset, name))
        return list(run)

    # --- the rows of a query as a column of another's -----------------------------

    def rows_column(self, *outer, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
        """SQL (and its values) of a sub-select giving this query's rows as a JSON
        array of arrays, in its order, each with its columns in the order a run
        selects them. ``outer``, one for each of its values: a ``Column`` of the
        enclosing query (e.g. the id of the row the rows belong to), or a value,
        which stays a value of the SQL (the enclosing query's own marker, when it
        is prepared too)."""
        if len(outer) != len(self.kinds) or any(isinstance(k, list) for k in self.kinds):
            raise ValueError("a query runs inside another with an expression for each value")
        lengths = (0,) * len(self.kinds)
        _queryset, compiler, sql, params, slots = self._compiled_for(using, lengths)
        qn = compiler.connection.ops.quote_name
        columns = [col_sql for _e, (col_sql, _p), _a in compiler.select]
        column_values = tuple(v for _e, (_s, col_params), _a in compiler.select for v in col_params)
        # Django writes the columns first (as its compiler's as_sql does): what
        # follows them is kept, the columns become one JSON array a row.
        listed = ", ".join(
            f"{c} AS {qn(alias)}" if alias else c
            for c, (_e, _s, alias) in zip(columns, compiler.select, strict=True)
        )
        if not sql.startswith(f"SELECT {listed} FROM "):
            raise ValueError("the prepared query's SQL does not start with its columns")
        # A table the query reads under its own name would be what the enclosing
        # query's column names inside the sub-select: no longer the enclosing row.
        tables = re.split(r" WHERE | ORDER BY | GROUP BY | LIMIT ", sql, maxsplit=1)[0]
        own = set(re.findall(r'(?:FROM|JOIN) ("[^"]+"|\w+)(?= ON | (?:\w+ )+JOIN |,|$)', tables))
        for given in outer:
            table = given.sql.rsplit(".", 1)[0] if isinstance(given, Column) else None
            if table in own:
                raise ValueError(f"the query reads {table} too: name the enclosing one by an alias")
        rest, values, at = [], [], len(column_values)
        # Each %s takes the next value: the query's own values become the outer
        # expressions, the others stay values.
        for piece in re.split(r"(%%|%s)", sql[len(f"SELECT {listed} ") :]):
            if piece == "%s":
                given = outer[slots[at][0]] if at in slots else params[at]
                if isinstance(given, Column):
                    piece = given.sql
                else:
                    values.append(given)
                at += 1
            rest.append(piece)
        if at != len(params):
            raise ValueError("the prepared query's values do not match its SQL")
        rest = "".join(rest)
        source, order = rest, ""
        if " ORDER BY " in rest:
            source, order = rest.rsplit(" ORDER BY ", 1)
        if re.search(r"(^|, )\d+\b", order):
            # A column's place: the sub-select has one column (and an aggregate's
            # ORDER BY 2 sorts by the number 2).
            raise ValueError("a query run inside another is ordered by its columns, not places")
        if compiler.connection.vendor == "postgresql":
            # A JSON column goes as its text, which Django's field reads (in an
            # array it would be the value itself); SQLite's JSON is text already.
            columns = [
                f"({c})::text" if e.output_field.get_internal_type() == "JSONField" else c
                for c, (e, _s, _a) in zip(columns, compiler.select, strict=True)
            ]
            row = f"json_build_array({', '.join(columns)})"
            rows = f"json_agg({row} ORDER BY {order})" if order else f"json_agg({row})"
            sql = f"(SELECT coalesce({rows}, '[]'::json) {source})"
        else:
            # SQLite before 3.44 has no ORDER BY in an aggregate: it reads the rows
            # as the sub-select sorts them (a sorted sub-select of an aggregate is
            # never merged into it, which would lose the order).
            row = f"json_array({', '.join(columns)})"
            sql = f"(SELECT json_group_array(json(t.r)) FROM (SELECT {row} AS r {rest}) t)"
        return sql, column_values + tuple(values)

    def from_rows(self, rows, using: str = DEFAULT_DB_ALIAS) -> list:
        """The instances ``rows`` (a ``rows_column``'s value: JSON text or the list
        it holds, whose values it may change) stand for, as a run of the query would
        give them."""
        if isinstance(rows, str):
            rows = json.loads(rows)
        if not rows:
            return []
        lengths = (0,) * len(self.kinds)
        queryset, template, sql, params, slots = self._compiled_for(using, lengths)
        parse = self._parsers(template)
        if parse:
            for row in rows:
                for i, to_value in parse:
                    if row[i] is not None:
                        row[i] = to_value(row[i])
        reader = self._reader(queryset, template, using)
        if reader is None:
            compiler = self._compiler(template, using)
            compiler.execute_sql = lambda *args, **kwargs: [rows]  # the rows in hand
            return self._run(queryset, compiler, using)
        return reader(rows)

    def _reader(self, queryset, template, using: str):
        """For a query of model instances, what Django's ModelIterable does with
        each row, worked out once (its columns' places, converters and related
        rows' populators): making a list of rows into instances cost about 40 µs
        a list more through a queryset than the rows themselves. None for other
        queries (values, related objects known to the queryset, instances that
        track their peers), which go through Django's own iterable."""
        key = ("reader", id(template), using)
        if key in self._worked_out:
            return self._worked_out[key]
        reader = None
        fetch_mode = getattr(queryset, "_fetch_mode", None)
        if (
            queryset._iterable_class is ModelIterable
            and not queryset._known_related_objects
            and not getattr(fetch_mode, "track_peers", False)
        ):
            reader = _Reader(template, using, fetch_mode, self._converters)
        self._worked_out[key] = reader
        return reader

    def _compiled_for(self, using: str, lengths: tuple[int, ...]) -> tuple:
        compiled = self._compiled.get((using, lengths))
        if compiled is None:
            compiled = self._compiled[using, lengths] = self._compile(using, lengths)
        return compiled

    def _parsers(self, template) -> list:
        """Where JSON gives text for what the database's driver gives as a value
        (dates, times, decimals, UUIDs on PostgreSQL; SQLite's driver gives the
        same text, which Django's converters read): (column, parse) pairs."""
        key = ("json", id(template))
        found = self._worked_out.get(key)
        if found is None:
            found = []
            if template.connection.vendor == "postgresql":
                for i, (expression, _sql, _alias) in enumerate(template.select):
                    kind = expression.output_field.get_internal_type()
                    if kind in _FROM_JSON:
                        found.append((i, _FROM_JSON[kind]))
            self._worked_out[key] = found
        return found


class _Reader:
    """Rows (lists, which it changes) to instances, as ModelIterable makes them:
    the model's columns, the related rows selected with it, annotations."""

    def __init__(self, template, using: str, fetch_mode, converters):
        select, klass_info = template.select, template.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.names = [f[0].target.attname for f in select[self.start : self.end]]
        kwargs = {} if fetch_mode is None else {"fetch_mode": fetch_mode}
        self.from_db = functools.partial(self.model.from_db, **kwargs)
        args = (klass_info, select, using) + (() if fetch_mode is None else (fetch_mode,))
        self.populators = get_related_populators(*args)
        self.annotations = list(template.annotation_col_map.items())
        expressions = [column[0] for column in select[: template.col_count]]
        self.converters = list(converters(template, expressions).items())
        self.using = using

    def __call__(self, rows: list) -> list:
        connection, converters = connections[self.using], self.converters  # this thread's
        start, end, names, from_db = self.start, self.end, self.names, self.from_db
        out = []
        for row in rows:
            for position, (functions, expression) in converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
            instance = from_db(self.using, names, row[start:end])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            out.append(instance)
        return out


@dataclass(frozen=True)
class Column:
    """SQL of a column of the enclosing query, for ``rows_column``."""

    sql: str


_FROM_JSON = {
    "DateField": datetime.date.fromisoformat,
    "DateTimeField": datetime.datetime.fromisoformat,
    "TimeField": datetime.time.fromisoformat,
    "DecimalField": lambda v: decimal.Decimal(str(v)),
    "UUIDField": uuid.UUID,
}


def _value(values: tuple, arg: int, item: int | None):
    return values[arg] if item is None else values[arg][item]


def forget() -> None:
    for prepared in _all:
        prepared._compiled.clear()
        prepared._worked_out.clear()
