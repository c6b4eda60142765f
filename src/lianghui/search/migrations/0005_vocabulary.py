"""SQLite: FTS5's vocabulary table over the full-text index, so how many documents
hold a word is one lookup (similar proposals weigh words by how rare they are).
PostgreSQL reads the same from the planner's statistics and needs nothing here."""

from importlib import import_module

from django.db import migrations

VendorSQL = import_module("lianghui.search.migrations.0002_fulltext").VendorSQL


class Migration(migrations.Migration):
    dependencies = [("search", "0004_newest_first_index")]

    operations = [
        VendorSQL(
            "sqlite",
            ["CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')"],
            ["DROP TABLE IF EXISTS search_fts_vocab"],
        )
    ]
