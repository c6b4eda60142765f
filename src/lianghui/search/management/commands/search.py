"""`lianghui search reindex` rebuilds the index; `lianghui search similar` stores
the similar proposals of those without a list; `lianghui search query WORDS`
runs the same search as the page, from the command line; `lianghui search
proposals WORDS --topic ...` lists proposals as the proposal list does (pages
and API: the one proposal search, its filters derived from their declaration)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lianghui.proposals.filters import PROPOSAL_FILTERS
from lianghui.proposals.selectors import ProposalFilters, proposal_search
from lianghui.search import selectors, services, similar
from lianghui.search.filters import FLAG
from lianghui.search.registry import chunks


class Command(BaseCommand):
    help = "Search index: rebuild it, or run a search."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="Rebuild the whole index (one transaction).")
        reindex.add_argument("--no-progress", action="store_true")
        similar_lists = sub.add_parser(
            "similar",
            help="Find and store the similar proposals of the published proposals that have"
            " no list yet (after an import or a restore), or of every one (--all).",
        )
        similar_lists.add_argument("--all", action="store_true")
        similar_lists.add_argument("--no-progress", action="store_true")
        query = sub.add_parser("query", help="Search, as the search page does.")
        query.add_argument("words", nargs="*")
        query.add_argument("--type", default="")
        query.add_argument("--sort", default="")
        query.add_argument("--page", default="1")
        listed = sub.add_parser("proposals", help="List proposals, as the proposal list does.")
        listed.add_argument("words", nargs="*")
        listed.add_argument("--limit", type=int, default=20)
        for d in PROPOSAL_FILTERS:
            choices = ["0", "1"] if d.kind == FLAG else None
            listed.add_argument(f"--{d.name}", default="", choices=choices, help=str(d.label))

    def handle(self, *args, action, **options):
        if action == "reindex":
            return self.reindex(progress=not options["no_progress"])
        if action == "similar":
            return self.similar_lists(
                everything=options["all"], progress=not options["no_progress"]
            )
        if action == "query":
            return self.query(options)
        if action == "proposals":
            return self.proposals(options)
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

    def similar_lists(self, *, everything: bool, progress: bool) -> None:
        ids = similar.public_ids() if everything else similar.missing_ids()
        made = 0
        with tqdm(total=len(ids), unit=" proposals", disable=None if progress else True) as bar:
            for chunk in chunks(ids, similar.REFRESH_BATCH * 4):
                made += similar.refresh(ids=chunk)
                bar.update(len(chunk))
        self.stdout.write(f"Stored the similar proposals of {made} proposals")

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

    def proposals(self, options) -> None:
        values = {
            d.name: (
                {"1": True, "0": False}.get(options[d.name]) if d.kind == FLAG else options[d.name]
            )
            for d in PROPOSAL_FILTERS
        }
        found = proposal_search(query=" ".join(options["words"]), filters=ProposalFilters(**values))
        for p in found[: max(options["limit"], 0)]:
            self.stdout.write(f"{p.key}  {p.submitted_on or ''}  {p.title_zh or p.title_en}")
