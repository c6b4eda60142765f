"""`lianghui search reindex` rebuilds the index; `lianghui search query WORDS`
runs the same search as the page, from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lianghui.search import selectors, services


class Command(BaseCommand):
    help = "Search index: rebuild it, or run a search."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="Rebuild the whole index (one transaction).")
        reindex.add_argument("--no-progress", action="store_true")
        query = sub.add_parser("query", help="Search, as the search page does.")
        query.add_argument("words", nargs="*")
        query.add_argument("--type", default="")
        query.add_argument("--sort", default="")
        query.add_argument("--page", default="1")

    def handle(self, *args, action, **options):
        if action == "reindex":
            return self.reindex(progress=not options["no_progress"])
        if action == "query":
            return self.query(options)
        raise CommandError(f"unknown action {action}")

    def reindex(self, *, progress: bool) -> None:
        bars: dict[str, tqdm] = {}

        def report(label: str, done: int, total: int) -> None:
            if not progress:
                return
            bar = bars.get(label)
            if bar is None:
                bar = bars[label] = tqdm(total=total, desc=label, unit=" records", disable=None)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        written = services.rebuild(progress=report)
        self.stdout.write(
            "Indexed " + ", ".join(f"{n} documents from {label}" for label, n in written.items())
        )

    def query(self, options) -> None:
        results = selectors.search(
            query=" ".join(options["words"]),
            filters=selectors.SearchFilters(type=options["type"]),
            page=options["page"],
            sort=options["sort"],
            with_facets=False,
        )
        for message in results.messages:
            self.stderr.write(message)
        self.stdout.write(f"{results.total} results")
        for hit in results.hits:
            self.stdout.write(
                f"{hit.doc.doc_type:12} {hit.url}  {hit.doc.title_zh or hit.doc.title_en}"
            )
