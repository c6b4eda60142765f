"""Filters become words of the full-text index (see filtertokens.py).

SQLite: the FTS5 table gains a third column, ``filter_tokens``.
PostgreSQL: the generated tsvector takes the filter tokens with weight D.
Existing documents get their tokens from their columns and tags here, so the
index works at once, without a `lianghui search reindex`.
"""

from collections import defaultdict
from importlib import import_module

from django.db import migrations, models

from lianghui.search import filtertokens

VendorSQL = import_module("lianghui.search.migrations.0002_fulltext").VendorSQL
OLD = import_module("lianghui.search.migrations.0002_fulltext")

COLUMNS = ["id", "doc_type", "body", "session", "year", "proposal_kind", "status", "is_key"]
COLUMNS += ["generated"]


def fill(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cur:
        cur.execute("SELECT document_id, facet, value FROM search_searchtag ORDER BY id")
        tags = defaultdict(list)
        for doc, facet, value in cur.fetchall():
            tags[doc].append((facet, value))
        cur.execute(f"SELECT {', '.join(COLUMNS)} FROM search_searchdocument")
        rows = cur.fetchall()
        updates = []
        for row in rows:
            fields = dict(zip(COLUMNS, row, strict=True))
            updates.append((filtertokens.for_document(fields, tags.get(fields["id"], [])), row[0]))
        cur.executemany(
            "UPDATE search_searchdocument SET filter_tokens = %s WHERE id = %s", updates
        )


SQLITE_DROP = OLD.SQLITE_REVERSE
SQLITE_TRIGGERS = [
    "CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(rowid, title_tokens, text_tokens, filter_tokens)"
    " VALUES (new.id, new.title_tokens, new.text_tokens, new.filter_tokens); END",
    "CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title_tokens, text_tokens, filter_tokens)"
    " VALUES ('delete', old.id, old.title_tokens, old.text_tokens, old.filter_tokens); END",
    "CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title_tokens, text_tokens, filter_tokens)"
    " VALUES ('delete', old.id, old.title_tokens, old.text_tokens, old.filter_tokens);"
    " INSERT INTO search_fts(rowid, title_tokens, text_tokens, filter_tokens)"
    " VALUES (new.id, new.title_tokens, new.text_tokens, new.filter_tokens); END",
]
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_tokens, text_tokens, filter_tokens,"
    " content='search_searchdocument', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0')",
    *SQLITE_TRIGGERS,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]

POSTGRES_DROP = OLD.POSTGRES_REVERSE
POSTGRES_CREATE = [
    "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, text_tokens), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, filter_tokens), 'D')) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (vector)",
    "ANALYZE search_searchdocument",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [
        VendorSQL("sqlite", SQLITE_DROP, OLD.SQLITE),
        VendorSQL("postgresql", POSTGRES_DROP, OLD.POSTGRES),
        migrations.AddField(
            model_name="searchdocument",
            name="filter_tokens",
            field=models.TextField(
                blank=True,
                default="",
                help_text="Every filter value as an index word (see filtertokens.py).",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        VendorSQL("sqlite", SQLITE_CREATE, SQLITE_DROP),
        VendorSQL("postgresql", POSTGRES_CREATE, POSTGRES_DROP),
    ]
