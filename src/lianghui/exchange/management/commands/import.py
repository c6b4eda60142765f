from django.core.management.base import BaseCommand, CommandError

from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.exchange.mappings import MAPPINGS


class Command(BaseCommand):
    help = (
        "Import JSON Lines files (docs/data-format.md), or CSV files through a named mapping."
        " All-or-nothing: any error and nothing is written. Re-importing changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--mapping",
            choices=sorted(MAPPINGS),
            help="Read the files as CSV through this mapping instead of JSON Lines.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, files, mapping=None, no_progress=False, **options):
        progress = not no_progress and options.get("verbosity", 1) > 0
        try:
            if mapping:
                streams = [MAPPINGS[mapping](path) for path in files]
                report = import_files([], progress=False, extra=iter(streams))
            else:
                report = import_files(files, progress=progress)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Imported: {report.summary()}")
