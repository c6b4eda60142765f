"""PostgreSQL: an index in the order "newest first" reads (date DESC NULLS LAST,
id DESC), so a capped date-ordered search walks it and stops after a page. The
(date, id) index already serves "oldest first" (ASC puts NULLs last), and SQLite
puts NULLs first in ASC, so (date, id) read backwards serves it both ways."""

from importlib import import_module

from django.db import migrations

VendorSQL = import_module("lianghui.search.migrations.0002_fulltext").VendorSQL


class Migration(migrations.Migration):
    dependencies = [("search", "0003_filter_tokens")]

    operations = [
        VendorSQL(
            "postgresql",
            [
                "CREATE INDEX search_document_newest ON search_searchdocument"
                " (date DESC NULLS LAST, id DESC)"
            ],
            ["DROP INDEX IF EXISTS search_document_newest"],
        )
    ]
