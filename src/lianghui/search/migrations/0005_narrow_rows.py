"""PostgreSQL: keep the index table's rows narrow.

A search reads the row of every candidate it weighs (its date and filter tokens)
and a bitmap of matches visits every matching row: with the snippet texts and
token strings in line, rows were about 1.6 KB and the 150,000-proposal table
(420 MB) did not fit the server's cache. With ``toast_tuple_target`` at its
least, long values move to the TOAST table, read only for the page's rows, and
rows shrink to about a third; the filter tokens stay in line (read for every
candidate). Rows written before this keep their layout until they are written
again: `lianghui search reindex` rewrites them all.
"""

from importlib import import_module

from django.db import migrations

VendorSQL = import_module("lianghui.search.migrations.0002_fulltext").VendorSQL

TABLE = "search_searchdocument"


class Migration(migrations.Migration):
    dependencies = [("search", "0004_newest_first_index")]

    operations = [
        VendorSQL(
            "postgresql",
            [
                f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)",
                f"ALTER TABLE {TABLE} ALTER COLUMN filter_tokens SET STORAGE MAIN",
            ],
            [
                f"ALTER TABLE {TABLE} RESET (toast_tuple_target)",
                f"ALTER TABLE {TABLE} ALTER COLUMN filter_tokens SET STORAGE EXTENDED",
            ],
        )
    ]
