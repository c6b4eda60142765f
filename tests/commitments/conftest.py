import pytest

from lianghui.exchange.importer import import_files
from tests.conftest import FIXTURES


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes inside run their after-commit work (the change stream's delivery,
    which reads replies for commitments), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def small_world(db, committed):
    """The small world, imported as a commit: the change stream flushes what a
    transaction reported only when it commits, so every later write must come
    after a real (here: captured) commit to be delivered."""
    from lianghui.commitments.tasks import connect

    connect()  # another test may have cleared core.events' subscribers
    with committed():
        return import_files([str(FIXTURES / "small_world.jsonl")])
