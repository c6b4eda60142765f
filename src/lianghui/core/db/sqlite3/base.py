"""Django's SQLite backend, with each query's placeholders converted once.

Django writes its SQL with ``%s`` placeholders and the SQLite backend turns them
into ``?`` with a regular expression on every run. The public proposal page's
read is one statement of about 8 KB: that conversion took about 0.1 ms a
request, as long as running it. The conversion depends on the SQL alone, so the
converted text of the queries run most is kept (the queries compiled once per
process, ``core/prepared.py``, are the same text every run)."""

from __future__ import annotations

from functools import lru_cache

from django.db.backends.sqlite3 import base


@lru_cache(maxsize=512)
def _qmark(query: str) -> str:
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
