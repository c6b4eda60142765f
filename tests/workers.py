"""The worker as tests run it: one pass over its pending work in this process
(``lianghui worker --batch``), under a name of the test's choosing, which the
leases and heartbeats record."""

from django.core.management import call_command


def run_worker(worker_id: str = "w-test") -> None:
    call_command(
        "worker",
        batch=True,
        interval=0,
        startup_delay=False,
        reload=False,
        verbosity=0,
        worker_id=worker_id,
    )
