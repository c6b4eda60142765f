"""lianghui commitments extract | refresh | evaluate [FILE ...]"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lianghui.commitments import extract, services


class Command(BaseCommand):
    help = "Find commitments in replies, refresh their outcomes, or measure the extractor."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("extract", help="Find commitments in every reply (keeps decided ones).")
        sub.add_parser("refresh", help="Recompute every outcome (kept, open, lapsed).")
        ev = sub.add_parser(
            "evaluate",
            help="Precision and recall on labelled JSON Lines files (default: the shipped sets).",
        )
        ev.add_argument("files", nargs="*")
        ev.add_argument("--json", action="store_true")

    def handle(self, *args, action, **options):
        if action == "extract":
            self.stdout.write(f"{services.commitments_extract_replies()} commitments found")
        elif action == "refresh":
            self.stdout.write(json.dumps(services.commitments_refresh(), sort_keys=True))
        else:
            files = [Path(f) for f in options["files"]] or [
                extract.LABELLED,
                extract.LABELLED.with_name("heldout.jsonl"),
            ]
            results = {}
            for f in files:
                if not f.is_file():
                    raise CommandError(f"{f}: no such file")
                results[f.name] = asdict(extract.evaluate(f))
            if options["json"]:
                self.stdout.write(json.dumps(results, indent=2, sort_keys=True))
                return
            for name, q in results.items():
                self.stdout.write(
                    f"{name}: {q['rows']} sentences, precision {q['precision']:.3f}, "
                    f"recall {q['recall']:.3f}, F1 {q['f1']:.3f}; due dates right "
                    f"{q['due_dates_right']}/{q['due_dates_labelled']}"
                )
