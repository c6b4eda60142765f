"""`lianghui verify`: compare every derived store with the records."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lianghui.core import events, verify


class Command(BaseCommand):
    help = (
        "Compare the copies derived from the records (search index, stored similar-proposal"
        " lists, stored API documents, built bulk dumps) with the records, and list the drift"
        " by channel and record."
        " Exits with status 1 when there is drift (after --repair: when some is left)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Make the drifted copies current again."
        )
        parser.add_argument(
            "--channel",
            action="append",
            choices=sorted(verify.CHANNELS),
            help="Only this channel (repeatable).",
        )
        parser.add_argument(
            "--deliver",
            action="store_true",
            help="Deliver the recorded changes the worker has not yet delivered first"
            " (their jobs then run in the worker).",
        )

    def handle(self, *args, repair, channel, deliver, **options):
        if deliver:
            self.stdout.write(f"Delivered {events.deliver_all()} pending change rows.")
        pending = events.pending_count()
        if pending:
            self.stdout.write(
                f"{pending} recorded changes are waiting for the worker: drift of the"
                " records they name may be on its way out."
            )
        found = verify.run(channel)
        total = sum(len(d) for d in found.values())
        for name, drifts in found.items():
            for d in drifts:
                self.stdout.write(str(d))
            self.stdout.write(f"{name}: {len(drifts) or 'no'} drift")
        if not total:
            return
        if not repair:
            raise CommandError(f"{total} drifted copies; `lianghui verify --repair` fixes them.")
        done = verify.repair(found)
        for name, count in done.items():
            self.stdout.write(f"{name}: repaired {count}")
        left = verify.run(found)
        remaining = sum(len(d) for d in left.values())
        for drifts in left.values():
            for d in drifts:
                self.stdout.write(f"still: {d}")
        if remaining:
            raise CommandError(f"{remaining} drifted copies are left after the repair.")
        self.stdout.write("Repaired: no drift left.")
