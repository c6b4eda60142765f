import time

from django.core.management.base import BaseCommand

from lianghui.api.read import public


class Command(BaseCommand):
    help = "The API's stored public documents of proposals."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        documents = sub.add_parser(
            "documents",
            help="Render the stored documents of public proposals that have none"
            " (after a migration or a restore), or with --all every one.",
        )
        documents.add_argument("--all", action="store_true", help="Render every one again.")

    def handle(self, *args, action, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"  {done} of {total} …")

        written = public.render_all(missing_only=not options["all"], progress=progress)
        self.stdout.write(
            f"{written} document(s) rendered in {time.perf_counter() - started:.1f} s"
        )
