from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lianghui.demo.generator import DEMO_PASSWORD, Plan, demo_accounts, generate
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.exchange.mappings import MAPPINGS
from lianghui.proposals import vocabulary
from lianghui.proposals.models import Body, Proposal

SEED_FACTS = Path(__file__).resolve().parents[2] / "fixtures" / "seed_facts.jsonl"


class Command(BaseCommand):
    help = (
        "Build the demo database: the seed facts (cited from the source articles), then"
        " generated proposals shaped by published figures and driven through the workflow."
        " Safe to run again: seed facts are re-imported idempotently and years that already"
        " have generated proposals are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2022, help="Random seed (default 2022).")
        parser.add_argument(
            "--sessions",
            type=int,
            default=3,
            help="Years of sessions to generate, ending with --last-year.",
        )
        parser.add_argument("--last-year", type=int, default=2022)
        parser.add_argument(
            "--per-session",
            type=int,
            default=900,
            help="NPC suggestions per session (CPPCC gets 5/9 of it, the demo's assumption)."
            " Seed 000 reports 8,993 submissions to the 2022 sessions, NPC and CPPCC"
            " together; the default is about a tenth of that, to build in seconds.",
        )
        parser.add_argument(
            "--questions",
            type=int,
            default=240,
            help="Written questions generated for the second demo body, the written-questions"
            " chamber (0: leave that body out).",
        )
        parser.add_argument("--no-generated", action="store_true", help="Load the seed facts only.")
        parser.add_argument(
            "--no-train",
            action="store_true",
            help="Do not train the office's suggestion models on the generated handling.",
        )
        parser.add_argument(
            "--source-copies",
            metavar="DIR",
            help="A folder holding local copies of the seed articles (the files the sources"
            " name); they are copied to the site's folder of source copies and linked from"
            " every citation.",
        )
        parser.add_argument(
            "--laws",
            metavar="CSV",
            help="Also import PRC laws metadata (the laws-prc CSV mapping).",
        )

    def handle(self, *args, seed, sessions, last_year, per_session, no_generated, laws, **options):
        if sessions < 1 or per_session < 1:
            raise CommandError("--sessions and --per-session must be at least 1")
        if options.get("source_copies"):
            self._copy_sources(Path(options["source_copies"]))
        try:
            report = import_files([str(SEED_FACTS)], progress=False)
            self.stdout.write(f"Seed facts: {report.summary()}")
            if laws:
                name, records = MAPPINGS["laws-prc"](laws)
                report = import_files([], extra=iter([(name, records)]))
                self.stdout.write(f"Laws: {report.summary()}")
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        self._suggest_links()
        if no_generated:
            return
        generated = self._generate(seed, sessions, last_year, per_session, options)
        self._consultation()
        if options.get("questions", 240) > 0:
            generated += self._second_body(seed, options["questions"])
        self._index()
        if generated:
            self._highlights()
        if generated and not options.get("no_train"):
            self._train()
        for username, role, what in demo_accounts():
            self.stdout.write(f"Account {username} ({role}: {what}), password {DEMO_PASSWORD}")

    def _suggest_links(self) -> None:
        """Links from the seed proposals to the seed regulations, for the office to
        confirm or reject: suggested only, since no seed says which proposal led to
        which rule (so none is public until someone decides). Queued for the worker
        like the training (inline where jobs run inline)."""
        from django.tasks import default_task_backend

        from lianghui.laws.tasks import suggest_links

        result = suggest_links.using(priority=-40).enqueue(generated=False)
        if default_task_backend.supports_defer:
            self.stdout.write("Proposal-regulation links: queued for the worker")
        else:
            self.stdout.write(f"Proposal-regulation links suggested: {result.return_value}")

    def _copy_sources(self, folder: Path) -> None:
        import json
        import shutil

        from django.conf import settings

        if not folder.is_dir():
            raise CommandError(f"--source-copies: {folder} is not a folder")
        target = settings.LIANGHUI_SOURCE_COPIES
        target.mkdir(parents=True, exist_ok=True)
        copied = 0
        with SEED_FACTS.open(encoding="utf-8") as lines:
            for line in lines:
                rec = json.loads(line)
                name = rec.get("file", "") if rec.get("type") == "source" else ""
                if name and (folder / name).is_file():
                    shutil.copyfile(folder / name, target / name)
                    copied += 1
        self.stdout.write(f"Source copies: {copied} copied to {target}")

    def _generate(self, seed, sessions, last_year, per_session, options):
        years = list(range(last_year - sessions + 1, last_year + 1))
        done = set(
            Proposal.objects.filter(generated=True, session__year__in=years)
            .values_list("session__year", flat=True)
            .distinct()
        )
        todo = [y for y in years if y not in done]
        if done:
            self.stdout.write(f"Already generated, skipped: {', '.join(map(str, sorted(done)))}")
        if not todo:
            return 0
        total = len(todo) * (per_session + int(per_session * 5 / 9))
        bar = None
        if options.get("verbosity", 1) > 0:
            from tqdm import tqdm

            # disable=None: a bar on a terminal, silence in logs and pipes
            bar = tqdm(total=total, unit=" proposals", desc="generating", leave=False, disable=None)
        with transaction.atomic(), vocabulary.cached():
            outcome = generate(
                Plan(years=todo, per_session=per_session, seed=seed),
                progress=bar.update if bar else None,
            )
        if bar:
            bar.close()
        self.stdout.write(
            f"Generated {outcome.proposals} proposals for {', '.join(map(str, todo))}"
        )
        return outcome.proposals

    def _second_body(self, seed: int, count: int) -> int:
        """The generated written-questions chamber beside the Two Sessions: a body in
        English, answered in working days, with its own words (demo/questions.py)."""
        from lianghui.demo import questions

        if questions.exists():
            self.stdout.write("Written questions: already generated, skipped")
            return 0
        outcome = questions.generate(seed=seed, count=count)
        self.stdout.write(f"Written questions: generated {outcome.questions} questions")
        return outcome.questions

    def _consultation(self) -> None:
        from lianghui.demo.consultation import build

        written = build()
        if written:
            self.stdout.write(f"Consultation: {written} generated comments")

    def _index(self) -> None:
        """The search index, built here rather than left to the worker: one pass
        over the demo takes seconds, while the worker, catching up record by record
        through the change stream, takes about a minute, and the site is meant to be
        searchable once `make run` serves it. The worker still delivers the changes
        to the other derived copies (stored documents, dumps)."""
        from lianghui.search.services import rebuild

        written = rebuild()
        self.stdout.write(f"Search index: {sum(written.values())} documents")

    def _highlights(self) -> None:
        """Each session's highlights, generated and published as the office would
        after checking them (a demo has no one to check them; the page says they
        were chosen by rules). Commitments in replies are found by the worker as
        it delivers the replies' changes."""
        from lianghui.digests.services import digest_generate, digest_publish
        from lianghui.proposals.models import Session

        published = 0
        sessions = Session.objects.filter(proposals__published=True).exclude(
            digest__status="published"
        )  # a rerun leaves what was published (and perhaps edited) alone
        for session in sessions.distinct():
            digest = digest_generate(session=session)
            if digest.items.exists():
                digest_publish(digest=digest, actor=None)
                published += 1
        self.stdout.write(f"Session highlights: {published} published")

    def _train(self) -> None:
        """Models learnt from the generated assignments and topics, so the office's
        agency suggestions work (without one they fall back to matching agencies'
        remits, which the demo's citation-style remits serve poorly). Training is
        queued for the worker, so the site serves while it runs (inline where jobs
        run inline). Retrain on real data with `lianghui insights train --from-db`."""
        from django.tasks import default_task_backend

        from lianghui.demo import questions
        from lianghui.demo.tasks import record_office_decisions
        from lianghui.insights.tasks import train_suggestion_models

        # The written-questions chamber is left untrained on purpose: its office sees
        # agencies suggested from their remits, as a newly added body would.
        for body in Body.objects.filter(suggestions_enabled=True).exclude(key=questions.BODY):
            # After the index and documents: the site is searchable first.
            result = train_suggestion_models.using(priority=-50).enqueue(body.key)
            if default_task_backend.supports_defer:  # a queue: the worker trains
                self.stdout.write(f"Suggestion models for {body.key}: queued for the worker")
            else:
                self.stdout.write(f"Suggestion models for {body.key}: {result.return_value}")
            # Then the office's decisions on them, for the register of algorithms.
            decided = record_office_decisions.using(priority=-60).enqueue(body.key)
            if not default_task_backend.supports_defer:
                self.stdout.write(f"Office decisions for {body.key}: {decided.return_value}")
