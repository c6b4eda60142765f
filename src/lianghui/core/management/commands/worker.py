from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from lianghui.core.schedule import Scheduler


class Command(DatabaseWorker):
    help = (
        "Run background jobs (reminders, digests, dumps) from the database queue, and"
        " enqueue the daily ones when their hour comes. Needs no other server."
    )

    def handle(self, *args, **options):
        Scheduler().start()
        return super().handle(*args, **options)
