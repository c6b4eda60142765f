"""SQLite's backend keeps each query's converted placeholders (core/db/sqlite3)."""

import pytest
from django.db import connection

from lianghui.core.db.sqlite3 import base


def test_a_kept_conversion_reads_values_and_percent_signs_as_before(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    base._qmark.cache_clear()
    with connection.cursor() as cursor:
        for value in ["x", "y"]:  # the second run uses the kept text
            cursor.execute("SELECT '100%%', %s, '%%s'", [value])
            assert cursor.fetchone() == ("100%", value, "%s")
        cursor.execute("SELECT %(a)s", {"a": 1})  # named values: Django's conversion
        assert cursor.fetchone() == (1,)
    assert base._qmark.cache_info().hits >= 1
