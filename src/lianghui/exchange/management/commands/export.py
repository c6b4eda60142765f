import sys

from django.core.management.base import BaseCommand, CommandError

from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.tabular import export_csv, export_xlsx


class Command(BaseCommand):
    help = (
        "Export every record. jsonl: one file ('-' for standard output), the canonical format;"
        " csv: a directory with one file per table; xlsx: one workbook, a sheet per table."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="jsonl")
        parser.add_argument("--output", required=True, metavar="PATH")

    def handle(self, *args, format, output, **options):
        try:
            if format == "jsonl":
                if output == "-":
                    n = export_jsonl(sys.stdout)
                else:
                    with open(output, "w", encoding="utf-8", newline="\n") as out:
                        n = export_jsonl(out)
                summary = f"{n} records"
            else:
                counts = export_csv(output) if format == "csv" else export_xlsx(output)
                summary = ", ".join(f"{n} {t}" for t, n in counts.items() if n)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror}") from None
        if output != "-":
            self.stdout.write(f"Exported {summary} to {output}")
