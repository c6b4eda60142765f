"""PostgreSQL: phrases become index lookups.

The GIN index holds no positions, so a phrase of common words ("digital
economy") was checked on the positions of every row holding both words (99,000
rows for 10,000 matches on the 150,000-proposal benchmark). Each document now
also carries a word per two tokens side by side (``pair_tokens``, see
text.pair_token), in the tsvector without positions: a two-token phrase is one
lookup, a longer one is checked only in the rows holding all its pairs.
Existing documents get their pairs here. SQLite's FTS5 keeps positions: the
column stays empty there (its full-text table and triggers are made again
around the new column, which SQLite adds by copying the table).
"""

from importlib import import_module

from django.db import migrations, models

from lianghui.search.text import pair_tokens

VendorSQL = import_module("lianghui.search.migrations.0002_fulltext").VendorSQL
BEFORE = import_module("lianghui.search.migrations.0003_filter_tokens")

TABLE = "search_searchdocument"
BATCH = 2000


def fill(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as read, conn.cursor() as write:
        read.execute(f"SELECT id, title_tokens, text_tokens FROM {TABLE} ORDER BY id")
        while rows := read.fetchmany(BATCH):
            write.executemany(
                f"UPDATE {TABLE} SET pair_tokens = %s WHERE id = %s",
                [(pair_tokens(title, text), pk) for pk, title, text in rows],
            )


POSTGRES_CREATE = [
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, text_tokens), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, filter_tokens), 'D') || "
    "array_to_tsvector(string_to_array(pair_tokens, ' '))) STORED",
    f"CREATE INDEX search_document_vector ON {TABLE} USING gin (vector)",
    f"ANALYZE {TABLE}",
]
POSTGRES_DROP = BEFORE.POSTGRES_DROP


class Migration(migrations.Migration):
    dependencies = [("search", "0005_narrow_rows")]

    operations = [
        VendorSQL("sqlite", BEFORE.SQLITE_DROP, BEFORE.SQLITE_CREATE),
        VendorSQL("postgresql", POSTGRES_DROP, BEFORE.POSTGRES_CREATE),
        migrations.AddField(
            model_name="searchdocument",
            name="pair_tokens",
            field=models.TextField(
                blank=True,
                default="",
                help_text="PostgreSQL: a word for each two tokens side by side, for phrases.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        VendorSQL("sqlite", BEFORE.SQLITE_CREATE, BEFORE.SQLITE_DROP),
        VendorSQL("postgresql", POSTGRES_CREATE, POSTGRES_DROP),
    ]
