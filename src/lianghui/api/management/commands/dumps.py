import time

from django.core.management.base import BaseCommand, CommandError

from lianghui.api.bulk import dumps
from lianghui.proposals.models import Session


class Command(BaseCommand):
    help = "Bulk dumps (JSON Lines + CSV + manifest) under LIANGHUI_DUMPS_DIR."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="Build every dump, or one session's.")
        build.add_argument("--session", help="Only this session (its key).")
        sub.add_parser("list", help="List the dumps on disk.")

    def handle(self, *args, action, **options):
        if action == "list":
            for m in dumps.manifests():
                rows = sum(f["rows"] for f in m["files"] if f["format"] == "jsonl")
                self.stdout.write(f"{m['dump']}\t{rows} records\t{m['generated_at']}")
            return
        session = options.get("session")
        if session and not Session.objects.filter(key=session).exists():
            raise CommandError(f"No session {session!r}.")
        started = time.perf_counter()

        def progress(name):
            self.stderr.write(f"building {name} …")

        built = dumps.build_all(session=session, progress=progress)
        for m in built:
            rows = sum(f["rows"] for f in m["files"] if f["format"] == "jsonl")
            self.stdout.write(f"{m['dump']}\t{rows} records\t{len(m['files'])} files")
        self.stderr.write(
            f"{len(built)} dump(s) in {time.perf_counter() - started:.1f} s "
            f"under {dumps.dumps_dir()}"
        )
